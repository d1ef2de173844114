"""Endpoint-automaton snapshots (from ``local_fsm``) with a current state and last transition.

Invariants:
- states and edges keep ``local_fsm`` numbering and branch order; the machine runs on the
  same numbering, so a coroutine's state index (``CoroutineView.state``) is the current
  state as it is, never located again by comparing types;
- at most one state is current and at most one edge is the last transition;
- a state or transition that is not in the automaton is refused with ``ViewError``
  (nothing is built).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aura_kit.machine.values import SessionView
from aura_kit.protocol.fsm import LocalFsm, Transition, local_fsm
from aura_kit.protocol.local import format_local
from aura_kit.protocol.projection import project_all
from aura_kit.protocol.types import LocalType, Protocol
from aura_kit.view.errors import ViewError

TransitionRef = Transition | tuple[int, int, str] | str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomatonState:
    """One state: its number, the local type it stands for, and its marks."""

    id: int
    local_type: str
    initial: bool = False
    final: bool = False
    current: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomatonEdge:
    """One transition; ``last`` marks the most recent one taken."""

    src: int
    dst: int
    action: str
    last: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomatonView:
    """One role's endpoint automaton."""

    role: str
    local_type: str
    states: tuple[AutomatonState, ...]
    edges: tuple[AutomatonEdge, ...]

    @property
    def current(self) -> int | None:
        """The current state's number, if one is marked."""
        return next((s.id for s in self.states if s.current), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomataView:
    """Several automata side by side (e.g. every role of a protocol)."""

    title: str
    automata: tuple[AutomatonView, ...]


def automaton_view(
    local_type: LocalType,
    *,
    role: str = "",
    current_state: int | None = None,
    last_transition: TransitionRef = None,
) -> AutomatonView:
    """The automaton of ``local_type`` with optional current-state and last-transition marks."""
    try:
        fsm = local_fsm(local_type)
    except ValueError as exc:
        raise ViewError(
            "local type has no automaton", actual=str(exc), expected="closed guarded type"
        ) from exc
    _check_state(fsm, current_state)
    current = current_state
    last = _locate_transition(fsm, last_transition, current)
    states = tuple(
        AutomatonState(
            id=s,
            local_type=format_local(fsm.types[s]),
            initial=s == fsm.initial,
            final=s in fsm.finals,
            current=s == current,
        )
        for s in fsm.states
    )
    edges = tuple(
        AutomatonEdge(src=t.src, dst=t.dst, action=t.action, last=i == last)
        for i, t in enumerate(fsm.transitions)
    )
    return AutomatonView(role=role, local_type=format_local(local_type), states=states, edges=edges)


def _check_state(fsm: LocalFsm, state: int | None) -> None:
    if state is not None and state not in fsm.states:
        raise ViewError(
            "no such automaton state", actual=str(state), expected=f"0..{len(fsm.states) - 1}"
        )


def _locate_transition(fsm: LocalFsm, ref: TransitionRef, current: int | None) -> int | None:
    if ref is None:
        return None
    for i, t in enumerate(fsm.transitions):
        if isinstance(ref, str):
            if t.action == ref and (current is None or t.dst == current):
                return i
        elif tuple(t) == tuple(ref):
            return i
    raise ViewError("no such transition", actual=str(ref), expected="a transition of the automaton")


def protocol_automata_view(protocol: Protocol) -> AutomataView:
    """Every role's automaton, projected from the protocol, in declared role order."""
    locals_ = project_all(protocol.global_type)
    return automata_view(locals_, title=f"automata of {protocol.name}", order=protocol.roles)


def automata_view(
    local_types: Mapping[str, LocalType],
    *,
    title: str = "automata",
    order: tuple[str, ...] = (),
    current: Mapping[str, int] | None = None,
) -> AutomataView:
    """Automata of several roles; ``current`` maps a role to its current state index."""
    roles = [r for r in order if r in local_types] + sorted(set(local_types) - set(order))
    marks = current or {}
    return AutomataView(
        title=title,
        automata=tuple(
            automaton_view(local_types[r], role=r, current_state=marks.get(r)) for r in roles
        ),
    )


def current_states(session: SessionView) -> dict[str, int]:
    """Each local role's current automaton state in a machine session (for ``current``)."""
    return {c.role: c.state for c in session.coroutines}
