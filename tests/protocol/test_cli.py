"""Tests of the 'aura-kit check' and 'aura-kit project' commands."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from aura_kit.cli import main
from tests.conftest import BUNDLED, DATA, ROOT

GOOD = BUNDLED / "protocols"
BAD = GOOD / "bad"


def test_cli_check_prints_each_role(capsys: pytest.CaptureFixture[str]) -> None:
    """check prints role, state count and local type, and exits 0."""
    assert main(["check", str(GOOD / "two_buyer.choreo")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "protocol TwoBuyer: ok (3 roles, full merge)"
    assert out[1].split()[:3] == ["Buyer1", "4", "states"]
    assert out[2].endswith("Seller!{Accept(str).Seller?Date(str).end, Reject.end}")


def test_cli_check_reports_place_and_class(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad file prints file:line:col: error: ErrorClass: message on stderr and exits 1."""
    path = BAD / "undeclared_role.choreo"
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().startswith(
        f"{path}:3:13: error: ProtocolDefinitionError: undeclared role 'Proxy'"
    )


def test_cli_check_plain_merge_refuses_streaming(capsys: pytest.CaptureFixture[str]) -> None:
    """--merge plain turns the streaming bystander into a ProjectionError."""
    assert main(["check", "--merge", "plain", str(GOOD / "streaming.choreo")]) == 1
    assert ": ProjectionError: cannot project onto 'Monitor'" in capsys.readouterr().err


def test_cli_check_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A missing file is reported on stderr with exit code 1."""
    assert main(["check", str(tmp_path / "none.choreo")]) == 1
    assert "none.choreo: error:" in capsys.readouterr().err


def test_cli_project_prints_golden_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """project prints 'Role: type' lines equal to the golden file (sorted there)."""
    assert main(["project", str(GOOD / "ring_choice.choreo")]) == 0
    lines = capsys.readouterr().out.splitlines()
    golden = (DATA / "golden" / "projections" / "ring_choice.txt").read_text().splitlines()
    assert sorted(lines) == golden


def test_cli_project_one_role_and_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    """--role keeps one line; an unknown role exits 1."""
    assert main(["project", str(GOOD / "adder.choreo"), "--role", "Server"]) == 0
    assert capsys.readouterr().out.startswith("Server: rec Loop.Client?{")
    assert main(["project", str(GOOD / "adder.choreo"), "--role", "Nobody"]) == 1
    assert "unknown role 'Nobody'" in capsys.readouterr().err


def test_cli_console_script_runs() -> None:
    """The installed aura-kit script checks a file in a subprocess."""
    script = Path(sys.executable).parent / "aura-kit"
    if not script.exists():
        script = ROOT / ".venv" / "bin" / "aura-kit"
    result = subprocess.run(
        [str(script), "check", str(GOOD / "ping_pong.choreo")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "protocol PingPong: ok" in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["project"],
        ["render", "--kind", "automata", "--out", "{out}"],
        ["render", "--kind", "states", "--out", "{out}"],
    ],
    ids=["check", "project", "render-automata", "render-states"],
)
def test_cli_projection_error_location_reported_once(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every command that projects prints file:line:col of the choice once, as check does."""
    path = BAD / "inner_loop_jumps_out.choreo"
    args = [a.format(out=tmp_path / "out.txt") for a in argv]
    assert main([args[0], str(path), *args[1:]]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}:7:7: error: ProjectionError: cannot project onto 'C'")
    assert err.count(str(path)) == 1 and len(err.splitlines()) == 1


def test_cli_check_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """``check -`` reads the protocol from standard input."""
    text = (GOOD / "ping_pong.choreo").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    assert main(["check", "-"]) == 0
    assert capsys.readouterr().out.startswith("protocol PingPong: ok")


def test_cli_project_reads_standard_input_in_a_subprocess() -> None:
    """``project -`` in a real process reads the pipe and prints one line per role."""
    result = subprocess.run(
        [sys.executable, "-m", "aura_kit.cli", "project", "-", "--role", "Server"],
        input=(GOOD / "adder.choreo").read_text(),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Server: rec Loop.Client?{")


def test_cli_every_command_help_has_examples(capsys) -> None:
    """Each ``COMMAND --help`` exits 0 and ends with examples of that command."""
    from aura_kit.cli import COMMANDS

    for command in COMMANDS:
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: aura-kit {command}")
        assert f"examples:\n  aura-kit {command}" in out
