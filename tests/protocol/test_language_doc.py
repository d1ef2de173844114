"""Every ```choreo block of docs/protocol-language.md is checked: `// ok` or `// refused: X`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aura_kit.protocol import errors
from aura_kit.protocol.parser import parse_protocol
from aura_kit.protocol.projection import project_all

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol-language.md"
BLOCKS = re.findall(r"^```choreo\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def test_doc_has_blocks() -> None:
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize("block", BLOCKS)
def test_block(block: str) -> None:
    mark = block.splitlines()[0].strip()
    if mark == "// ok":
        project_all(parse_protocol(block))
        return
    found = re.fullmatch(r"// refused: (\w+)", mark)
    assert found, f"unmarked choreo block: {mark!r}"
    with pytest.raises(getattr(errors, found.group(1))):
        project_all(parse_protocol(block))


def test_doc_payload_sorts_example_checks_as_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The payload tuples and user sorts example gives the `aura-kit check` output shown."""
    from aura_kit.cli import main

    section = DOC.read_text(encoding="utf-8").split("### Payload tuples and user sorts", 1)[1]
    source = section.split("```choreo\n", 1)[1].split("```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "checkout.choreo").write_text(source)
    assert main(["check", str(tmp_path / "checkout.choreo")]) == 0
    assert capsys.readouterr().out == shown


def test_doc_restart_branch_example_checks_as_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The loop-restarting branch example gives the `aura-kit check` output and error shown."""
    from aura_kit.cli import main

    section = DOC.read_text(encoding="utf-8").split("### A branch that restarts its loop", 1)[1]
    sources = [s.split("```", 1)[0] for s in section.split("```choreo\n")[1:3]]
    shown = [s.split("```", 1)[0] for s in section.split("```text\n")[1:3]]
    (tmp_path / "retry.choreo").write_text(sources[0])
    assert main(["check", str(tmp_path / "retry.choreo")]) == 0
    assert capsys.readouterr().out == shown[0]
    with pytest.raises(errors.ProtocolDefinitionError) as info:
        parse_protocol(sources[1], source="retry.choreo")
    assert f"ProtocolDefinitionError: {info.value}\n" == shown[1]
