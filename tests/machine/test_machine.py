"""Ticks, statuses, buffers and faults of the protocol machine."""

from __future__ import annotations

import pytest

from aura_kit.machine import (
    CodeImage,
    CoroutineStatus,
    EventKind,
    ProtocolMachine,
    ProtocolViolation,
    QueuedHandler,
    SessionStatus,
    StepResult,
    UnknownSession,
)
from aura_kit.protocol import parse_protocol
from tests.machine.builders import both_receive_first, flood, one_shot, ping_pong_loop


def test_machine_ping_pong_runs_to_all_done() -> None:
    """A queued loop runs Ping, Pong, Ping, Pong, Stop and then both roles halt."""
    m = ProtocolMachine()
    sid = m.load(ping_pong_loop(), handler=QueuedHandler([1, 2, 3, 4], ["Ping", "Ping", "Stop"]))
    assert m.run() is StepResult.ALL_DONE
    acts = [(e.kind, e.role, e.label, e.payload) for e in m.events if e.role]
    assert acts[:4] == [
        (EventKind.SELECTED, "A", "Ping", 1),
        (EventKind.BRANCHED, "B", "Ping", 1),
        (EventKind.SENT, "B", "Pong", 2),
        (EventKind.RECEIVED, "A", "Pong", 2),
    ]
    assert acts[-2:] == [(EventKind.HALTED, "A", None, None), (EventKind.HALTED, "B", None, None)]
    assert m.session_status(sid) is SessionStatus.DONE


def test_machine_step_is_one_action() -> None:
    """Each CONTINUE tick appends exactly one event with the next tick number."""
    m = ProtocolMachine()
    m.load(one_shot(), handler=QueuedHandler(["t", 5]))
    before = len(m.events)
    assert m.step() is StepResult.CONTINUE
    assert len(m.events) == before + 1 and m.events[-1].tick == 1


def test_machine_receive_on_empty_edge_blocks() -> None:
    """A receiver with nothing in its buffer is BLOCKED_RECV on that edge, not ready."""
    m = ProtocolMachine()
    sid = m.load(one_shot(), handler=QueuedHandler(["t", 5]))
    assert m.coroutine_status(sid, "B") is CoroutineStatus.BLOCKED_RECV
    assert m.view(sid).coroutines[1].edge == ("A", "B")
    m.step()
    assert m.coroutine_status(sid, "B") is CoroutineStatus.READY


def test_machine_full_buffer_blocks_sender() -> None:
    """With capacity 2 a flooding sender becomes BLOCKED_SEND, then wakes after a receive."""
    m = ProtocolMachine(buffer_capacity=2)
    sid = m.load(flood(), local_roles=["A"])
    assert m.step() is StepResult.CONTINUE
    assert m.step() is StepResult.CONTINUE
    assert m.coroutine_status(sid, "A") is CoroutineStatus.BLOCKED_SEND
    assert len(m.pending_sends(sid)) == 2
    assert m.step() is StepResult.STUCK
    m.ack_pending_send(sid)
    assert m.coroutine_status(sid, "A") is CoroutineStatus.READY


def test_machine_local_full_buffer_blocks_sender() -> None:
    """Between two local roles, the sender blocks on a full buffer until the receiver takes one."""
    m = ProtocolMachine(buffer_capacity=1)
    sid = m.load(flood())
    m.step()  # A sends
    assert m.coroutine_status(sid, "A") is CoroutineStatus.BLOCKED_SEND
    m.step()  # B receives, A wakes
    assert m.coroutine_status(sid, "A") is CoroutineStatus.READY


def test_machine_deadlock_is_stuck_with_event() -> None:
    """Two roles that both wait to receive give STUCK and one stuck event naming them."""
    m = ProtocolMachine()
    sid = m.load(both_receive_first())
    assert m.run() is StepResult.STUCK
    assert m.step() is StepResult.STUCK
    stuck = [e for e in m.events if e.kind is EventKind.STUCK]
    assert len(stuck) == 1 and stuck[0].session == sid
    assert "A blocked_recv B->A" in stuck[0].detail


def test_machine_wrong_sort_faults_session_only() -> None:
    """A str payload for an int send faults that session; another session keeps running."""
    m = ProtocolMachine()
    bad = m.load(one_shot(), handler=QueuedHandler([7]))
    good = m.load(one_shot(), handler=QueuedHandler(["x", 1]))
    with pytest.raises(ProtocolViolation) as info:
        m.run()
    err = info.value
    assert (err.role, err.session, err.expected) == ("A", bad, "str")
    assert "int" in err.actual
    assert m.session_status(bad) is SessionStatus.FAULTED
    assert m.coroutine_status(bad, "A") is CoroutineStatus.FAULTED
    assert m.events[-1].kind is EventKind.FAULTED
    assert m.run() is StepResult.ALL_DONE
    assert m.session_status(good) is SessionStatus.DONE


