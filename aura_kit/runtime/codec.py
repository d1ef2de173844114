"""Payload codec: protocol values of each ``Sort`` to bytes and back.

Invariants:
- ``decode(sort, encode(sort, v)) == v`` for every value ``v`` of ``sort``;
- ``bytes`` payloads pass through unchanged (they are already bytes);
- ``unit`` is the empty byte string and decodes to ``None``;
- every other sort is UTF-8 JSON of exactly one value of that sort (``bool`` is not an
  ``int`` and ``int`` is not a ``bool``);
- a value or byte string that does not fit its sort raises ``PayloadCodecError`` naming
  the sort, what was given and what was expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol as TypingProtocol

from aura_kit.protocol.types import Sort

from .errors import PayloadCodecError

MAX_PAYLOAD_BYTES = 1024 * 1024

_PY_TYPES: dict[Sort, type] = {Sort.BOOL: bool, Sort.INT: int, Sort.STR: str}


class Codec(TypingProtocol):
    """What the ingress needs from a codec."""

    def encode(self, sort: Sort, value: object) -> bytes: ...

    def decode(self, sort: Sort, data: bytes) -> object: ...


def _fits(sort: Sort, value: object) -> bool:
    if sort is Sort.UNIT:
        return value is None
    if sort is Sort.BYTES:
        return isinstance(value, bytes)
    expected = _PY_TYPES[sort]
    if expected is int and isinstance(value, bool):
        return False
    return isinstance(value, expected)


@dataclass(frozen=True, slots=True)
class JsonCodec:
    """The default codec: JSON text for ``bool``/``int``/``str``, raw ``bytes``."""

    def encode(self, sort: Sort, value: object) -> bytes:
        """Bytes for ``value`` of ``sort``."""
        sort = Sort(sort)
        if not _fits(sort, value):
            raise PayloadCodecError(sort, f"{type(value).__name__} {value!r}", f"a {sort} value")
        if sort is Sort.UNIT:
            return b""
        if isinstance(value, bytes):
            return value
        return json.dumps(value).encode("utf-8")

    def decode(self, sort: Sort, data: bytes) -> object:
        """The value of ``sort`` that ``data`` encodes."""
        sort = Sort(sort)
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
        if not _fits(sort, value):
            raise PayloadCodecError(sort, f"{type(value).__name__} {value!r}", f"a {sort} value")
        return value


DEFAULT_CODEC = JsonCodec()
