"""Saving and restoring a whole protocol machine (``ProtocolMachine.snapshot`` / ``restore``).

Invariants:
- a snapshot copies flat state only (ints, tuples, copies of buffer and pending contents);
  session and coroutine objects are kept and refilled in place, so links between them and
  their buffers stay valid;
- each handler's queues come back too when the handler offers ``snapshot_state`` /
  ``restore_state``; stepping after a restore gives the same events as stepping before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aura_kit.machine.session import VmSession


@dataclass(frozen=True, slots=True, kw_only=True)
class MachineSnapshot:
    """Opaque saved state of a whole machine (see ``ProtocolMachine.snapshot``)."""

    tick: int
    next_sid: int
    live: int
    raw: list[Any]
    n_events: int
    dropped: int
    big_bytes: int
    sessions: tuple[tuple[VmSession, tuple[Any, ...]], ...]
    scheduler: object


def save_session(s: VmSession) -> tuple[Any, ...]:
    """Flat copy of one session's mutable state."""
    cos = tuple(
        (c.state, c.status, c.wait, c.edge, c.stale, c.since, c.tried, c.fault) for c in s.order
    )
    bufs = {edge: tuple(q) for edge, q in s.buffers.items()}
    snap_handler = getattr(s.handler, "snapshot_state", None)
    handler_state = snap_handler() if callable(snap_handler) else None
    counts = dict(s.pending_count)
    return (s.status, s.live, s.stuck_reported, cos, bufs, tuple(s.pending), counts, handler_state)


def load_session(s: VmSession, saved: tuple[Any, ...]) -> None:
    """Put back what ``save_session`` returned (in place)."""
    s.status, s.live, s.stuck_reported, cos, bufs, pending, counts, handler_state = saved
    for c, fields in zip(s.order, cos, strict=True):
        c.state, c.status, c.wait, c.edge, c.stale, c.since, c.tried, c.fault = fields
    for edge, q in s.buffers.items():  # the same deques: links hold them
        q.clear()
        q.extend(bufs.get(edge, ()))
    s.pending[:] = pending
    s.pending_count = dict(counts)
    restore_handler = getattr(s.handler, "restore_state", None)
    if handler_state is not None and callable(restore_handler):
        restore_handler(handler_state)
