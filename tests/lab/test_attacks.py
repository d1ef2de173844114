"""``World.attack``: one implementation of every attack, used by scenarios and the explorer."""

from __future__ import annotations

import pytest

from aura_kit.lab import AttackKind, ExplorerModel, NoStaleHandle, World, error_name
from aura_kit.lab.scenario import ATTACKS
from aura_kit.protocol import load_protocol
from aura_kit.runtime import (
    BoundaryScopeRejected,
    CapabilityRejected,
    FullSessionCapabilityRequired,
    InvalidIngressRouting,
    MissingTaskBinding,
    StaleOwner,
)


def _world() -> World:
    world = World(load_protocol("PingPong"), {"alice": "Client", "bob": "Server"})
    world.open_all()
    return world


def test_attacks_kind_accepts_the_scenario_spelling() -> None:
    """``stale_handle`` and ``stale handle`` name the same kind; scenarios list every kind."""
    assert AttackKind("stale_handle") is AttackKind("stale handle") is AttackKind.STALE_HANDLE
    assert tuple(k.key for k in AttackKind) == ATTACKS
    with pytest.raises(ValueError):
        AttackKind("stale copy")


def test_attacks_stale_handle_defaults_to_the_last_superseded_owner() -> None:
    """After a transfer the superseded owner is refused with StaleOwner."""
    world = _world()
    old = world.session("Client").owner()
    world.transfer("Client", "carol")
    result = world.attack("Client", AttackKind.STALE_HANDLE)
    assert result.owner == old and isinstance(result.error, StaleOwner)
    assert result.refused and result.error_name == "StaleOwner"


def test_attacks_stale_handle_without_a_transfer_is_no_stale_handle() -> None:
    """A role whose owner was never superseded has no stale handle to present."""
    with pytest.raises(NoStaleHandle, match="no stale handle"):
        _world().attack("Client", AttackKind.STALE_HANDLE)


@pytest.mark.parametrize(
    ("kind", "details"),
    [
        (AttackKind.FORGED_CAPABILITY, CapabilityRejected),
        (AttackKind.WRONG_TASK, MissingTaskBinding),
        (AttackKind.WRONG_BOUNDARY, BoundaryScopeRejected),
        (AttackKind.FULL_SESSION, FullSessionCapabilityRequired),
    ],
)
def test_attacks_refused_on_an_attenuated_owner_and_change_nothing(kind, details) -> None:
    """Each attack on a fragment-scoped owner is refused and leaves every registry as it was."""
    world = _world()
    world.attenuate("Client", ["protocol:PingPong"])
    before = world.registry_snapshot()
    result = world.attack("Client", kind)
    assert isinstance(result.error, InvalidIngressRouting)
    assert isinstance(result.error.details, details)
    assert result.error_name == f"InvalidIngressRouting({details.__name__})"
    assert world.registry_snapshot() == before


@pytest.mark.parametrize("kind", [AttackKind.WRONG_BOUNDARY, AttackKind.FULL_SESSION])
def test_attacks_full_session_owner_is_let_through(kind: AttackKind) -> None:
    """A full-session owner may cross any boundary and act for the whole session."""
    result = _world().attack("Client", kind)
    assert not result.refused and "PASSED" in result.summary()


def test_attacks_are_logged_as_ingress_with_their_kind() -> None:
    """An attempt is ``ingress.received`` then ``ingress.dropped``, kind ``attack:<kind>``."""
    world = _world()
    world.attack("Client", AttackKind.FORGED_CAPABILITY)
    events = [
        (str(r.event).rsplit(".", 2)[-2:], dict(r.fields).get("ingress_kind"))
        for r in world.effects("Client").event_log.records
    ]
    assert (["ingress", "received"], "attack:forged_capability") in events
    assert (["ingress", "dropped"], "attack:forged_capability") in events


def test_attacks_wrong_boundary_keys_name_the_boundary() -> None:
    """``keys`` choose the foreign boundary's fragments."""
    world = _world()
    world.attenuate("Client", ["protocol:PingPong"])
    result = world.attack("Client", "wrong_boundary", keys=["bundle:elsewhere"])
    assert result.boundary is not None and "bundle:elsewhere" in str(result.boundary)
    assert isinstance(result.error, InvalidIngressRouting)


def test_attacks_error_name_is_the_class_then_the_details_class() -> None:
    """The one error-name formatter: ``Name`` or ``Name(DetailsName)``."""
    world = _world()
    world.attenuate("Client", ["protocol:PingPong"])
    error = world.attack("Client", AttackKind.WRONG_TASK).error
    assert error is not None
    assert error_name(error) == "InvalidIngressRouting(MissingTaskBinding)"
    assert error_name(ValueError("x")) == "ValueError"


def test_attack_words_blame_the_generation_not_the_tag_for_a_stale_generation() -> None:
    """Same label, newer generation: the words say the generation moved on; a forged tag
    is still described as a forged tag."""
    model = ExplorerModel.for_name("TwoBuyer")
    model.open()
    model.attenuate("Seller")  # same label, generation 2
    stale = model.attack(AttackKind.STALE_HANDLE, "Seller").message
    forged = model.attack(AttackKind.FORGED_CAPABILITY, "Seller").message
    assert "old handle is at generation 1; the owner is at generation 2" in stale
    assert "integrity tag" not in stale and "integrity tag" in forged
