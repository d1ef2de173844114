"""Endpoint automata of local types: the one construction that drawing and running share.

Invariants:
- states are ints numbered breadth first from ``0``, the initial state; a state is numbered
  when it is first reached, and its transitions keep branch order, so ``transitions`` is
  sorted by ``src`` and the successors of a state are its branches in order;
- a state stands for one unfolded local type (its head is ``end``, a send or a receive);
  recursion folds back into loops because unfolding ``rec X.T`` reaches a type equal to an
  earlier state;
- an action reads ``Server!Ping(int)`` or ``Client?Pong``, naming the branch's own peer (a
  non-directed select gives ``B!Left`` and ``C!Right`` from one state); final states
  are those whose type is ``end``;
- an open or unguarded local type, or one with more than ``max_states`` states, is refused
  with ``ValueError`` when the offending state is reached.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from aura_kit.protocol.intern import TypeKeys
from aura_kit.protocol.local import format_branch
from aura_kit.protocol.types import End, LocalType, Mu, Recv, Send, Var, peer_of, unfold


class Transition(NamedTuple):
    """One labelled edge of an endpoint automaton."""

    src: int
    dst: int
    action: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalFsm:
    """An endpoint automaton: states, labelled transitions, final states, state types."""

    states: tuple[int, ...]
    transitions: tuple[Transition, ...]
    finals: frozenset[int]
    types: tuple[LocalType, ...]
    initial: int = 0

    def state_of(self, t: LocalType) -> int:
        """The state whose unfolded type equals ``unfold(t)``; ``KeyError`` if none."""
        target = unfold(t)
        for state, state_type in zip(self.states, self.types, strict=True):
            if state_type == target:
                return state
        raise KeyError(f"no state of this automaton has type {target!r}")

    def outgoing(self, state: int) -> tuple[Transition, ...]:
        """Transitions leaving ``state`` in branch order."""
        return tuple(tr for tr in self.transitions if tr.src == state)

    def successors(self) -> tuple[tuple[int, ...], ...]:
        """For each state, the target of each of its branches in branch order (one pass)."""
        targets: list[list[int]] = [[] for _ in self.states]
        for tr in self.transitions:
            targets[tr.src].append(tr.dst)
        return tuple(tuple(t) for t in targets)


def _state_type(t: LocalType) -> LocalType:
    unfolded = unfold(t)
    if isinstance(unfolded, Var):
        raise ValueError(f"free recursion variable {unfolded.var!r} (the local type is open)")
    if isinstance(unfolded, Mu):
        raise ValueError(f"unguarded recursion on {unfolded.var!r}")
    return unfolded  # type: ignore[return-value]


def local_fsm(t: LocalType, *, max_states: int | None = None) -> LocalFsm:
    """The endpoint automaton of a closed, guarded local type."""
    keys = TypeKeys()  # structural keys: hashing every suffix of a deep type would be quadratic
    types: list[LocalType] = [_state_type(t)]
    index = {keys.key(types[0]): 0}
    transitions: list[Transition] = []
    queue = deque([0])
    while queue:
        src = queue.popleft()
        current = types[src]
        if not isinstance(current, (Send, Recv)):
            continue
        mark = "!" if isinstance(current, Send) else "?"
        for branch in current.branches:
            nxt = _state_type(branch.cont)  # type: ignore[arg-type]
            key = keys.key(nxt)
            if key not in index:
                if max_states is not None and len(types) >= max_states:
                    raise ValueError(f"more than {max_states} local states")
                index[key] = len(types)
                types.append(nxt)
                queue.append(index[key])
            action = f"{peer_of(current, branch)}{mark}{format_branch(branch)}"
            transitions.append(Transition(src, index[key], action))
    finals = frozenset(i for i, ty in enumerate(types) if isinstance(ty, End))
    return LocalFsm(
        states=tuple(range(len(types))),
        transitions=tuple(transitions),
        finals=finals,
        types=tuple(types),
    )
