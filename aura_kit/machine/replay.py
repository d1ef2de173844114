"""Replay of a recorded trace: force its schedule, choices and payloads, find the first divergence.

Invariants:
- ``replay`` never mutates its inputs; it runs a fresh ``ProtocolMachine``;
- recorded sessions map to new ones in order of their ``opened`` events (a trace without them,
  such as an exploration trace, uses one session); a receive from an external role is injected
  first and a send to one is acknowledged after;
- events compare on kind, role, peer, label and payload (ticks may differ).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aura_kit.machine.errors import MachineError
from aura_kit.machine.image import CodeImage
from aura_kit.machine.machine import ProtocolMachine
from aura_kit.machine.values import (
    RECV_KINDS,
    SEND_KINDS,
    CoroutineStatus,
    EventKind,
    MachineEvent,
    Payload,
    StepResult,
)
from aura_kit.protocol.types import PayloadSort


@dataclass(frozen=True, slots=True, kw_only=True)
class Divergence:
    """Where a replay first differed from the recording."""

    index: int
    expected: MachineEvent
    actual: MachineEvent | None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayResult:
    """Outcome of ``replay``: ``ok`` when every recorded event was reproduced."""

    events: tuple[MachineEvent, ...]
    divergence: Divergence | None

    @property
    def ok(self) -> bool:
        """True when the replay reproduced the whole trace."""
        return self.divergence is None


class _Script:
    """Handler that hands out the recorded payload and label of the event being replayed."""

    def __init__(self) -> None:
        self.payload: Payload = None
        self.label: str | None = None

    def send_payload(
        self, session: int, role: str, to_role: str, label: str, sort: PayloadSort
    ) -> Payload:
        return self.payload

    def select_label(
        self, session: int, role: str, to_role: str, offered: tuple[str, ...]
    ) -> str | None:
        return self.label

    def on_receive(
        self, session: int, role: str, from_role: str, label: str, payload: Payload
    ) -> None:
        return None


def _same(a: MachineEvent, b: MachineEvent) -> bool:
    return (a.kind, a.role, a.peer, a.label) == (b.kind, b.role, b.peer, b.label) and (
        type(a.payload) is type(b.payload) and a.payload == b.payload
    )


def replay(
    image: CodeImage,
    trace: Iterable[MachineEvent],
    *,
    local_roles: Sequence[str] | None = None,
    buffer_capacity: int = 64,
) -> ReplayResult:
    """Re-run ``trace`` on a fresh machine loaded with ``image``; report the first divergence."""
    machine = ProtocolMachine(buffer_capacity=buffer_capacity)
    script = _Script()
    sids: dict[int, int] = {}
    for i, ev in enumerate(trace):
        before = machine.event_count
        if ev.kind is EventKind.OPENED or ev.session not in sids:
            sids[ev.session] = machine.load(image, local_roles, script)
            if ev.kind is EventKind.OPENED:
                continue
        reason = _apply(machine, script, sids[ev.session], ev)
        actual = machine.last_event() if machine.event_count > before else None
        if reason is None and (actual is None or not _same(ev, actual)):
            reason = "a different event"
        if reason is not None:
            return ReplayResult(
                events=machine.events,
                divergence=Divergence(index=i, expected=ev, actual=actual, reason=reason),
            )
    return ReplayResult(events=machine.events, divergence=None)


def _apply(machine: ProtocolMachine, script: _Script, sid: int, ev: MachineEvent) -> str | None:
    if ev.kind is EventKind.CLOSED:
        machine.close(sid)
        return None
    if ev.kind is EventKind.STUCK:
        stuck = machine.step_session(sid) is StepResult.STUCK
        return None if stuck else "the session was not stuck"
    if ev.role is None:
        return f"a {ev.kind.value} event without a role"
    return _act(machine, script, sid, ev)


def _act(machine: ProtocolMachine, script: _Script, sid: int, ev: MachineEvent) -> str | None:
    role = ev.role
    assert role is not None
    waiting = ev.kind in RECV_KINDS and ev.peer is not None
    if waiting and machine.blocked_receive_edge(sid, role) == (ev.peer, role):
        try:
            machine.inject(sid, ev.peer or "", role, ev.label or "", ev.payload)
        except MachineError as exc:
            return f"injection refused: {exc}"
    try:
        status = machine.coroutine_status(sid, role)
    except MachineError as exc:
        return str(exc)
    if status is not CoroutineStatus.READY:
        return f"{role} cannot act: it is {status.value}"
    script.payload, script.label = ev.payload, ev.label
    try:
        machine.step_role(sid, role)
    except MachineError:
        if ev.kind is not EventKind.FAULTED:
            return "the step faulted"
    if ev.kind in SEND_KINDS and machine.pending_sends(sid):
        machine.ack_pending_send(sid)
    return None
