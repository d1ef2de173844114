"""The host boundary: external roles, pending sends, blocked receives, injection."""

from __future__ import annotations

import pytest

from aura_kit.machine import (
    CoroutineStatus,
    ImageError,
    NoPendingSend,
    NotReady,
    PendingSend,
    ProtocolMachine,
    ProtocolViolation,
    QueuedHandler,
    RoundRobin,
    StepResult,
    UnknownSession,
)
from aura_kit.protocol.types import Sort
from tests.machine.builders import one_shot, ping_pong_loop


def test_host_sends_to_external_become_pending_in_order() -> None:
    """Sends to an external role surface as pending sends, oldest first, until acked."""
    m = ProtocolMachine()
    sid = m.load(ping_pong_loop(), local_roles=["A"], handler=QueuedHandler([5], ["Ping"]))
    assert m.step_session(sid) is StepResult.CONTINUE
    expected = PendingSend(from_role="A", to_role="B", label="Ping", sort=Sort.INT, payload=5)
    assert m.pending_sends(sid) == (expected,)
    assert m.ack_pending_send(sid) == expected
    assert m.pending_sends(sid) == ()
    with pytest.raises(NoPendingSend):
        m.ack_pending_send(sid)


def test_host_blocked_receive_edge_and_inject() -> None:
    """A waiting on external B reports the edge; injecting the reply wakes it."""
    m = ProtocolMachine()
    sid = m.load(ping_pong_loop(), local_roles=["A"], handler=QueuedHandler([5], ["Ping", "Stop"]))
    m.step_session(sid)
    assert m.blocked_receive_edge(sid, "A") == ("B", "A")
    assert m.step_session(sid) is StepResult.STUCK
    m.inject(sid, "B", "A", "Pong", 6)
    assert m.coroutine_status(sid, "A") is CoroutineStatus.READY
    assert m.blocked_receive_edge(sid, "A") is None
    m.step_session(sid)
    assert m.events[-1].label == "Pong" and m.events[-1].payload == 6


@pytest.mark.parametrize(
    ("src", "dst", "label", "payload", "reason"),
    [
        ("B", "A", "Nope", 1, "not offered"),
        ("B", "A", "Pong", "six", "wrong sort"),
        ("A", "A", "Pong", 1, "not external"),
    ],
)
def test_host_bad_injection_changes_nothing(
    src: str, dst: str, label: str, payload: object, reason: str
) -> None:
    """A wrong label, sort or sender is a ProtocolViolation and leaves the buffer empty."""
    m = ProtocolMachine()
    sid = m.load(ping_pong_loop(), local_roles=["A"], handler=QueuedHandler([5], ["Ping"]))
    m.step_session(sid)
    before = m.view(sid)
    with pytest.raises(ProtocolViolation, match=reason):
        m.inject(sid, src, dst, label, payload)  # type: ignore[arg-type]
    assert m.view(sid) == before


def test_host_inject_ahead_checks_any_receivable_label() -> None:
    """Injecting before the receiver waits checks the label against the receiver's type."""
    m = ProtocolMachine()
    sid = m.load(ping_pong_loop(), local_roles=["B"])
    m.inject(sid, "A", "B", "Ping", 1)
    m.inject(sid, "A", "B", "Stop", None)
    with pytest.raises(ProtocolViolation, match="never received"):
        m.inject(sid, "A", "B", "Pong", 1)


def test_host_inject_into_full_buffer_refused() -> None:
    """Injection into a full buffer is refused and changes nothing."""
    m = ProtocolMachine(buffer_capacity=1)
    sid = m.load(ping_pong_loop(), local_roles=["B"])
    m.inject(sid, "A", "B", "Ping", 1)
    with pytest.raises(ProtocolViolation, match="full buffer"):
        m.inject(sid, "A", "B", "Ping", 2)
    assert len(m.view(sid).buffers[0].messages) == 1


def test_host_full_run_with_external_peer() -> None:
    """A host that acks sends and injects replies drives the local role to ALL_DONE."""
    m = ProtocolMachine()
    sid = m.load(one_shot(), local_roles=["A"], handler=QueuedHandler(["hi"]))
    results = []
    for _ in range(5):
        results.append(m.step_session(sid))
        for p in m.pending_sends(sid):
            m.ack_pending_send(sid)
            m.inject(sid, p.to_role, p.from_role, "Resp", len(str(p.payload)))
    assert results[-1] is StepResult.ALL_DONE


def test_host_step_role_requires_ready() -> None:
    """step_role on a blocked coroutine raises NotReady."""
    m = ProtocolMachine()
    sid = m.load(one_shot(), handler=QueuedHandler(["x", 1]))
    with pytest.raises(NotReady):
        m.step_role(sid, "B")
    assert m.step_role(sid, "A") is StepResult.CONTINUE


def test_host_step_role_keeps_scheduler_bounded() -> None:
    """Stepping only with step_role or step_session compacts the scheduler's stale entries."""
    sched = RoundRobin()
    m = ProtocolMachine(sched)
    sid = m.load(ping_pong_loop(), handler=QueuedHandler(fallback=True))
    for _ in range(1_000):
        for role in ("A", "B", "B", "A"):
            m.step_role(sid, role)
    assert len(sched) <= 2_100
    for _ in range(4_000):
        m.step_session(sid)
    assert len(sched) <= 2_100
    assert m.run(8) is StepResult.CONTINUE
    assert [e.role for e in m.events[-8:]] == ["A", "B", "B", "A"] * 2


def test_host_unknown_names_raise() -> None:
    """Unknown sessions and roles are typed errors."""
    m = ProtocolMachine()
    sid = m.load(one_shot())
    with pytest.raises(UnknownSession):
        m.pending_sends(99)
    with pytest.raises(UnknownSession):
        m.coroutine_status(sid, "Z")
    with pytest.raises(ImageError):
        m.load(one_shot(), local_roles=["Z"])
