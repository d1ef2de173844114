"""The aura-kit render command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aura_kit.cli import main
from tests.conftest import BUNDLED
from tests.view.samples import TWO_BUYER


def test_cli_render_protocol_to_dot(tmp_path: Path) -> None:
    """A .choreo file draws its sequence diagram by default."""
    src = tmp_path / "two.choreo"
    src.write_text(TWO_BUYER)
    assert main(["render", str(src), "--out", str(tmp_path / "out.dot")]) == 0
    assert "choice at Buyer2" in (tmp_path / "out.dot").read_text()


def test_cli_render_automata_kind(tmp_path: Path) -> None:
    """--kind automata draws every role's automaton."""
    src = tmp_path / "two.choreo"
    src.write_text(TWO_BUYER)
    assert main(["render", str(src), "--kind", "automata", "--out", str(tmp_path / "a.txt")]) == 0
    assert "Seller: Buyer1?Title(str)" in (tmp_path / "a.txt").read_text()


def test_cli_render_scenario_ownership(tmp_path: Path) -> None:
    """A scenario runs headless and its ownership graph is drawn."""
    scenario = {
        "name": "two-buyer-render",
        "protocol": str(BUNDLED / "protocols" / "two_buyer.choreo"),
        "authorities": {"alice": "Buyer1", "bob": "Buyer2", "shop": "Seller"},
        "session_id": "3f2a9c01-7b7e-4d1c-9a56-0123456789ab",
        "steps": [
            {"do": "open"},
            {"do": "queue", "role": "Buyer1", "payloads": ["Dune", 20]},
            {"do": "queue", "role": "Seller", "payloads": [40, 40, "May 1"]},
            {"do": "queue", "role": "Buyer2", "payloads": ["addr"], "choices": ["Accept"]},
            {"do": "run"},
        ],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario))
    assert main(["render", str(path), "--out", str(tmp_path / "o.txt")]) == 0
    text = (tmp_path / "o.txt").read_text()
    assert "authority alice" in text and "authority shop" in text


def test_cli_render_bad_file_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken protocol exits 1 with the error on stderr and writes nothing."""
    src = tmp_path / "bad.choreo"
    src.write_text("protocol X(A) { A -> A: Hi }")
    assert main(["render", str(src), "--out", str(tmp_path / "o.dot")]) == 1
    assert capsys.readouterr().err
    assert not (tmp_path / "o.dot").exists()