def test_machine_queued_choice_not_offered_faults() -> None:
    """A queued select label the type does not offer is a ProtocolViolation."""
    m = ProtocolMachine()
    m.load(ping_pong_loop(), handler=QueuedHandler([1], ["Quit"]))
    with pytest.raises(ProtocolViolation, match="queued choice not offered") as info:
        m.step()
    assert info.value.expected == "Ping|Stop" and info.value.actual == "'Quit'"


def test_machine_handler_failure_faults() -> None:
    """A receive hook that raises faults the receiving coroutine."""

    def hook(*_: object) -> None:
        raise RuntimeError("boom")

    m = ProtocolMachine()
    sid = m.load(one_shot(), handler=QueuedHandler(["x", 1], on_receive=hook))
    m.step()
    with pytest.raises(ProtocolViolation, match="handler failure") as info:
        m.step()
    assert info.value.role == "B" and isinstance(info.value.__cause__, RuntimeError)
    assert m.session_status(sid) is SessionStatus.FAULTED


def test_machine_empty_payload_queue_is_handler_failure() -> None:
    """A strict QueuedHandler with no payload queued faults the send."""
    m = ProtocolMachine()
    m.load(one_shot(), handler=QueuedHandler())
    with pytest.raises(ProtocolViolation, match="handler failure"):
        m.step()


def test_machine_bool_is_not_int() -> None:
    """A bool payload for an int send is the wrong sort."""
    m = ProtocolMachine()
    m.load(ping_pong_loop(), handler=QueuedHandler([True], ["Ping"]))
    with pytest.raises(ProtocolViolation, match="wrong sort"):
        m.step()


def test_machine_choose_callback_used_without_queue() -> None:
    """With no queued choice the ``choose`` callback picks the label."""
    m = ProtocolMachine()
    m.load(ping_pong_loop(), handler=QueuedHandler(choose=lambda *_: "Stop"))
    assert m.run() is StepResult.ALL_DONE
    assert [e.label for e in m.events if e.kind is EventKind.SELECTED] == ["Stop"]


def test_machine_default_handler_takes_first_label() -> None:
    """Without a handler the first offered label is chosen and default payloads are used."""
    m = ProtocolMachine()
    m.load(ping_pong_loop())
    m.run(max_ticks=3)
    selected = [e for e in m.events if e.kind is EventKind.SELECTED]
    assert selected[0].label == "Ping" and selected[0].payload == 0


def test_machine_close_removes_session() -> None:
    """close emits ``closed``; the id is then unknown and never reused."""
    m = ProtocolMachine()
    sid = m.load(one_shot())
    m.close(sid)
    assert m.events[-1].kind is EventKind.CLOSED and m.sessions() == ()
    with pytest.raises(UnknownSession):
        m.session_status(sid)
    assert m.load(one_shot()) != sid
    assert m.step() is StepResult.CONTINUE


def test_machine_close_drops_ready_coroutines() -> None:
    """A closed session's ready coroutines never run; the machine is then all done."""
    m = ProtocolMachine()
    sid = m.load(one_shot(), handler=QueuedHandler(["x", 1]))
    m.close(sid)
    assert m.step() is StepResult.ALL_DONE


def test_machine_many_sessions_interleave() -> None:
    """Round robin interleaves sessions: the first two ticks act in different sessions."""
    m = ProtocolMachine()
    s1 = m.load(one_shot(), handler=QueuedHandler(["a", 1]))
    s2 = m.load(one_shot(), handler=QueuedHandler(["b", 2]))
    m.step()
    m.step()
    acted = [e.session for e in m.events if e.kind is EventKind.SENT]
    assert acted == [s1, s2]
    assert m.run() is StepResult.ALL_DONE


def test_machine_bad_capacity_rejected() -> None:
    """A buffer capacity below 1 is refused."""
    with pytest.raises(ValueError, match="buffer_capacity"):
        ProtocolMachine(buffer_capacity=0)


WAIT_ON_EITHER = """protocol Wait(A, B, C) {
  A -> C: first
  choice at A {
    A -> B: l
    A -> C: tell
  } or {
    A -> C: r
    A -> B: tell2
  }
}
"""


def test_machine_nondirected_select_waits_while_any_of_its_edges_is_full() -> None:
    """With one message per buffer, A's select to B or C waits on the full A->C edge."""
    m = ProtocolMachine(buffer_capacity=1)
    sid = m.load(CodeImage.from_protocol(parse_protocol(WAIT_ON_EITHER)))
    m.step_role(sid, "A")  # A -> C: first fills A->C
    assert m.coroutine_status(sid, "A") is CoroutineStatus.BLOCKED_SEND
    m.step_role(sid, "C")  # C takes first: A->C has room again
    assert m.coroutine_status(sid, "A") is CoroutineStatus.READY
    assert m.run(100) is StepResult.ALL_DONE
