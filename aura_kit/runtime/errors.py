"""Runtime errors: the seed's ``SessionIngressError`` and ``RuntimeBoundaryError`` families,
plus the transport, payload codec, scheduler signal, event file and scenario file errors.

Messages follow the seed's ``#[error(...)]`` texts; every field is also an attribute.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from aura_kit.errors import AuraKitError
from aura_kit.jsonl import JsonlFormatError

if TYPE_CHECKING:
    from aura_kit.ownership import LinkBoundary, Scope, SessionId
    from aura_kit.protocol.types import PayloadSort


class SessionStartFailureReason(StrEnum):
    """Why starting an owned session failed (typed, not parsed from messages)."""

    ALREADY_EXISTS = "already_exists"
    TASK_ALREADY_BOUND = "task_already_bound"
    OWNER_CLAIM_REJECTED = "owner_claim_rejected"
    VM_SESSION_OPEN_FAILED = "vm_session_open_failed"
    OTHER = "other"

    @property
    def debug_name(self) -> str:
        """The seed's ``{reason:?}`` spelling, e.g. ``AlreadyExists``."""
        return "".join(part.capitalize() for part in self.value.split("_"))


# -- runtime boundary errors ---------------------------------------------------------------


class RuntimeBoundaryError(AuraKitError):
    """A typed boundary or routing failure; ``InvalidIngressRouting.details`` holds one."""


class MissingTaskBinding(RuntimeBoundaryError):
    """The current execution context is bound to no active session."""

    def __init__(self) -> None:
        super().__init__("no choreography session is bound to the current task")


class SessionBindingMismatch(RuntimeBoundaryError):
    """The current context is bound to another session."""

    def __init__(self, expected_session_id: SessionId, bound_session_id: SessionId) -> None:
        self.expected_session_id = expected_session_id
        self.bound_session_id = bound_session_id
        super().__init__(
            f"current task is bound to session {bound_session_id} instead of expected "
            f"session {expected_session_id}"
        )


class FullSessionCapabilityRequired(RuntimeBoundaryError):
    """A fragment-scoped capability was used where the whole session is needed."""

    def __init__(self) -> None:
        super().__init__("current capability does not authorize full-session ingress")


class CapabilityRejected(RuntimeBoundaryError):
    """The owner capability failed the owner check; ``details`` says why."""

    def __init__(self, details: str) -> None:
        self.details = details
        super().__init__(f"session owner capability rejected: {details}")


class BoundaryScopeRejected(RuntimeBoundaryError):
    """The capability's scope does not cover the routing boundary."""

    def __init__(self, boundary: LinkBoundary, capability_scope: Scope) -> None:
        self.boundary = boundary
        self.capability_scope = capability_scope
        super().__init__(
            f"current capability scope {capability_scope!r} does not authorize routing "
            f"boundary {boundary!r}"
        )


# -- session ingress errors ----------------------------------------------------------------


class SessionIngressError(AuraKitError):
    """Base of the seed's ``SessionIngressError``; ``error_kind`` names the variant."""

    error_kind: ClassVar[str] = "session_ingress"

    def __init__(self, session_id: SessionId, message: str) -> None:
        self.session_id = session_id
        super().__init__(message)


class MissingOwner(SessionIngressError):
    error_kind = "missing_owner"

    def __init__(self, session_id: SessionId) -> None:
        super().__init__(session_id, f"runtime session {session_id} has no owner record")


class StaleOwner(SessionIngressError):
    error_kind = "stale_owner"

    def __init__(self, session_id: SessionId, expected_owner: str) -> None:
        self.expected_owner = expected_owner
        super().__init__(
            session_id,
            f"runtime session {session_id} is not owned by expected owner {expected_owner}",
        )


class InvalidIngressRouting(SessionIngressError):
    error_kind = "invalid_ingress_routing"

    def __init__(
        self, session_id: SessionId, owner_label: str, details: RuntimeBoundaryError
    ) -> None:
        self.owner_label = owner_label
        self.details = details
        super().__init__(
            session_id,
            f"runtime session {session_id} rejected ingress for owner {owner_label}: {details}",
        )


