"""Payload text checked against the sort of the send that carries it."""

from __future__ import annotations

import pytest

from aura_kit.lab.inputs import InvalidPayload, payload_for_send
from aura_kit.protocol.types import Sort, TupleSort, UserSort


def test_payload_for_send_takes_an_int_for_an_int_send() -> None:
    """42 for Quote(int) is queued as its JSON bytes."""
    assert payload_for_send("Seller", "42", [("Quote", Sort.INT)]) == b"42"


def test_payload_for_send_refuses_text_for_an_int_send() -> None:
    """Text for Quote(int) is refused with the expected send named."""
    with pytest.raises(InvalidPayload, match=r"Quote\(int\)"):
        payload_for_send("Seller", "hello", [("Quote", Sort.INT)])


def test_payload_for_send_takes_a_scalar_for_a_user_sort() -> None:
    """A user sort is opaque: a JSON scalar or plain text is queued as JSON."""
    order = UserSort("Order")
    assert payload_for_send("Buyer", "7", [("Place", order)]) == b"7"
    assert payload_for_send("Buyer", "book", [("Place", order)]) == b'"book"'


def test_payload_for_send_refuses_a_tuple_send_with_the_reason() -> None:
    """A tuple payload cannot be typed in the explorer, and the refusal says so."""
    pair = TupleSort((Sort.INT, Sort.STR))
    with pytest.raises(InvalidPayload, match="tuple payloads cannot be typed"):
        payload_for_send("Buyer", '[1, "a"]', [("Place", pair)])
