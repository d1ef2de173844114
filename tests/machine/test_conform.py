"""Conformance: runs of the projections are runs the global type allows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from aura_kit.machine import EventKind, MachineEvent, conforms
from aura_kit.protocol import load_protocol
from tests.conftest import BUNDLED
from tests.machine.builders import seeded_run

PROTOCOLS = sorted((BUNDLED / "protocols").glob("*.choreo"))


def _run(path: Path, seed: int) -> tuple[MachineEvent, ...]:
    return seeded_run(path, seed, sessions=2, max_ticks=20_000)


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
def test_conform_every_protocol_many_schedules(path: Path) -> None:
    """Thirty seeded schedules with random choices all conform to the global type."""
    g = load_protocol(path).global_type
    for seed in range(30):
        assert conforms(g, _run(path, seed)), seed


def test_conform_rejects_wrong_label() -> None:
    """A received label that differs from the sent one is rejected at that event."""
    path = BUNDLED / "protocols" / "two_buyer.choreo"
    events = list(_run(path, 0))
    i = next(i for i, e in enumerate(events) if e.kind is EventKind.RECEIVED)
    events[i] = dataclasses.replace(events[i], label="Bogus")
    result = conforms(load_protocol(path).global_type, events)
    assert not result and result.index == i


def test_conform_rejects_reordered_dependent_actions() -> None:
    """Moving a receive before its send is rejected."""
    path = BUNDLED / "protocols" / "ping_pong.choreo"
    events = [e for e in _run(path, 0) if e.session == 1]
    sent = next(i for i, e in enumerate(events) if e.kind is EventKind.SENT)
    events.insert(sent, events.pop(sent + 1))
    assert not conforms(load_protocol(path).global_type, events)


def test_conform_rejects_early_halt() -> None:
    """A role halting while it still has to act is rejected."""
    g = load_protocol(BUNDLED / "protocols" / "ring.choreo").global_type
    halt = MachineEvent(kind=EventKind.HALTED, tick=1, session=1, role="C")
    assert not conforms(g, [halt])


def test_conform_allows_independent_overtaking() -> None:
    """In EpochRotation, Participant2 may receive its Propose before Participant1 does."""
    g = load_protocol(BUNDLED / "protocols" / "epoch_rotation.choreo").global_type

    def ev(kind: EventKind, role: str, peer: str, label: str) -> MachineEvent:
        return MachineEvent(kind=kind, tick=0, session=1, role=role, peer=peer, label=label)

    trace = [
        ev(EventKind.SENT, "Coordinator", "Participant1", "Propose"),
        ev(EventKind.SENT, "Coordinator", "Participant2", "Propose"),
        ev(EventKind.RECEIVED, "Participant2", "Coordinator", "Propose"),
        ev(EventKind.RECEIVED, "Participant1", "Coordinator", "Propose"),
    ]
    assert conforms(g, trace)
