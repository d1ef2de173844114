"""Exact DOT text of each picture against data/golden/dot/ (AURA_REGEN_GOLDEN=1 rewrites)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine
from aura_kit.protocol import parse_local
from aura_kit.render import (
    automaton_dot,
    machine_dot,
    ownership_dot,
    sequence_dot,
    state_graph_dot,
)
from aura_kit.view import (
    automaton_view,
    ownership_view,
    protocol_automata_view,
    protocol_sequence_view,
    run_sequence_view,
    state_graph_view,
)
from tests.conftest import DATA
from tests.view.samples import deadlocking_result, ownership_world, ping_loop, two_buyer

GOLDEN = DATA / "golden" / "dot"


def _run_events() -> tuple[object, ...]:
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(two_buyer()))
    for _ in range(8):
        machine.step()
    return tuple(machine.events)


def _machine() -> str:
    machine = ProtocolMachine()
    sid = machine.load(CodeImage.from_protocol(two_buyer()))
    for _ in range(6):
        machine.step()
    return machine_dot(machine.view(sid))


def _ownership() -> str:
    alice, bob, stale = ownership_world()
    return ownership_dot(ownership_view(alice, bob, stale=stale))


CASES: dict[str, Callable[[], str]] = {
    "sequence_two_buyer": lambda: sequence_dot(protocol_sequence_view(two_buyer())),
    "sequence_ping_loop": lambda: sequence_dot(protocol_sequence_view(ping_loop())),
    "sequence_run": lambda: sequence_dot(run_sequence_view(_run_events(), roles=two_buyer().roles)),
    "automata_two_buyer": lambda: automaton_dot(protocol_automata_view(two_buyer())),
    "automaton_current": lambda: automaton_dot(
        automaton_view(
            parse_local("rec Loop.Client?{Ping(int).Client!Pong(int).Loop, Stop.end}"),
            role="Server",
            current_state=1,
            last_transition="Client?Ping(int)",
        )
    ),
    "ownership": _ownership,
    "machine_state": _machine,
    "states_deadlock": lambda: state_graph_dot(state_graph_view(deadlocking_result())),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_dot_matches(name: str) -> None:
    """The DOT text equals the golden file byte for byte."""
    text = CASES[name]()
    path = GOLDEN / f"{name}.dot"
    if os.environ.get("AURA_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with AURA_REGEN_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_dot_is_deterministic(name: str) -> None:
    """Building the same picture twice gives the same text, with no memory addresses."""
    first, second = CASES[name](), CASES[name]()
    assert first == second
    assert "0x" not in first
