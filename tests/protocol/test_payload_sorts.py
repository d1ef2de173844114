"""Payload tuples and user-named sorts in the ``.choreo`` and Scribble syntaxes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.protocol import (
    Branch,
    Comm,
    End,
    GlobalType,
    PayloadSort,
    Protocol,
    ProtocolDefinitionError,
    ProtocolSyntaxError,
    Sort,
    TupleSort,
    UserSort,
    format_local,
    format_protocol,
    parse_local,
    parse_protocol,
    parse_protocols,
    project,
)
from aura_kit.render.mermaid import sequence_mermaid
from aura_kit.view.sequence import protocol_sequence_view

TEXT = """sort Order, Receipt

protocol Buy(Client, Shop) {
  Client -> Shop: order(int, Order)
  Shop -> Client: receipt(Receipt)
}
"""


def test_payload_sorts_parse_to_tuple_and_user_sorts() -> None:
    """A tuple payload and a declared sort become TupleSort and UserSort branches."""
    g = parse_protocol(TEXT).global_type
    assert g.branches[0].sort == TupleSort((Sort.INT, UserSort("Order")))  # type: ignore[union-attr]
    assert g.branches[0].cont.branches[0].sort == UserSort("Receipt")  # type: ignore[union-attr]


def test_payload_sorts_project_onto_both_roles() -> None:
    """Projection keeps the payload sorts on both ends."""
    p = parse_protocol(TEXT)
    assert format_local(project(p, "Client")) == "Shop!order(int, Order).Shop?receipt(Receipt).end"
    assert (
        format_local(project(p, "Shop")) == "Client?order(int, Order).Client!receipt(Receipt).end"
    )


def test_payload_sorts_choreo_prints_declarations_and_round_trips() -> None:
    """format_protocol declares the sorts used and reads back to the same protocol."""
    p = parse_protocol(TEXT)
    assert format_protocol(p) == TEXT
    assert parse_protocol(format_protocol(p)).global_type == p.global_type


def test_payload_sorts_scribble_round_trip() -> None:
    """.choreo -> Scribble -> import keeps tuples and user sorts (declared as types)."""
    p = parse_protocol(TEXT)
    text = format_protocol(p, syntax="scribble")
    assert 'type <aura_kit> "Order" from "aura_kit" as Order;' in text
    assert "order(int, Order) from Client to Shop;" in text
    (back,) = parse_protocols(text, syntax="scribble")
    assert back.global_type == p.global_type


def test_payload_sorts_scribble_export_refuses_a_sort_read_back_as_built_in() -> None:
    """A user sort named like a Scribble spelling of a kit sort would not round-trip."""
    p = parse_protocol("sort Integer\nprotocol P(A, B) { A -> B: m(Integer) }")
    with pytest.raises(ProtocolDefinitionError, match="'Integer' would be read back as a kit sort"):
        format_protocol(p, syntax="scribble")


@pytest.mark.parametrize(
    ("text", "message", "place"),
    [
        ("protocol P(A, B) { A -> B: m(Ordr) }", "unknown sort 'Ordr'", (1, 30)),
        ("sort Order\nprotocol P(A, B) { A -> B: m(int, Ordr) }", "did you mean 'Order'?", (2, 35)),
        (
            "sort Order\nsort Order\nprotocol P(A, B) { A -> B: m }",
            "duplicate sort 'Order'",
            (2, 6),
        ),
        ("sort str\nprotocol P(A, B) { A -> B: m }", "sort 'str' is built in", (1, 6)),
    ],
)
def test_payload_sorts_bad_declarations_are_located(
    text: str, message: str, place: tuple[int, int]
) -> None:
    """An unknown, duplicate or built-in sort name is a definition error at its token."""
    with pytest.raises(ProtocolDefinitionError) as info:
        parse_protocol(text)
    assert message in info.value.message
    assert (info.value.line, info.value.column) == place


def test_payload_sorts_unit_is_no_tuple_component() -> None:
    """'unit' inside a tuple is a syntax error at the 'unit'."""
    with pytest.raises(ProtocolSyntaxError) as info:
        parse_protocol("protocol P(A, B) { A -> B: m(int, unit) }")
    assert (info.value.line, info.value.column) == (1, 35)


def test_payload_sorts_sequence_labels_show_them() -> None:
    """Sequence diagrams (Mermaid) label a message with its whole payload."""
    text = sequence_mermaid(protocol_sequence_view(parse_protocol(TEXT)))
    assert "Client->>Shop: order(int, Order)" in text
    assert "Shop->>Client: receipt(Receipt)" in text


USER = st.sampled_from([UserSort("Order"), UserSort("Receipt"), UserSort("Date_1")])
PART = st.one_of(st.sampled_from([s for s in Sort if s is not Sort.UNIT]), USER)
PAYLOAD = st.one_of(
    st.sampled_from(list(Sort)),
    USER,
    st.lists(PART, min_size=2, max_size=4).map(lambda parts: TupleSort(tuple(parts))),
)


@given(st.lists(PAYLOAD, min_size=1, max_size=5))
def test_payload_sorts_round_trip_property(sorts: list[PayloadSort]) -> None:
    """Any mix of sorts survives .choreo, Scribble and the local notation unchanged."""
    g: GlobalType = End()
    for i, sort in enumerate(reversed(sorts)):
        sender, receiver = ("A", "B") if i % 2 else ("B", "A")
        g = Comm(sender, receiver, (Branch(f"m{i}", sort, g),))
    p = Protocol(name="P", roles=("A", "B"), global_type=g)
    assert parse_protocol(format_protocol(p)).global_type == g
    (back,) = parse_protocols(format_protocol(p, syntax="scribble"), syntax="scribble")
    assert back.global_type == g
    local = project(p, "A")
    assert parse_local(format_local(local)) == local
