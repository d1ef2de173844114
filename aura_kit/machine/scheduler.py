"""Schedulers: which ready coroutine runs in the next round.

Invariants:
- a scheduler holds ``(coroutine, ticket)`` entries; the machine discards an entry whose ticket
  no longer matches the coroutine's (lazy deletion), so ``pop`` is O(1) or O(log n);
- choices depend only on the order of ``push`` calls, the ticks and the seed: the same inputs
  give the same schedule;
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


class Schedulable(Protocol):
    """What a scheduler may read of a coroutine."""

    role: str
    ticket: int
    since: int


Entry = tuple[Any, int]


class Scheduler(Protocol):
    """Interface the machine drives."""

    def push(self, co: Schedulable, tick: int) -> None:
        """``co`` became ready at ``tick``."""

    def pop(self) -> Entry | None:
        """Remove and return the chosen entry (maybe stale), or ``None`` when empty."""

    def pick(self, candidates: Sequence[Schedulable], tick: int) -> Schedulable:
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

    __slots__ = ("_queue",)

    def __init__(self) -> None:
        self._queue: deque[Entry] = deque()

    def push(self, co: Schedulable, tick: int) -> None:
        self._queue.append((co, co.ticket))

    def pop(self) -> Entry | None:
        return self._queue.popleft() if self._queue else None

    def pick(self, candidates: Sequence[Schedulable], tick: int) -> Schedulable:
        return min(candidates, key=lambda c: c.since)

    def compact(self, valid: Callable[[Entry], bool]) -> None:
        self._queue = deque(e for e in self._queue if valid(e))

    def snapshot(self) -> object:
        return tuple(self._queue)

    def restore(self, state: object) -> None:
        self._queue = deque(state)  # type: ignore[call-overload]

    def __len__(self) -> int:
        return len(self._queue)


class SeededRandom:
    """Uniform choice among ready coroutines with ``random.Random(seed)``."""

    __slots__ = ("_entries", "_rng", "seed")

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._entries: list[Entry] = []

    def push(self, co: Schedulable, tick: int) -> None:
        self._entries.append((co, co.ticket))

    def pop(self) -> Entry | None:
        entries = self._entries
        if not entries:
            return None
        i = self._rng.randrange(len(entries))
        entries[i], entries[-1] = entries[-1], entries[i]
        return entries.pop()

    def pick(self, candidates: Sequence[Schedulable], tick: int) -> Schedulable:
        return candidates[self._rng.randrange(len(candidates))]

    def compact(self, valid: Callable[[Entry], bool]) -> None:
        self._entries = [e for e in self._entries if valid(e)]

    def snapshot(self) -> object:
        return (tuple(self._entries), self._rng.getstate())

    def restore(self, state: object) -> None:
        entries, rng_state = cast(tuple[tuple[Entry, ...], Any], state)
        self._entries = list(entries)
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
        self._heap: list[tuple[int, int, Any, int]] = []
        self._seq = 0

    def push(self, co: Schedulable, tick: int) -> None:
        key = self.aging * tick - self.priorities.get(co.role, 0)
        self._seq += 1
        heapq.heappush(self._heap, (key, self._seq, co, co.ticket))

    def pop(self) -> Entry | None:
        if not self._heap:
            return None
        _, _, co, ticket = heapq.heappop(self._heap)
        return (co, ticket)

    def pick(self, candidates: Sequence[Schedulable], tick: int) -> Schedulable:
        def score(c: Schedulable) -> tuple[int, int]:
            waited = tick - c.since
            return (self.priorities.get(c.role, 0) + self.aging * waited, -c.since)

        return max(candidates, key=score)

    def compact(self, valid: Callable[[Entry], bool]) -> None:
        self._heap = [h for h in self._heap if valid((h[2], h[3]))]
        heapq.heapify(self._heap)

    def snapshot(self) -> object:
        return (tuple(self._heap), self._seq)

    def restore(self, state: object) -> None:
        heap, seq = cast(tuple[tuple[tuple[int, int, Any, int], ...], int], state)
        self._heap = list(heap)
        self._seq = seq

    def __len__(self) -> int:
        return len(self._heap)
