"""Checking by exploration: endpoint automata built without merging, and their joint states.

Invariants:
- a role's automaton is a subset construction over unfolded global states: a message the
  role neither sends nor receives is a silent step into every branch (in a non-directed
  choice, each branch whose peer the role is not is a silent step into that branch), so a
  state is the set of global states the role cannot tell apart, and its actions are those
  of all of them (no merge is needed, so a bystander may learn the branch from different
  senders);
- a state is final when the protocol may have ended there (``end`` is among its global states);
- a configuration is every role's state and one FIFO queue per ordered pair of roles, each
  holding at most ``buffer_capacity`` messages (a full queue blocks its sender);
- the protocol passes when no reachable configuration is a deadlock (some role not final,
  nothing can move) or an orphan (every role final, a message still queued); the first
  failure found breadth first comes with the shortest trace that reaches it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from aura_kit.protocol.errors import ExplorationError
from aura_kit.protocol.fsm import LocalFsm, Transition
from aura_kit.protocol.intern import TypeKeys
from aura_kit.protocol.local import format_branch
from aura_kit.protocol.types import Comm, End, GlobalType, Protocol, peer_of, unfold

# A joint configuration: each role's state, then each ordered pair's queue of actions.
Config = tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Subsets:
    """Global states by key, so that a role's state can be a frozenset of keys."""

    keys: TypeKeys
    nodes: dict[int, GlobalType]

    def key(self, g: GlobalType) -> int:
        """The key of the unfolded ``g``, remembering the node."""
        node = unfold(g)
        key = self.keys.key(node)
        self.nodes.setdefault(key, node)  # type: ignore[arg-type]
        return key


def _closure(role: str, seeds: list[GlobalType], subsets: _Subsets) -> frozenset[int]:
    """The global states ``role`` may be in: silent steps through messages it is not part of."""
    seen: set[int] = set()
    todo = [subsets.key(g) for g in seeds]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        node = subsets.nodes[key]
        if isinstance(node, Comm) and role != node.sender:
            silent = [b.cont for b in node.branches if peer_of(node, b) != role]
            todo.extend(subsets.key(g) for g in silent)  # type: ignore[arg-type]
    return frozenset(seen)


def _actions(role: str, state: frozenset[int], subsets: _Subsets) -> dict[str, list[GlobalType]]:
    """Each action ``role`` may take in ``state`` (``B!m(int)``, ``A?m``) with its targets."""
    out: dict[str, list[GlobalType]] = {}
    for key in sorted(state):
        node = subsets.nodes[key]
        if not isinstance(node, Comm):
            continue
        for b in node.branches:
            peer = peer_of(node, b)
            if role == node.sender:
                action = f"{peer}!{format_branch(b)}"
            elif role == peer:
                action = f"{node.sender}?{format_branch(b)}"
            else:
                continue  # a silent step for this role (see ``_closure``)
            out.setdefault(action, []).append(b.cont)  # type: ignore[arg-type]
    return out


def endpoint_automaton(g: GlobalType, role: str, *, max_states: int = 10_000) -> LocalFsm:
    """The automaton of ``role`` in ``g`` by subset construction (no merge; ``types`` empty)."""
    subsets = _Subsets(keys=TypeKeys(), nodes={})
    states = [_closure(role, [g], subsets)]
    index = {states[0]: 0}
    transitions: list[Transition] = []
    queue = deque([0])
    while queue:
        src = queue.popleft()
        for action, targets in _actions(role, states[src], subsets).items():
            nxt = _closure(role, targets, subsets)
            if nxt not in index:
                if len(states) >= max_states:
                    raise ExplorationError(
                        f"role {role!r}: more than {max_states} automaton states",
                        kind="too many states",
                        trace=(),
                        source="<global type>",
                    )
                index[nxt] = len(states)
                states.append(nxt)
                queue.append(index[nxt])
            transitions.append(Transition(src, index[nxt], action))
    finals = frozenset(
        i for i, s in enumerate(states) if any(isinstance(subsets.nodes[k], End) for k in s)
    )
    return LocalFsm(
        states=tuple(range(len(states))), transitions=tuple(transitions), finals=finals, types=()
    )


