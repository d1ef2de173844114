"""Run tables of the machine, derived from the protocol layer's endpoint automaton.

Invariants:
- states and their numbering are those of ``aura_kit.protocol.fsm.local_fsm`` (state 0 is
  the initial state; unfolding is done once per state when the image is built), so the
  machine's state index of a coroutine is a state of the drawn automaton;
- each ``LocalState`` holds its action, partner and labelled branches, and ``peers``, each
  branch's partner: all equal to ``partner`` except in a non-directed select
  (``nondirected``), whose ``partner`` is only the first branch's peer; ``nexts`` of every
  branch point into the same automaton, and ``table`` maps a label to its sort, next state
  and payload type, so a tick never re-unfolds a type or scans the branches;
- a free recursion variable, an unguarded recursion, more than ``MAX_LOCAL_STATES`` states,
  a partner (of any branch) that is not a role of the image or the role itself, a
  communication with no
  branches or with duplicate labels is an ``ImageError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from aura_kit.machine.errors import ImageError
from aura_kit.protocol.fsm import LocalFsm, local_fsm
from aura_kit.protocol.types import (
    End,
    LocalType,
    PayloadSort,
    Recv,
    Send,
    Sort,
    as_sort,
    is_directed,
    peers,
)

MAX_LOCAL_STATES = 100_000
PAYLOAD_TYPES: dict[Sort, type] = {
    Sort.UNIT: type(None),
    Sort.BOOL: bool,
    Sort.INT: int,
    Sort.STR: str,
    Sort.BYTES: bytes,
}


class CheckedPayload:
    """The payload type of a user or tuple sort: no value has it, so every payload of such a
    sort goes through ``values.fits`` (built-in sorts keep the one ``type(...) is`` test)."""


class ActionKind(IntEnum):
    """What a coroutine does next in a state."""

    END = 0
    SEND = 1
    RECV = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalState:
    """One automaton state: its action, partner and labelled branches to next states.

    ``peers[i]`` is the partner of branch ``i``; a non-directed select has several.
    """

    index: int
    kind: ActionKind
    partner: str
    peers: tuple[str, ...]
    nondirected: bool
    labels: tuple[str, ...]
    sorts: tuple[PayloadSort, ...]
    nexts: tuple[int, ...]
    ptypes: tuple[type, ...]
    local_type: LocalType
    table: dict[str, tuple[PayloadSort, int, type]] = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class Automaton:
    """The run tables of one role, with the endpoint automaton they come from."""

    role: str
    states: tuple[LocalState, ...]
    fsm: LocalFsm = field(compare=False, repr=False)

    def receivable(self, partner: str, label: str) -> frozenset[PayloadSort]:
        """Sorts with which ``label`` from ``partner`` is received anywhere in this automaton."""
        return frozenset(
            st.table[label][0]
            for st in self.states
            if st.kind is ActionKind.RECV and st.partner == partner and label in st.table
        )


def compile_local(role: str, local: LocalType, roles: frozenset[str]) -> Automaton:
    """The run tables of ``local`` (the local type of ``role``)."""
    try:
        fsm = local_fsm(local, max_states=MAX_LOCAL_STATES)
    except ValueError as exc:
        raise ImageError(role, str(exc)) from None
    for head in fsm.types:
        _check_head(role, head, roles)
    states = tuple(
        _run_state(i, head, nexts)
        for i, (head, nexts) in enumerate(zip(fsm.types, fsm.successors(), strict=True))
    )
    return Automaton(role, states, fsm)


def _check_head(role: str, head: object, roles: frozenset[str]) -> None:
    if isinstance(head, (Send, Recv)):
        for partner in peers(head):
            if partner == role or partner not in roles:
                raise ImageError(role, f"partner {partner!r} is not another role of the image")
        if not head.branches:
            raise ImageError(role, "a communication with no branches")
        names = [b.label for b in head.branches]
        if len(set(names)) != len(names):
            raise ImageError(role, f"duplicate labels {names}")
    elif not isinstance(head, End):
        raise ImageError(role, f"not a local type: {type(head).__name__}")


def _run_state(index: int, head: LocalType, nexts: tuple[int, ...]) -> LocalState:
    if not isinstance(head, (Send, Recv)):
        return LocalState(
            index=index,
            kind=ActionKind.END,
            partner="",
            peers=(),
            nondirected=False,
            labels=(),
            sorts=(),
            nexts=(),
            ptypes=(),
            local_type=head,
            table={},
        )
    labels = tuple(b.label for b in head.branches)
    sorts = tuple(as_sort(b.sort) for b in head.branches)
    ptypes = tuple(PAYLOAD_TYPES[s] if isinstance(s, Sort) else CheckedPayload for s in sorts)
    return LocalState(
        index=index,
        kind=ActionKind.SEND if isinstance(head, Send) else ActionKind.RECV,
        partner=head.partner,
        peers=peers(head),
        nondirected=not is_directed(head),
        labels=labels,
        sorts=sorts,
        nexts=nexts,
        ptypes=ptypes,
        local_type=head,
        table={lab: (s, n, p) for lab, s, n, p in zip(labels, sorts, nexts, ptypes, strict=True)},
    )
