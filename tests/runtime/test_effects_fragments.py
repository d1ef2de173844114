"""Fragment claims through the EffectSystem: exclusive, all-or-nothing, partial release."""

from __future__ import annotations

import pytest

from aura_kit.ownership import (
    CompositionManifest,
    FragmentError,
    FragmentErrorKind,
    OwnershipPolicy,
    Scope,
)
from aura_kit.runtime import EffectSystem, InvalidIngressRouting, MissingTaskBinding
from tests.conftest import BUNDLED
from tests.ownership.support import assert_clean, linked_manifest, roles_for, sid, state


def test_effects_manifest_without_links_claims_one_protocol_fragment() -> None:
    """No link specs: one fragment ``protocol:<id>`` with no bundle."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(1), roles_for(fx))
    manifest = CompositionManifest.load(BUNDLED / "manifests" / "ping_pong.json")
    assert fx.claim_vm_fragments_for_manifest(owner, manifest) == {
        "protocol:aura.example.ping_pong"
    }
    ((fid, record),) = fx.vm_fragment_snapshot()
    assert fid.key == "protocol:aura.example.ping_pong" and record.bundle_id is None
    assert (record.owner_label, record.protocol_id) == ("a", "aura.example.ping_pong")


def test_effects_claims_are_exclusive_and_all_or_nothing() -> None:
    """Another label cannot take a held fragment, and gets none of the manifest's others
    (another label can claim only under the seed's ``fragment_claims="label"``)."""
    fx = EffectSystem("alice", policy=OwnershipPolicy(fragment_claims="label"))
    fx.start_owned_choreography_session("a", sid(2), roles_for(fx))
    fx.claim_vm_fragments_for_manifest("a", linked_manifest("p", "shared"))
    before = state(fx)
    with pytest.raises(FragmentError) as info:
        fx.claim_vm_fragments_for_manifest("b", linked_manifest("p", "free", "shared"))
    assert info.value.kind is FragmentErrorKind.CONFLICT
    assert (info.value.key, info.value.existing_owner) == ("bundle:shared", "a")
    assert state(fx) == before


def test_effects_repeat_claim_by_same_label_is_idempotent() -> None:
    """Claiming again with the same label claims nothing new and changes nothing."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(3), roles_for(fx))
    manifest = linked_manifest("p", "b1", "b2")
    assert fx.claim_vm_fragments_for_manifest(owner, manifest) == {"bundle:b1", "bundle:b2"}
    before = state(fx)
    assert fx.claim_vm_fragments_for_manifest(owner, manifest) == frozenset()
    assert state(fx) == before


def test_effects_claims_are_per_session() -> None:
    """The same key in two sessions belongs to each session's claimant."""
    fx = EffectSystem("alice")
    with fx.task("one"):
        one = fx.start_owned_choreography_session("a", sid(4), roles_for(fx))
        fx.claim_vm_fragments_for_manifest(one, linked_manifest("p", "b"))
    with fx.task("two"):
        two = fx.start_owned_choreography_session("b", sid(5), roles_for(fx))
        fx.claim_vm_fragments_for_manifest(two, linked_manifest("p", "b"))
    owners = [record.owner_label for _, record in fx.vm_fragment_snapshot()]
    assert sorted(owners) == ["a", "b"]


def test_effects_releasing_some_fragments_keeps_the_rest() -> None:
    """Releasing a chosen set frees exactly those keys."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(6), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "b1", "b2", "b3"))
    assert fx.release_vm_fragments(owner, {"bundle:b1", "bundle:b3"}) == {"bundle:b1", "bundle:b3"}
    assert [fid.key for fid, _ in fx.vm_fragment_snapshot()] == ["bundle:b2"]


def test_effects_releasing_an_unclaimed_key_frees_nothing() -> None:
    """A release naming an unclaimed key is refused as a whole."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(7), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "b1"))
    before = state(fx)
    with pytest.raises(FragmentError) as info:
        fx.release_vm_fragments(owner, ["bundle:b1", "bundle:nope"])
    assert info.value.kind is FragmentErrorKind.NOT_CLAIMED and info.value.key == "bundle:nope"
    assert state(fx) == before


def test_effects_transfer_after_release_fails_clearly() -> None:
    """After the session is released (ended), transferring the old owner names the reason."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(8), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "b1"))
    fx.end_owned_choreography_session(owner)
    with pytest.raises(InvalidIngressRouting) as info:
        fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    assert isinstance(info.value.details, MissingTaskBinding)
    assert "no choreography session is bound to the current task" in str(info.value)
    assert_clean(fx)


def test_effects_transfer_after_fragment_release_moves_only_what_is_left() -> None:
    """Released fragments stay released through a later transfer."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(9), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "b1", "b2"))
    fx.release_vm_fragments(owner, {"bundle:b1"})
    fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    assert [(f.key, r.owner_label) for f, r in fx.vm_fragment_snapshot()] == [("bundle:b2", "b")]


def test_effects_release_needs_a_bound_context() -> None:
    """Release from an unbound context is refused: MissingTaskBinding."""
    fx = EffectSystem("alice")
    with fx.task("owner"):
        owner = fx.start_owned_choreography_session("a", sid(10), roles_for(fx))
        fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "b1"))
    with pytest.raises(InvalidIngressRouting) as info:
        fx.release_vm_fragments(owner, {"bundle:b1"})
    assert isinstance(info.value.details, MissingTaskBinding)
    label_only = EffectSystem("alice", policy=OwnershipPolicy(fragment_claims="label"))
    with pytest.raises(MissingTaskBinding):
        label_only.release_vm_fragments("a", {"bundle:b1"})
