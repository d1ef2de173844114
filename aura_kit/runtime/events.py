"""Structured runtime events: the seed's event names and its owner and ingress helpers.

Invariants:
- event names and fields are the seed's (``runtime.session.owner.assigned`` ...);
- every helper records through ``EventLog`` (see ``event_log``), so each event also goes to
  logger ``aura_kit`` when that logger is enabled for its level;
- each event has one spelling, its ``RuntimeSessionEvent`` member (a ``str``); the records
  of every helper are ``EventRecord``s;
- the per-round ``ingress.received`` may reuse the fields ``ingress_received_fields`` gave
  for the same owner and edge (``OwnedVmSession`` does) and append them with
  ``EventLog.append``: the record equals the one ``log_session_ingress_received`` emits;
- an event about a refusal names the owner the RECORD names (``owner_label`` /
  ``capability_generation``, or ``from_*`` for a transfer; ``None`` when there is no record)
  and the presented handle separately (``presented_owner_label``, ``presented_generation``):
  a log never blames a label the record does not name. An accepted ingress is logged after
  its check passed, so its handle is the record's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from aura_kit.ownership import OwnerRecord

from .event_log import EventLog, EventRecord, json_safe

__all__ = [
    "EventLog",
    "EventRecord",
    "RuntimeSessionEvent",
    "INGRESS_RECEIVED_MESSAGE",
    "ingress_received_fields",
    "log_session_ingress_dropped",
    "log_session_ingress_received",
    "log_session_ingress_refused",
    "log_session_owner_assigned",
    "log_session_owner_rejected",
    "log_session_owner_transfer_rejected",
    "log_session_owner_transferred",
]


class RuntimeSessionEvent(StrEnum):
    """Event names (the seed's ``RuntimeSessionEvent``; ``SESSION_ENDED`` is the kit's own)."""

    OWNER_ASSIGNED = "runtime.session.owner.assigned"
    OWNER_REJECTED = "runtime.session.owner.rejected"
    OWNER_TRANSFERRED = "runtime.session.owner.transferred"
    OWNER_TRANSFER_REJECTED = "runtime.session.owner.transfer_rejected"
    INGRESS_RECEIVED = "runtime.session.ingress.received"
    INGRESS_DROPPED = "runtime.session.ingress.dropped"
    SESSION_ENDED = "runtime.session.ended"

    def as_event_name(self) -> str:
        """The dotted name, as in the seed."""
        return self.value


# -- the seed's owner and ingress events ---------------------------------------------------
_E = RuntimeSessionEvent
INGRESS_RECEIVED_MESSAGE = "Accepted owned session ingress"


def log_session_owner_assigned(
    log: EventLog, owner: Any, protocol_id: str | None, context: str
) -> EventRecord:
    """``owner.assigned`` (debug)."""
    return log.emit(
        _E.OWNER_ASSIGNED,
        "debug",
        "Assigned runtime session owner",
        session_id=owner.session_id,
        owner_label=owner.owner_label,
        capability_generation=owner.capability.generation,
        protocol_id=protocol_id,
        context=context,
    )


def log_session_owner_rejected(
    log: EventLog,
    session_id: Any,
    owner_label: str,
    protocol_id: str | None,
    reason: str,
    error: str,
) -> EventRecord:
    """``owner.rejected`` (warning)."""
    return log.emit(
        _E.OWNER_REJECTED,
        "warning",
        "Rejected runtime session owner",
        session_id=session_id,
        owner_label=owner_label,
        protocol_id=protocol_id,
        reason=reason,
        error=error,
    )


def log_session_owner_transferred(
    log: EventLog, previous: Any, next_owner: Any, protocol_id: str | None, context: str
) -> EventRecord:
    """``owner.transferred`` (info)."""
    return log.emit(
        _E.OWNER_TRANSFERRED,
        "info",
        "Transferred runtime session owner",
        session_id=previous.session_id,
        from_owner_label=previous.owner_label,
        from_generation=previous.capability.generation,
        to_owner_label=next_owner.owner_label,
        to_generation=next_owner.capability.generation,
        protocol_id=protocol_id,
        context=context,
    )


def _holder(record: OwnerRecord | None) -> tuple[str | None, int | None]:
    return (None, None) if record is None else (record.owner_label, record.generation)


def log_session_owner_transfer_rejected(
    log: EventLog,
    previous: Any,
    next_owner_label: str,
    protocol_id: str | None,
    error: Any,
    context: str,
    *,
    record: OwnerRecord | None,
) -> EventRecord:
    """``owner.transfer_rejected`` (warning); ``error`` is a ``SessionIngressError``.

    ``from_*`` name the owner ``record`` names; ``presented_*`` the handle ``previous``.
    """
    label, generation = _holder(record)
    return log.emit(
        _E.OWNER_TRANSFER_REJECTED,
        "warning",
        "Rejected runtime session owner transfer",
        session_id=previous.session_id,
        from_owner_label=label,
        from_generation=generation,
        presented_owner_label=previous.owner_label,
        presented_generation=previous.capability.generation,
        to_owner_label=next_owner_label,
        protocol_id=protocol_id,
        context=context,
        error_kind=error.error_kind,
        error=str(error),
    )


def log_session_ingress_received(
    log: EventLog,
    owner: Any,
    ingress_kind: str,
    active_role: str | None = None,
    from_role: str | None = None,
    to_role: str | None = None,
    payload_bytes: int = 0,
) -> EventRecord:
    """``ingress.received`` (debug)."""
    fields = ingress_received_fields(
        owner, ingress_kind, active_role, from_role, to_role, payload_bytes
    )
    return log.append(_E.INGRESS_RECEIVED, "debug", INGRESS_RECEIVED_MESSAGE, fields)


def ingress_received_fields(
    owner: Any,
    ingress_kind: str,
    active_role: str | None = None,
    from_role: str | None = None,
    to_role: str | None = None,
    payload_bytes: int = 0,
) -> tuple[tuple[str, Any], ...]:
    """The JSON-safe fields of ``ingress.received``, in emit order (callers may reuse them)."""
    return (
        ("session_id", json_safe(owner.session_id)),
        ("owner_label", json_safe(owner.owner_label)),
        ("capability_generation", json_safe(owner.capability.generation)),
        ("ingress_kind", json_safe(ingress_kind)),
        ("active_role", json_safe(active_role)),
        ("from_role", json_safe(from_role)),
        ("to_role", json_safe(to_role)),
        ("payload_bytes", json_safe(payload_bytes)),
    )


def log_session_ingress_refused(
    log: EventLog,
    owner: Any,
    ingress_kind: str,
    error: Any,
    active_role: str | None,
    *,
    record: OwnerRecord | None,
    from_role: str | None = None,
    to_role: str | None = None,
    payload_bytes: int = 0,
) -> None:
    """A refused ingress: ``ingress.received`` then ``ingress.dropped``, both naming the owner
    ``record`` names, with the presented handle as ``presented_*``."""
    label, generation = _holder(record)
    log.emit(
        _E.INGRESS_RECEIVED,
        "debug",
        INGRESS_RECEIVED_MESSAGE,
        session_id=owner.session_id,
        owner_label=label,
        capability_generation=generation,
        ingress_kind=ingress_kind,
        active_role=active_role,
        from_role=from_role,
        to_role=to_role,
        payload_bytes=payload_bytes,
        presented_owner_label=owner.owner_label,
        presented_generation=owner.capability.generation,
    )
    log_session_ingress_dropped(log, owner, ingress_kind, error, active_role, record=record)


def log_session_ingress_dropped(
    log: EventLog,
    owner: Any,
    ingress_kind: str,
    error: Any,
    active_role: str | None = None,
    *,
    record: OwnerRecord | None,
) -> EventRecord:
    """``ingress.dropped`` (warning); ``error`` is a ``SessionIngressError``.

    ``owner_label`` / ``capability_generation`` name the owner ``record`` names;
    ``presented_*`` the handle ``owner``.
    """
    label, generation = _holder(record)
    return log.emit(
        _E.INGRESS_DROPPED,
        "warning",
        "Dropped owned session ingress",
        session_id=owner.session_id,
        owner_label=label,
        capability_generation=generation,
        presented_owner_label=owner.owner_label,
        presented_generation=owner.capability.generation,
        ingress_kind=ingress_kind,
        active_role=active_role,
        error_kind=error.error_kind,
        error=str(error),
    )
