"""The pure registries: session owners (generations, checks) and fragments."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from aura_kit.ownership import (
    CapabilitySigner,
    FragmentError,
    FragmentErrorKind,
    FragmentRegistry,
    Scope,
    SessionId,
    SessionOwnershipError,
    SessionOwnershipErrorKind,
    SessionRegistry,
)
from tests.ownership.support import linked_manifest

Kind = SessionOwnershipErrorKind
S1, S2 = SessionId(uuid.UUID(int=1)), SessionId(uuid.UUID(int=2))


def _registry(secret: bytes = b"k" * 32) -> SessionRegistry:
    return SessionRegistry(CapabilitySigner(secret))


def test_registry_owner_conflict_on_second_claim() -> None:
    """Claiming an owned session is OWNER_CONFLICT naming the existing owner."""
    reg = _registry()
    reg.claim(S1, "a")
    with pytest.raises(SessionOwnershipError) as info:
        reg.claim(S1, "b")
    assert info.value.kind is Kind.OWNER_CONFLICT
    assert str(info.value) == "session already owned by a"
    assert reg.record(S1).owner_label == "a"  # type: ignore[union-attr]


def test_registry_release_removes_record_keeps_generation() -> None:
    """Release drops the record; a new claim gets the next generation; the old one fails."""
    reg = _registry()
    old = reg.claim(S1, "a").capability
    reg.release(S1)
    assert reg.record(S1) is None and reg.generation(S1) == 1
    new = reg.claim(S1, "a").capability
    assert new.generation == 2
    with pytest.raises(SessionOwnershipError) as info:
        reg.ensure(S1, old)
    assert info.value.kind is Kind.CAPABILITY_MISMATCH
    assert str(info.value).endswith("current generation is 2")


def test_registry_ensure_checks_in_order() -> None:
    """Missing, then label, then session, then generation/scope, then tag."""
    reg = _registry()
    with pytest.raises(SessionOwnershipError) as info:
        reg.ensure(S1, _registry().claim(S1, "a").capability)
    assert info.value.kind is Kind.MISSING_OWNER
    cap = reg.claim(S1, "a").capability
    reg.claim(S2, "a")
    other = _registry(b"m" * 32).claim(S1, "a").capability
    cases = [
        (S1, dataclasses.replace(cap, owner_label="z"), Kind.OWNER_MISMATCH),
        (S2, cap, Kind.CAPABILITY_SESSION_MISMATCH),
        (S1, dataclasses.replace(cap, generation=2), Kind.CAPABILITY_MISMATCH),
        (S1, dataclasses.replace(cap, scope=Scope.fragments(["k"])), Kind.CAPABILITY_MISMATCH),
        (S1, other, Kind.TAG_MISMATCH),
    ]
    for session, presented, kind in cases:
        with pytest.raises(SessionOwnershipError) as info:
            reg.ensure(session, presented)
        assert info.value.kind is kind


def test_registry_transfer_after_release_fails_clearly() -> None:
    """Transferring a released session is MISSING_OWNER with the seed's message."""
    reg = _registry()
    cap = reg.claim(S1, "a").capability
    reg.release(S1)
    with pytest.raises(SessionOwnershipError) as info:
        reg.transfer(S1, cap, "b", Scope.SESSION)
    assert info.value.kind is Kind.MISSING_OWNER
    assert str(info.value) == f"runtime session {S1} has no owner record"
    assert reg.record(S1) is None and reg.generation(S1) == 1


def test_registry_signer_verifies_only_its_own_tags() -> None:
    """A signer verifies tags it issued and refuses altered fields or other secrets."""
    signer = CapabilitySigner(b"s" * 32)
    cap = signer.issue(S1, "a", 1, Scope.SESSION)
    assert signer.verify(cap)
    assert not signer.verify(dataclasses.replace(cap, generation=2))
    assert not CapabilitySigner(b"t" * 32).verify(cap)
    with pytest.raises(ValueError):
        CapabilitySigner(b"short")


def test_fragments_claims_exclusive_and_release_partial() -> None:
    """Fragment claims are exclusive per key; a partial release keeps the rest."""
    frags = FragmentRegistry()
    assert frags.claim_manifest(S1, "a", linked_manifest("p", "x", "y")) == {"bundle:x", "bundle:y"}
    with pytest.raises(FragmentError) as info:
        frags.claim_manifest(S1, "b", linked_manifest("p", "y"))
    assert info.value.kind is FragmentErrorKind.CONFLICT
    frags.release(S1, {"bundle:x"})
    assert frags.keys_for(S1) == {"bundle:y"}


def test_fragments_move_after_release_fails_clearly() -> None:
    """Releasing a fragment twice names the key; a foreign fragment blocks a move."""
    frags = FragmentRegistry()
    frags.claim_manifest(S1, "a", linked_manifest("p", "x"))
    frags.release(S1, "bundle:x")
    with pytest.raises(FragmentError, match=r"bundle:x .* is not claimed"):
        frags.release(S1, "bundle:x")
    frags.claim_manifest(S1, "z", linked_manifest("p", "w"))
    with pytest.raises(FragmentError) as info:
        frags.move(S1, "a", "b")
    assert info.value.kind is FragmentErrorKind.FOREIGN_OWNER
    assert frags.snapshot()[0][1].owner_label == "z"


def test_fragments_drop_session_removes_only_that_session() -> None:
    """Dropping a session removes its fragments and no others."""
    frags = FragmentRegistry()
    frags.claim_manifest(S1, "a", linked_manifest("p"))
    frags.claim_manifest(S2, "a", linked_manifest("p"))
    assert frags.drop_session(S1) == {"protocol:p"}
    assert [fid.session_id for fid, _ in frags.snapshot()] == [S2]
