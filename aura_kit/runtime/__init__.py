"""Runtime: EffectSystem (one per authority), task binding, errors and structured events."""

from .effects import EffectSystem
from .errors import (
    BoundaryScopeRejected,
    CapabilityRejected,
    EventLogFormatError,
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
from .events import (
    EventLog,
    EventRecord,
    RuntimeSessionEvent,
    log_session_ingress_dropped,
    log_session_ingress_received,
    log_session_owner_assigned,
    log_session_owner_rejected,
    log_session_owner_transfer_rejected,
    log_session_owner_transferred,
)
from .tasks import HostTask

__all__ = [
    # effect system and tasks
    "EffectSystem",
    "HostTask",
    # errors
    "SessionIngressError",
    "MissingOwner",
    "StaleOwner",
    "InvalidIngressRouting",
    "SessionStartError",
    "RoundError",
    "SessionCloseError",
    "OwnerTransferError",
    "SessionStartFailureReason",
    "RuntimeBoundaryError",
    "MissingTaskBinding",
    "SessionBindingMismatch",
    "FullSessionCapabilityRequired",
    "CapabilityRejected",
    "BoundaryScopeRejected",
    "EventLogFormatError",
    # events
    "EventLog",
    "EventRecord",
    "RuntimeSessionEvent",
    "log_session_owner_assigned",
    "log_session_owner_rejected",
    "log_session_owner_transferred",
    "log_session_owner_transfer_rejected",
    "log_session_ingress_received",
    "log_session_ingress_dropped",
]
