"""Handler callbacks that misbehave (odd return values, interrupts) never leave a READY
coroutine outside the scheduler: ``run`` never reports STUCK while one could still act."""

from __future__ import annotations

from typing import Any

import pytest

from aura_kit.machine import (
    CoroutineStatus,
    ProtocolMachine,
    ProtocolViolation,
    QueuedHandler,
    SessionStatus,
    StepResult,
)
from tests.machine.builders import one_shot, ping_pong_loop

ROLES = ("A", "B")


def _assert_consistent(m: ProtocolMachine, sid: int) -> None:
    """The session is FAULTED and ``run`` no longer reports STUCK with a READY coroutine."""
    assert m.session_status(sid) is SessionStatus.FAULTED
    result = m.run()
    ready = [r for r in ROLES if m.coroutine_status(sid, r) is CoroutineStatus.READY]
    assert not (result is StepResult.STUCK and ready)


@pytest.mark.parametrize("label", [[], {}, {"Ping"}, 3, b"Ping"])
def test_machine_callbacks_choose_returning_a_non_label_faults(label: Any) -> None:
    """A ``choose`` callback returning an unhashable or non-str value is a ProtocolViolation."""
    m = ProtocolMachine()
    sid = m.load(ping_pong_loop(), handler=QueuedHandler([1], choose=lambda *_: label))
    with pytest.raises(ProtocolViolation):
        m.run()
    _assert_consistent(m, sid)


@pytest.mark.parametrize("stepper", ["run", "step_session", "step_role"])
def test_machine_callbacks_interrupt_in_on_receive_faults_and_propagates(stepper: str) -> None:
    """KeyboardInterrupt from ``on_receive`` reaches the caller and leaves the session FAULTED."""

    def hook(*_args: object) -> None:
        raise KeyboardInterrupt

    m = ProtocolMachine()
    sid = m.load(one_shot(), handler=QueuedHandler(["t", 5], on_receive=hook))
    with pytest.raises(KeyboardInterrupt):
        for _ in range(10):
            if stepper == "run":
                m.run()
            elif stepper == "step_session":
                m.step_session(sid)
            else:
                ready = [r for r in ROLES if m.coroutine_status(sid, r) is CoroutineStatus.READY]
                m.step_role(sid, ready[0])
    _assert_consistent(m, sid)
    assert "interrupted" in m.events[-1].detail


def test_machine_callbacks_interrupt_in_send_payload_faults() -> None:
    """An interrupt while the handler supplies a payload also faults the session."""

    class Interrupting(QueuedHandler):
        def send_payload(self, *args: Any) -> Any:
            raise KeyboardInterrupt

    m = ProtocolMachine()
    sid = m.load(one_shot(), handler=Interrupting())
    with pytest.raises(KeyboardInterrupt):
        m.run()
    _assert_consistent(m, sid)


def test_machine_callbacks_other_sessions_go_on_after_an_interrupt() -> None:
    """Only the interrupted session faults; another session on the machine still completes."""
    calls = {"n": 0}

    def hook(*_args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt

    m = ProtocolMachine()
    first = m.load(one_shot(), handler=QueuedHandler(["t", 5], on_receive=hook))
    second = m.load(one_shot(), handler=QueuedHandler(["t", 5], on_receive=hook))
    with pytest.raises(KeyboardInterrupt):
        m.run()
    assert m.run() is StepResult.ALL_DONE
    assert {m.session_status(first), m.session_status(second)} == {
        SessionStatus.FAULTED,
        SessionStatus.DONE,
    }
