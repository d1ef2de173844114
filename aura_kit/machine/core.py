"""Round semantics of the protocol machine (the lean per-round path).

Invariants:
- one round is exactly one action of one READY coroutine: send, select, receive, branch or halt;
- scheduler entries are coroutines; a READY coroutine has exactly one live entry, and
  ``stale`` counts its other (older) entries, which are skipped, never run: acting outside the
  scheduler (``_act``: ``step_session``, ``step_role``), closing or faulting adds one for each
  entry it invalidates; ``_act`` compacts the scheduler once it has made more than 1,024 stale
  entries and they could be half of it, so stepping only outside it keeps it bounded;
- a receive on an empty edge is BLOCKED_RECV, a send on a full edge is BLOCKED_SEND; the action
  that changes that edge wakes the blocked coroutine (found through ``wait``, see ``session``);
- a fault marks the coroutine and its session FAULTED, records a ``faulted`` event and raises
  ``ProtocolViolation``; the session's other coroutines never run again; other sessions go on;
- ``_live`` counts coroutines that are not DONE in RUNNING sessions.
"""

from __future__ import annotations

from typing import Any, NoReturn

from aura_kit.machine.automaton import ActionKind, LocalState
from aura_kit.machine.errors import ProtocolViolation
from aura_kit.machine.scheduler import RoundRobin, Scheduler
from aura_kit.machine.session import (
    K_BRANCHED,
    K_CLOSED,
    K_FAULTED,
    K_HALTED,
    K_OPENED,
    K_RECEIVED,
    K_SELECTED,
    K_SENT,
    K_STUCK,
    Coroutine,
    Queue,
    RawEvent,
    VmSession,
)
from aura_kit.machine.values import (
    CoroutineStatus,
    Payload,
    PendingSend,
    SessionStatus,
    StepResult,
    describe,
)

__all__ = ["K_CLOSED", "K_OPENED", "RUNNING", "MachineCore", "VmSession"]

READY = CoroutineStatus.READY
BLOCKED_RECV = CoroutineStatus.BLOCKED_RECV
BLOCKED_SEND = CoroutineStatus.BLOCKED_SEND
DONE = CoroutineStatus.DONE
FAULTED = CoroutineStatus.FAULTED
SEND = ActionKind.SEND
RECV = ActionKind.RECV
RUNNING = SessionStatus.RUNNING
CONTINUE = StepResult.CONTINUE
ALL_DONE = StepResult.ALL_DONE
STUCK = StepResult.STUCK
NONE_TYPE = type(None)


