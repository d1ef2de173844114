"""The ``World``: demo payloads, stale handles, passes, attenuation defaults, faulted roles."""

from __future__ import annotations

import pytest

from aura_kit.lab import World
from aura_kit.lab.demo_payloads import DEMO_PAYLOADS, next_send_sort
from aura_kit.lab.world_records import RoundOutcome
from aura_kit.ownership import OwnerChangeKind, Scope
from aura_kit.protocol import Sort, load_protocol, project_all
from aura_kit.runtime import (
    InvalidIngressRouting,
    OwnerTransferError,
    RoundError,
    StaleOwner,
    VmRoundDisposition,
)

PING_PONG = load_protocol("PingPong")
TWO_BUYER = load_protocol("two_buyer")


def _world(protocol=PING_PONG, **options) -> World:
    authorities = {role.lower(): role for role in protocol.roles}
    world = World(protocol, authorities, **options)
    world.open_all()
    return world


def test_world_demo_payloads_let_a_session_run_unqueued() -> None:
    """With demo payloads every send gets a value of its sort; the session completes."""
    world = _world(TWO_BUYER, demo_payloads=True)
    world.queue("Buyer2", choices=["Reject"])
    world.run()
    assert world.done()
    assert ("Buyer1", "Seller", "Title", DEMO_PAYLOADS[Sort.STR]) in world.messages()


def test_world_without_demo_payloads_an_empty_queue_fails() -> None:
    """By default nothing is invented: a send with an empty queue is a RoundError."""
    with pytest.raises(RoundError):
        _world().round("Client")
    assert list(_world().network.history) == []


def test_world_demo_payload_never_replaces_a_queued_one() -> None:
    """A queued payload is sent as it is even with demo payloads on."""
    world = _world(demo_payloads=True)
    world.queue("Client", payloads=[7])
    world.run()
    assert [m[3] for m in world.messages()] == [7, DEMO_PAYLOADS[Sort.INT]]


def test_world_next_send_sort_follows_the_queued_choice() -> None:
    """The next send's sort (queued branch, else the first); None when the role receives next."""
    buyer2 = project_all(TWO_BUYER.global_type)["Buyer2"]
    assert next_send_sort(buyer2, ()) is None
    client = project_all(PING_PONG.global_type)["Client"]
    assert next_send_sort(client, ()) is Sort.INT


def test_world_transfer_and_attenuate_keep_the_superseded_handles() -> None:
    """Each owner change keeps the old handle in ``stale``; presenting it is StaleOwner."""
    world = _world()
    first = world.session("Client").owner()
    world.transfer("Client", "carol")
    world.attenuate("Client")
    assert world.stale["Client"][0] == first and len(world.stale["Client"]) == 2
    assert list(world.stale_handles()) == ["Client@Client@client#1", "Client@carol#2"]
    with world.task("Client"), pytest.raises(StaleOwner):
        world.effects("Client").assert_owned_choreography_session(first)


def test_world_refused_transfer_keeps_no_stale_handle() -> None:
    """A widening the policy refuses changes nothing, not even ``stale``."""
    world = _world()
    world.attenuate("Client")
    with pytest.raises(OwnerTransferError):
        world.transfer("Client", "carol", Scope.SESSION)
    assert len(world.stale["Client"]) == 1 and world.history[-1].action == "attenuate"


def test_world_attenuate_defaults_to_the_manifest_fragments() -> None:
    """Without keys the owner is narrowed to every fragment of the manifest."""
    world = _world()
    world.attenuate("Server")
    scope = world.session("Server").owner().capability.scope
    assert scope == Scope.fragments(world.manifest.fragment_keys())
    assert not world.session("Server").owner().capability.allows_full_session()


def test_world_step_all_counts_passes() -> None:
    """Every ``step_all`` is one pass, whatever the roles did in it."""
    world = _world(demo_payloads=True)
    world.step_all()
    world.step_all()
    assert world.passes == 2 and world.clock == 4


def test_world_faulted_role_is_an_error_unless_tolerated() -> None:
    """A role stuck with nothing to receive raises by default and is reported otherwise."""
    for tolerate in (False, True):
        world = _world(stuck_is_error=not tolerate)
        world.queue("Client", payloads=["not an int"])
        with pytest.raises(RoundError):
            world.round("Client")
        if not tolerate:
            with pytest.raises(RoundError, match="stuck without a pending receive"):
                world.round("Client")
            continue
        outcome = world.round("Client")
        assert (outcome.step_result, outcome.disposition, outcome.progressed) == (
            "stuck",
            None,
            False,
        )


def test_world_round_outcome_summary() -> None:
    """The summary names the step, the wait, the disposition and what was received."""
    world = _world(demo_payloads=True)
    world.round("Client")
    outcome = world.round("Server")
    assert isinstance(outcome, RoundOutcome)
    assert outcome.summary() == "step stuck, wait delivered, continue, received Ping"


def test_world_history_records_only_owner_changes_that_happened() -> None:
    """A refused close and a repeat cancel add no history entry; a real close and cancel do."""
    world = _world()
    world.attenuate("Client")
    before = list(world.history)
    with pytest.raises(InvalidIngressRouting):
        world.close("Client")  # a fragment owner may not close the session
    assert list(world.history) == before and world.is_active("Client")
    world.cancel("Server")
    world.cancel("Server")
    assert [c.action for c in list(world.history)[len(before) :]] == ["cancel"]
    assert world.history[-1].role == "Server"
    world.cancel("Client")
    assert [c.action for c in list(world.history)[len(before) :]] == ["cancel", "cancel"]


def test_world_close_records_after_success() -> None:
    """A successful close adds one 'close' entry."""
    world = _world()
    world.close("Client")
    assert world.history[-1].action == "close" and not world.is_active("Client")


def test_world_deferred_round_is_handled_as_continue() -> None:
    """A round whose receive has nothing yet is DEFERRED and handled as CONTINUE, no progress."""
    world = _world()
    outcome = world.round("Server")
    assert outcome.wait_status.value == "deferred"
    assert outcome.disposition is VmRoundDisposition.CONTINUE and not outcome.progressed


def test_world_history_entries_hold_the_authoritys_own_owner_changes() -> None:
    """Each entry's change is the authority's OwnerChange record, in the same order."""
    world = _world()
    world.attenuate("Client")
    world.close("Server")
    for role in ("Client", "Server"):
        facts = world.effects(role).owner_history(world.session_id)
        entries = [e.change for e in world.history if e.role == role]
        assert entries == list(facts)
    assert [e.change.kind for e in world.history if e.role == "Client"] == [
        OwnerChangeKind.ASSIGNED,
        OwnerChangeKind.ATTENUATED,
    ]
