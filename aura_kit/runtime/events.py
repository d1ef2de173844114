"""Runtime events: the seed's event names and helpers, the in-memory ``EventLog`` store, the
``aura_kit`` logger, and JSON Lines save/load.

Invariants:
- ``EventRecord`` is the one record type of runtime events; the log stores nothing else;
- the core returns plain rows (``to_records``); tables for notebooks are built on the view
  side (``aura_kit.view.events.event_log_frame``), so this module never imports pandas;
- every emitted event goes to logger ``aura_kit`` (fields in ``extra``, only when the logger
  is enabled for its level) and to the log, in sequence order;
- delivering an event never raises: an ``Exception`` from the logger (a handler whose
  ``emit`` raises) is recorded in ``delivery_failures`` (the last 100, as text) and the
  event stays in the log;
- field values are stored JSON-safe (ids and scopes as text), so a saved log loads back equal;
- the log keeps the newest ``history_limit`` records (default ``DEFAULT_HISTORY_LIMIT``,
  10,000; a loaded file keeps all of its records or at least that many); sequence numbers
  keep counting, so a gap at the start shows what was dropped;
- a JSON Lines file starts with a header carrying the schema version; a damaged file is
  refused with its line number and nothing is half-loaded;
- event names and fields are the seed's (``runtime.session.owner.assigned`` ...);
- every helper records through ``EventLog``, so each event also goes to logger ``aura_kit``
  when that logger is enabled for its level;
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

import collections
import itertools
import logging
import math
import threading
from collections import deque
from collections.abc import Iterator
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from aura_kit.jsonl import (
    JsonlDocument,
    JsonlFormatError,
    parse_jsonl,
    read_jsonl,
    render_jsonl,
    write_jsonl,
)
from aura_kit.numbers import check_count
from aura_kit.ownership import OwnerRecord

from .errors import EventLogFormatError

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


LOGGER = logging.getLogger("aura_kit")
LOGGER.addHandler(logging.NullHandler())  # a library stays quiet until the app configures logging
SCHEMA = "aura_kit.event_log"
SCHEMA_VERSION = 1
BASE_COLUMNS = ("seq", "event", "level", "message")
_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
_RESERVED_LOG_KEYS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_PLAIN = frozenset({str, int, float, bool, type(None)})


def json_safe(value: Any) -> Any:
    """A JSON-safe copy: enums by value, bytes as hex, NaN and infinities and other objects
    as text (a log with a NaN field can still be saved)."""
    if type(value) is float and not math.isfinite(value):
        return str(value)
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return str(value)


class EventRecord(NamedTuple):
    """One recorded event; ``fields`` are JSON-safe ``(name, value)`` pairs in emit order.

    The one record type of runtime events. A named tuple rather than a frozen dataclass: one
    is built on every owned round, and a named tuple is built in about a third of the time.
    """

    seq: int
    event: str
    level: str
    message: str
    fields: tuple[tuple[str, Any], ...] = ()

    def field(self, name: str, default: Any = None) -> Any:
        """One field's value."""
        return dict(self.fields).get(name, default)

    def as_dict(self) -> dict[str, Any]:
        """A flat record: the base columns, then the fields."""
        out: dict[str, Any] = dict(self.fields)
        out.update(seq=self.seq, event=self.event, level=self.level, message=self.message)
        return {k: out[k] for k in (*BASE_COLUMNS, *dict(self.fields))}


