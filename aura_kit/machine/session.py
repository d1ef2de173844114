"""Per-session state of the protocol machine: coroutines, buffers, pending sends (internal).

Invariants:
- a session owns one buffer (a deque) per directed pair of roles that some local
  coroutine's automaton sends or receives on (a local receiver), made when the session loads;
  pairs that never talk get none, so memory grows with the protocol's edges, not roles
  squared; ``pending_count`` likewise holds only the sends to external roles that can happen;
- ``co.links[k]`` is ``(buffer, peer coroutine, edge)`` of the action in state ``k`` (None for
  an END state): the buffer is None when the peer is external, the peer None when external;
  one link object per partner and direction, so a tick never looks up a dict; for a
  non-directed select (branches to different partners) ``co.links[k]`` is the first
  branch's link and ``co.select_links[k]`` holds one link per branch;
- ``co.wait`` is the buffer a BLOCKED coroutine waits on (None otherwise, and for a send
  blocked on an external peer, which ``edge`` describes);
- ``VmSession.view`` freezes a session into a ``SessionView`` that shares no mutable object
  with it: coroutines in the image's role order, every buffer in (from, to) role order.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from aura_kit.machine.automaton import ActionKind, LocalState
from aura_kit.machine.handler import EffectHandler
from aura_kit.machine.image import CodeImage
from aura_kit.machine.values import (
    CoroutineStatus,
    CoroutineView,
    EdgeView,
    Message,
    Payload,
    PendingSend,
    SessionStatus,
    SessionView,
)

# raw events hold plain strings (not enum members) so the GC can untrack them
K_OPENED, K_SENT, K_RECEIVED, K_SELECTED, K_BRANCHED = (
    "opened",
    "sent",
    "received",
    "selected",
    "branched",
)
K_HALTED, K_STUCK, K_FAULTED, K_CLOSED = "halted", "stuck", "faulted", "closed"
RawEvent = tuple[str, int, int, Any, Any, Any, Payload, str]

Queue = deque[tuple[str, Payload]]
Link = tuple["Queue | None", "Coroutine | None", tuple[str, str]]


class Coroutine:
    """One local role of one session (internal; ``CoroutineView`` is its frozen picture)."""

    __slots__ = (
        "edge",
        "fault",
        "handler",
        "links",
        "role",
        "select_links",
        "sess",
        "sid",
        "since",
        "stale",
        "state",
        "states",
        "status",
        "tried",
        "wait",
    )

    def __init__(self, sess: VmSession, role: str, image: CodeImage) -> None:
        self.states: tuple[LocalState, ...] = image.automata[role].states
        self.state = 0
        self.links: tuple[Link | None, ...] = ()
        self.select_links: dict[int, tuple[Link, ...]] = {}
        self.stale = 0
        self.handler = sess.handler
        self.sid = sess.sid
        self.role = role
        self.status = CoroutineStatus.READY
        self.wait: Queue | None = None
        self.edge: tuple[str, str] | None = None
        self.since = 0
        self.tried = False  # the seed's semantics: this blocked receive was already tried
        self.sess = sess
        self.fault: str | None = None


class VmSession:
    """One loaded image: coroutines, buffers and pending sends (internal)."""

    __slots__ = (
        "buffers",
        "cos",
        "external",
        "handler",
        "image",
        "live",
        "order",
        "pending",
        "pending_count",
        "sid",
        "status",
        "stuck_reported",
    )

    def __init__(self, sid: int, image: CodeImage, local: tuple[str, ...], handler: Any) -> None:
        self.sid = sid
        self.image = image
        self.handler: EffectHandler = handler
        hosted = frozenset(local)
        self.external = frozenset(r for r in image.roles if r not in hosted)
        self.cos = {r: Coroutine(self, r, image) for r in local}
        self.order = tuple(self.cos.values())
        self.pending: list[PendingSend] = []
        self.pending_count: dict[tuple[str, str], int] = {}  # filled by ``_links``
        self.status = SessionStatus.RUNNING
        self.live = len(self.order)
        self.stuck_reported = False
        self.buffers: dict[tuple[str, str], Queue] = {}  # filled by ``_links``
        for co in self.order:
            co.links = self._links(co)

    def view(self) -> SessionView:
        """Read-only picture of this session (frozen plain data, nothing live)."""
        coroutines = tuple(
            CoroutineView(
                role=c.role,
                state=c.state,
                local_type=c.states[c.state].local_type,
                status=c.status,
                edge=c.edge,
                fault=c.fault,
            )
            for c in self.order
        )
        buffers = tuple(
            EdgeView(from_role=src, to_role=dst, messages=tuple(Message(lab, p) for lab, p in q))
            for (src, dst), q in sorted(self.buffers.items())
        )
        return SessionView(
            session=self.sid,
            status=self.status,
            coroutines=coroutines,
            external_roles=tuple(r for r in self.image.roles if r in self.external),
            buffers=buffers,
            pending_sends=tuple(self.pending),
        )

    def _links(self, co: Coroutine) -> tuple[Link | None, ...]:
        made: dict[tuple[str, str], Link] = {}
        links: list[Link | None] = []
        for st in co.states:
            if st.kind is ActionKind.END:
                links.append(None)
                continue
            sending = st.kind is ActionKind.SEND
            if st.nondirected:
                each = tuple(self._link(co.role, p, True, made) for p in st.peers)
                co.select_links[st.index] = each
            links.append(self._link(co.role, st.partner, sending, made))
        return tuple(links)

    def _link(
        self, role: str, partner: str, sending: bool, made: dict[tuple[str, str], Link]
    ) -> Link:
        """The one link of ``role`` with ``partner`` in one direction (made on first use)."""
        edge = (role, partner) if sending else (partner, role)
        if edge not in made:
            peer = self.cos.get(partner)
            if sending and peer is None:
                q = None
                self.pending_count[edge] = 0
            else:
                q = self.buffers.setdefault(edge, deque())
            made[edge] = (q, peer, edge)
        return made[edge]
