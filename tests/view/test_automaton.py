"""Automaton views built from local_fsm."""

from __future__ import annotations

import pytest

from aura_kit.protocol import parse_local, project, unfold
from aura_kit.view import ViewError, automaton_view, protocol_automata_view
from tests.view.samples import ping_loop, two_buyer

SERVER = "rec Loop.Client?{Ping(int).Client!Pong(int).Loop, Stop.end}"


def test_automaton_states_and_edges_follow_local_fsm() -> None:
    """A loop folds back: three states, three transitions, one final."""
    view = automaton_view(parse_local(SERVER), role="Server")
    assert [s.id for s in view.states] == [0, 1, 2]
    assert [(e.src, e.dst) for e in view.edges] == [(0, 1), (0, 2), (1, 0)]
    assert [s.final for s in view.states] == [False, False, True]
    assert view.states[0].initial


def test_automaton_current_state_by_number_or_type() -> None:
    """The current state can be given as a number or as the coroutine's local type."""
    local = parse_local(SERVER)
    by_number = automaton_view(local, current_state=1)
    after_ping = unfold(local).branches[0].cont  # type: ignore[union-attr]
    by_type = automaton_view(local, current_state=after_ping)
    assert by_number.current == 1
    assert by_type.current == 1


def test_automaton_last_transition_marked() -> None:
    """The last transition is found by action into the current state."""
    view = automaton_view(parse_local(SERVER), current_state=0, last_transition="Client!Pong(int)")
    assert [e.last for e in view.edges] == [False, False, True]


def test_automaton_unknown_state_refused() -> None:
    """A state that is not in the automaton is a ViewError naming it."""
    with pytest.raises(ViewError) as info:
        automaton_view(parse_local(SERVER), current_state=7)
    assert info.value.actual == "7"


def test_automaton_unknown_transition_refused() -> None:
    """A transition that is not in the automaton is a ViewError."""
    with pytest.raises(ViewError):
        automaton_view(parse_local(SERVER), last_transition=(0, 2, "Client?Nope"))


def test_protocol_automata_in_role_order() -> None:
    """Every role gets an automaton, in declared order, projected from the protocol."""
    view = protocol_automata_view(two_buyer())
    assert [a.role for a in view.automata] == ["Buyer1", "Buyer2", "Seller"]
    buyer2 = view.automata[1]
    expected = project(two_buyer().global_type, "Buyer2")
    assert len(buyer2.states) == 5
    assert expected is not None
    assert protocol_automata_view(ping_loop()).automata[0].role == "Client"
