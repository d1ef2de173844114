"""Breadth-first exploration of every schedule and every select choice of an image.

Invariants:
- a state is (each role's automaton state, the label contents of every directed buffer that
  some automaton sends or receives on; other pairs of roles never hold a message);
  payloads are abstract (a send carries its sort's default value);
- every role of the image runs here (nothing is external); buffers hold ``buffer_capacity``
  messages, and a send on a full buffer is blocked and reported as an overflow (a
  non-directed select, as in the machine, while any of its buffers is full);
- a deadlock is a state where nothing is enabled but some role is not done;
- an orphan is a buffered message that its receiver can never take: the receiver has finished,
  or no state its automaton can still reach receives that label on that buffer. It is
  reported in the first state that holds it (at once, not only when every role is done), and
  that state is not explored further; one orphan finding per (buffer, label), its detail
  ``A->B:label``;
- breadth first, so the first trace found to a state is a shortest one;
- ``reduction=True`` expands only the enabled actions of one role (a persistent set: actions
  of different roles never disable each other and commute, because only the owner of an
  edge's sending end appends to it and only the receiver pops it). That keeps every terminal
  state, hence every deadlock and orphan; overflows are complete only without reduction.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from typing import Any, NamedTuple

from aura_kit.arguments import check_type
from aura_kit.machine.automaton import ActionKind, Automaton
from aura_kit.machine.explore_result import ExploreResult, Finding, FindingKind, NodeStatus
from aura_kit.machine.image import CodeImage
from aura_kit.machine.values import EventKind, MachineEvent, default_payload, payload_size
from aura_kit.numbers import check_count
from aura_kit.protocol.types import PayloadSort, Sort

DONE_STATE = -1
FAULT_STATE = -2
State = tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]


class Move(NamedTuple):
    """One enabled action: ``role`` does ``kind`` with ``peer`` on ``label``."""

    role: str
    kind: EventKind
    peer: str | None
    label: str | None
    sort: PayloadSort
    target: State


_END, _SEND, _RECV = 0, 1, 2


class _Space:
    """The transition relation of one image (roles, edges, automata).

    Only edges some automaton sends or receives on get a buffer; each automaton state is
    compiled once into a flat plan the search reads without attribute look-ups.
    """

    def __init__(self, image: CodeImage, capacity: int) -> None:
        self.roles = image.roles
        self.autos: tuple[Automaton, ...] = tuple(image.automata[r] for r in self.roles)
        used: set[tuple[str, str]] = set()
        for role, auto in zip(self.roles, self.autos, strict=True):
            for st in auto.states:
                if st.kind is ActionKind.SEND:
                    used.update((role, p) for p in st.peers)
                elif st.kind is not ActionKind.END:
                    used.add((st.partner, role))
        rank = {r: i for i, r in enumerate(self.roles)}
        self.edges = tuple(sorted(used, key=lambda e: (rank[e[0]], rank[e[1]])))
        self.edge_index = {e: i for i, e in enumerate(self.edges)}
        self.capacity = capacity
        self.receivers = tuple(self.roles.index(b) for _, b in self.edges)
        self.takes: dict[tuple[int, int, int, str], bool] = {}
        self.plans = tuple(
            tuple(self._plan(role, st) for st in auto.states)
            for role, auto in zip(self.roles, self.autos, strict=True)
        )

    def _plan(self, role: str, st: Any) -> tuple[Any, ...]:
        if st.kind is ActionKind.END:
            return (_END, role, -1, None, None)
        if st.kind is ActionKind.SEND:
            kind = EventKind.SENT if len(st.labels) == 1 else EventKind.SELECTED
            e = self.edge_index[(role, st.partner)]
            edges, others = (e,) * len(st.labels), None
            if st.nondirected:  # each branch on its own edge; the select waits on all of them
                edges = tuple(self.edge_index[(role, p)] for p in st.peers)
                others = tuple(sorted(set(edges) - {e}))
            branches = tuple(zip(st.labels, st.sorts, st.nexts, edges, st.peers, strict=True))
            return (_SEND, role, e, kind, others, branches)
        kind = EventKind.RECEIVED if len(st.labels) == 1 else EventKind.BRANCHED
        return (_RECV, role, self.edge_index[(st.partner, role)], kind, st.partner, st.table)

    def orphan(self, state: State) -> tuple[int, str] | None:
        """The first buffered ``(edge, label)`` its receiver can never take, if any."""
        locs, bufs = state
        for e, queue in enumerate(bufs):
            if not queue:
                continue
            k = locs[self.receivers[e]]
            for label in queue:
                if k == DONE_STATE or (
                    k >= 0 and not self.can_take(self.receivers[e], k, e, label)
                ):
                    return e, label
        return None

    def can_take(self, i: int, k: int, e: int, label: str) -> bool:
        """Whether role ``i`` in state ``k`` can reach a state that receives ``label`` on ``e``."""
        key = (i, k, e, label)
        found = self.takes.get(key)
        if found is None:
            found = self.takes[key] = self._search(i, k, e, label)
        return found

    def _search(self, i: int, k: int, e: int, label: str) -> bool:
        plans = self.plans[i]
        seen, todo = {k}, [k]
        while todo:
            plan = plans[todo.pop()]
            if plan[0] == _SEND:
                nexts = [branch[2] for branch in plan[5]]
            elif plan[0] == _RECV:
                if plan[2] == e and label in plan[5]:
                    return True
                nexts = [entry[1] for entry in plan[5].values()]
            else:
                continue
            fresh = [n for n in nexts if n not in seen]
            seen.update(fresh)
            todo.extend(fresh)
        return False

    def initial(self) -> State:
        return (tuple(0 for _ in self.roles), tuple(() for _ in self.edges))

    def moves(self, state: State) -> tuple[list[Move], list[int]]:
        """Enabled moves and the edges on which a send is blocked by a full buffer."""
        moves: list[Move] = []
        full: list[int] = []
        locs, bufs = state
        plans = self.plans
        for i, k in enumerate(locs):
            if k < 0:
                continue
            plan = plans[i][k]
            code = plan[0]
            if code == _END:
                target = ((*locs[:i], DONE_STATE, *locs[i + 1 :]), bufs)
                moves.append(Move(plan[1], EventKind.HALTED, None, None, Sort.UNIT, target))
                continue
            e = plan[2]
            queue = bufs[e]
            if code == _SEND:
                _, role, _, kind, others, branches = plan
                if len(queue) >= self.capacity:
                    full.append(e)
                    continue
                if others is not None:  # as in the machine: waits while any edge is full
                    blocked = [x for x in others if len(bufs[x]) >= self.capacity]
                    if blocked:
                        full.append(blocked[0])
                        continue
                for label, sort, nxt, b_e, partner in branches:
                    target = (
                        (*locs[:i], nxt, *locs[i + 1 :]),
                        (*bufs[:b_e], (*bufs[b_e], label), *bufs[b_e + 1 :]),
                    )
                    moves.append(Move(role, kind, partner, label, sort, target))
            elif queue:
                _, role, _, kind, partner, table = plan
                head = queue[0]
                entry = table.get(head)
                nxt, sort = (FAULT_STATE, Sort.UNIT) if entry is None else (entry[1], entry[0])
                target = ((*locs[:i], nxt, *locs[i + 1 :]), (*bufs[:e], queue[1:], *bufs[e + 1 :]))
                moves.append(Move(role, kind, partner, head, sort, target))
        return moves, full


def _ample(moves: list[Move]) -> list[Move]:
    """The enabled moves of the role with the fewest of them (a persistent set)."""
    by_role: dict[str, list[Move]] = {}
    for m in moves:
        by_role.setdefault(m.role, []).append(m)
    return min(by_role.values(), key=len)


def explore(
    image: CodeImage,
    max_states: int = 100_000,
    reduction: bool = False,
    buffer_capacity: int = 8,
) -> ExploreResult:
    """Explore every schedule and select choice of ``image`` breadth first.

    ``max_states`` and ``buffer_capacity`` must be ints >= 1 (else ``InvalidNumber``).
    """
    from aura_kit.machine.graph import build_result

    check_type("explore image", image, CodeImage, "a CodeImage")
    check_count("max_states", max_states, minimum=1)
    check_count("buffer_capacity", buffer_capacity, minimum=1)
    space = _Space(image, buffer_capacity)
    start = space.initial()
    index: dict[State, int] = {start: 0}
    states: list[State] = [start]
    parents: list[tuple[int, Move] | None] = [None]
    edges: list[tuple[int, int, Move]] = []
    statuses: list[NodeStatus] = []
    full_at: dict[int, int] = {}
    orphan_at: dict[tuple[int, str], int] = {}
    complete = True
    collecting = gc.isenabled()
    gc.disable()  # the search only allocates acyclic tuples: the collector would only rescan
    try:
        for n in range(max_states):
            if n >= len(states):
                break
            moves, full = space.moves(states[n])
            status = _status(states[n], moves)
            orphan = space.orphan(states[n]) if status in _MAY_ORPHAN else None
            if orphan is not None:  # an orphan ends the run: report it here, go no further
                status, moves, full = NodeStatus.ORPHAN, [], []
                orphan_at.setdefault(orphan, n)
            statuses.append(status)
            for e in full:
                full_at.setdefault(e, n)
            for m in _ample(moves) if reduction and moves else moves:
                target = index.get(m.target)
                if target is None:
                    if len(states) >= max_states:
                        complete = False
                        continue
                    target = index[m.target] = len(states)
                    states.append(m.target)
                    parents.append((n, m))
                edges.append((n, target, m))
    finally:
        if collecting:
            gc.enable()
    complete = complete and len(statuses) == len(states)
    result = build_result(
        space, states, statuses, parents, edges, full_at, complete=complete, reduction=reduction
    )
    return replace(result, orphans=_orphans(space, parents, orphan_at))


def _orphans(
    space: _Space, parents: list[tuple[int, Move] | None], orphan_at: dict[tuple[int, str], int]
) -> tuple[Finding, ...]:
    """One finding per orphaned ``(edge, label)``, at the first state that holds it."""
    found = []
    for (e, label), n in sorted(orphan_at.items(), key=lambda item: item[1]):
        src, dst = space.edges[e]
        detail = f"{src}->{dst}:{label}"
        found.append(
            Finding(kind=FindingKind.ORPHAN, node=n, trace=trace_to(parents, n), detail=detail)
        )
    return tuple(found)


_MAY_ORPHAN = (NodeStatus.RUNNING, NodeStatus.DONE)  # all done with a message left: an orphan


def _status(state: State, moves: list[Move]) -> NodeStatus:
    """Fault, running, done or deadlock (orphans are found by ``_Space.orphan``)."""
    locs = state[0]
    if FAULT_STATE in locs:
        return NodeStatus.FAULT
    if moves:
        return NodeStatus.RUNNING
    return NodeStatus.DONE if all(k == DONE_STATE for k in locs) else NodeStatus.DEADLOCK


def trace_to(parents: list[tuple[int, Move] | None], node: int) -> tuple[MachineEvent, ...]:
    """Shortest trace from the initial state to ``node`` as machine events (session 0)."""
    moves: list[Move] = []
    link = parents[node]
    while link is not None:
        moves.append(link[1])
        link = parents[link[0]]
    moves.reverse()
    events = []
    for tick, m in enumerate(moves, start=1):
        payload = default_payload(m.sort) if m.kind is not EventKind.HALTED else None
        events.append(
            MachineEvent(
                kind=m.kind,
                tick=tick,
                session=0,
                role=m.role,
                peer=m.peer,
                label=m.label,
                payload=payload,
                payload_size=payload_size(payload),
            )
        )
    return tuple(events)
