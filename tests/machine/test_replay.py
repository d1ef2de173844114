"""Replay: a recorded trace re-runs; the first divergence is reported."""

from __future__ import annotations

import dataclasses

from aura_kit.machine import CodeImage, EventKind, ProtocolMachine, QueuedHandler, replay
from aura_kit.protocol import load_protocol
from tests.conftest import BUNDLED
from tests.machine.builders import ping_pong_loop


def _recorded() -> tuple[object, ...]:
    m = ProtocolMachine()
    m.load(ping_pong_loop(), handler=QueuedHandler([1, 2, 3, 4], ["Ping", "Ping", "Stop"]))
    m.load(ping_pong_loop(), handler=QueuedHandler([5, 6], ["Ping", "Stop"]))
    m.run()
    return m.events


def test_replay_reproduces_trace() -> None:
    """Replaying a two-session run reproduces every event."""
    events = _recorded()
    result = replay(ping_pong_loop(), events)  # type: ignore[arg-type]
    assert result.ok
    strip = [(e.kind, e.session, e.role, e.label, e.payload) for e in events]
    assert [(e.kind, e.session, e.role, e.label, e.payload) for e in result.events] == strip


def test_replay_reports_first_divergence() -> None:
    """A tampered payload is the first divergence, at its index."""
    events = list(_recorded())
    i = next(i for i, e in enumerate(events) if e.kind is EventKind.RECEIVED)  # type: ignore[attr-defined]
    events[i] = dataclasses.replace(events[i], payload=999)  # type: ignore[type-var]
    result = replay(ping_pong_loop(), events)  # type: ignore[arg-type]
    assert not result.ok and result.divergence is not None
    assert result.divergence.index == i and result.divergence.actual is not None
    assert result.divergence.actual.payload != 999


def test_replay_with_external_role() -> None:
    """A trace of a role-scoped session replays by injecting the external messages."""
    image = CodeImage.from_protocol(load_protocol(BUNDLED / "protocols" / "ping_pong.choreo"))
    m = ProtocolMachine()
    sid = m.load(image, local_roles=["Client"], handler=QueuedHandler([1]))
    m.step_session(sid)
    m.ack_pending_send(sid)
    m.inject(sid, "Server", "Client", "Pong", 2)
    m.step_session(sid)
    m.step_session(sid)
    assert replay(image, m.events, local_roles=["Client"]).ok
