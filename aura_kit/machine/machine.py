"""The protocol machine: VM sessions of coroutines, run one tick at a time.

Vocabulary: a *tick* is one action of one coroutine (one ``step``, ``step_session`` or
``step_role``); ``tick`` counts them. A *round* is one authority's ``advance_round`` in the
runtime, and a *pass* gives every role one turn; neither is the machine's business.

Invariants:
- a tick is exactly one action of one READY coroutine: send, select, receive, branch or halt;
- scheduler entries are coroutines; a READY coroutine has exactly one live entry, and
  ``stale`` counts its other (older) entries, which are skipped, never run: acting outside the
  scheduler (``_act``: ``step_session``, ``step_role``), closing or faulting adds one for each
  entry it invalidates; ``_act`` compacts the scheduler once it has made more than 1,024 stale
  entries and they could be half of it, so stepping only outside it keeps it bounded;
- a receive on an empty edge is BLOCKED_RECV, a send on a full edge is BLOCKED_SEND; the action
  that changes that edge wakes the blocked coroutine (found through ``wait``, see ``session``);
  a non-directed select (its labels go to different partners) asks ``select_label`` with
  ``to_role=""`` and sends the chosen label to that label's partner; it is BLOCKED_SEND while
  any of its edges is full (the choice is the handler's, made when it acts), so it waits on
  the first full one;
- a fault marks the coroutine and its session FAULTED, records a ``faulted`` event and raises
  ``ProtocolViolation``; the session's other coroutines never run again; other sessions go on;
- whatever a handler callback does (returns a value of any type, raises any exception, or a
  ``BaseException`` such as ``KeyboardInterrupt``), the tick ends with the coroutine faulted,
  never with a READY coroutine left out of the scheduler; a ``BaseException`` is re-raised
  as it is after the fault is recorded;
- ``_live`` counts coroutines that are not DONE in RUNNING sessions;
- VM session ids are positive and never reused; ``close`` removes a session for good;
- ``inject`` and ``ack_pending_send`` either succeed or raise and change nothing;
- ``semantics="seed"`` (the seed's machine, as far as it can be modelled): an idle step that
  finds a blocked receive not yet tried is that receive's attempt (every such receive of the
  stepped sessions is tried at once) and returns CONTINUE, with no tick and no event; only a
  later idle step with nothing ready is STUCK; a receive woken and blocked again is tried
  again; and a receive that offers one label takes a message whatever its label (the seed's
  messages carry none);
  ``semantics="kit"`` (the default) reports STUCK at once and checks every label;
- with ``opaque_payloads=True`` a non-unit send or receive also takes ``bytes`` whatever its
  sort (the seed carries one opaque payload per send); by default a payload must be its sort;
- ``snapshot`` copies flat state only (ints, tuples, deques of messages); ``restore`` puts it
  back, including each handler's queues when the handler offers ``snapshot_state``; stepping
  after a restore gives the same events as stepping before it;
- the event history is bounded: once a send or receive makes it twice ``history_limit``
  (default 10,000) events long, only the newest ``history_limit`` are kept; and once the
  kept ``bytes``/``str`` payloads of at least ``BIG_PAYLOAD`` (4 KiB) add up to more than
  ``byte_budget`` (default 16 MiB), the oldest events go until they hold half of it (the
  newest event always stays); ``event_count`` still counts every event.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any, Literal, NoReturn

from aura_kit._display import Displayable
from aura_kit.arguments import WrongArgumentType, check_type
from aura_kit.bounded import SIZED, sized_len
from aura_kit.machine.automaton import ActionKind, LocalState
from aura_kit.machine.errors import (
    ImageError,
    NoPendingSend,
    NotReady,
    ProtocolViolation,
    UnknownSemantics,
    UnknownSession,
)
from aura_kit.machine.handler import DEFAULT_HANDLER, EffectHandler
from aura_kit.machine.image import CodeImage
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
    Link,
    Queue,
    RawEvent,
    VmSession,
)
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
    fits,
    payload_size,
)
from aura_kit.numbers import check_count

__all__ = [
    "MACHINE_SEMANTICS",
    "MachineSemantics",
    "MachineSnapshot",
    "NoPendingSend",
    "ProtocolMachine",
]

MachineSemantics = Literal["kit", "seed"]
MACHINE_SEMANTICS: tuple[MachineSemantics, ...] = ("kit", "seed")

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
BIG_PAYLOAD = 4096  # bytes: payloads this big count against the event history's byte budget
STUCK = StepResult.STUCK
NONE_TYPE = type(None)


class ProtocolMachine(Displayable):
    """Sans-IO machine running many VM sessions one tick at a time.

    ``ProtocolMachine(scheduler=None, buffer_capacity=64, semantics="kit")``; the default
    scheduler is ``RoundRobin()``; ``semantics="seed"`` steps the way the seed's machine
    does (see the module invariants). See ``load``, ``step``, ``step_session``, ``inject``.
    """

    __slots__ = (
        "_big_bytes",
        "_byte_budget",
        "_capacity",
        "_dropped",
        "_history_limit",
        "_keep_at_most",
        "_live",
        "_next_sid",
        "_opaque",
        "_push",
        "_raw",
        "_sched",
        "_seed",
        "_sessions",
        "_stale",
        "_tick",
        "_views",
    )

    DEFAULT_HISTORY_LIMIT = 10_000
    DEFAULT_BYTE_BUDGET = 16 * 1024 * 1024

    def __init__(
        self,
        scheduler: Scheduler | None = None,
        buffer_capacity: int = 64,
        semantics: MachineSemantics = "kit",
        *,
        opaque_payloads: bool = False,
        history_limit: int | None = None,
        byte_budget: int | None = None,
    ) -> None:
        check_count("buffer_capacity", buffer_capacity, minimum=1)
        if semantics not in MACHINE_SEMANTICS:
            raise UnknownSemantics(semantics)
        self._seed = semantics == "seed"
        self._opaque = opaque_payloads is True
        limit = self.DEFAULT_HISTORY_LIMIT if history_limit is None else history_limit
        check_count("history_limit", limit, minimum=1)
        self._history_limit = limit
        self._keep_at_most = 2 * limit  # trimmed in chunks: a message costs O(1) on average
        budget = self.DEFAULT_BYTE_BUDGET if byte_budget is None else byte_budget
        check_count("byte_budget", budget, minimum=0)
        self._byte_budget = budget
        self._big_bytes = 0  # of the kept payloads of at least BIG_PAYLOAD bytes
        self._dropped = 0
        self._sched: Scheduler = scheduler if scheduler is not None else RoundRobin()
        self._push = self._sched.push
        self._capacity = buffer_capacity
        self._sessions: dict[int, VmSession] = {}
        self._next_sid = 1
        self._tick = 0
        self._live = 0
        self._stale = 0
        self._raw: list[RawEvent] = []
        self._views: list[MachineEvent] = []

    # -- sessions ---------------------------------------------------------------------------
    def load(
        self,
        image: CodeImage,
        local_roles: Iterable[str] | None = None,
        handler: EffectHandler | None = None,
    ) -> int:
        """Open a VM session for ``image``; roles not in ``local_roles`` are external."""
        check_type("load image", image, CodeImage, "a CodeImage")
        if local_roles is not None:
            check_type("load local_roles", local_roles, Iterable, "an iterable of role names")
            if isinstance(local_roles, str):
                raise WrongArgumentType("load local_roles", local_roles, "role names, not one str")
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
        """Ticks performed so far (one per coroutine action)."""
        return self._tick

    def step_session(self, sid: int) -> StepResult:
        """One tick restricted to session ``sid`` (ALL_DONE / STUCK refer to that session)."""
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
        """One tick by the coroutine of ``role`` (it must be READY, else ``NotReady``)."""
        co = self._coroutine(sid, role)
        if co.status is not CoroutineStatus.READY or co.sess.status is not RUNNING:
            raise NotReady(sid, role, co.status.value)
        self._act(co)
        return StepResult.CONTINUE if co.sess.live else StepResult.ALL_DONE

    # -- ticks ------------------------------------------------------------------------------
    def step(self) -> StepResult:
        """One tick: one action of one ready coroutine chosen by the scheduler."""
        pop = self._sched.pop
        try:
            co = pop()
            while co.stale:
                co.stale -= 1
                co = pop()
        except IndexError:
            return self._idle(self._sessions.values(), self._live)
        self._perform(co)
        return CONTINUE if self._live else ALL_DONE

    def run(self, max_ticks: int = 1_000_000) -> StepResult:
        """Step until ALL_DONE, STUCK or ``max_ticks`` ticks (then CONTINUE)."""
        check_count("max_ticks", max_ticks)
        step = self.step
        for _ in range(max_ticks):
            result = step()
            if result is not CONTINUE:
                return result
        return CONTINUE

    @property
    def semantics(self) -> MachineSemantics:
        """``"kit"`` or ``"seed"``: how an idle step and a single-label receive behave."""
        return "seed" if self._seed else "kit"

    def _idle(self, sessions: Any, live: int) -> StepResult:
        if not live:
            return ALL_DONE
        if self._seed and _attempt_blocked_receives(sessions):
            return CONTINUE
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
        self._perform(co)

    def _perform(self, co: Coroutine) -> None:
        """One tick: the coroutine's action; anything but a protocol violation faults it."""
        self._tick += 1
        st = co.states[co.state]
        kind = st.kind
        try:
            if kind is SEND:
                self._send(co, st)
            elif kind is RECV:
                self._recv(co, st)
            else:
                self._halt(co)
        except ProtocolViolation:
            raise
        except BaseException as exc:
            self._escaped(co, exc)
            raise

    def _send(self, co: Coroutine, st: LocalState) -> None:
        if len(st.labels) == 1:
            idx, kind = 0, K_SENT
        else:
            idx, kind = self._select(co, st), K_SELECTED
        partner = st.peers[idx]  # a non-directed select sends to the chosen label's peer
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
            if (
                type(payload) is not ptype
                and not (self._opaque and type(payload) is bytes)
                and not fits(st.sorts[idx], payload)
            ):
                self._fault(
                    co,
                    f"payload of the wrong sort for {label}",
                    st.sorts[idx].value,
                    describe(payload),
                )
        link = co.select_links[co.state][idx] if st.nondirected else co.links[co.state]
        q, rc, edge = link  # type: ignore[misc]
        if q is None:
            self._send_external(co, edge, label, st.sorts[idx], payload)
        else:
            q.append((label, payload))
            if rc.wait is q:  # type: ignore[union-attr]
                self._wake(rc)  # type: ignore[arg-type]
        self._raw.append((kind, self._tick, co.sid, co.role, partner, label, payload, ""))
        if len(self._raw) > self._keep_at_most:
            self._forget_oldest_events()
        if payload.__class__ in SIZED and len(payload) >= BIG_PAYLOAD:
            self._keep_big(len(payload))
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
        if entry is None and self._seed and len(st.labels) == 1:  # the seed drops labels
            label = st.labels[0]
            entry = st.table[label]
        if entry is None:
            self._fault(co, "label not offered", "|".join(st.labels), label)
        if (
            type(payload) is not entry[2]
            and not (self._opaque and type(payload) is bytes)
            and not fits(entry[0], payload)
        ):
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
        if len(self._raw) > self._keep_at_most:
            self._forget_oldest_events()
        if payload.__class__ in SIZED and len(payload) >= BIG_PAYLOAD:
            self._keep_big(len(payload))
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
            to_role = "" if st.nondirected else st.partner  # "": each label has its own peer
            label = co.handler.select_label(co.sid, co.role, to_role, st.labels)
        except Exception as exc:
            self._fault(co, "handler failure on select", "a label", repr(exc), exc)
        if label is None:
            return 0
        if type(label) is not str or label not in st.table:
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
        elif kind is SEND and st.nondirected:  # waits while any edge it may send on is full
            full = self._full_link(co, co.select_links[co.state])
            if full is not None:
                co.status, co.wait, co.edge = BLOCKED_SEND, full[0], full[2]
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

    def _full_link(self, co: Coroutine, links: tuple[Link, ...]) -> Link | None:
        """The first link among ``links`` whose edge holds ``buffer_capacity`` messages."""
        for link in links:
            q, _, edge = link
            used = len(q) if q is not None else co.sess.pending_count[edge]
            if used >= self._capacity:
                return link
        return None

    def _wake(self, co: Coroutine) -> None:
        co.status = READY
        co.tried = False
        co.wait = None
        co.edge = None
        co.since = self._tick
        self._push(co)

    def _escaped(self, co: Coroutine, exc: BaseException) -> None:
        """Fault ``co`` for an exception that got past the checks; an ``Exception`` becomes a
        ``ProtocolViolation``, a ``BaseException`` (an interrupt) is left to the caller."""
        if co.sess.status is not RUNNING:  # already faulted or closed under the exception
            return
        reason, expected = "interrupted in a handler callback", "a callback that returns"
        if not isinstance(exc, Exception):
            self._mark_faulted(co, f"{reason}: got {exc!r}, expected {expected}")
            return
        self._fault(co, "handler failure", expected, repr(exc), exc)

    def _fault(
        self, co: Coroutine, reason: str, expected: str, actual: str, cause: Exception | None = None
    ) -> NoReturn:
        self._mark_faulted(co, f"{reason}: got {actual}, expected {expected}")
        error = ProtocolViolation(
            role=co.role, session=co.sess.sid, expected=expected, actual=actual, reason=reason
        )
        raise error from cause

    def _mark_faulted(self, co: Coroutine, fault: str) -> None:
        sess = co.sess
        co.status = FAULTED
        co.fault = fault
        if sess.status is RUNNING:
            self._live -= sess.live
        sess.live = 0
        sess.status = SessionStatus.FAULTED
        for c in sess.order:
            if c.status is READY:
                c.stale += 1
        self._raw.append((K_FAULTED, self._tick, sess.sid, co.role, None, None, None, co.fault))

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
        sess.buffers.setdefault((from_role, to_role), deque()).append((label, payload))
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
        queue = sess.buffers.get((src, dst), ())
        if len(queue) >= self._capacity:
            return ("injection into a full buffer", f"< {self._capacity} messages", str(len(queue)))
        st = co.states[co.state]
        if not queue and st.kind is ActionKind.RECV and st.partner == src:
            entry = st.table.get(label)
            if entry is None and self._seed and len(st.labels) == 1:  # the seed drops labels
                entry = st.table[st.labels[0]]
            if entry is None:
                return ("injected label not offered", "|".join(st.labels), label)
            sorts = frozenset({entry[0]})
        else:
            sorts = co.sess.image.automata[dst].receivable(src, label)
            if not sorts:
                return ("injected label never received on this edge", f"a label from {src}", label)
        if self._opaque and type(payload) is bytes:  # one opaque payload, whatever the sort
            return None
        if not any(fits(s, payload) for s in sorts):
            expected = "|".join(sorted(s.value for s in sorts))
            return (f"injected payload of the wrong sort for {label}", expected, describe(payload))
        return None

    # -- views and events -------------------------------------------------------------------
    def view(self, sid: int) -> SessionView:
        """Read-only picture of one session (coroutines, local types, buffers)."""
        return self._session(sid).view()

    def views(self) -> tuple[SessionView, ...]:
        """Pictures of every open session."""
        return tuple(s.view() for s in self._sessions.values())

    @property
    def events(self) -> tuple[MachineEvent, ...]:
        """The kept events, oldest first: all of them until there are ``history_limit``
        (default 10,000) and twice that; then the newest ``history_limit``."""
        return tuple(self._event_list())

    @property
    def event_count(self) -> int:
        """How many events there have been, kept or forgotten (cheap: no event is built)."""
        return self._dropped + len(self._raw)

    def _forget_oldest_events(self) -> None:
        """Keep the newest ``history_limit`` events."""
        self._forget(len(self._raw) - self._history_limit)

    def _keep_big(self, size: int) -> None:
        """Count a big payload just kept; over the byte budget, forget the oldest events
        until the kept big payloads hold at most half of it (the newest event stays)."""
        self._big_bytes += size
        if self._big_bytes <= self._byte_budget:
            return
        held, cut, goal = self._big_bytes, 0, self._byte_budget // 2
        for event in self._raw[:-1]:
            if held <= goal:
                break
            held -= _big_size(event[6])
            cut += 1
        self._forget(cut)

    def _forget(self, cut: int) -> None:
        """Drop the oldest ``cut`` events (a new list: snapshots keep theirs)."""
        if self._big_bytes:
            self._big_bytes -= sum(_big_size(event[6]) for event in self._raw[:cut])
        self._raw = self._raw[cut:]
        self._views = self._views[cut:] if len(self._views) > cut else []
        self._dropped += cut

    def events_since(self, count: int) -> tuple[MachineEvent, ...]:
        """The kept events after the first ``count`` (``event_count`` numbering; forgotten
        ones are gone): what happened since ``event_count`` was ``count``, without a copy
        of the older events."""
        done = self._event_list()
        return tuple(done[max(count - self._dropped, 0) :])

    def last_event(self) -> MachineEvent | None:
        """The newest event, or None before the first (no copy of the others)."""
        done = self._event_list()
        return done[-1] if done else None

    def _event_list(self) -> list[MachineEvent]:
        """The machine's own list of events, brought up to date (no copy: do not mutate it)."""
        done = self._views
        for kind, tick, sid, role, peer, label, payload, detail in self._raw[len(done) :]:
            done.append(
                MachineEvent(
                    kind=EventKind(kind),
                    tick=tick,
                    session=sid,
                    role=role,
                    peer=peer,
                    label=label,
                    payload=payload,
                    payload_size=payload_size(payload),
                    detail=detail,
                )
            )
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
            dropped=self._dropped,
            big_bytes=self._big_bytes,
            sessions=tuple((s, save_session(s)) for s in self._sessions.values()),
            scheduler=self._sched.snapshot(),
        )

    def restore(self, snap: MachineSnapshot) -> None:
        """Go back to ``snap`` (sessions opened since are dropped, closed ones come back)."""
        self._tick, self._next_sid, self._live = snap.tick, snap.next_sid, snap.live
        self._raw = snap.raw[: snap.n_events]
        if self._dropped == snap.dropped:
            del self._views[snap.n_events :]
        else:  # events were forgotten since: the views no longer line up, rebuild them
            self._views = []
        self._dropped = snap.dropped
        self._big_bytes = snap.big_bytes
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


def _attempt_blocked_receives(sessions: Any) -> bool:
    """The seed's semantics: mark every blocked receive not yet tried as tried; any found?

    A coroutine leaves BLOCKED_RECV only through ``_wake``, which clears ``tried``; so each
    blocked receive is tried once, and again only after it was woken and blocked anew.
    """
    found = False
    for sess in sessions:
        if sess.status is not RUNNING:
            continue
        for co in sess.order:
            if co.status is BLOCKED_RECV and not co.tried:
                co.tried = True
                found = True
    return found


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


def _big_size(payload: object) -> int:
    """The bytes a kept payload counts against the byte budget (0 below ``BIG_PAYLOAD``)."""
    size = sized_len(payload)
    return size if size >= BIG_PAYLOAD else 0
