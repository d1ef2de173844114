"""The JSON codec on tuple payloads and user sorts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.protocol import Sort, TupleSort, UserSort
from aura_kit.runtime.codec import DEFAULT_CODEC
from aura_kit.runtime.errors import PayloadCodecError

ORDER = UserSort("Order")
PLAIN = st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.binary())


@given(PLAIN)
def test_codec_user_sort_round_trips_any_plain_value(value: object) -> None:
    """A user sort's opaque value decodes to itself, bytes and str kept apart."""
    decoded = DEFAULT_CODEC.decode(ORDER, DEFAULT_CODEC.encode(ORDER, value))
    assert decoded == value and type(decoded) is type(value)


@given(st.integers(), st.text(), st.binary(), PLAIN)
def test_codec_tuple_round_trips_per_component(n: int, s: str, b: bytes, v: object) -> None:
    """A tuple is encoded part by part and decodes to the same tuple."""
    sort = TupleSort((Sort.INT, Sort.STR, Sort.BYTES, ORDER))
    assert DEFAULT_CODEC.decode(sort, DEFAULT_CODEC.encode(sort, (n, s, b, v))) == (n, s, b, v)


def test_codec_tuple_refuses_wrong_shape_and_cut_bytes() -> None:
    """A wrong component, a wrong length or truncated bytes is a PayloadCodecError."""
    sort = TupleSort((Sort.INT, Sort.STR))
    with pytest.raises(PayloadCodecError, match="sort int"):
        DEFAULT_CODEC.encode(sort, ("1", "x"))
    with pytest.raises(PayloadCodecError, match="a tuple of 2"):
        DEFAULT_CODEC.encode(sort, (1,))
    data = DEFAULT_CODEC.encode(sort, (1, "xyz"))
    with pytest.raises(PayloadCodecError, match="cut short"):
        DEFAULT_CODEC.decode(sort, data[:-1])
    with pytest.raises(PayloadCodecError, match="1 parts"):
        DEFAULT_CODEC.decode(sort, data[:5])


def test_codec_user_sort_refuses_a_non_plain_value() -> None:
    """A float or a list is not an opaque plain value."""
    with pytest.raises(PayloadCodecError, match="None, bool, int, str or bytes"):
        DEFAULT_CODEC.encode(ORDER, 1.5)
    with pytest.raises(PayloadCodecError, match="None, bool, int, str or bytes"):
        DEFAULT_CODEC.decode(ORDER, b"[1]")
