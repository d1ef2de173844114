"""Tests of well_formed, check_protocol and roles."""

from __future__ import annotations

import pytest

from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    Mu,
    ProjectionError,
    Protocol,
    ProtocolDefinitionError,
    Sort,
    Var,
    check_protocol,
    is_guarded,
    load_protocol,
    parse_local,
    well_formed,
    well_formed_local,
)
from tests.conftest import BUNDLED

U = Sort.UNIT


def one(p: str, q: str, label: str, cont: object = End()) -> Comm:
    """A one-branch message."""
    return Comm(p, q, (Branch(label, U, cont),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "g",
    [
        one("A", "A", "X"),
        Var("X"),
        Mu("X", Var("X")),
        Mu("X", Mu("Y", Var("X"))),
        Comm("A", "B", ()),
        Comm("A", "B", (Branch("L", U, End()), Branch("L", Sort.INT, End()))),
        one("A", "B", "bad label"),
        one("A", "end", "X"),
        Comm("A", "B", (Branch("L", U, one("A", "C", "Z")), Branch("R", U, End()))),
    ],
)
def test_wellformed_rejects_broken_types(g: object) -> None:
    """Self messages, open, unguarded, empty, duplicate, bad names and unprojectable are refused."""
    assert not well_formed(g)  # type: ignore[arg-type]


def test_wellformed_accepts_data_protocols() -> None:
    """Every bundled protocol is well formed."""
    for path in sorted((BUNDLED / "protocols").glob("*.choreo")):
        assert well_formed(load_protocol(path)), path
        assert well_formed(load_protocol(path).global_type), path


def test_wellformed_plain_merge_option() -> None:
    """Streaming is well formed with full merge only."""
    p = load_protocol(BUNDLED / "protocols" / "streaming.choreo")
    assert well_formed(p)
    assert not well_formed(p, merge="plain")


def test_wellformed_check_protocol_returns_projections() -> None:
    """check_protocol returns each declared role's local type."""
    p = load_protocol(BUNDLED / "protocols" / "ping_pong.choreo")
    assert check_protocol(p) == {
        "Client": parse_local("Server!Ping(int).Server?Pong(int).end"),
        "Server": parse_local("Client?Ping(int).Client!Pong(int).end"),
    }


def test_wellformed_check_protocol_refuses_hand_built_problems() -> None:
    """A hand-built Protocol with undeclared or duplicate roles raises a definition error."""
    with pytest.raises(ProtocolDefinitionError, match="undeclared role 'C'"):
        check_protocol(Protocol("P", ("A", "B"), one("A", "C", "X")))
    with pytest.raises(ProtocolDefinitionError, match="duplicate"):
        check_protocol(Protocol("P", ("A", "A"), End()))
    bad = Protocol(
        "P",
        ("A", "B", "C"),
        Comm("A", "B", (Branch("L", U, one("A", "C", "Z")), Branch("R", U, End()))),
    )
    with pytest.raises(ProjectionError):
        check_protocol(bad)


def test_wellformed_local_closed_and_guarded() -> None:
    """A local type is well formed when closed and guarded."""
    assert well_formed_local(parse_local("rec X.A!L.X"))
    assert not well_formed_local(one("A", "B", "L", Var("X")))  # open (parse_local refuses it)
    assert not well_formed_local(Mu("X", Mu("Y", Var("X"))))
    assert is_guarded(Mu("X", one("A", "B", "L", Var("X"))))


def test_wellformed_errors_on_a_read_type_name_the_nearest_node() -> None:
    """A broken rule inside a type with places is located at the nearest placed node."""
    from aura_kit.protocol import Branch, Comm, Sort, check_global
    from aura_kit.protocol.types import Place

    unit = Sort.UNIT
    inner = Comm("B", "A", (Branch("y", unit, Var("Z")),), place=Place("f.choreo", 3, 3))
    g = Comm("A", "B", (Branch("x", unit, inner),), place=Place("f.choreo", 2, 3))
    with pytest.raises(ProtocolDefinitionError, match="unbound variable 'Z'") as info:
        check_global(g)
    assert (info.value.source, info.value.line, info.value.column) == ("f.choreo", 3, 3)
