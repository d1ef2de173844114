"""One flat record per event, whatever produced it (machine event, event-log record, dict).

Invariants:
- reading an event never changes it and never raises for missing fields (they read as
  empty strings / ``None``);
- enum values are read through ``.value``; every other value is turned into text with ``str``;
- ``actors`` lists the roles an event concerns, sender first, without repeats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aura_kit.view.text import text_of

_KIND_KEYS = ("kind", "event", "name", "type")
_SENDER_KEYS = ("sender", "from_role", "src")
_RECEIVER_KEYS = ("receiver", "to_role", "dst")
_ROLE_KEYS = ("role", "active_role")
SEND_KINDS = frozenset({"sent", "selected"})
RECV_KINDS = frozenset({"received", "branched"})
_DETAIL_KEYS = ("detail", "fault", "reason", "message", "error")


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRecord:
    """The fields of an event that pictures use."""

    kind: str
    tick: int | None = None
    session: str = ""
    sender: str = ""
    receiver: str = ""
    role: str = ""
    label: str = ""
    detail: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def actors(self) -> tuple[str, ...]:
        """The roles involved, sender first."""
        found = (self.sender, self.receiver, self.role)
        return tuple(dict.fromkeys(r for r in found if r))

    def get(self, key: str) -> str:
        """Any other field by name, as text ('' when absent)."""
        return dict(self.fields).get(key, "")


def _as_mapping(event: object) -> Mapping[str, object]:
    if isinstance(event, Mapping):
        return event
    out: dict[str, object] = {}
    fields = getattr(event, "__dataclass_fields__", None) or getattr(event, "_fields", None)
    names: Iterable[str] = fields or ()
    for name in names:
        out[name] = getattr(event, name, None)
    for name in (*_KIND_KEYS, "fields", "extra", "data"):
        if name not in out and hasattr(event, name):
            out[name] = getattr(event, name)
    return out


def _flatten(raw: Mapping[str, object]) -> dict[str, object]:
    flat = dict(raw)
    for nested in ("fields", "extra", "data"):
        inner = raw.get(nested)
        if isinstance(inner, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in inner):
            inner = dict(inner)
        if isinstance(inner, Mapping):
            for key, value in inner.items():
                flat.setdefault(str(key), value)
    return flat


def _first(flat: Mapping[str, object], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = flat.get(key)
        if value not in (None, ""):
            return text_of(value)
    return ""


def _roles(flat: Mapping[str, object], kind: str) -> tuple[str, str, str]:
    sender = _first(flat, _SENDER_KEYS)
    receiver = _first(flat, _RECEIVER_KEYS)
    actor, peer = _first(flat, ("role",)), _first(flat, ("peer",))
    if actor and peer and not (sender or receiver):
        if kind in SEND_KINDS:
            return actor, peer, ""
        if kind in RECV_KINDS:
            return peer, actor, ""
    roles = flat.get("roles")
    if isinstance(roles, tuple | list) and roles:
        names = [text_of(r) for r in roles]
        sender = sender or names[0]
        receiver = receiver or (names[1] if len(names) > 1 else "")
    return sender, receiver, _first(flat, _ROLE_KEYS)


def event_record(event: object) -> EventRecord:
    """Read one event of any supported shape."""
    flat = _flatten(_as_mapping(event))
    kind = _first(flat, _KIND_KEYS) or "event"
    sender, receiver, role = _roles(flat, kind)
    tick = flat.get("tick")
    skip = {"fields", "extra", "data"}
    return EventRecord(
        kind=kind,
        tick=tick if isinstance(tick, int) and not isinstance(tick, bool) else None,
        session=_first(flat, ("session", "session_id", "sid")),
        sender=sender,
        receiver=receiver,
        role=role if role not in (sender, receiver) else "",
        label=_first(flat, ("label",)),
        detail=_first(flat, _DETAIL_KEYS),
        fields=tuple(sorted((k, text_of(v)) for k, v in flat.items() if k not in skip)),
    )
