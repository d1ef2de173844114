"""Unforgeable capabilities, stale copies and attenuation policy."""

from __future__ import annotations

import dataclasses

import pytest

from aura_kit.ownership import (
    LinkBoundary,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionOwnerCapability,
)
from aura_kit.runtime import (
    CapabilityRejected,
    EffectSystem,
    InvalidIngressRouting,
    OwnerTransferError,
    SessionIngressError,
)
from tests.ownership.support import linked_manifest, roles_for, sid, state


def _with_capability(
    owner: RuntimeSessionOwner, cap: SessionOwnerCapability
) -> RuntimeSessionOwner:
    return dataclasses.replace(owner, capability=cap)


@pytest.mark.parametrize("tag", [b"", b"\x00" * 32, "not-bytes"])
def test_effects_hand_built_capability_with_current_fields_is_refused(tag: object) -> None:
    """Every current field copied, but no valid tag: CapabilityRejected, nothing changes."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    cap = owner.capability
    forged = SessionOwnerCapability(
        session_id=cap.session_id,
        owner_label=cap.owner_label,
        generation=cap.generation,
        scope=cap.scope,
        tag=tag,  # type: ignore[arg-type]
    )
    before = state(fx)
    for call in (
        lambda o: fx.assert_owned_choreography_session(o),
        lambda o: fx.transfer_owned_choreography_session_owner(o, "thief", Scope.SESSION),
        lambda o: fx.end_owned_choreography_session(o),
    ):
        with pytest.raises(InvalidIngressRouting) as info:
            call(_with_capability(owner, forged))
        assert isinstance(info.value.details, CapabilityRejected)
        assert "tag does not verify" in info.value.details.details
    assert state(fx) == before
    fx.assert_owned_choreography_session(owner)


def test_effects_capability_from_another_effect_system_is_refused() -> None:
    """Same id, label, generation and scope, but issued by another system: refused."""
    alice, mallory = EffectSystem("alice"), EffectSystem("alice")
    owner = alice.start_owned_choreography_session("owner-a", sid(2), roles_for(alice))
    foreign = mallory.start_owned_choreography_session("owner-a", sid(2), roles_for(mallory))
    assert foreign.capability.tag != owner.capability.tag
    with pytest.raises(InvalidIngressRouting) as info:
        alice.assert_owned_choreography_session(foreign)
    assert isinstance(info.value.details, CapabilityRejected)


def test_effects_old_copies_refused_after_every_transfer() -> None:
    """After a chain of transfers and attenuations only the newest owner passes."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(3), roles_for(fx))
    history = [owner]
    steps = [
        ("b", Scope.SESSION),
        ("b", Scope.fragments({"k1", "k2"})),
        ("c", Scope.fragments({"k1"})),
    ]
    for label, scope in steps:
        owner = fx.transfer_owned_choreography_session_owner(owner, label, scope)
        history.append(owner)
    fx.assert_owned_choreography_boundary(owner, owner_boundary(owner))
    for old in history[:-1]:
        with pytest.raises(SessionIngressError) as info:
            fx.assert_owned_choreography_boundary(old, owner_boundary(old))
        assert info.value.error_kind in ("stale_owner", "invalid_ingress_routing")
    assert owner.capability.generation == 4


def owner_boundary(owner: RuntimeSessionOwner) -> LinkBoundary:
    """The boundary an owner's own scope describes."""
    scope = owner.capability.scope
    return LinkBoundary.for_protocol("p") if scope.is_session else LinkBoundary.for_scope(scope)


