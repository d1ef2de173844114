"""The protocol machine's public API: load, step, inject, pending sends, views, snapshots.

Invariants (besides those of ``core``):
- VM session ids are positive and never reused; ``close`` removes a session for good;
- ``inject`` and ``ack_pending_send`` either succeed or raise and change nothing;
- ``snapshot`` copies flat state only (ints, tuples, deques of messages); ``restore`` puts it
  back, including each handler's queues when the handler offers ``snapshot_state``; stepping
  after a restore gives the same events as stepping before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aura_kit._display import Displayable
from aura_kit.machine.automaton import PAYLOAD_TYPES, ActionKind
from aura_kit.machine.core import K_CLOSED, K_OPENED, RUNNING, MachineCore, VmSession
from aura_kit.machine.errors import (
    ImageError,
    NoPendingSend,
    NotReady,
    ProtocolViolation,
    UnknownSession,
)
from aura_kit.machine.handler import DEFAULT_HANDLER, EffectHandler
from aura_kit.machine.image import CodeImage
from aura_kit.machine.snapshot import MachineSnapshot, load_session, save_session
from aura_kit.machine.values import (
    CoroutineStatus,
    EventKind,
    MachineEvent,
    Payload,
    PendingSend,
    SessionStatus,
    SessionView,
    StepResult,
    describe,
    payload_size,
)
from aura_kit.machine.views import session_view

__all__ = ["MachineSnapshot", "NoPendingSend", "ProtocolMachine"]


class ProtocolMachine(MachineCore, Displayable):
    """Sans-IO machine running many VM sessions round by round.

    ``ProtocolMachine(scheduler=None, buffer_capacity=64)``; the default scheduler is
    ``RoundRobin()``. See ``load``, ``step``, ``step_session``, ``inject``.
    """

    __slots__ = ()

    # -- sessions ---------------------------------------------------------------------------
    def load(
        self,
        image: CodeImage,
        local_roles: Iterable[str] | None = None,
        handler: EffectHandler | None = None,
    ) -> int:
        """Open a VM session for ``image``; roles not in ``local_roles`` are external."""
        local = image.roles if local_roles is None else tuple(local_roles)
        for role in local:
            if role not in image.local_types:
                raise ImageError(role, f"not a role of the image {list(image.roles)}")
        sid = self._next_sid
        self._next_sid += 1
        sess = VmSession(sid, image, local, handler if handler is not None else DEFAULT_HANDLER)
        self._sessions[sid] = sess
        self._live += sess.live
        detail = f"local={','.join(local)} external={','.join(sorted(sess.external))}"
        self._raw.append((K_OPENED, self._tick, sid, None, None, None, None, detail))
        for co in sess.order:
            self._settle(co)
        return sid

    def close(self, sid: int) -> None:
        """Emit ``closed`` and remove the session (its coroutines never run again)."""
        sess = self._session(sid)
        for co in sess.order:
            if co.status is CoroutineStatus.READY:
                co.stale += 1
        if sess.status is RUNNING:
            self._live -= sess.live
        del self._sessions[sid]
        self._raw.append((K_CLOSED, self._tick, sid, None, None, None, None, ""))

    def sessions(self) -> tuple[int, ...]:
        """Ids of open sessions, oldest first."""
        return tuple(self._sessions)

    def session_status(self, sid: int) -> SessionStatus:
        """RUNNING, DONE or FAULTED."""
        return self._session(sid).status

    def coroutine_status(self, sid: int, role: str) -> CoroutineStatus:
        """Status of the coroutine of a local ``role``."""
        return self._coroutine(sid, role).status

    def handler(self, sid: int) -> EffectHandler:
        """The effect handler of a session (the shared ``DefaultHandler`` unless one was given)."""
        return self._session(sid).handler

    @property
    def tick(self) -> int:
        """Rounds performed so far."""
        return self._tick

    def step_session(self, sid: int) -> StepResult:
        """One round restricted to session ``sid`` (ALL_DONE / STUCK refer to that session)."""
        sess = self._session(sid)
        ready = [c for c in sess.order if c.status is CoroutineStatus.READY]
        if sess.status is not RUNNING or not ready:
            if sess.status is SessionStatus.DONE:
                return StepResult.ALL_DONE
            return self._idle((sess,), sess.live) if sess.live else StepResult.STUCK
        co = ready[0] if len(ready) == 1 else self._sched.pick(ready, self._tick)
        self._act(co)
        return StepResult.CONTINUE if sess.live else StepResult.ALL_DONE

    def step_role(self, sid: int, role: str) -> StepResult:
        """One round by the coroutine of ``role`` (it must be READY, else ``NotReady``)."""
        co = self._coroutine(sid, role)
        if co.status is not CoroutineStatus.READY or co.sess.status is not RUNNING:
            raise NotReady(sid, role, co.status.value)
        self._act(co)
        return StepResult.CONTINUE if co.sess.live else StepResult.ALL_DONE

    # -- host boundary ----------------------------------------------------------------------
    def pending_sends(self, sid: int) -> tuple[PendingSend, ...]:
        """Messages to external roles not yet acknowledged, oldest first."""
        return tuple(self._session(sid).pending)

    def ack_pending_send(self, sid: int) -> PendingSend:
        """Remove and return the oldest pending send (after the host delivered it)."""
        sess = self._session(sid)
        if not sess.pending:
            raise NoPendingSend(sid)
        sent = sess.pending.pop(0)
        sess.pending_count[(sent.from_role, sent.to_role)] -= 1
        sess.stuck_reported = False
        co = sess.cos[sent.from_role]
        blocked = co.status is CoroutineStatus.BLOCKED_SEND and sess.status is RUNNING
        if blocked and co.edge == (sent.from_role, sent.to_role):
            self._wake(co)
        return sent

    def blocked_receive_edge(self, sid: int, role: str) -> tuple[str, str] | None:
        """``(from_role, to_role)`` when ``role`` waits on a receive from an external role."""
        co = self._coroutine(sid, role)
        sess = co.sess
        if co.status is CoroutineStatus.BLOCKED_RECV and co.edge and co.edge[0] in sess.external:
            return co.edge
        return None

    def inject(self, sid: int, from_role: str, to_role: str, label: str, payload: Payload) -> None:
        """Deliver a message from external ``from_role`` to local ``to_role``."""
        sess = self._session(sid)
        if to_role not in sess.cos:
            raise UnknownSession(sid, to_role)
        problem = self._inject_problem(sess, from_role, to_role, label, payload)
        if problem is not None:
            reason, expected, actual = problem
            raise ProtocolViolation(
                role=to_role, session=sid, expected=expected, actual=actual, reason=reason
            )
        co = sess.cos[to_role]
        sess.buffers[(from_role, to_role)].append((label, payload))
        sess.stuck_reported = False
        if co.status is CoroutineStatus.BLOCKED_RECV and co.edge == (from_role, to_role):
            self._wake(co)

    def _inject_problem(
        self, sess: VmSession, src: str, dst: str, label: str, payload: Payload
    ) -> tuple[str, str, str] | None:
        co = sess.cos[dst]
        if src not in sess.external:
            return (
                "injection from a role that is not external",
                "|".join(sorted(sess.external)),
                src,
            )
        if sess.status is not RUNNING or co.status is CoroutineStatus.DONE:
            return ("injection into a finished coroutine", "a running coroutine", co.status.value)
        queue = sess.buffers[(src, dst)]
        if len(queue) >= self._capacity:
            return ("injection into a full buffer", f"< {self._capacity} messages", str(len(queue)))
        st = co.states[co.state]
        if not queue and st.kind is ActionKind.RECV and st.partner == src:
            entry = st.table.get(label)
            if entry is None:
                return ("injected label not offered", "|".join(st.labels), label)
            sorts = frozenset({entry[0]})
        else:
            sorts = co.sess.image.automata[dst].receivable(src, label)
            if not sorts:
                return ("injected label never received on this edge", f"a label from {src}", label)
        if not any(type(payload) is PAYLOAD_TYPES[s] for s in sorts):
            expected = "|".join(sorted(s.value for s in sorts))
            return (f"injected payload of the wrong sort for {label}", expected, describe(payload))
        return None

    # -- views and events -------------------------------------------------------------------
    def view(self, sid: int) -> SessionView:
        """Read-only picture of one session (coroutines, local types, buffers)."""
        return session_view(self._session(sid))

    def views(self) -> tuple[SessionView, ...]:
        """Pictures of every open session."""
        return tuple(session_view(s) for s in self._sessions.values())

    @property
    def events(self) -> tuple[MachineEvent, ...]:
        """Every event so far, oldest first."""
        return tuple(self._event_list())

    trace = events

    def _event_list(self) -> list[MachineEvent]:
        """The machine's own list of events, brought up to date (no copy: do not mutate it)."""
        done: list[MachineEvent] = self._views
        for raw in self._raw[len(done) :]:
            kind, tick, sid, role, peer, label, payload, detail = raw
            done.append(
                MachineEvent(
                    kind=EventKind(kind), tick=tick, session=sid, role=role, peer=peer, label=label,
                    payload=payload, payload_size=payload_size(payload), detail=detail,
                )
            )  # fmt: skip
        return done

    # -- snapshots --------------------------------------------------------------------------
    def snapshot(self) -> MachineSnapshot:
        """Save the whole machine state (cheap: flat copies, no type copies)."""
        return MachineSnapshot(
            tick=self._tick,
            next_sid=self._next_sid,
            live=self._live,
            raw=self._raw,
            n_events=len(self._raw),
            sessions=tuple((s, save_session(s)) for s in self._sessions.values()),
            scheduler=self._sched.snapshot(),
        )

    def restore(self, snap: MachineSnapshot) -> None:
        """Go back to ``snap`` (sessions opened since are dropped, closed ones come back)."""
        self._tick, self._next_sid, self._live = snap.tick, snap.next_sid, snap.live
        self._raw = snap.raw[: snap.n_events]
        del self._views[snap.n_events :]
        self._sessions = {}
        for sess, saved in snap.sessions:
            load_session(sess, saved)
            self._sessions[sess.sid] = sess
        self._sched.restore(snap.scheduler)
        self._push = self._sched.push
        self._stale = 0

    # -- lookups ----------------------------------------------------------------------------
    def _session(self, sid: int) -> VmSession:
        sess = self._sessions.get(sid)
        if sess is None:
            raise UnknownSession(sid)
        return sess

    def _coroutine(self, sid: int, role: str) -> Any:
        co = self._session(sid).cos.get(role)
        if co is None:
            raise UnknownSession(sid, role)
        return co
