"""Tests of the sync and asyncio drivers over the whole two-buyer protocol."""

from __future__ import annotations

import asyncio

import pytest

from aura_kit.lab import World
from aura_kit.machine.handler import QueuedHandler
from aura_kit.machine.image import CodeImage
from aura_kit.machine.machine import ProtocolMachine
from aura_kit.machine.values import EventKind
from aura_kit.protocol import load_protocol
from aura_kit.runtime import RoundError, VmHostWaitStatus, VmRoundDisposition
from tests.conftest import BUNDLED

TWO_BUYER = load_protocol(BUNDLED / "protocols" / "two_buyer.choreo")
AUTHORITIES = {"alice": "Buyer1", "bob": "Buyer2", "carol": "Seller"}
PAYLOADS = {"Buyer1": ["War and Peace", 40], "Seller": [90, 90, "2025-06-01"], "Buyer2": ["addr"]}
CHOICES = {"Buyer2": ["Accept"]}


def _world() -> World:
    world = World(TWO_BUYER, AUTHORITIES)
    world.open_all()
    for role in world.roles:
        world.queue(role, PAYLOADS[role], CHOICES.get(role, []))
    return world


class _PerRole(QueuedHandler):
    """A central-machine handler with one payload queue per role."""

    __slots__ = ("queues",)

    def __init__(self) -> None:
        super().__init__(choices=CHOICES["Buyer2"])
        self.queues = {role: list(values) for role, values in PAYLOADS.items()}

    def send_payload(self, session, role, to_role, label, sort):
        return self.queues[role].pop(0)


def _central_messages() -> list[tuple[str, str, str, object]]:
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(TWO_BUYER), handler=_PerRole())
    machine.run()
    sends = (EventKind.SENT, EventKind.SELECTED)
    return [(e.role, e.peer, e.label, e.payload) for e in machine.events if e.kind in sends]


def test_drivers_sync_two_buyer_completes() -> None:
    """Three authorities complete two-buyer with the sync driver; every session closes."""
    world = _world()
    world.run()
    assert world.done()
    world.close_all()
    assert all(fx.active_sessions() == () for fx in world.systems.values())


@pytest.mark.asyncio
async def test_drivers_async_two_buyer_completes() -> None:
    """Three authorities complete two-buyer as asyncio tasks that wait on the transport."""
    world = _world()
    await world.run_async(timeout=5.0)
    assert world.done()
    assert world.messages() == _central_messages()


def test_drivers_sync_run_equals_central_run() -> None:
    """The distributed message sequence equals the same protocol run on one machine."""
    world = _world()
    world.run()
    assert world.messages() == _central_messages()
    assert len(world.messages()) == 6


@pytest.mark.asyncio
async def test_drivers_async_receive_waits_until_delivered() -> None:
    """A round started before the peer sends waits and ends DELIVERED once it does."""
    world = _world()
    waiting = asyncio.create_task(world.round_async("Seller", timeout=5.0))
    await asyncio.sleep(0)
    assert world.network.waiting("carol", world.session_id)
    world.round("Buyer1")
    outcome = await waiting
    assert outcome.wait_status is VmHostWaitStatus.DELIVERED and outcome.received == "Title"


@pytest.mark.asyncio
async def test_drivers_async_timeout_gives_timed_out() -> None:
    """Nothing sent within the timeout ends the wait as TIMED_OUT (a RoundError when handled)."""
    world = _world()
    with pytest.raises(RoundError) as info:
        await world.round_async("Buyer2", timeout=0.01)
    assert info.value.message == "Buyer2 VM timed out while waiting for receive"


@pytest.mark.asyncio
async def test_drivers_async_session_end_cancels_waiting_receive() -> None:
    """Ending the session while its receive waits ends the wait as CANCELLED at once."""
    world = _world()
    session = world.session("Buyer2")

    async def wait_round():
        with world.task("Buyer2"):
            return await session.advance_round_async("Buyer2", world.peer_roles, timeout=60.0)

    waiting = asyncio.create_task(wait_round())
    await asyncio.sleep(0)
    world.cancel("Buyer2")
    result = await waiting
    assert result.host_wait_status is VmHostWaitStatus.CANCELLED
    assert not world.is_active("Buyer2")


def test_drivers_sync_deferred_round_moves_on() -> None:
    """A sync round with nothing to receive is DEFERRED, handled as CONTINUE, no progress."""
    world = _world()
    outcome = world.round("Buyer2")
    assert outcome.wait_status is VmHostWaitStatus.DEFERRED
    assert outcome.disposition is VmRoundDisposition.CONTINUE
    assert not outcome.progressed
