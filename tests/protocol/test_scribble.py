"""Scribble / nuScr import and export: the corpus in tests/data/scribble, round trips, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given

import aura_kit.protocol as protocol
from aura_kit.cli import main
from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    GlobalType,
    Mu,
    Protocol,
    ProtocolDefinitionError,
    ProtocolError,
    ProtocolSyntaxError,
    Sort,
    UnsupportedConstructError,
    check_protocol,
    format_local,
    format_protocol,
    load_protocol,
    load_protocols,
    parse_protocol,
    parse_protocols,
    project_all,
)
from aura_kit.protocol.scribble import SCRIBBLE_KEYWORDS
from tests.conftest import BUNDLED, ROOT
from tests.strategies import protocols

CORPUS = ROOT / "tests" / "data" / "scribble"
GOOD = CORPUS / "good"
BAD = CORPUS / "bad"
GOOD_EXPECTED = json.loads((GOOD / "EXPECTED.json").read_text())
BAD_EXPECTED = json.loads((BAD / "EXPECTED.json").read_text())


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".scr", ".nuscr"))


def _projections(p: Protocol) -> dict[str, str]:
    return {role: format_local(local) for role, local in project_all(p).items()}


def _all_labels(g: GlobalType) -> set[str]:
    found: set[str] = set()
    stack = [g]
    while stack:
        node = stack.pop()
        if isinstance(node, Mu):
            stack.append(node.body)  # type: ignore[arg-type]
        elif isinstance(node, Comm):
            found.update(b.label for b in node.branches)
            stack.extend(b.cont for b in node.branches)  # type: ignore[misc]
    return found


def test_scribble_corpus_every_file_has_an_expectation() -> None:
    """Both EXPECTED.json files list exactly the Scribble files of their folder."""
    assert sorted(GOOD_EXPECTED) == _files(GOOD)
    assert sorted(BAD_EXPECTED) == _files(BAD)


@pytest.mark.parametrize("name", sorted(GOOD_EXPECTED))
def test_scribble_corpus_projects_as_expected(name: str) -> None:
    """Each good file loads, checks, and projects onto the local types reasoned by hand."""
    found = {p.name: p for p in load_protocols(GOOD / name)}
    assert sorted(found) == sorted(GOOD_EXPECTED[name])
    for proto_name, expected in GOOD_EXPECTED[name].items():
        check_protocol(found[proto_name])
        assert _projections(found[proto_name]) == expected


@pytest.mark.parametrize("name", sorted(BAD_EXPECTED))
def test_scribble_corpus_refuses_as_recorded(name: str) -> None:
    """Each bad file is refused with the recorded class, place and message."""
    expected = BAD_EXPECTED[name]
    with pytest.raises(ProtocolError) as info:
        load_protocols(BAD / name)
    error = info.value
    assert type(error) is getattr(protocol, expected["error"])
    assert (error.line, error.column) == (expected["line"], expected["column"])
    assert error.message == expected["message"]
    assert error.source == str(BAD / name)


def test_scribble_unsupported_construct_is_named_as_attribute() -> None:
    """A refused construct is kept on the error and the error is a syntax error."""
    with pytest.raises(UnsupportedConstructError) as info:
        parse_protocols("global protocol P(role A, role B) { connect A to B; }", syntax="scribble")
    assert info.value.construct == "explicit 'connect'"
    assert isinstance(info.value, ProtocolSyntaxError)
    assert (info.value.line, info.value.column) == (1, 37)


def test_scribble_aux_protocols_are_expanded_not_returned() -> None:
    """An aux protocol is expanded where it is called and is not in the result."""
    names = [p.name for p in load_protocols(GOOD / "do.scr")]
    assert names == ["Swap"]


def test_scribble_recursive_do_becomes_a_rec() -> None:
    """A self-call in tail position is a loop, equal to the same loop written with rec."""
    text = """
    global protocol Ping(role A, role B) {
      choice at A { ping() from A to B; do Ping(A, B); } or { quit() from A to B; }
    }
    """
    written = """
    global protocol Ping(role A, role B) {
      rec Ping { choice at A { ping() from A to B; continue Ping; } or { quit() from A to B; } }
    }
    """
    (by_do,) = parse_protocols(text, syntax="scribble")
    (by_rec,) = parse_protocols(written, syntax="scribble")
    assert by_do.global_type == by_rec.global_type


def test_scribble_do_substitutes_roles() -> None:
    """Calling a subprotocol with roles swapped swaps its senders and receivers."""
    (swap,) = load_protocols(GOOD / "do.scr")
    g = swap.global_type
    senders = []
    while isinstance(g, Comm):
        senders.append(g.sender)
        g = g.branches[0].cont  # type: ignore[assignment]
    assert senders == ["P", "Q", "Q", "P"]


def test_scribble_load_protocol_reads_by_suffix() -> None:
    """load_protocol reads a .scr file as Scribble and wants exactly one protocol."""
    assert load_protocol(GOOD / "rec.scr").name == "Stream"
    with pytest.raises(ProtocolSyntaxError, match="found 2 protocols"):
        load_protocol(GOOD / "do_rec.nuscr")


def test_scribble_unknown_syntax_is_refused() -> None:
    """An unknown syntax name is a typed error, not a silent default."""
    with pytest.raises(ProtocolSyntaxError, match="unknown syntax 'yaml'"):
        parse_protocols("", syntax="yaml")


@pytest.mark.parametrize("name", sorted(GOOD_EXPECTED))
def test_scribble_round_trip_through_choreo(name: str) -> None:
    """Import, write as .choreo, read back: the same global type and roles."""
    for p in load_protocols(GOOD / name):
        again = parse_protocol(format_protocol(p))
        assert (again.global_type, again.roles) == (p.global_type, p.roles)


@pytest.mark.parametrize("path", sorted((BUNDLED / "protocols").glob("*.choreo")), ids=str)
def test_scribble_round_trip_from_bundled_choreo(path: Path) -> None:
    """Every bundled protocol written as Scribble imports back to an equal protocol."""
    for p in load_protocols(path):
        (again,) = parse_protocols(format_protocol(p, syntax="scribble"), syntax="scribble")
        assert (again.name, again.roles, again.global_type) == (p.name, p.roles, p.global_type)


@given(protocols())
def test_scribble_round_trip_property(p: Protocol) -> None:
    """Any well-formed protocol without Scribble-keyword labels survives Scribble and back."""
    assume(not _all_labels(p.global_type) & SCRIBBLE_KEYWORDS)
    text = format_protocol(p, syntax="scribble")
    (again,) = parse_protocols(text, syntax="scribble")
    assert (again.roles, again.global_type) == (p.roles, p.global_type)


def test_scribble_export_refuses_a_keyword_label() -> None:
    """A label Scribble reserves cannot be written; the error names it."""
    g = Comm("A", "B", (Branch("rec", Sort.UNIT, End()),))
    p = Protocol(name="K", roles=("A", "B"), global_type=g)
    with pytest.raises(ProtocolDefinitionError, match="label 'rec' is a Scribble keyword"):
        format_protocol(p, syntax="scribble")


def test_scribble_cli_check_and_project_accept_scr(capsys: pytest.CaptureFixture[str]) -> None:
    """aura-kit check and project read a .scr file by its extension."""
    assert main(["check", str(GOOD / "choice.scr")]) == 0
    assert capsys.readouterr().out.startswith("protocol Vote: ok (3 roles, full merge)")
    assert main(["project", str(GOOD / "rec.scr")]) == 0
    assert "rec Loop.Dst!{more(int).Loop, stop.Dst?total(int).end}" in capsys.readouterr().out


def test_scribble_cli_reports_place_of_a_refused_construct(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A refused construct prints PATH:LINE:COL: error: with the construct named."""
    path = BAD / "par.scr"
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}:2:3: error: UnsupportedConstructError: ")
    assert "parallel composition 'par'" in err


def test_scribble_doc_example_checks_as_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Scribble example in docs/protocol-language.md gives the output printed after it."""
    doc = (ROOT / "docs" / "protocol-language.md").read_text()
    section = doc.split("```scribble\n", 1)[1]
    source, rest = section.split("```\n", 1)
    shown = rest.split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "shop.scr").write_text(source)
    assert main(["check", str(tmp_path / "shop.scr")]) == 0
    assert capsys.readouterr().out == shown
