"""The ordered checks behind every owned-session call (callers hold the lock).

Order: binding -> owner (missing, label, session, generation/scope, tag) -> scope.
Registry refusals become the seed's ``SessionIngressError`` variants here, in one place.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from aura_kit.ownership import (
    ChoreographicRole,
    LinkBoundary,
    OwnerRecord,
    RuntimeSessionOwner,
    SessionId,
    SessionOwnershipError,
    SessionOwnershipErrorKind,
    SessionRegistry,
)

from .errors import (
    BoundaryScopeRejected,
    CapabilityRejected,
    FullSessionCapabilityRequired,
    InvalidIngressRouting,
    MissingOwner,
    MissingTaskBinding,
    SessionBindingMismatch,
    SessionIngressError,
    SessionStartFailureReason,
    StaleOwner,
)
from .tasks import current_context

Reason = SessionStartFailureReason


def ingress_error(error: SessionOwnershipError, owner: RuntimeSessionOwner) -> SessionIngressError:
    """The seed's ``From<SessionOwnershipError> for SessionIngressError``."""
    kind = error.kind
    if kind is SessionOwnershipErrorKind.MISSING_OWNER:
        return MissingOwner(error.session_id)
    if kind is SessionOwnershipErrorKind.OWNER_MISMATCH:
        return StaleOwner(error.session_id, error.expected_owner)
    details = CapabilityRejected(error.details())
    return InvalidIngressRouting(error.session_id, owner.owner_label, details)


class Checks:
    """Check helpers mixed into ``EffectSystem``."""

    authority: str
    _bindings: dict[Hashable, SessionId]
    _sessions: SessionRegistry
    _passed: dict[Hashable, tuple[RuntimeSessionOwner, LinkBoundary]]
    _memo_epoch: int

    def _forget_passed(self) -> None:
        """Clear every memo of passed checks (called under the lock before any change)."""
        self._memo_epoch += 1  # first: every thread-local memo stops hitting
        self._passed.clear()

    def _start_problem(
        self, context: Hashable, sid: SessionId, label: object, roles: tuple[Any, ...]
    ) -> tuple[Reason, str] | None:
        bound = self._bindings.get(context)
        if bound is not None:
            return Reason.TASK_ALREADY_BOUND, (
                f"task already bound to active choreography session {bound}"
            )
        if self._sessions.record(sid) is not None:
            return Reason.ALREADY_EXISTS, f"session {sid} already exists"
        if not isinstance(label, str) or not label:
            return Reason.OTHER, f"owner label must be a non-empty string, got {label!r}"
        if not all(isinstance(r, ChoreographicRole) for r in roles):
            return Reason.OTHER, "roles must be ChoreographicRole values"
        if not any(r.authority == self.authority for r in roles):
            mine = f"expected at least one role for authority {self.authority}"
            return Reason.OTHER, f"roles {[str(r.authority) for r in roles]} hold none; {mine}"
        return None

    def _check_binding(self, context: Hashable, owner: RuntimeSessionOwner) -> None:
        _require_owner(owner)
        bound = self._bindings.get(context)
        if bound is None:
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, MissingTaskBinding())
        if bound != owner.session_id:
            details = SessionBindingMismatch(owner.session_id, bound)
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, details)

    def _ensure(self, owner: RuntimeSessionOwner) -> OwnerRecord:
        _require_owner(owner)
        try:
            return self._sessions.ensure(owner.session_id, owner.capability)
        except SessionOwnershipError as error:
            raise ingress_error(error, owner) from None

    def _assert_boundary_locked(
        self, owner: RuntimeSessionOwner, boundary: LinkBoundary, context: Hashable
    ) -> None:
        self._check_binding(context, owner)
        record = self._ensure(owner)
        if not boundary.is_allowed_by(record.scope):
            details = BoundaryScopeRejected(boundary, record.scope)
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, details)

    def _assert_session_locked(self, owner: RuntimeSessionOwner) -> None:
        self._check_binding(current_context(self), owner)
        record = self._ensure(owner)
        if not record.scope.is_session:
            details = FullSessionCapabilityRequired()
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, details)


def _require_owner(owner: object) -> None:
    if not isinstance(owner, RuntimeSessionOwner):
        raise TypeError(f"expected a RuntimeSessionOwner, got {type(owner).__name__}")