def test_effects_widening_is_refused_under_narrow_policy() -> None:
    """Narrow (default): fragments -> SESSION or a larger set is refused; nothing changes."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(4), roles_for(fx))
    narrow = fx.transfer_owned_choreography_session_owner(owner, "a", Scope.fragments({"k1"}))
    before = state(fx)
    for wider in (Scope.SESSION, Scope.fragments({"k1", "k2"}), Scope.fragments({"k2"})):
        with pytest.raises(OwnerTransferError) as info:
            fx.transfer_owned_choreography_session_owner(narrow, "b", wider)
        assert "may only narrow" in info.value.message
        assert (info.value.from_owner_label, info.value.to_owner_label) == ("a", "b")
    assert state(fx) == before
    fx.assert_owned_choreography_boundary(narrow, owner_boundary(narrow))
    rejected = fx.event_log.events("runtime.session.owner.transfer_rejected")
    assert len(rejected) == 3 and rejected[0].field("error_kind") == "owner_transfer"


def test_effects_widening_is_accepted_under_permissive_policy() -> None:
    """Permissive reproduces the seed: a fragment owner may widen back to SESSION."""
    fx = EffectSystem("alice", policy=OwnershipPolicy(attenuation="permissive"))
    owner = fx.start_owned_choreography_session("a", sid(5), roles_for(fx))
    narrow = fx.transfer_owned_choreography_session_owner(owner, "a", Scope.fragments({"k1"}))
    wide = fx.transfer_owned_choreography_session_owner(narrow, "b", Scope.SESSION)
    fx.assert_owned_choreography_session(wide)
    assert wide.capability.generation == 3


def test_effects_policy_rejects_unknown_mode() -> None:
    """OwnershipPolicy accepts only 'narrow' and 'permissive'."""
    with pytest.raises(ValueError, match="attenuation must be"):
        OwnershipPolicy(attenuation="loose")  # type: ignore[arg-type]


def test_effects_transfer_with_foreign_fragment_changes_nothing() -> None:
    """A fragment held by another label blocks the transfer atomically (a foreign label can
    claim only under the seed's ``fragment_claims="label"``)."""
    fx = EffectSystem("alice", policy=OwnershipPolicy(fragment_claims="label"))
    owner = fx.start_owned_choreography_session("a", sid(6), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "mine"))
    fx.claim_vm_fragments_for_manifest("squatter", linked_manifest("p", "theirs"))
    before = state(fx)
    with pytest.raises(OwnerTransferError) as info:
        fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    assert "bundle:theirs" in info.value.message and "squatter" in info.value.message
    assert state(fx) == before
    fx.assert_owned_choreography_session(owner)


def test_effects_transfer_events_carry_seed_fields() -> None:
    """owner.transferred records from/to labels and generations."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(7), roles_for(fx))
    fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    (event,) = fx.event_log.events("runtime.session.owner.transferred")
    assert event.as_dict() == {
        "seq": event.seq,
        "event": "runtime.session.owner.transferred",
        "level": "info",
        "message": "Transferred runtime session owner",
        "session_id": str(owner.session_id),
        "from_owner_label": "a",
        "from_generation": 1,
        "to_owner_label": "b",
        "to_generation": 2,
        "protocol_id": None,
        "context": "transfer_owned_choreography_session_owner",
    }


def test_effects_transfer_rejects_bad_label_and_scope_type() -> None:
    """An empty next label or a non-Scope is an OwnerTransferError; nothing changes."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(8), roles_for(fx))
    before = state(fx)
    with pytest.raises(OwnerTransferError, match="non-empty string"):
        fx.transfer_owned_choreography_session_owner(owner, "", Scope.SESSION)
    with pytest.raises(OwnerTransferError, match="expected exactly Scope"):
        fx.transfer_owned_choreography_session_owner(owner, "b", "session")  # type: ignore[arg-type]
    assert state(fx) == before


def test_effects_transfer_logs_rejection_only_for_registry_refusals() -> None:
    """Binding and owner-check failures raise without ``owner.transfer_rejected`` (the seed's
    early return); a refused registry transfer (here: widening) is logged."""
    fx = EffectSystem("alice")
    with fx.task("t"):
        owner = fx.start_owned_choreography_session("a", sid(6), roles_for(fx))
        moved = fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
        with pytest.raises(SessionIngressError):
            fx.transfer_owned_choreography_session_owner(owner, "c", Scope.SESSION)  # stale
        forged = _with_capability(moved, dataclasses.replace(moved.capability, tag=b"x" * 32))
        with pytest.raises(InvalidIngressRouting):
            fx.transfer_owned_choreography_session_owner(forged, "c", Scope.SESSION)
    with pytest.raises(InvalidIngressRouting):  # unbound context
        fx.transfer_owned_choreography_session_owner(moved, "c", Scope.SESSION)
    assert fx.event_log.events("runtime.session.owner.transfer_rejected") == []
    with fx.task("t"):
        narrow = fx.transfer_owned_choreography_session_owner(moved, "b", Scope.fragments({"k"}))
        with pytest.raises(OwnerTransferError):
            fx.transfer_owned_choreography_session_owner(narrow, "b", Scope.SESSION)
    (rejected,) = fx.event_log.events("runtime.session.owner.transfer_rejected")
    assert rejected.field("error_kind") == "owner_transfer"
