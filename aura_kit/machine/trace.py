"""Traces as JSON Lines files (``replay`` lives in ``replay``).

Invariants:
- a trace file is an ``aura_kit.jsonl`` file of kind ``aura_kit.trace``, version 1: a header
  line (schema, version, record count, sha256) then one event object per line, keys
  sorted; it is written atomically;
- ``load_trace`` reads the whole file before returning: any bad line, a truncated file or
  an altered record raises ``TraceFormatError`` with its 1-based line number, and nothing
  is returned half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aura_kit.jsonl import JsonlDocument, JsonlFormatError, parse_jsonl, read_jsonl, write_jsonl
from aura_kit.machine.errors import TraceFormatError
from aura_kit.machine.values import EventKind, MachineEvent, Payload, Plain

KIND = "aura_kit.trace"
VERSION = 1
_FIELDS = ("kind", "tick", "session", "role", "peer", "label", "payload", "payload_size", "detail")


def save_trace(events: Iterable[MachineEvent], path: str | Path) -> None:
    """Atomically write ``events`` to ``path`` as a trace file (header line first)."""
    records = [dict(sorted(e.to_dict().items())) for e in events]
    write_jsonl(path, KIND, records, VERSION)


def load_trace(path: str | Path) -> tuple[MachineEvent, ...]:
    """Read a trace written by ``save_trace``; a damaged file raises ``TraceFormatError``."""
    return _events(lambda: read_jsonl(path, KIND, version=VERSION, parse=event_from_dict))


def parse_trace(text: str, source: str = "<string>") -> tuple[MachineEvent, ...]:
    """Parse the JSON Lines text of a trace (see ``load_trace``)."""
    return _events(
        lambda: parse_jsonl(text, KIND, source=source, version=VERSION, parse=event_from_dict)
    )


def _events(load: Callable[[], JsonlDocument[MachineEvent]]) -> tuple[MachineEvent, ...]:
    try:
        return load().records
    except JsonlFormatError as error:
        raise TraceFormatError(error.source, error.line, error.reason) from None


def event_from_dict(data: Any) -> MachineEvent:
    """Build a ``MachineEvent`` from ``MachineEvent.to_dict`` output, checking every field."""
    if not isinstance(data, dict) or set(data) != set(_FIELDS):
        raise ValueError(f"expected an object with fields {list(_FIELDS)}")
    for name in ("tick", "session", "payload_size"):
        if type(data[name]) is not int:
            raise ValueError(f"{name} must be an int, got {data[name]!r}")
    for name in ("role", "peer", "label"):
        if data[name] is not None and type(data[name]) is not str:
            raise ValueError(f"{name} must be a string or null, got {data[name]!r}")
    if type(data["detail"]) is not str:
        raise ValueError(f"detail must be a string, got {data['detail']!r}")
    return MachineEvent(
        kind=EventKind(data["kind"]),
        tick=data["tick"],
        session=data["session"],
        role=data["role"],
        peer=data["peer"],
        label=data["label"],
        payload=_payload(data["payload"]),
        payload_size=data["payload_size"],
        detail=data["detail"],
    )


def _payload(value: Any) -> Payload:
    """A payload from its JSON: a list is a tuple payload of plain components."""
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return _plain(value)


def _plain(value: Any) -> Plain:
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, dict) and set(value) == {"hex"} and isinstance(value["hex"], str):
        return bytes.fromhex(value["hex"])
    raise ValueError(
        f"payload must be null, bool, int, str, {{'hex': ...}} or a list of those, got {value!r}"
    )
