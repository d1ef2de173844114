"""Tests of endpoint automata (local_fsm)."""

from __future__ import annotations

import pytest

from aura_kit.protocol import Mu, Transition, Var, local_fsm, parse_local
from aura_kit.protocol.types import Branch, Send, Sort


def test_fsm_loop_folds_back() -> None:
    """Recursion becomes a cycle to the loop's first state."""
    fsm = local_fsm(parse_local("rec Loop.Client?{Ping(int).Client!Pong(int).Loop, Stop.end}"))
    assert fsm.states == (0, 1, 2)
    assert fsm.initial == 0
    assert fsm.transitions == (
        Transition(0, 1, "Client?Ping(int)"),
        Transition(0, 2, "Client?Stop"),
        Transition(1, 0, "Client!Pong(int)"),
    )
    assert fsm.finals == frozenset({2})


def test_fsm_shared_end_state() -> None:
    """Every branch that ends reaches one final state."""
    fsm = local_fsm(parse_local("S!{A.end, B.S?C.end}"))
    assert len(fsm.states) == 3
    assert fsm.finals == frozenset({1})
    assert [t.action for t in fsm.outgoing(0)] == ["S!A", "S!B"]


def test_fsm_state_of_locates_a_type() -> None:
    """state_of maps a (possibly folded) local type to its state."""
    t = parse_local("rec X.S!Ping.S?Pong.X")
    fsm = local_fsm(t)
    assert fsm.state_of(t) == 0
    assert fsm.state_of(parse_local("S?Pong.rec X.S!Ping.S?Pong.X")) == 1
    with pytest.raises(KeyError):
        fsm.state_of(parse_local("S!Other.end"))


def test_fsm_refuses_open_and_unguarded() -> None:
    """Open or unguarded types have no automaton."""
    with pytest.raises(ValueError, match="open"):
        local_fsm(Send("S", (Branch("A", Sort.UNIT, Var("X")),)))  # built: parse_local refuses it
    with pytest.raises(ValueError, match="unguarded"):
        local_fsm(Mu("X", Var("X")))