class MachineCore:
    """Sessions, rounds and faults; ``ProtocolMachine`` adds the host-facing API."""

    __slots__ = (
        "_capacity", "_live", "_next_sid", "_push", "_raw", "_sched", "_sessions", "_stale",
        "_tick", "_views",
    )  # fmt: skip

    def __init__(self, scheduler: Scheduler | None = None, buffer_capacity: int = 64) -> None:
        if buffer_capacity < 1:
            raise ValueError(f"buffer_capacity must be >= 1, got {buffer_capacity}")
        self._sched: Scheduler = scheduler if scheduler is not None else RoundRobin()
        self._push = self._sched.push
        self._capacity = buffer_capacity
        self._sessions: dict[int, VmSession] = {}
        self._next_sid = 1
        self._tick = 0
        self._live = 0
        self._stale = 0
        self._raw: list[RawEvent] = []
        self._views: list[Any] = []

    def step(self) -> StepResult:
        """One round: one action of one ready coroutine chosen by the scheduler."""
        pop = self._sched.pop
        try:
            co = pop()
            while co.stale:
                co.stale -= 1
                co = pop()
        except IndexError:
            return self._idle(self._sessions.values(), self._live)
        self._tick += 1
        st = co.states[co.state]
        kind = st.kind
        if kind is SEND:
            self._send(co, st)
        elif kind is RECV:
            self._recv(co, st)
        else:
            self._halt(co)
        return CONTINUE if self._live else ALL_DONE

    def run(self, max_rounds: int = 1_000_000) -> StepResult:
        """Step until ALL_DONE, STUCK or ``max_rounds`` rounds (then CONTINUE)."""
        step = self.step
        for _ in range(max_rounds):
            result = step()
            if result is not CONTINUE:
                return result
        return CONTINUE

    def _idle(self, sessions: Any, live: int) -> StepResult:
        if not live:
            return ALL_DONE
        for sess in sessions:
            if sess.status is RUNNING and sess.live and not sess.stuck_reported:
                sess.stuck_reported = True
                detail = "; ".join(_blocked_text(c) for c in sess.order if c.status is not DONE)
                self._raw.append((K_STUCK, self._tick, sess.sid, None, None, None, None, detail))
        return STUCK

    def _act(self, co: Coroutine) -> None:
        """One action of a READY coroutine chosen outside the scheduler (its entry goes stale)."""
        co.stale += 1
        self._stale += 1
        if self._stale > 1024 and 2 * self._stale > len(self._sched):
            self._sched.compact(_keep_live)
            self._stale = 0
        self._tick += 1
        st = co.states[co.state]
        if st.kind is SEND:
            self._send(co, st)
        elif st.kind is RECV:
            self._recv(co, st)
        else:
            self._halt(co)

    def _send(self, co: Coroutine, st: LocalState) -> None:
        partner = st.partner
        if len(st.labels) == 1:
            idx, kind = 0, K_SENT
        else:
            idx, kind = self._select(co, st), K_SELECTED
        label = st.labels[idx]
        ptype = st.ptypes[idx]
        payload: Payload = None
        if ptype is not NONE_TYPE:
            try:
                payload = co.handler.send_payload(co.sid, co.role, partner, label, st.sorts[idx])
            except Exception as exc:
                sort = st.sorts[idx].value
                self._fault(
                    co, f"handler failure on send {label}", f"a {sort} payload", repr(exc), exc
                )
            if type(payload) is not ptype:
                self._fault(
                    co,
                    f"payload of the wrong sort for {label}",
                    st.sorts[idx].value,
                    describe(payload),
                )
        q, rc, edge = co.links[co.state]  # type: ignore[misc]
        if q is None:
            self._send_external(co, edge, label, st.sorts[idx], payload)
        else:
            q.append((label, payload))
            if rc.wait is q:  # type: ignore[union-attr]
                self._wake(rc)  # type: ignore[arg-type]
        self._raw.append((kind, self._tick, co.sid, co.role, partner, label, payload, ""))
        co.state = st.nexts[idx]
        self._settle(co)

    def _send_external(
        self, co: Coroutine, edge: tuple[str, str], label: str, sort: Any, payload: Payload
    ) -> None:
        sess = co.sess
        sess.pending.append(
            PendingSend(from_role=co.role, to_role=edge[1], label=label, sort=sort, payload=payload)
        )
        sess.pending_count[edge] += 1

    def _recv(self, co: Coroutine, st: LocalState) -> None:
        partner = st.partner
        q: Queue
        sc: Coroutine | None
        q, sc, _ = co.links[co.state]  # type: ignore[misc,assignment]
        label, payload = q[0]
        entry = st.table.get(label)
        if entry is None:
            self._fault(co, "label not offered", "|".join(st.labels), label)
        if type(payload) is not entry[2]:
            self._fault(
                co, f"payload of the wrong sort for {label}", entry[0].value, describe(payload)
            )
        try:
            co.handler.on_receive(co.sid, co.role, partner, label, payload)
        except Exception as exc:
            self._fault(co, "handler failure on receive", "a hook that returns", repr(exc), exc)
        q.popleft()
        kind = K_RECEIVED if len(st.labels) == 1 else K_BRANCHED
        self._raw.append((kind, self._tick, co.sid, co.role, partner, label, payload, ""))
        co.state = entry[1]
        self._settle(co)
        if sc is not None and sc.wait is q:
            self._wake(sc)

    def _halt(self, co: Coroutine) -> None:
        sess = co.sess
        co.status = DONE
        sess.live -= 1
        self._live -= 1
        if not sess.live:
            sess.status = SessionStatus.DONE
        self._raw.append((K_HALTED, self._tick, co.sid, co.role, None, None, None, ""))

    def _select(self, co: Coroutine, st: LocalState) -> int:
        try:
            label = co.handler.select_label(co.sid, co.role, st.partner, st.labels)
        except Exception as exc:
            self._fault(co, "handler failure on select", "a label", repr(exc), exc)
        if label is None:
            return 0
        if label not in st.table:
            self._fault(co, "queued choice not offered", "|".join(st.labels), repr(label))
        return st.labels.index(label)

    def _settle(self, co: Coroutine) -> None:
        st = co.states[co.state]
        kind = st.kind
        if kind is RECV:
            q, _, edge = co.links[co.state]  # type: ignore[misc]
            if not q:
                co.status, co.wait, co.edge = BLOCKED_RECV, q, edge
                return
        elif kind is SEND:
            q, _, edge = co.links[co.state]  # type: ignore[misc]
            used = len(q) if q is not None else co.sess.pending_count[edge]
            if used >= self._capacity:
                co.status, co.wait, co.edge = BLOCKED_SEND, q, edge
                return
        co.status = READY
        co.wait = None
        co.edge = None
        co.since = self._tick
        self._push(co)

    def _wake(self, co: Coroutine) -> None:
        co.status = READY
        co.wait = None
        co.edge = None
        co.since = self._tick
        self._push(co)

    def _fault(
        self, co: Coroutine, reason: str, expected: str, actual: str, cause: Exception | None = None
    ) -> NoReturn:
        sess = co.sess
        co.status = FAULTED
        co.fault = f"{reason}: got {actual}, expected {expected}"
        if sess.status is RUNNING:
            self._live -= sess.live
        sess.live = 0
        sess.status = SessionStatus.FAULTED
        for c in sess.order:
            if c.status is READY:
                c.stale += 1
        self._raw.append((K_FAULTED, self._tick, sess.sid, co.role, None, None, None, co.fault))
        error = ProtocolViolation(
            role=co.role, session=sess.sid, expected=expected, actual=actual, reason=reason
        )
        raise error from cause


def _blocked_text(co: Coroutine) -> str:
    if co.edge is None:
        return f"{co.role} {co.status.value}"
    return f"{co.role} {co.status.value} {co.edge[0]}->{co.edge[1]}"


def _keep_live(co: Coroutine) -> bool:
    """Compaction filter: drop a coroutine's stale entries (oldest first), keep the rest."""
    if co.stale:
        co.stale -= 1
        return False
    return True