class _Joint:
    """The joint moves of the roles' automata over bounded FIFO queues."""

    def __init__(self, automata: dict[str, LocalFsm], buffer_capacity: int) -> None:
        self.roles = tuple(automata)
        self.pairs = tuple((a, b) for a in self.roles for b in self.roles if a != b)
        self.out = [[a.outgoing(s) for s in a.states] for a in automata.values()]
        self.finals = [a.finals for a in automata.values()]
        self.capacity = buffer_capacity

    def initial(self) -> Config:
        """Every role at its initial state, every queue empty."""
        return tuple(0 for _ in self.roles), tuple(() for _ in self.pairs)

    def moves(self, config: Config) -> list[tuple[str, Config]]:
        """Each enabled send or receive, as ``A->B: m`` with the configuration it leads to."""
        states, queues = config
        found: list[tuple[str, Config]] = []
        for r, role in enumerate(self.roles):
            for tr in self.out[r][states[r]]:
                step = self.step(role, tr.action, queues)
                if step is not None:
                    moved = (*states[:r], tr.dst, *states[r + 1 :])
                    found.append((step[0], (moved, step[1])))
        return found

    def step(
        self, role: str, action: str, queues: tuple[tuple[str, ...], ...]
    ) -> tuple[str, tuple[tuple[str, ...], ...]] | None:
        """The queues after ``role`` takes ``action``, or None when it is not enabled."""
        mark = "!" if "!" in action else "?"
        partner, message = action.split(mark, 1)
        pair = (role, partner) if mark == "!" else (partner, role)
        q = self.pairs.index(pair)
        held = queues[q]
        if mark == "!" and len(held) < self.capacity:
            new = (*held, message)
            shown = f"{role}->{partner}: {message}"
        elif mark == "?" and held and held[0] == message:
            new = held[1:]
            shown = f"{role} receives {message} from {partner}"
        else:
            return None
        return shown, (*queues[:q], new, *queues[q + 1 :])

    def done(self, config: Config) -> bool:
        """Whether every role is at a final state."""
        return all(s in f for s, f in zip(config[0], self.finals, strict=True))


def explore_endpoints(
    protocol: Protocol, *, buffer_capacity: int = 8, max_states: int = 100_000
) -> dict[str, LocalFsm]:
    """The endpoint automata of ``protocol`` when no run deadlocks or orphans a message.

    Raises ``ExplorationError`` with the shortest trace to the first deadlock or orphan, or
    (kind ``too many states``) when more than ``max_states`` configurations are reachable.
    """
    automata = {r: endpoint_automaton(protocol.global_type, r) for r in protocol.roles}
    joint = _Joint(automata, buffer_capacity)
    start = joint.initial()
    parents: dict[Config, tuple[Config, str] | None] = {start: None}
    todo = deque([start])
    while todo:
        config = todo.popleft()
        moves = joint.moves(config)
        kind = _failure(joint, config, bool(moves))
        if kind:
            trace = _trace(parents, config)
            where = f"after {'; '.join(trace)}" if trace else "at the start"
            place = getattr(protocol.global_type, "place", None)
            raise ExplorationError(
                f"protocol {protocol.name}: {kind} {where}",
                kind=kind,
                trace=trace,
                source=protocol.source,
                line=place.line if place else 0,
                column=place.column if place else 0,
            )
        for shown, nxt in moves:
            if nxt not in parents:
                if len(parents) >= max_states:
                    raise ExplorationError(
                        f"protocol {protocol.name}: more than {max_states} joint states",
                        kind="too many states",
                        trace=(),
                        source=protocol.source,
                    )
                parents[nxt] = (config, shown)
                todo.append(nxt)
    return automata


def _failure(joint: _Joint, config: Config, can_move: bool) -> str:
    """``deadlock``, ``orphan`` or ``""`` for one configuration."""
    queued = any(config[1])
    if joint.done(config):
        return "orphan message" if queued and not can_move else ""
    return "" if can_move else "deadlock"


def _trace(parents: dict[Config, tuple[Config, str] | None], config: Config) -> tuple[str, ...]:
    """The moves from the start to ``config``."""
    out: list[str] = []
    link = parents[config]
    while link is not None:
        config, shown = link
        out.append(shown)
        link = parents[config]
    return tuple(reversed(out))
