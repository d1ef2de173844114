"""The seed's and the kit's owner checks, switch by switch (``OwnershipPolicy``)."""

from __future__ import annotations

import dataclasses

import pytest

from aura_kit.ownership import (
    ChoreographicRole,
    LinkBoundary,
    OwnershipPolicy,
    Scope,
    SessionOwnerCapability,
)
from aura_kit.runtime import (
    BoundaryScopeRejected,
    CapabilityRejected,
    EffectSystem,
    FullSessionCapabilityRequired,
    InvalidIngressRouting,
    MissingOwner,
    SessionStartError,
    SessionStartFailureReason,
    StaleOwner,
)
from tests.ownership.support import roles_for, sid, state

SEED = OwnershipPolicy.seed()
KIT = OwnershipPolicy.kit()


def _forged(owner):
    """A hand-built copy of ``owner`` with every current field and no tag."""
    cap = owner.capability
    forged = SessionOwnerCapability(
        session_id=cap.session_id,
        owner_label=cap.owner_label,
        generation=cap.generation,
        scope=cap.scope,
    )
    return dataclasses.replace(owner, capability=forged)


def test_effects_policy_seed_accepts_hand_built_capability_with_current_fields() -> None:
    """Under the seed's field-by-field check a tagless copy of the current fields passes."""
    fx = EffectSystem("alice", policy=SEED)
    owner = fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    fx.assert_owned_choreography_session(_forged(owner))
    taken = fx.transfer_owned_choreography_session_owner(_forged(owner), "thief", Scope.SESSION)
    assert fx.owner_record(owner.session_id).owner_label == "thief"
    fx.end_owned_choreography_session(_forged(taken))
    assert not fx.is_active(owner.session_id)


def test_effects_policy_kit_refuses_hand_built_capability_with_current_fields() -> None:
    """Under the kit's HMAC check the same tagless copy is CapabilityRejected."""
    fx = EffectSystem("alice", policy=KIT)
    owner = fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    with pytest.raises(InvalidIngressRouting) as info:
        fx.assert_owned_choreography_session(_forged(owner))
    assert isinstance(info.value.details, CapabilityRejected)


def test_effects_policy_seed_field_check_still_refuses_an_old_generation() -> None:
    """The seed's compare still refuses a copy of an old generation."""
    fx = EffectSystem("alice", policy=SEED)
    owner = fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    fx.transfer_owned_choreography_session_owner(owner, "owner-a", Scope.SESSION)
    with pytest.raises(InvalidIngressRouting) as info:
        fx.assert_owned_choreography_session(_forged(owner))
    assert isinstance(info.value.details, CapabilityRejected)


def test_effects_policy_stale_owner_is_typed_under_kit_and_wrapped_under_seed() -> None:
    """A superseded label: StaleOwner under the kit, InvalidIngressRouting under the seed."""
    for policy, expected in ((KIT, StaleOwner), (SEED, InvalidIngressRouting)):
        fx = EffectSystem("alice", policy=policy)
        owner = fx.start_owned_choreography_session("owner-a", sid(2), roles_for(fx))
        fx.transfer_owned_choreography_session_owner(owner, "owner-b", Scope.SESSION)
        before = state(fx)
        with pytest.raises(expected) as info:
            fx.assert_owned_choreography_session(owner)
        assert type(info.value) is expected
        assert state(fx) == before
    assert isinstance(info.value.details, CapabilityRejected)
    assert info.value.details.details == (
        f"runtime session {owner.session_id} rejected capability for owner owner-a; "
        "current generation is 2"
    )


def test_effects_policy_missing_owner_is_typed_under_kit_and_wrapped_under_seed() -> None:
    """No record (checked without a binding): MissingOwner vs InvalidIngressRouting."""
    for policy, expected in ((KIT, MissingOwner), (SEED, InvalidIngressRouting)):
        fx = EffectSystem("alice", policy=policy)
        owner = fx.start_owned_choreography_session("owner-a", sid(3), roles_for(fx))
        fx.cancel_session(owner.session_id)
        with pytest.raises(expected) as info:
            fx.ensure_owner(owner)
        assert type(info.value) is expected
    assert isinstance(info.value.details, CapabilityRejected)
    assert "has no owner record" in info.value.details.details


def test_effects_policy_fragment_owner_asserting_session_gets_the_seeds_boundary_error() -> None:
    """Kit: FullSessionCapabilityRequired; seed: BoundaryScopeRejected (checked first)."""
    expected_details = {"kit": FullSessionCapabilityRequired, "seed": BoundaryScopeRejected}
    for policy in (KIT, SEED):
        fx = EffectSystem("alice", policy=policy)
        owner = fx.start_owned_choreography_session("owner-a", sid(4), roles_for(fx))
        narrow = fx.transfer_owned_choreography_session_owner(
            owner, "owner-a", Scope.fragments({"bundle:x"})
        )
        fx.assert_owned_choreography_boundary(narrow, LinkBoundary.for_bundle_id("x"))
        with pytest.raises(InvalidIngressRouting) as info:
            fx.assert_owned_choreography_session(narrow)
        assert type(info.value.details) is expected_details[policy.name]
        with pytest.raises(InvalidIngressRouting):
            fx.end_owned_choreography_session(narrow)
        assert fx.is_active(owner.session_id)


def test_effects_policy_old_generation_detail_is_the_seeds_text_under_both() -> None:
    """An old generation's CapabilityRejected carries the seed's live-path wording."""
    for policy in (KIT, SEED):
        fx = EffectSystem("alice", policy=policy)
        owner = fx.start_owned_choreography_session("owner-a", sid(5), roles_for(fx))
        fx.transfer_owned_choreography_session_owner(owner, "owner-a", Scope.SESSION)
        with pytest.raises(InvalidIngressRouting) as info:
            fx.assert_owned_choreography_session(owner)
        assert info.value.details.details == (
            f"runtime session {owner.session_id} rejected capability for owner owner-a; "
            "current generation is 2"
        )


def test_effects_start_checks_roles_before_the_task_binding_as_the_seed() -> None:
    """A bound task starting with no own role gets OTHER, not TASK_ALREADY_BOUND."""
    for policy in (KIT, SEED):
        fx = EffectSystem("alice", policy=policy)
        fx.start_owned_choreography_session("owner-a", sid(6), roles_for(fx))
        with pytest.raises(SessionStartError) as info:
            fx.start_owned_choreography_session("owner-b", sid(7), [ChoreographicRole("bob", 0)])
        assert info.value.reason is SessionStartFailureReason.OTHER


def test_effects_start_messages_carry_the_seeds_inner_wording() -> None:
    """Already-bound and already-exists messages use the seed's ChoreographyError text."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("owner-a", sid(8), roles_for(fx))
    with pytest.raises(SessionStartError) as bound:
        fx.start_owned_choreography_session("owner-b", sid(9), roles_for(fx))
    assert bound.value.message == (
        f"Internal error: task already bound to active choreography session {owner.session_id}"
    )
    with fx.task("other"), pytest.raises(SessionStartError) as exists:
        fx.start_owned_choreography_session("owner-b", sid(8), roles_for(fx))
    assert exists.value.message == f"Session already exists: {owner.session_id}"
