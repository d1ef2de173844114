"""Round inputs are checked before the machine steps; a failing transport is a typed error."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aura_kit.lab import World
from aura_kit.protocol import load_protocol
from aura_kit.runtime import RoundError
from tests.conftest import BUNDLED

TWO_BUYER = load_protocol(BUNDLED / "protocols" / "two_buyer.choreo")
AUTHORITIES = {"alice": "Buyer1", "bob": "Buyer2", "carol": "Seller"}
DROPPED = "runtime.session.ingress.dropped"


def _world() -> World:
    world = World(TWO_BUYER, AUTHORITIES)
    world.open_all()
    world.queue("Buyer1", ["War and Peace", 40])
    world.queue("Seller", [90, 90, "2025-06-01"])
    return world


def _refused_round(world: World, active_role: Any, peer_roles: Any) -> RoundError:
    """Run one Buyer1 round that must be refused; check nothing stepped, nothing was sent."""
    session = world.sessions["Buyer1"]
    tick = session.machine.tick
    with world.task("Buyer1"), pytest.raises(RoundError) as caught:
        session.advance_round(active_role, peer_roles)
    assert session.machine.tick == tick
    assert list(world.network.history) == []
    assert [r.event for r in world.systems["alice"].event_log][-1] == DROPPED
    return caught.value


@pytest.mark.parametrize("active_role", ["Seller", "Nobody", 5, None])
def test_drivers_checks_wrong_active_role_is_refused_before_stepping(active_role: Any) -> None:
    """A round for a role this session does not run is a RoundError; the VM never stepped."""
    world = _world()
    error = _refused_round(world, active_role, world.peer_roles)
    assert repr(active_role) in error.message


@pytest.mark.parametrize("peer_roles", [None, [1, 2], "Seller", 7])
def test_drivers_checks_peer_roles_not_a_mapping_is_refused(peer_roles: Any) -> None:
    """``peer_roles`` that is not a mapping is a RoundError naming its type, before the step."""
    error = _refused_round(_world(), "Buyer1", peer_roles)
    assert type(peer_roles).__name__ in error.message


def test_drivers_checks_peer_of_the_wrong_type_is_refused() -> None:
    """A peer mapped to something other than a ChoreographicRole is refused before any send."""
    world = _world()
    peers = {**world.peer_roles, "Seller": "carol"}
    error = _refused_round(world, "Buyer1", peers)
    assert "peer_roles['Seller']" in error.message


def test_drivers_checks_async_round_checks_too() -> None:
    """The asyncio round applies the same check before stepping."""
    world = _world()
    session = world.sessions["Buyer1"]
    with world.task("Buyer1"), pytest.raises(RoundError):
        asyncio.run(session.advance_round_async("Nobody", world.peer_roles, 0.01))
    assert list(world.network.history) == []


def test_drivers_checks_good_round_still_runs() -> None:
    """With the right role and mapping the round runs and the protocol completes."""
    world = _world()
    world.queue("Buyer2", ["addr"], ["Accept"])
    world.run()
    assert world.done()


def test_drivers_checks_raising_transport_receive_is_a_round_error() -> None:
    """A transport whose receive raises gives a RoundError naming it, not the raw exception."""
    world = _world()
    world.round("Buyer1")  # Buyer1 sends the title and now waits for the quote

    def broken_take(*_args: object) -> None:
        raise RuntimeError("link down")

    world.network.take = broken_take  # type: ignore[method-assign]
    session = world.sessions["Buyer1"]
    with world.task("Buyer1"), pytest.raises(RoundError, match="link down"):
        session.advance_round("Buyer1", world.peer_roles)
