"""Session layout: buffer capacity, lazy handler queues, waits across snapshots."""

from __future__ import annotations

import pytest

from aura_kit.machine import (
    CodeImage,
    CoroutineStatus,
    ProtocolMachine,
    QueuedHandler,
    SeededRandom,
    StepResult,
)
from aura_kit.protocol import load_protocol
from tests.conftest import BUNDLED
from tests.machine.builders import ping_pong_loop


def _trace(capacity: int, seed: int) -> tuple[object, ...]:
    m = ProtocolMachine(SeededRandom(seed), buffer_capacity=capacity)
    image = CodeImage.from_protocol(load_protocol(BUNDLED / "protocols" / "two_buyer.choreo"))
    m.load(image, handler=QueuedHandler(["t", 3, 4, 5, "ok", "d"], ["Accept"]))
    m.load(ping_pong_loop(), handler=QueuedHandler([1, 2, 3, 4], ["Ping", "Ping", "Stop"]))
    assert m.run() is StepResult.ALL_DONE
    return tuple((e.kind, e.session, e.role, e.peer, e.label, e.payload) for e in m.events)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_session_layout_capacity_never_reached_same_trace(seed: int) -> None:
    """Capacities these runs never fill give identical traces (links point at the buffers)."""
    assert _trace(4, seed) == _trace(1_000, seed)


def test_session_layout_handler_queues_made_on_first_use() -> None:
    """An empty QueuedHandler accepts pushes later and snapshots to empty tuples."""
    h = QueuedHandler()
    assert h.snapshot_state() == ((), (), 0)
    h.push_send(5)
    h.push_choice("Ping")
    assert (h.queued_payloads, h.queued_choices) == ((5,), ("Ping",))
    h.restore_state(((), (), 0))
    assert (h.queued_payloads, h.queued_choices) == ((), ())
    h.push_send(6)
    assert h.queued_payloads == (6,)


def test_session_layout_blocked_receiver_wakes_after_restore() -> None:
    """A coroutine blocked at snapshot time is woken by the send made after restore."""
    m = ProtocolMachine()
    sid = m.load(ping_pong_loop(), handler=QueuedHandler([1, 2, 3, 4], ["Ping", "Stop"]))
    blocked = [r for r in ("A", "B") if m.coroutine_status(sid, r) is CoroutineStatus.BLOCKED_RECV]
    assert blocked
    snap = m.snapshot()
    first = m.run()
    events = m.events
    m.restore(snap)
    assert m.run() is first
    assert m.events == events
