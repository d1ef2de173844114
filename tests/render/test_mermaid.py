"""Mermaid sequence diagrams of protocols: exact text, and aura-kit render --out x.mmd."""

from __future__ import annotations

from pathlib import Path

import pytest

from aura_kit.cli import main
from aura_kit.protocol import load_protocol, parse_protocol
from aura_kit.render import sequence_mermaid
from aura_kit.view import protocol_sequence_view
from tests.protocol.test_nondirected_choice import FORK

STREAM = """protocol Stream(A, B) {
  rec Loop {
    choice at A {
      A -> B: more(int)
      continue Loop
    } or {
      A -> B: stop
    }
  }
  B -> A: total(int)
}
"""


def test_mermaid_sequence_exact_text() -> None:
    """A loop, a choice, a continue and payloads give this exact Mermaid text."""
    text = sequence_mermaid(protocol_sequence_view(parse_protocol(STREAM)))
    assert text == (
        "sequenceDiagram\n"
        "    title protocol Stream\n"
        "    participant A\n"
        "    participant B\n"
        "    loop rec Loop\n"
        "        alt choice at A\n"
        "            A->>B: more(int)\n"
        "            Note over A,B: continue Loop\n"
        "        else\n"
        "            A->>B: stop\n"
        "            B->>A: total(int)\n"
        "        end\n"
        "    end\n"
    )


def test_mermaid_truncated_view_says_so() -> None:
    """A view cut at its row limit ends with a note that it was truncated."""
    view = protocol_sequence_view(load_protocol("TwoBuyer"), limit=3)
    assert view.truncated
    assert sequence_mermaid(view).endswith("    Note over Buyer1,Seller: truncated\n")


def test_mermaid_cli_writes_mmd(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """render --out x.mmd writes the Mermaid text of the protocol's sequence diagram."""
    out = tmp_path / "two_buyer.mmd"
    assert main(["render", "TwoBuyer", "--out", str(out)]) == 0
    expected = sequence_mermaid(protocol_sequence_view(load_protocol("TwoBuyer")))
    assert out.read_text(encoding="utf-8") == expected
    assert capsys.readouterr().out.strip() == str(out)


def test_mermaid_cli_refuses_other_kinds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .mmd output with --kind automata is refused and nothing is written."""
    out = tmp_path / "a.mmd"
    assert main(["render", "TwoBuyer", "--kind", "automata", "--out", str(out)]) == 1
    assert "sequence diagram only" in capsys.readouterr().err
    assert not out.exists()


def test_mermaid_nondirected_choice_draws_each_branch_to_its_receiver() -> None:
    """A choice whose branches go to B and to C draws A->>B in one and A->>C in the other."""
    text = sequence_mermaid(protocol_sequence_view(parse_protocol(FORK)))
    assert text == (
        "sequenceDiagram\n"
        "    title protocol Fork\n"
        "    participant A\n"
        "    participant B\n"
        "    participant C\n"
        "    alt choice at A\n"
        "        A->>B: Left(int)\n"
        "        A->>C: Tell\n"
        "    else\n"
        "        A->>C: Right(str)\n"
        "        A->>B: Tell2\n"
        "    end\n"
    )
