"""One flat display row per event, read from the two event types the kit records.

Invariants:
- an event is either a machine ``MachineEvent`` or a runtime ``EventRecord``; anything else
  is refused with ``ViewError`` (there is no any-shape reader);
- reading an event never changes it; a field the event does not have reads as '' / ``None``;
- enum values are read through ``.value``; every other value is turned into text with ``str``;
- ``actors`` lists the roles an event concerns, sender first, without repeats;
- a machine send (``sent``, ``selected``) goes from ``role`` to ``peer``, a receive
  (``received``, ``branched``) from ``peer`` to ``role`` (the machine's kind sets);
- ``event_log_frame`` is where pandas meets the event log: the core only returns rows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from aura_kit.machine.values import RECV_KINDS, SEND_KINDS, MachineEvent
from aura_kit.runtime.events import BASE_COLUMNS, EventLog, EventRecord
from aura_kit.view.errors import ViewError
from aura_kit.view.text import text_of

if TYPE_CHECKING:
    import pandas

_MACHINE_FIELDS = tuple(f.name for f in fields(MachineEvent))


@dataclass(frozen=True, slots=True, kw_only=True)
class EventView:
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


def event_view(event: MachineEvent | EventRecord) -> EventView:
    """The display row of a machine event or a runtime event record."""
    if isinstance(event, MachineEvent):
        return _machine_view(event)
    if isinstance(event, EventRecord):
        return _runtime_view(event)
    raise ViewError(
        "unknown event type",
        actual=type(event).__name__,
        expected="a MachineEvent or a runtime EventRecord",
    )


def _machine_view(event: MachineEvent) -> EventView:
    role, peer = text_of(event.role), text_of(event.peer)
    sender = receiver = ""
    if role and peer and event.kind in SEND_KINDS:
        sender, receiver = role, peer
    elif role and peer and event.kind in RECV_KINDS:
        sender, receiver = peer, role
    return EventView(
        kind=text_of(event.kind),
        tick=event.tick,
        session=text_of(event.session),
        sender=sender,
        receiver=receiver,
        role="" if sender or receiver else role,
        label=text_of(event.label),
        detail=event.detail,
        fields=tuple(sorted((n, text_of(getattr(event, n))) for n in _MACHINE_FIELDS)),
    )


def _runtime_view(record: EventRecord) -> EventView:
    flat = record.as_dict()
    sender, receiver = text_of(flat.get("from_role")), text_of(flat.get("to_role"))
    role = text_of(flat.get("active_role"))
    return EventView(
        kind=text_of(record.event),
        session=text_of(flat.get("session_id")),
        sender=sender,
        receiver=receiver,
        role=role if role not in (sender, receiver) else "",
        label=text_of(flat.get("label")),
        detail=text_of(flat.get("reason")) or record.message or text_of(flat.get("error")),
        fields=tuple(sorted((k, text_of(v)) for k, v in flat.items())),
    )


def event_log_frame(log: EventLog) -> pandas.DataFrame:
    """The log's rows as a pandas DataFrame: ``authority`` (if any) and the base columns first.

    pandas is imported here, on the notebook side; the event log itself only returns rows.
    """
    import pandas as pd

    rows = log.to_records()
    base = (["authority"] if log.authority is not None else []) + list(BASE_COLUMNS)
    extra = list(dict.fromkeys(k for row in rows for k in row if k not in base))
    return pd.DataFrame.from_records(rows, columns=base + extra)
