"""A history that keeps its newest entries within a count and a byte budget.

Invariants:
- at most ``limit`` entries are kept, the newest; and once the payload bytes they hold (each
  entry's ``size``, given by the caller when it appends) add up to more than ``byte_budget``,
  the oldest go until they fit; the newest entry always stays, however big;
- ``held`` is the bytes of the kept entries, exactly; nothing else is counted or copied;
- it reads like a deque: ``len``, iteration oldest first, indexing, ``pop`` (the newest);
- this module imports only the standard library, so every layer may use it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar, cast

__all__ = ["DEFAULT_BYTE_BUDGET", "SIZED", "BoundedHistory", "sized_len"]

T = TypeVar("T")

DEFAULT_BYTE_BUDGET = 16 * 1024 * 1024  # per history: a few big payloads, thousands of small
# The payload types whose size is counted: the ones that can be big (a message is at most
# 1 MiB). Numbers, booleans, tuples of them and None count as 0: they are small.
SIZED = frozenset({bytes, str})


def sized_len(value: object) -> int:
    """The bytes a kept payload counts as: its length for ``bytes`` or ``str``, else 0."""
    return len(cast("bytes | str", value)) if value.__class__ in SIZED else 0


class BoundedHistory(Generic[T]):
    """The newest entries, within ``limit`` entries and ``byte_budget`` payload bytes."""

    __slots__ = ("_entries", "_held", "_sizes", "byte_budget")

    def __init__(self, limit: int, byte_budget: int = DEFAULT_BYTE_BUDGET) -> None:
        self._entries: deque[T] = deque(maxlen=limit)
        self._sizes: deque[int] = deque(maxlen=limit)
        self._held = 0
        self.byte_budget = byte_budget

    def append(self, entry: T, size: int = 0) -> None:
        """Keep ``entry`` (holding ``size`` payload bytes) and forget what no longer fits."""
        if self._entries.maxlen == 0:
            return
        if len(self._entries) == self._entries.maxlen:
            self._held -= self._sizes[0]  # the deques drop their oldest on append
        self._entries.append(entry)
        self._sizes.append(size)
        self._held += size
        while self._held > self.byte_budget and len(self._entries) > 1:
            self._entries.popleft()
            self._held -= self._sizes.popleft()

    def pop(self) -> T:
        """Remove and return the newest entry."""
        self._held -= self._sizes.pop()
        return self._entries.pop()

    @property
    def held(self) -> int:
        """Payload bytes of the kept entries."""
        return self._held

    @property
    def maxlen(self) -> int | None:
        """The most entries kept."""
        return self._entries.maxlen

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries)

    def __reversed__(self) -> Iterator[T]:
        return reversed(self._entries)

    def __getitem__(self, index: int) -> T:
        return self._entries[index]

    def __repr__(self) -> str:
        return f"BoundedHistory({len(self)} entries, {self._held} bytes)"