class EventLog:
    """An in-memory, thread-safe, append-only list of events for one effect system."""

    DEFAULT_HISTORY_LIMIT = 10_000

    def __init__(self, authority: str | None = None, *, history_limit: int | None = None) -> None:
        limit = self.DEFAULT_HISTORY_LIMIT if history_limit is None else history_limit
        check_count("EventLog history_limit", limit, minimum=1)
        self.authority = authority
        self._records: deque[EventRecord] = deque(maxlen=limit)
        self._seq = itertools.count(1)
        self._emitted = 0
        self._lock = threading.Lock()
        self._failures: collections.deque[str] = collections.deque(maxlen=100)

    def emit(
        self, event: str, level: str, message: str, *, log: bool = True, **fields: Any
    ) -> EventRecord:
        """Record an event and (unless ``log=False``) send it to logger ``aura_kit``."""
        if level not in _LEVELS:
            raise ValueError(f"event level must be one of {sorted(_LEVELS)}, got {level!r}")
        clash = set(fields) & set(BASE_COLUMNS)
        if clash:
            raise ValueError(f"event fields may not be named {sorted(clash)}")
        safe = tuple([(k, json_safe(v)) for k, v in fields.items()])
        return self.append(str(event), level, message, safe, log=log)

    def append(
        self,
        event: str,
        level: str,
        message: str,
        fields: tuple[tuple[str, Any], ...],
        *,
        log: bool = True,
    ) -> EventRecord:
        """Record an event whose ``fields`` are JSON-safe already (the per-round path).

        ``level`` must be one of the logging levels; the logger is called only when it is
        enabled for that level.
        """
        with self._lock:
            record = EventRecord(next(self._seq), event, level, message, fields)
            self._records.append(record)
            self._emitted = record.seq
        if log and LOGGER.isEnabledFor(_LEVELS[level]):
            try:
                _to_logging(record, self.authority)
            except Exception as exc:  # a broken handler must not fail the call that logs
                self.record_delivery_failure(exc, event)
        return record

    def record_delivery_failure(self, error: BaseException, event: str = "") -> None:
        """Remember that an event could not be built or delivered (never raises)."""
        where = f" ({event})" if event else ""
        try:
            text = str(error)
        except Exception:  # an exception whose text cannot be built is still recorded
            text = "<unprintable>"
        self._failures.append(f"{type(error).__name__}{where}: {text}")

    @property
    def delivery_failures(self) -> tuple[str, ...]:
        """The last 100 failures to build or deliver an event, oldest first."""
        return tuple(self._failures)

    @property
    def records(self) -> tuple[EventRecord, ...]:
        """The kept records (the newest ``history_limit``), oldest first."""
        with self._lock:
            return tuple(self._records)

    @property
    def emitted(self) -> int:
        """How many records there have been, kept or forgotten (the last one's ``seq``)."""
        return self._emitted

    def records_after(self, seq: int) -> tuple[EventRecord, ...]:
        """The kept records numbered above ``seq``, oldest first (forgotten ones are gone)."""
        with self._lock:
            fresh = min(self._emitted - seq, len(self._records))
            newest = itertools.islice(reversed(self._records), max(fresh, 0))
            return tuple(reversed(tuple(newest)))  # costs the fresh records, not the whole log

    def events(self, name: str | None = None) -> list[EventRecord]:
        """Records, optionally only those with event name ``name``."""
        return [r for r in self.records if name is None or r.event == name]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[EventRecord]:
        return iter(self.records)

    def clear(self) -> None:
        """Forget every record (sequence numbers keep counting)."""
        with self._lock:
            self._records.clear()

    def to_records(self) -> list[dict[str, Any]]:
        """Flat dicts, one per event (plus ``authority`` when the log has one)."""
        rows = [r.as_dict() for r in self.records]
        if self.authority is not None:
            rows = [{"authority": self.authority, **row} for row in rows]
        return rows

    # -- JSON Lines ----------------------------------------------------------------------
    def _rows(self) -> list[dict[str, Any]]:
        return [
            {
                "seq": r.seq,
                "event": r.event,
                "level": r.level,
                "message": r.message,
                "fields": dict(r.fields),
            }
            for r in self.records
        ]

    def to_jsonl(self) -> str:
        """Header line then one JSON object per event (what ``save_jsonl`` writes)."""
        return render_jsonl(SCHEMA, self._rows(), SCHEMA_VERSION, {"authority": self.authority})

    def save_jsonl(self, path: str | Path) -> None:
        """Write the log to ``path`` atomically (temp file, fsync, ``os.replace``)."""
        write_jsonl(
            path, SCHEMA, self._rows(), SCHEMA_VERSION, header={"authority": self.authority}
        )

    @classmethod
    def from_jsonl(cls, text: str, *, source: str = "<jsonl>") -> EventLog:
        """Parse a JSON Lines event log; refuse a damaged one with its line number."""
        try:
            doc = parse_jsonl(text, SCHEMA, source=source, version=SCHEMA_VERSION, parse=_record)
        except JsonlFormatError as error:
            raise EventLogFormatError(error.path, error.line, error.reason) from None
        return cls._from_document(doc, source)

    @classmethod
    def load_jsonl(cls, path: str | Path) -> EventLog:
        """Read a file written by ``save_jsonl``; a damaged one loads nothing."""
        try:
            doc = read_jsonl(path, SCHEMA, version=SCHEMA_VERSION, parse=_record)
        except JsonlFormatError as error:
            raise EventLogFormatError(error.path, error.line, error.reason) from None
        return cls._from_document(doc, str(path))

    @classmethod
    def _from_document(cls, doc: JsonlDocument[EventRecord], source: str) -> EventLog:
        authority = doc.header.get("authority")
        if authority is not None and not isinstance(authority, str):
            raise EventLogFormatError(source, 1, f"authority must be a string, got {authority!r}")
        limit = max(cls.DEFAULT_HISTORY_LIMIT, len(doc.records))
        log = cls(authority=authority, history_limit=limit)
        log._records.extend(doc.records)
        log._seq = itertools.count(max((r.seq for r in doc.records), default=0) + 1)
        return log


def _to_logging(record: EventRecord, authority: str | None) -> None:
    _seq, event, level, message, fields = record
    extra = {"event": event, "authority": authority}
    for key, value in fields:
        extra[f"aura_{key}" if key in _RESERVED_LOG_KEYS else key] = value
    LOGGER.log(_LEVELS[level], message, extra=extra)


def _record(data: dict[str, Any]) -> EventRecord:
    """One event line (raises ``ValueError`` for a damaged one)."""
    expected = {"seq": int, "event": str, "level": str, "message": str, "fields": dict}
    for key, kind in expected.items():
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise ValueError(f"field {key!r} must be a {kind.__name__}")
    if data["level"] not in _LEVELS:
        raise ValueError(f"unknown level {data['level']!r}")
    return EventRecord(
        seq=data["seq"],
        event=data["event"],
        level=data["level"],
        message=data["message"],
        fields=tuple(data["fields"].items()),
    )


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
