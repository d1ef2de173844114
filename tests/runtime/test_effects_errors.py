"""The SessionIngressError and RuntimeBoundaryError families: kinds, fields, seed wording."""

from __future__ import annotations

import uuid

import pytest

from aura_kit.ownership import LinkBoundary, Scope, SessionId
from aura_kit.runtime import (
    BoundaryScopeRejected,
    CapabilityRejected,
    FullSessionCapabilityRequired,
    InvalidIngressRouting,
    MissingOwner,
    MissingTaskBinding,
    OwnerTransferError,
    RoundError,
    RuntimeBoundaryError,
    SessionBindingMismatch,
    SessionCloseError,
    SessionIngressError,
    SessionStartError,
    SessionStartFailureReason,
    StaleOwner,
)

S = SessionId(uuid.UUID(int=1))
T = SessionId(uuid.UUID(int=2))


@pytest.mark.parametrize(
    ("error", "kind", "text"),
    [
        (MissingOwner(S), "missing_owner", f"runtime session {S} has no owner record"),
        (StaleOwner(S, "a"), "stale_owner",
         f"runtime session {S} is not owned by expected owner a"),
        (InvalidIngressRouting(S, "a", MissingTaskBinding()), "invalid_ingress_routing",
         f"runtime session {S} rejected ingress for owner a: "
         "no choreography session is bound to the current task"),
        (SessionStartError(S, "a", SessionStartFailureReason.ALREADY_EXISTS, "dup"),
         "session_start", f"failed to start owned runtime session {S} for a (AlreadyExists): dup"),
        (RoundError(S, "a", "stuck"), "round",
         f"failed to advance owned runtime session {S} for a: stuck"),
        (SessionCloseError(S, "a", "busy"), "session_close",
         f"failed to close owned runtime session {S} for a: busy"),
        (OwnerTransferError(S, "a", "b", "no"), "owner_transfer",
         f"failed to transfer owned runtime session {S} from a to b: no"),
    ],
)  # fmt: skip
def test_effects_errors_kind_and_message(error: SessionIngressError, kind: str, text: str) -> None:
    """Each variant has its error_kind, its session id and the seed's message."""
    assert isinstance(error, SessionIngressError)
    assert error.error_kind == kind and error.session_id == S and str(error) == text


def test_effects_errors_boundary_details_messages() -> None:
    """RuntimeBoundaryError variants carry their data and the seed's wording."""
    mismatch = SessionBindingMismatch(S, T)
    assert (mismatch.expected_session_id, mismatch.bound_session_id) == (S, T)
    assert str(mismatch) == f"current task is bound to session {T} instead of expected session {S}"
    assert str(FullSessionCapabilityRequired()) == (
        "current capability does not authorize full-session ingress"
    )
    rejected = CapabilityRejected("old")
    assert rejected.details == "old" and str(rejected) == "session owner capability rejected: old"
    scope_error = BoundaryScopeRejected(LinkBoundary.for_bundle_id("b"), Scope.fragments(["k"]))
    assert scope_error.capability_scope == Scope.fragments(["k"])
    assert "does not authorize routing boundary" in str(scope_error)
    for err in (mismatch, rejected, scope_error, MissingTaskBinding()):
        assert isinstance(err, RuntimeBoundaryError)


def test_effects_errors_start_reasons_have_seed_debug_names() -> None:
    """Every start reason prints as the seed's Debug spelling."""
    names = [r.debug_name for r in SessionStartFailureReason]
    assert names == [
        "AlreadyExists",
        "TaskAlreadyBound",
        "OwnerClaimRejected",
        "VmSessionOpenFailed",
        "Other",
    ]
