"""Runtime: EffectSystem (one per authority), task binding, errors and structured events.

The teaching harness on top of it (``World``, scenarios, attacks, the explorer's model) is
``aura_kit.lab``.
"""

from .bridge import (
    BlockedVmReceive,
    SchedulerSignals,
    TransportReceiveError,
    VmBridgeRound,
    VmHostWaitStatus,
    VmRoundDisposition,
    is_transport_no_message,
)
from .codec import JsonCodec, PayloadCodecError
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
    SchedulerSignalsError,
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
    log_session_ingress_refused,
    log_session_owner_assigned,
    log_session_owner_rejected,
    log_session_owner_transfer_rejected,
    log_session_owner_transferred,
)
from .ingress import (
    OwnedVmSession,
    caller_session_owner_label,
    handle_owned_vm_round,
    open_owned_manifest_vm_session_admitted,
)
from .tasks import HostTask
from .transport import Envelope, Network, TransportSendError

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
    "log_session_ingress_refused",
    # owned VM sessions, transport, drivers
    "OwnedVmSession",
    "open_owned_manifest_vm_session_admitted",
    "handle_owned_vm_round",
    "caller_session_owner_label",
    "VmBridgeRound",
    "BlockedVmReceive",
    "VmHostWaitStatus",
    "VmRoundDisposition",
    "SchedulerSignals",
    "TransportReceiveError",
    "is_transport_no_message",
    "Network",
    "Envelope",
    "TransportSendError",
    "JsonCodec",
    "PayloadCodecError",
    "SchedulerSignalsError",
]
