"""Automaton views built from local_fsm."""

from __future__ import annotations

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine, QueuedHandler
from aura_kit.protocol import parse_local, project
from aura_kit.view import ViewError, automaton_view, current_states, protocol_automata_view
from tests.view.samples import ping_loop, two_buyer

SERVER = "rec Loop.Client?{Ping(int).Client!Pong(int).Loop, Stop.end}"


def test_automaton_states_and_edges_follow_local_fsm() -> None:
    """A loop folds back: three states, three transitions, one final."""
    view = automaton_view(parse_local(SERVER), role="Server")
    assert [s.id for s in view.states] == [0, 1, 2]
    assert [(e.src, e.dst) for e in view.edges] == [(0, 1), (0, 2), (1, 0)]
    assert [s.final for s in view.states] == [False, False, True]
    assert view.states[0].initial


def test_automaton_current_state_by_number_or_machine() -> None:
    """The current state is a number, as the machine's coroutine holds it after a Ping."""
    local = parse_local(SERVER)
    by_number = automaton_view(local, current_state=1)
    image = CodeImage.from_protocol(ping_loop())
    machine = ProtocolMachine()
    sid = machine.load(image, handler=QueuedHandler([7], ["Ping"]))
    machine.step()  # Client sends Ping(7)
    machine.step()  # Server receives it: it now has to send Pong
    state = current_states(machine.view(sid))["Server"]
    from_machine = automaton_view(image.local_types["Server"], current_state=state)
    assert by_number.current == 1
    assert from_machine.current == 1


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
