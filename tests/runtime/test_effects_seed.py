"""The six ownership scenarios of the seed's own tests, under the kit's and the seed's policy.

The seed's tests accept either ``StaleOwner`` or ``InvalidIngressRouting`` for a stale copy;
the kit preset narrows that to ``StaleOwner``, the seed preset gives the seed's own answer.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from aura_kit.ownership import LinkBoundary, OwnershipPolicy, RuntimeSessionOwner, Scope
from aura_kit.runtime import (
    BoundaryScopeRejected,
    CapabilityRejected,
    EffectSystem,
    InvalidIngressRouting,
    SessionStartError,
    SessionStartFailureReason,
    StaleOwner,
)
from tests.ownership.support import assert_clean, linked_manifest, roles_for, sid, state

pytestmark = pytest.mark.parametrize(
    "policy", [OwnershipPolicy.kit(), OwnershipPolicy.seed()], ids=["kit", "seed"]
)


def test_effects_transfer_invalidates_stale_capability(policy: OwnershipPolicy) -> None:
    """After a transfer the new owner passes and the old copy is refused."""
    fx = EffectSystem("a11", policy=policy)
    original = fx.start_owned_choreography_session("owner-a", sid(0x22), roles_for(fx))
    stale = original
    transferred = fx.transfer_owned_choreography_session_owner(original, "owner-b", Scope.SESSION)
    assert transferred.owner_label == "owner-b"
    fx.assert_owned_choreography_session(transferred)
    with pytest.raises((StaleOwner, InvalidIngressRouting)) as info:
        fx.assert_owned_choreography_session(stale)
    if policy.name == "kit":
        assert isinstance(info.value, StaleOwner) and info.value.expected_owner == "owner-a"
    else:
        assert type(info.value) is InvalidIngressRouting
        assert isinstance(info.value.details, CapabilityRejected)
    fx.end_owned_choreography_session(transferred)
    assert_clean(fx)


def test_effects_transfer_moves_fragment_ownership_together(policy: OwnershipPolicy) -> None:
    """Fragments claimed by the old owner belong to the new owner after a transfer."""
    fx = EffectSystem("a33", policy=policy)
    original = fx.start_owned_choreography_session("owner-a", sid(0x44), roles_for(fx))
    manifest = linked_manifest("aura.test.protocol", "bundle-a")
    # the seed passes the bare label; the kit needs the owner handle (fragment_claims)
    fx.claim_vm_fragments_for_manifest(original if policy.name == "kit" else "owner-a", manifest)
    transferred = fx.transfer_owned_choreography_session_owner(original, "owner-b", Scope.SESSION)
    snapshot = fx.vm_fragment_snapshot()
    assert len(snapshot) == 1
    assert snapshot[0][1].owner_label == "owner-b"
    assert snapshot[0][1].bundle_id == "bundle-a"
    fx.end_owned_choreography_session(transferred)
    assert_clean(fx)


def test_effects_fragment_scoped_owner_accepts_matching_boundary_only(
    policy: OwnershipPolicy,
) -> None:
    """A fragment-scoped owner passes its own boundary and fails another one."""
    fx = EffectSystem("a55", policy=policy)
    original = fx.start_owned_choreography_session("owner-a", sid(0x66), roles_for(fx))
    scope_a = Scope.fragments({"bundle:bundle-a"})
    transferred = fx.transfer_owned_choreography_session_owner(original, "owner-b", scope_a)
    fx.assert_owned_choreography_boundary(transferred, LinkBoundary.for_scope(scope_a))
    before = state(fx)
    wrong = LinkBoundary.for_scope(Scope.fragments({"bundle:bundle-b"}))
    with pytest.raises(InvalidIngressRouting) as info:
        fx.assert_owned_choreography_boundary(transferred, wrong)
    assert isinstance(info.value.details, BoundaryScopeRejected)
    assert info.value.details.capability_scope == scope_a
    assert state(fx) == before


def test_effects_attenuation_rejects_stale_generation_for_same_label(
    policy: OwnershipPolicy,
) -> None:
    """Attenuating to the same label still refuses the old full-scope copy."""
    fx = EffectSystem("a77", policy=policy)
    original = fx.start_owned_choreography_session("owner-a", sid(0x88), roles_for(fx))
    scope_a = Scope.fragments({"bundle:bundle-a"})
    attenuated = fx.transfer_owned_choreography_session_owner(original, "owner-a", scope_a)
    boundary = LinkBoundary.for_scope(scope_a)
    fx.assert_owned_choreography_boundary(attenuated, boundary)
    with pytest.raises(InvalidIngressRouting) as info:
        fx.assert_owned_choreography_boundary(original, boundary)
    assert isinstance(info.value.details, CapabilityRejected)
    assert info.value.details.details.endswith("current generation is 2")


def test_effects_forged_cross_session_capability_is_rejected(policy: OwnershipPolicy) -> None:
    """A capability from an ended session presented for a new session fails closed."""
    fx = EffectSystem("a79", policy=policy)
    owner_a = fx.start_owned_choreography_session("owner-a", sid(0x8A), roles_for(fx))
    fx.end_owned_choreography_session(owner_a)
    owner_b = fx.start_owned_choreography_session("owner-a", sid(0x8B), roles_for(fx))
    forged = RuntimeSessionOwner(
        session_id=owner_b.session_id,
        owner_label=owner_b.owner_label,
        capability=owner_a.capability,
    )
    with pytest.raises(InvalidIngressRouting) as info:
        fx.assert_owned_choreography_session(forged)
    details = info.value.details
    assert isinstance(details, CapabilityRejected)
    kit_text = f"session capability was issued for {owner_a.session_id}, not {owner_b.session_id}"
    seed_text = (
        f"runtime session {owner_b.session_id} rejected capability for owner owner-a; "
        "current generation is 1"
    )
    assert details.details == (kit_text if policy.name == "kit" else seed_text)
    fx.assert_owned_choreography_session(owner_b)
    fx.end_owned_choreography_session(owner_b)
    assert_clean(fx)


def test_effects_concurrent_starts_with_threads_exactly_one_wins(policy: OwnershipPolicy) -> None:
    """Two threads start one session id: one owner, one typed SessionStartError."""
    fx = EffectSystem("a99", policy=policy)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def start(label: str) -> None:
        barrier.wait()
        try:
            results[label] = fx.start_owned_choreography_session(label, sid(0xAA), roles_for(fx))
        except SessionStartError as error:
            results[label] = error

    threads = [threading.Thread(target=start, args=(n,)) for n in ("owner-a", "owner-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    owners = [r for r in results.values() if isinstance(r, RuntimeSessionOwner)]
    errors = [r for r in results.values() if isinstance(r, SessionStartError)]
    assert len(owners) == 1 and len(errors) == 1
    assert errors[0].reason is SessionStartFailureReason.ALREADY_EXISTS
    assert fx.owner_record(owners[0].session_id).owner_label == owners[0].owner_label  # type: ignore[union-attr]
    assert fx.cancel_session(owners[0].session_id)
    assert_clean(fx)


def test_effects_concurrent_starts_with_asyncio_tasks_exactly_one_wins(
    policy: OwnershipPolicy,
) -> None:
    """Two asyncio tasks start one session id: one owner, one typed SessionStartError."""
    fx = EffectSystem("a9a", policy=policy)

    async def start(label: str) -> RuntimeSessionOwner:
        await asyncio.sleep(0)
        return fx.start_owned_choreography_session(label, sid(0xAB), roles_for(fx))

    async def both() -> list[object]:
        pair = await asyncio.gather(start("owner-a"), start("owner-b"), return_exceptions=True)
        return list(pair)

    results = asyncio.run(both())
    owners = [r for r in results if isinstance(r, RuntimeSessionOwner)]
    errors = [r for r in results if isinstance(r, SessionStartError)]
    assert len(owners) == 1 and len(errors) == 1
    assert errors[0].reason is SessionStartFailureReason.ALREADY_EXISTS
    assert errors[0].error_kind == "session_start"
    assert fx.cancel_session(owners[0].session_id)
    assert_clean(fx)
