"""Payload codec: protocol values of each payload sort to bytes and back.

Invariants:
- ``decode(sort, encode(sort, v)) == v`` for every value ``v`` of ``sort``;
- ``bytes`` payloads pass through unchanged (they are already bytes);
- ``unit`` is the empty byte string and decodes to ``None``;
- every other sort is UTF-8 JSON of exactly one value of that sort (``bool`` is not an
  ``int`` and ``int`` is not a ``bool``);
- a user sort's value is opaque: ``None``, bool, int, str or bytes, kept unchanged; a tuple's
  value is a Python tuple, encoded and decoded component by component;
- a value or byte string that does not fit its sort raises ``PayloadCodecError`` naming
  the sort, what was given and what was expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol as TypingProtocol

from aura_kit.protocol.types import PayloadSort, Sort, TupleSort, UserSort, as_sort

from .errors import PayloadCodecError

MAX_PAYLOAD_BYTES = 1024 * 1024

_PY_TYPES: dict[Sort, type] = {Sort.BOOL: bool, Sort.INT: int, Sort.STR: str}
_OPAQUE = frozenset({type(None), bool, int, str, bytes})


class Codec(TypingProtocol):
    """What the ingress needs from a codec."""

    def encode(self, sort: PayloadSort, value: object) -> bytes: ...

    def decode(self, sort: PayloadSort, data: bytes) -> object: ...


def _fits(sort: Sort, value: object) -> bool:
    if sort is Sort.UNIT:
        return value is None
    if sort is Sort.BYTES:
        return isinstance(value, bytes)
    expected = _PY_TYPES[sort]
    if expected is int and isinstance(value, bool):
        return False
    return isinstance(value, expected)


def _shown(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def _opaque_json(value: object) -> object:
    """A user sort's value as JSON: bytes become ``{"hex": ...}``."""
    return {"hex": value.hex()} if isinstance(value, bytes) else value


def _frame(parts: list[bytes]) -> bytes:
    """Components one after another, each after its 4-byte big-endian length."""
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


def _unframe(sort: TupleSort, data: bytes) -> list[bytes]:
    """The components ``_frame`` wrote; exactly one per part of ``sort``."""
    parts: list[bytes] = []
    pos = 0
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        if pos + 4 > len(data) or pos + 4 + size > len(data):
            raise PayloadCodecError(sort, f"{len(data)} bytes cut short", "length-framed parts")
        parts.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    if len(parts) != len(sort.parts):
        raise PayloadCodecError(sort, f"{len(parts)} parts", f"{len(sort.parts)} parts")
    return parts


@dataclass(frozen=True, slots=True)
class JsonCodec:
    """The default codec: JSON text for ``bool``/``int``/``str``, raw ``bytes``.

    A user sort is JSON of its opaque value (``None``, bool, int, str, or bytes as
    ``{"hex": ...}``); a tuple is its components' encodings, each after a 4-byte length.
    """

    def encode(self, sort: PayloadSort | str, value: object) -> bytes:
        """Bytes for ``value`` of ``sort``."""
        sort = as_sort(sort)
        if isinstance(sort, TupleSort):
            if not isinstance(value, tuple) or len(value) != len(sort.parts):
                raise PayloadCodecError(sort, _shown(value), f"a tuple of {len(sort.parts)}")
            return _frame([self.encode(s, v) for s, v in zip(sort.parts, value, strict=True)])
        if isinstance(sort, UserSort):
            if type(value) not in _OPAQUE:
                raise PayloadCodecError(sort, _shown(value), "None, bool, int, str or bytes")
            return json.dumps(_opaque_json(value)).encode("utf-8")
        if not _fits(sort, value):
            raise PayloadCodecError(sort, _shown(value), f"a {sort} value")
        if sort is Sort.UNIT:
            return b""
        if isinstance(value, bytes):
            return value
        return json.dumps(value).encode("utf-8")

    def decode(self, sort: PayloadSort | str, data: bytes) -> object:
        """The value of ``sort`` that ``data`` encodes."""
        sort = as_sort(sort)
        if isinstance(sort, TupleSort):
            raw = _unframe(sort, bytes(data))
            return tuple(self.decode(s, d) for s, d in zip(sort.parts, raw, strict=True))
        if sort is Sort.BYTES:
            return bytes(data)
        if sort is Sort.UNIT:
            if data:
                raise PayloadCodecError(sort, f"{len(data)} bytes", "no bytes")
            return None
        try:
            value = json.loads(bytes(data).decode("utf-8"))
        except (ValueError, RecursionError):  # not UTF-8, not JSON, an int too long, too deep
            raise PayloadCodecError(sort, f"bytes {bytes(data)[:32]!r}", "JSON text") from None
        if isinstance(sort, UserSort):
            return _opaque_value(sort, value)
        if not _fits(sort, value):
            raise PayloadCodecError(sort, _shown(value), f"a {sort} value")
        return value


def _opaque_value(sort: UserSort, value: object) -> object:
    """A user sort's value from its JSON (``{"hex": ...}`` is bytes)."""
    if isinstance(value, dict) and set(value) == {"hex"} and isinstance(value["hex"], str):
        try:
            return bytes.fromhex(value["hex"])
        except ValueError:
            raise PayloadCodecError(sort, _shown(value), "hex digits") from None
    if type(value) not in _OPAQUE:
        raise PayloadCodecError(sort, _shown(value), "None, bool, int, str or bytes")
    return value


DEFAULT_CODEC = JsonCodec()
