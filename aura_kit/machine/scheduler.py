"""Schedulers: which ready coroutine acts in the next tick.

Invariants:
- a scheduler holds coroutines; the machine skips the ones it marked stale (lazy deletion),
  so ``pop`` is O(1) or O(log n) and pushing allocates nothing;
- ``push`` and ``pop`` are plain callables (``pop`` raises ``IndexError`` when empty), so the
  round-robin path costs two C calls; ``restore`` and ``compact`` work in place;
- choices depend only on the order of pushes, the ticks and the seed: the same inputs give the
  same schedule;
- ``RoundRobin`` is FIFO over ready coroutines; ``SeededRandom`` picks uniformly with a private
  ``random.Random(seed)``; ``PriorityAging`` picks the highest ``priority + aging * waited``
  (ties: the one that became ready first).
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, cast

Entry = Any


class Scheduler(Protocol):
    """Interface the machine drives."""

    push: Callable[[Entry], None]
    pop: Callable[[], Entry]

    def pick(self, candidates: Sequence[Any], tick: int) -> Any:
        """Choose among the ready coroutines of one session."""

    def compact(self, valid: Callable[[Entry], bool]) -> None:
        """Drop entries for which ``valid`` is false, keeping the order."""

    def snapshot(self) -> object:
        """Opaque copy of the scheduler's state."""

    def restore(self, state: object) -> None:
        """Put back a state from ``snapshot``."""

    def __len__(self) -> int: ...


class RoundRobin:
    """FIFO over ready coroutines across all sessions (the default)."""

    __slots__ = ("_queue", "pop", "push")

    def __init__(self) -> None:
        self._queue: deque[Entry] = deque()
        self.push: Callable[[Entry], None] = self._queue.append
        self.pop: Callable[[], Entry] = self._queue.popleft

    def pick(self, candidates: Sequence[Any], tick: int) -> Any:
        return min(candidates, key=lambda c: c.since)

    def compact(self, valid: Callable[[Entry], bool]) -> None:
        kept = [e for e in self._queue if valid(e)]
        self._queue.clear()
        self._queue.extend(kept)

    def snapshot(self) -> object:
        return tuple(self._queue)

    def restore(self, state: object) -> None:
        self._queue.clear()
        self._queue.extend(cast(tuple[Entry, ...], state))

    def __len__(self) -> int:
        return len(self._queue)


class SeededRandom:
    """Uniform choice among ready coroutines with ``random.Random(seed)``."""

    __slots__ = ("_entries", "_rng", "push", "seed")

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._entries: list[Entry] = []
        self.push: Callable[[Entry], None] = self._entries.append

    def pop(self) -> Entry:
        entries = self._entries
        if not entries:
            raise IndexError("no ready coroutine")
        i = self._rng.randrange(len(entries))
        entries[i], entries[-1] = entries[-1], entries[i]
        return entries.pop()

    def pick(self, candidates: Sequence[Any], tick: int) -> Any:
        return candidates[self._rng.randrange(len(candidates))]

    def compact(self, valid: Callable[[Entry], bool]) -> None:
        self._entries[:] = [e for e in self._entries if valid(e)]

    def snapshot(self) -> object:
        return (tuple(self._entries), self._rng.getstate())

    def restore(self, state: object) -> None:
        entries, rng_state = cast(tuple[tuple[Entry, ...], Any], state)
        self._entries[:] = entries
        self._rng.setstate(rng_state)

    def __len__(self) -> int:
        return len(self._entries)


class PriorityAging:
    """Highest ``priorities[role] + aging * (ticks waited)`` first; unknown roles have 0."""

    __slots__ = ("_heap", "_seq", "aging", "priorities")

    def __init__(self, priorities: Mapping[str, int], aging: int = 1) -> None:
        if aging < 0:
            raise ValueError(f"aging must be >= 0, got {aging}")
        self.priorities = dict(priorities)
        self.aging = aging
        self._heap: list[tuple[int, int, Entry]] = []
        self._seq = 0

    def push(self, entry: Entry) -> None:
        co = entry
        self._seq += 1
        key = self.aging * co.since - self.priorities.get(co.role, 0)
        heapq.heappush(self._heap, (key, self._seq, entry))

    def pop(self) -> Entry:
        return heapq.heappop(self._heap)[2]

    def pick(self, candidates: Sequence[Any], tick: int) -> Any:
        def score(c: Any) -> tuple[int, int]:
            return (self.priorities.get(c.role, 0) + self.aging * (tick - c.since), -c.since)

        return max(candidates, key=score)

    def compact(self, valid: Callable[[Entry], bool]) -> None:
        self._heap[:] = [h for h in sorted(self._heap) if valid(h[2])]
        heapq.heapify(self._heap)

    def snapshot(self) -> object:
        return (tuple(self._heap), self._seq)

    def restore(self, state: object) -> None:
        heap, seq = cast(tuple[tuple[tuple[int, int, Entry], ...], int], state)
        self._heap[:] = heap
        self._seq = seq

    def __len__(self) -> int:
        return len(self._heap)
