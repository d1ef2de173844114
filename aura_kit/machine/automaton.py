"""Local types compiled to small automata, so a round never re-unfolds a type.

Invariants:
- each state is a distinct *unfolded* local type (head is End, Send or Recv); unfolding is by
  substitution (``aura_kit.protocol.types.unfold``), done once per state at compile time;
- state 0 is the initial state; ``next`` indices of every branch point into the same automaton;
- a free recursion variable, an unguarded recursion, a partner that is not a role of the image
  or the role itself is an ``ImageError``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import IntEnum

from aura_kit.machine.errors import ImageError
from aura_kit.protocol.intern import TypeKeys
from aura_kit.protocol.types import End, LocalType, Mu, Recv, Send, Sort, Var, unfold

MAX_LOCAL_STATES = 100_000
PAYLOAD_TYPES: dict[Sort, type] = {
    Sort.UNIT: type(None),
    Sort.BOOL: bool,
    Sort.INT: int,
    Sort.STR: str,
    Sort.BYTES: bytes,
}


class ActionKind(IntEnum):
    """What a coroutine does next in a state."""

    END = 0
    SEND = 1
    RECV = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalState:
    """One automaton state: its action, partner and labelled branches to next states."""

    index: int
    kind: ActionKind
    partner: str
    labels: tuple[str, ...]
    sorts: tuple[Sort, ...]
    nexts: tuple[int, ...]
    ptypes: tuple[type, ...]
    local_type: LocalType
    table: dict[str, tuple[Sort, int, type]] = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class Automaton:
    """The compiled local type of one role."""

    role: str
    states: tuple[LocalState, ...]

    def receivable(self, partner: str, label: str) -> frozenset[Sort]:
        """Sorts with which ``label`` from ``partner`` is received anywhere in this automaton."""
        return frozenset(
            st.table[label][0]
            for st in self.states
            if st.kind is ActionKind.RECV and st.partner == partner and label in st.table
        )


def compile_local(role: str, local: LocalType, roles: frozenset[str]) -> Automaton:
    """Compile ``local`` (the local type of ``role``) into an automaton."""
    ids: dict[int, int] = {}  # structural key of an unfolded type -> state
    keys = TypeKeys()  # linear in the type's size, where hashing every state would be quadratic
    heads: list[object] = []
    work: deque[int] = deque()

    def intern(t: object) -> int:
        head = unfold(t)  # type: ignore[arg-type]
        key = keys.key(head)
        if key not in ids:
            _check_head(role, head, roles)
            if len(heads) >= MAX_LOCAL_STATES:
                raise ImageError(role, f"more than {MAX_LOCAL_STATES} local states")
            ids[key] = len(heads)
            heads.append(head)
            work.append(ids[key])
        return ids[key]

    intern(local)
    built: dict[int, LocalState] = {}
    while work:
        i = work.popleft()
        built[i] = _build_state(i, heads[i], intern)
    return Automaton(role, tuple(built[i] for i in range(len(heads))))


def _check_head(role: str, head: object, roles: frozenset[str]) -> None:
    if isinstance(head, Var):
        raise ImageError(role, f"free recursion variable {head.var!r}")
    if isinstance(head, Mu):
        raise ImageError(role, f"unguarded recursion on {head.var!r}")
    if isinstance(head, (Send, Recv)):
        if head.partner == role or head.partner not in roles:
            raise ImageError(role, f"partner {head.partner!r} is not another role of the image")
        if not head.branches:
            raise ImageError(role, "a communication with no branches")
        names = [b.label for b in head.branches]
        if len(set(names)) != len(names):
            raise ImageError(role, f"duplicate labels {names}")
    elif not isinstance(head, End):
        raise ImageError(role, f"not a local type: {type(head).__name__}")


def _build_state(index: int, head: object, intern: object) -> LocalState:
    if isinstance(head, End):
        return LocalState(
            index=index, kind=ActionKind.END, partner="", labels=(), sorts=(), nexts=(),
            ptypes=(), local_type=head, table={},
        )  # fmt: skip
    assert isinstance(head, (Send, Recv)) and callable(intern)
    nexts = tuple(intern(b.cont) for b in head.branches)
    labels = tuple(b.label for b in head.branches)
    sorts = tuple(Sort(b.sort) for b in head.branches)
    ptypes = tuple(PAYLOAD_TYPES[s] for s in sorts)
    return LocalState(
        index=index,
        kind=ActionKind.SEND if isinstance(head, Send) else ActionKind.RECV,
        partner=head.partner,
        labels=labels,
        sorts=sorts,
        nexts=nexts,
        ptypes=ptypes,
        local_type=head,
        table={lab: (s, n, p) for lab, s, n, p in zip(labels, sorts, nexts, ptypes, strict=True)},
    )
