"""``World.run`` refuses a bad pass count and stops a stalled run with a typed error."""

from __future__ import annotations

import pytest

from aura_kit.errors import AuraKitError
from aura_kit.lab import RunStalled, World
from aura_kit.numbers import InvalidNumber
from aura_kit.protocol import load_protocol

PING_PONG = load_protocol("PingPong")


def _world() -> World:
    return World(PING_PONG, {role.lower(): role for role in PING_PONG.roles}, demo_payloads=True)


def test_world_run_without_progress_is_run_stalled_naming_the_waiting_roles() -> None:
    """A role waiting on a peer that was never opened stalls the run: ``RunStalled``."""
    world = _world()
    receiver = PING_PONG.roles[1]
    world.open(receiver)
    with pytest.raises(RunStalled) as caught:
        world.run()
    assert isinstance(caught.value, AuraKitError) and isinstance(caught.value, RuntimeError)
    assert caught.value.waiting == (receiver,)


def test_world_run_out_of_passes_is_run_stalled() -> None:
    """One pass is not enough for PingPong: ``RunStalled`` with the roles not complete."""
    world = _world()
    world.open_all()
    with pytest.raises(RunStalled, match="within 1 passes") as caught:
        world.run(max_passes=1)
    assert caught.value.waiting


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3", 10**7])
def test_world_run_refuses_a_bad_pass_count(bad: object) -> None:
    """``max_passes`` must be an int from 1 to a million: ``InvalidNumber``, nothing run."""
    world = _world()
    world.open_all()
    with pytest.raises(InvalidNumber):
        world.run(max_passes=bad)  # type: ignore[arg-type]
    assert world.passes == 0
