"""The fault-injection seam: named points in the core where a test may raise an exception.

Start, open, transfer, end and round call ``reached(name)`` at each point where an
interruption (``KeyboardInterrupt``, ``MemoryError``) could land between two steps. Nothing
happens unless a test arms the seam; then the armed exception is raised at the named point,
and a trace lists every point the code passed.

Invariants:
- disarmed (always, outside tests) ``reached`` does nothing but read one module global;
- at most one plan is armed at a time; ``inject`` and ``trace`` restore the previous plan
  when they exit, however they exit;
- an armed exception fires once, at the first time its point is reached;
- the points of a mutation all sit before its commit or after it, never inside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["FaultPlan", "inject", "reached", "trace"]


class FaultPlan:
    """What an armed seam does: record every point, raise once at ``at``."""

    __slots__ = ("at", "fired", "make", "seen")

    def __init__(self, at: str | None, make: Callable[[], BaseException] | None) -> None:
        self.at = at
        self.make = make
        self.fired = False
        self.seen: list[str] = []


_ARMED: FaultPlan | None = None
_ARM_LOCK = threading.Lock()


def reached(name: str) -> None:
    """Mark the point ``name``; raise the armed exception if this is its point."""
    plan = _ARMED
    if plan is None:
        return
    plan.seen.append(name)
    if not plan.fired and plan.at == name and plan.make is not None:
        plan.fired = True
        raise plan.make()


@contextmanager
def _armed(plan: FaultPlan) -> Iterator[FaultPlan]:
    global _ARMED
    with _ARM_LOCK:
        previous, _ARMED = _ARMED, plan
    try:
        yield plan
    finally:
        with _ARM_LOCK:
            _ARMED = previous


@contextmanager
def inject(at: str, make: Callable[[], BaseException] = KeyboardInterrupt) -> Iterator[FaultPlan]:
    """Raise ``make()`` the first time the point ``at`` is reached inside the block."""
    with _armed(FaultPlan(at, make)) as plan:
        yield plan


@contextmanager
def trace() -> Iterator[list[str]]:
    """Record (without raising) the names of the points reached inside the block, in order."""
    with _armed(FaultPlan(None, None)) as plan:
        yield plan.seen
