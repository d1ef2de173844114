"""Tests of the local type notation and duality."""

from __future__ import annotations

import pytest

from aura_kit.protocol import (
    Branch,
    End,
    Mu,
    ProtocolSyntaxError,
    Recv,
    Send,
    Sort,
    TupleSort,
    UserSort,
    Var,
    dual,
    format_local,
    load_protocol,
    parse_local,
    project,
)
from tests.conftest import BUNDLED

LOOP = Mu(
    "Loop",
    Recv(
        "Client",
        (
            Branch("Ping", Sort.INT, Send("Client", (Branch("Pong", Sort.INT, Var("Loop")),))),
            Branch("Stop", Sort.UNIT, End()),
        ),
    ),
)


def test_local_spec_example_parses_and_prints() -> None:
    """The notation example reads to the expected value and prints back verbatim."""
    text = "rec Loop.Client?{Ping(int).Client!Pong(int).Loop, Stop.end}"
    assert parse_local(text) == LOOP
    assert format_local(LOOP) == text


@pytest.mark.parametrize(
    "text",
    [
        "end",
        "Server!Ping(int).end",
        "Server!{Ping(int).end, Stop.end}",
        "Client?Pong.X",
        "rec X.A!{B(bytes).X, C(bool).end}",
    ],
)
def test_local_round_trip_examples(text: str) -> None:
    """Every notation form prints back to the same text."""
    assert format_local(parse_local(text)) == text


def test_local_unit_payload_variants() -> None:
    """'L', 'L()' and 'L(unit)' are the same unit payload and print as 'L'."""
    assert parse_local("A!L().end") == parse_local("A!L(unit).end") == parse_local("A!L.end")
    assert format_local(parse_local("A!L(unit).end")) == "A!L.end"


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("A!", 3),
        ("A!L", 4),
        ("A!{L.end, L.end}", 11),
        ("rec X X", 7),
        ("end end", 5),
        ("A!L(int, unit).end", 10),
        ("A!L(int,).end", 9),
    ],
)
def test_local_parse_errors_have_columns(text: str, column: int) -> None:
    """Bad notation is a ProtocolSyntaxError at the offending column."""
    with pytest.raises(ProtocolSyntaxError) as info:
        parse_local(text)
    assert (info.value.line, info.value.column) == (1, column)


def test_local_tuple_and_user_sorts_round_trip() -> None:
    """Tuple payloads and user sorts (any other name: local text has no declarations) print back."""
    t = parse_local("A!L(int, Order).A?{ok(Order).end, no(str, bytes).end}")
    assert t == Send(
        "A",
        (
            Branch(
                "L",
                TupleSort((Sort.INT, UserSort("Order"))),
                Recv(
                    "A",
                    (
                        Branch("ok", UserSort("Order"), End()),
                        Branch("no", TupleSort((Sort.STR, Sort.BYTES)), End()),
                    ),
                ),
            ),
        ),
    )
    assert format_local(t) == "A!L(int, Order).A?{ok(Order).end, no(str, bytes).end}"
    assert parse_local(format_local(t)) == t


def test_local_dual_swaps_directions() -> None:
    """dual turns sends into receives and back, keeping labels and sorts."""
    assert dual(parse_local("rec X.S!{A(int).S?B.X, C.end}")) == parse_local(
        "rec X.S?{A(int).S!B.X, C.end}"
    )
    assert dual(dual(LOOP)) == LOOP


def test_local_dual_of_one_projection_is_the_other() -> None:
    """In a two-party protocol, dual(project(A), A) equals project(B)."""
    p = load_protocol(BUNDLED / "protocols" / "adder.choreo")
    assert dual(project(p, "Client"), "Client") == project(p, "Server")


def test_local_dual_refuses_multiparty() -> None:
    """A type talking to two partners has no dual."""
    with pytest.raises(ValueError, match="two-party"):
        dual(parse_local("A!X.B?Y.end"))


@pytest.mark.parametrize(
    "text",
    [
        "B!end.end",
        "A?{rec.X, stop.end}",
        "rec X.A?{rec.X, continue(int).end}",
        "B!{or.end, at.end}",
    ],
)
def test_local_keyword_labels_round_trip(text: str) -> None:
    """A label may be a keyword; it follows '!', '?', '{' or ',' and prints back the same."""
    t = parse_local(text if text.startswith("rec") or "X" not in text else f"rec X.{text}")
    assert parse_local(format_local(t)) == t
    assert format_local(t).endswith(text)
