"""Snapshots: step, restore, step gives the same trace."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_kit.machine import (
    CodeImage,
    ProtocolMachine,
    QueuedHandler,
    SeededRandom,
    SessionStatus,
    StepResult,
)
from aura_kit.protocol import load_protocol
from tests.conftest import BUNDLED
from tests.machine.builders import ping_pong_loop


def _machine(seed: int) -> ProtocolMachine:
    m = ProtocolMachine(SeededRandom(seed))
    image = CodeImage.from_protocol(load_protocol(BUNDLED / "protocols" / "two_buyer.choreo"))
    m.load(image, handler=QueuedHandler(["t", 3, 4, 5, "ok", "d"], ["Accept"]))
    m.load(ping_pong_loop(), handler=QueuedHandler([1, 2, 3, 4], ["Ping", "Ping", "Stop"]))
    return m


@given(st.integers(0, 10_000), st.integers(0, 25))
def test_snapshot_step_restore_step_same_trace(seed: int, at: int) -> None:
    """Running on from a restored snapshot repeats the same events (queues restored too)."""
    m = _machine(seed)
    m.run(at)
    snap = m.snapshot()
    first = m.run(), m.events
    m.restore(snap)
    second = m.run(), m.events
    assert first == second
    assert first[0] is StepResult.ALL_DONE


def test_snapshot_restore_brings_back_closed_session() -> None:
    """A session closed after the snapshot is back, with its state, after restore."""
    m = _machine(1)
    m.run(5)
    snap = m.snapshot()
    sid = m.sessions()[0]
    view = m.view(sid)
    m.close(sid)
    m.load(ping_pong_loop())
    m.restore(snap)
    assert m.sessions() == (1, 2)
    assert m.view(sid) == view
    assert m.session_status(sid) is SessionStatus.RUNNING


def test_snapshot_back_and_forth_between_two() -> None:
    """Restoring an earlier then a later snapshot returns each one's event prefix."""
    m = _machine(2)
    m.run(3)
    early = m.snapshot()
    m.run(4)
    late = m.snapshot()
    late_events = m.events
    m.restore(early)
    m.run(1)
    m.restore(late)
    assert m.events == late_events
