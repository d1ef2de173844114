"""Tuple payloads and user sorts in the machine: what fits, defaults, and a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from aura_kit.machine import (
    CodeImage,
    EventKind,
    ProtocolMachine,
    ProtocolViolation,
    QueuedHandler,
    StepResult,
    default_payload,
    fits,
    load_trace,
    payload_size,
    save_trace,
)
from aura_kit.protocol import Sort, TupleSort, UserSort, parse_protocol

ORDER = UserSort("Order")
PAIR = TupleSort((Sort.INT, ORDER))
TEXT = """sort Order
protocol Buy(Client, Shop) {
  Client -> Shop: order(int, Order)
  Shop -> Client: receipt(Order)
}"""


def test_payload_sorts_tuple_fits_component_by_component() -> None:
    """A tuple payload fits when it has one fitting component per part, and nothing else does."""
    assert fits(PAIR, (3, "anything"))
    assert fits(PAIR, (3, b"\x00"))
    assert not fits(PAIR, (True, "x"))  # a bool is not an int
    assert not fits(PAIR, (3,))
    assert not fits(PAIR, [3, "x"])
    assert not fits(PAIR, (3, (1, 2)))  # a user sort value is plain, never a tuple


def test_payload_sorts_user_sort_is_opaque_plain_value() -> None:
    """A user sort takes any plain value (None, bool, int, str, bytes) and nothing else."""
    for value in (None, True, 7, "x", b"x"):
        assert fits(ORDER, value)
    assert not fits(ORDER, 1.5)
    assert not fits(ORDER, ("a",))


def test_payload_sorts_defaults_fit_their_sort() -> None:
    """Each default payload fits its own sort; a tuple's is its parts' defaults."""
    assert default_payload(PAIR) == (0, None)
    for sort in (*Sort, ORDER, PAIR, TupleSort((Sort.STR, Sort.BYTES))):
        assert fits(sort, default_payload(sort))


def test_payload_sorts_tuple_size_is_sum_of_parts() -> None:
    """A tuple payload's size is the sum of its components' sizes."""
    assert payload_size((1, "abc", b"\x00\x01")) == 1 + 3 + 2


def test_payload_sorts_machine_carries_tuple_and_user_values() -> None:
    """The machine sends and receives a tuple and an opaque user value unchanged."""
    m = ProtocolMachine()
    image = CodeImage.from_protocol(parse_protocol(TEXT))
    m.load(image, handler=QueuedHandler([(2, 9), "R-1"]))
    assert m.run() is StepResult.ALL_DONE
    got = [(e.kind, e.label, e.payload) for e in m.events if e.kind is EventKind.RECEIVED]
    assert got == [(EventKind.RECEIVED, "order", (2, 9)), (EventKind.RECEIVED, "receipt", "R-1")]


def test_payload_sorts_machine_faults_on_a_wrong_tuple() -> None:
    """A tuple with a component of the wrong sort is a violation naming the tuple sort."""
    m = ProtocolMachine()
    m.load(CodeImage.from_protocol(parse_protocol(TEXT)), handler=QueuedHandler([("2", 9)]))
    with pytest.raises(ProtocolViolation) as info:
        m.run()
    assert info.value.expected == "int, Order"
    assert "tuple" in info.value.actual


def test_payload_sorts_trace_round_trips_tuple_payloads(tmp_path: Path) -> None:
    """A trace of a run with tuple payloads (bytes inside) loads back to equal events."""
    m = ProtocolMachine()
    m.load(CodeImage.from_protocol(parse_protocol(TEXT)), handler=QueuedHandler([(2, b"\x01"), 5]))
    assert m.run() is StepResult.ALL_DONE
    save_trace(m.events, tmp_path / "t.jsonl")
    assert load_trace(tmp_path / "t.jsonl") == m.events