class SessionStartError(SessionIngressError):
    error_kind = "session_start"

    def __init__(
        self,
        session_id: SessionId,
        owner_label: str,
        reason: SessionStartFailureReason,
        message: str,
    ) -> None:
        self.owner_label = owner_label
        self.reason = reason
        self.message = message
        super().__init__(
            session_id,
            f"failed to start owned runtime session {session_id} for {owner_label} "
            f"({reason.debug_name}): {message}",
        )


class _OwnerActionError(SessionIngressError):
    """An owner's action on its session failed: ``failed to <action> ... for <owner>: ...``."""

    action: ClassVar[str]

    def __init__(self, session_id: SessionId, owner_label: str, message: str) -> None:
        self.owner_label = owner_label
        self.message = message
        super().__init__(
            session_id,
            f"failed to {self.action} owned runtime session {session_id} for {owner_label}: "
            f"{message}",
        )


class RoundError(_OwnerActionError):
    error_kind = "round"
    action = "advance"


class SessionCloseError(_OwnerActionError):
    error_kind = "session_close"
    action = "close"


class OwnerTransferError(SessionIngressError):
    error_kind = "owner_transfer"

    def __init__(
        self, session_id: SessionId, from_owner_label: str, to_owner_label: str, message: str
    ) -> None:
        self.from_owner_label = from_owner_label
        self.to_owner_label = to_owner_label
        self.message = message
        super().__init__(
            session_id,
            f"failed to transfer owned runtime session {session_id} from {from_owner_label} "
            f"to {to_owner_label}: {message}",
        )


# -- event files ---------------------------------------------------------------------------


class EventLogFormatError(JsonlFormatError):
    """A JSON Lines event file is damaged; nothing was loaded (``.source``, ``.line``)."""


# -- transport and payloads ----------------------------------------------------------------


class TransportSendError(AuraKitError, ConnectionError):
    """The network could not accept an envelope; nothing was stored."""

    def __init__(self, authority: object, reason: str) -> None:
        self.authority = authority
        self.reason = reason
        super().__init__(f"cannot deliver to authority {authority}: {reason}")


class ReceiveErrorKind(StrEnum):
    """Why the transport could not hand over a message for a blocked receive."""

    NO_MESSAGE = "no_message"
    CANCELLED = "cancelled"
    MISSING_PEER = "missing_peer"
    TRANSPORT_FAILED = "transport_failed"  # the transport itself raised


class TransportReceiveError(AuraKitError):
    """A receive from the transport failed; the predicate of ``..._until_receive`` sees it."""

    def __init__(self, kind: ReceiveErrorKind, from_role: str, to_role: str, detail: str) -> None:
        self.kind = kind
        self.from_role = from_role
        self.to_role = to_role
        self.detail = detail
        super().__init__(f"receive {from_role}->{to_role} failed ({kind.value}): {detail}")

    @property
    def is_no_message(self) -> bool:
        """True when nothing from the expected peer has arrived yet."""
        return self.kind is ReceiveErrorKind.NO_MESSAGE


class PayloadCodecError(AuraKitError, ValueError):
    """A payload does not fit the sort it was encoded or decoded for."""

    def __init__(self, sort: PayloadSort, actual: str, expected: str) -> None:
        self.sort = sort
        self.actual = actual
        self.expected = expected
        super().__init__(f"payload for sort {sort} is {actual}; expected {expected}")


class SchedulerSignalsError(AuraKitError, TypeError):
    """A scheduler signal that is not an int (bools, floats and strings are refused)."""

    def __init__(self, field: str, value: object) -> None:
        self.field = field
        self.value = value
        super().__init__(
            f"scheduler signal {field} is {type(value).__name__} {value!r}; expected an int"
        )
