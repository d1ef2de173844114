"""Plain values of the protocol machine: results, statuses, events, pending sends, views.

Invariants:
- every value here is frozen and holds only plain data (str, int, None, bool, bytes, tuples);
- a ``MachineEvent`` always carries the label of the message it describes;
- a payload fits its sort (``fits``): unit is ``None``; bool, int, str and bytes are values of
  exactly that Python type (a bool is not an int); a user sort is opaque and takes any plain
  value (``None``, bool, int, str or bytes) unchanged; a tuple sort takes a Python tuple with
  one component per part, each fitting its part;
- ``default_payload`` fits its sort: ``None``, ``False``, ``0``, ``""``, ``b""``, ``None`` for a
  user sort, and a tuple of its parts' defaults;
- ``payload_size`` is 0 for unit, 1 for bool, the signed byte length of an int, the
  UTF-8 / raw byte length of str / bytes, and the sum of the components' sizes for a tuple.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aura_kit.protocol.types import LocalType, PayloadSort, Sort, TupleSort, UserSort

Plain = None | bool | int | str | bytes
Payload = Plain | tuple[Plain, ...]
Edge = tuple[str, str]


class StepResult(StrEnum):
    """Outcome of one tick (or of ``run``)."""

    CONTINUE = "continue"
    ALL_DONE = "all_done"
    STUCK = "stuck"


class CoroutineStatus(StrEnum):
    """Status of one role's coroutine; the blocked edge is kept beside it."""

    READY = "ready"
    BLOCKED_RECV = "blocked_recv"
    BLOCKED_SEND = "blocked_send"
    DONE = "done"
    FAULTED = "faulted"


class SessionStatus(StrEnum):
    """Status of one VM session."""

    RUNNING = "running"
    DONE = "done"
    FAULTED = "faulted"


class EventKind(StrEnum):
    """Kinds of machine events."""

    OPENED = "opened"
    SENT = "sent"
    RECEIVED = "received"
    SELECTED = "selected"
    BRANCHED = "branched"
    HALTED = "halted"
    STUCK = "stuck"
    FAULTED = "faulted"
    CLOSED = "closed"


SEND_KINDS = frozenset({EventKind.SENT, EventKind.SELECTED})
RECV_KINDS = frozenset({EventKind.RECEIVED, EventKind.BRANCHED})


@dataclass(frozen=True, slots=True, kw_only=True)
class MachineEvent:
    """One thing the machine did; ``role`` acted, ``peer`` is the other end of the edge."""

    kind: EventKind
    tick: int
    session: int
    role: str | None = None
    peer: str | None = None
    label: str | None = None
    payload: Payload = None
    payload_size: int = 0
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (bytes payloads become ``{"hex": ...}``)."""
        payload: Any = self.payload
        if isinstance(payload, tuple):
            payload = [_json_ready(p) for p in payload]
        else:
            payload = _json_ready(payload)
        return {
            "kind": self.kind.value,
            "tick": self.tick,
            "session": self.session,
            "role": self.role,
            "peer": self.peer,
            "label": self.label,
            "payload": payload,
            "payload_size": self.payload_size,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingSend:
    """A message from a local coroutine to an external role, waiting for the host."""

    from_role: str
    to_role: str
    label: str
    sort: PayloadSort
    payload: Payload


@dataclass(frozen=True, slots=True)
class Message:
    """A message in a buffer: its label and payload."""

    label: str
    payload: Payload


@dataclass(frozen=True, slots=True, kw_only=True)
class CoroutineView:
    """Read-only picture of one coroutine; ``state`` numbers its endpoint-automaton state."""

    role: str
    state: int
    local_type: LocalType
    status: CoroutineStatus
    edge: Edge | None
    fault: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class EdgeView:
    """Read-only picture of one directed buffer."""

    from_role: str
    to_role: str
    messages: tuple[Message, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionView:
    """Read-only picture of one VM session for drawing."""

    session: int
    status: SessionStatus
    coroutines: tuple[CoroutineView, ...]
    external_roles: tuple[str, ...]
    buffers: tuple[EdgeView, ...]
    pending_sends: tuple[PendingSend, ...]


def _json_ready(payload: Plain) -> Any:
    """A plain value for JSON: bytes become ``{"hex": ...}``."""
    return {"hex": payload.hex()} if isinstance(payload, bytes) else payload


def payload_size(payload: Payload) -> int:
    """Size of a payload in bytes (see module invariants)."""
    if isinstance(payload, tuple):
        return sum(payload_size(p) for p in payload)
    if payload is None:
        return 0
    if isinstance(payload, bool):
        return 1
    if isinstance(payload, int):
        return (payload.bit_length() + 8) // 8
    if isinstance(payload, str):
        return len(payload.encode("utf-8"))
    return len(payload)


def describe(payload: object) -> str:
    """Short text of a payload for error messages: its type and value."""
    text = repr(payload)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(payload).__name__} {text}"


DEFAULT_PAYLOADS: dict[Sort, Payload] = {
    Sort.UNIT: None,
    Sort.BOOL: False,
    Sort.INT: 0,
    Sort.STR: "",
    Sort.BYTES: b"",
}


_PLAIN_TYPES: dict[Sort, type] = {
    Sort.UNIT: type(None),
    Sort.BOOL: bool,
    Sort.INT: int,
    Sort.STR: str,
    Sort.BYTES: bytes,
}
_OPAQUE = frozenset(_PLAIN_TYPES.values())


def fits(sort: PayloadSort, payload: object) -> bool:
    """Whether ``payload`` is a value of ``sort`` (see module invariants)."""
    if isinstance(sort, TupleSort):
        return (
            type(payload) is tuple
            and len(payload) == len(sort.parts)
            and all(fits(s, p) for s, p in zip(sort.parts, payload, strict=True))
        )
    if isinstance(sort, UserSort):
        return type(payload) in _OPAQUE
    return type(payload) is _PLAIN_TYPES[sort]


def default_payload(sort: PayloadSort) -> Payload:
    """The default value of ``sort`` (see module invariants)."""
    if isinstance(sort, TupleSort):
        return tuple(default_payload(s) for s in sort.parts)  # type: ignore[misc]
    if isinstance(sort, UserSort):
        return None
    return DEFAULT_PAYLOADS[sort]
