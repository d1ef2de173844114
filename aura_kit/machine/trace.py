"""Traces as JSON Lines, and replay of a recorded trace against an image.

Invariants:
- a trace file starts with one schema line ``{"schema": "aura_kit.trace", "version": 1}``
  followed by one event object per line;
- ``load_trace`` reads the whole file before returning: any bad line raises
  ``TraceFormatError`` with its 1-based line number, and nothing is returned half-loaded;
- ``replay`` forces the recorded schedule, choices and payloads and reports the first event
  that differs (kind, role, peer, label or payload); session ids are mapped in order of opening.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aura_kit.machine.values import EventKind, MachineEvent, Payload

SCHEMA = {"schema": "aura_kit.trace", "version": 1}
_FIELDS = ("kind", "tick", "session", "role", "peer", "label", "payload", "payload_size", "detail")


def save_trace(events: Iterable[MachineEvent], path: str | Path) -> None:
    """Write ``events`` to ``path`` as JSON Lines with a schema line first."""
    lines = [json.dumps(SCHEMA)]
    lines += [json.dumps(e.to_dict(), sort_keys=True) for e in events]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_trace(path: str | Path) -> tuple[MachineEvent, ...]:
    """Read a trace written by ``save_trace``; a damaged line raises ``TraceFormatError``."""
    text = Path(path).read_text(encoding="utf-8")
    return parse_trace(text, str(path))


def parse_trace(text: str, source: str = "<string>") -> tuple[MachineEvent, ...]:
    """Parse the JSON Lines text of a trace (see ``load_trace``)."""
    from aura_kit.machine.errors import TraceFormatError

    lines = text.splitlines()
    if not lines or _json(lines[0], source, 1) != SCHEMA:
        raise TraceFormatError(source, 1, f"expected the schema line {json.dumps(SCHEMA)}")
    events = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            raise TraceFormatError(source, n, "empty line")
        try:
            events.append(event_from_dict(_json(line, source, n)))
        except (TypeError, ValueError, KeyError) as exc:
            if isinstance(exc, TraceFormatError):
                raise
            raise TraceFormatError(source, n, str(exc)) from exc
    return tuple(events)


def _json(line: str, source: str, n: int) -> Any:
    from aura_kit.machine.errors import TraceFormatError

    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceFormatError(source, n, f"not JSON ({exc.msg})") from exc


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
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, dict) and set(value) == {"hex"} and isinstance(value["hex"], str):
        return bytes.fromhex(value["hex"])
    raise ValueError(f"payload must be null, bool, int, str or {{'hex': ...}}, got {value!r}")
