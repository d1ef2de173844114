"""The explorer's event journal: runtime and machine events of every authority, in one order.

Invariants:
- rows are appended in the order the explorer observed them (after each action, authority by
  authority, runtime events before machine events) and numbered from 1;
- every event is taken exactly once: the journal remembers how many records of each source
  it has already read;
- rows are plain tuples of strings and ints; pandas is imported only by ``to_dataframe``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aura_kit.machine.values import RECV_KINDS

if TYPE_CHECKING:
    import pandas

    from aura_kit.runtime.world import World

COLUMNS = ("#", "round", "authority", "source", "event", "detail")
_RUNTIME_PREFIX = "runtime.session."
ROUTINE = "ingress.received"
_DETAIL_FIELDS = (
    "owner_label",
    "capability_generation",
    "from_owner_label",
    "to_owner_label",
    "to_generation",
    "ingress_kind",
    "active_role",
    "error_kind",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalRow:
    """One event as the explorer shows it."""

    number: int
    round: int
    authority: str
    source: str
    event: str
    detail: str

    def as_tuple(self) -> tuple[int, int, str, str, str, str]:
        """The row in ``COLUMNS`` order."""
        return (self.number, self.round, self.authority, self.source, self.event, self.detail)


def runtime_detail(fields: dict[str, Any]) -> str:
    """A short ``key=value`` summary of a runtime event's interesting fields."""
    parts = [f"{k}={fields[k]}" for k in _DETAIL_FIELDS if fields.get(k) not in (None, "")]
    return ", ".join(parts)


def machine_detail(event: Any) -> str:
    """``sender->receiver label(payload)`` for a machine event."""
    role = event.role or ""
    incoming = str(event.kind) in RECV_KINDS
    route = (
        (f"{event.peer}->{role}" if incoming else f"{role}->{event.peer}") if event.peer else role
    )
    label = f" {event.label}" if event.label else ""
    payload = "" if event.payload is None else f"({event.payload!r})"
    return f"{route}{label}{payload}".strip()


def _is_routine(row: JournalRow) -> bool:
    return row.event == ROUTINE and "attack:" not in row.detail


@dataclass(slots=True)
class Journal:
    """Rows so far and, per source, how many of its events were read."""

    rows: list[JournalRow] = field(default_factory=list)
    _seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def _add(self, round_no: int, authority: str, source: str, event: str, detail: str) -> None:
        number = len(self.rows) + 1
        self.rows.append(
            JournalRow(
                number=number,
                round=round_no,
                authority=authority,
                source=source,
                event=event,
                detail=detail,
            )
        )

    def _fresh(self, key: tuple[str, str], items: tuple[Any, ...]) -> tuple[Any, ...]:
        start = self._seen.get(key, 0)
        self._seen[key] = len(items)
        return items[start:]

    def collect_runtime(self, round_no: int, authority: str, records: Iterable[Any]) -> None:
        """Append the runtime records of ``authority`` not seen yet."""
        for record in self._fresh((authority, "runtime"), tuple(records)):
            name = str(record.event).removeprefix(_RUNTIME_PREFIX)
            detail = runtime_detail(dict(record.fields))
            self._add(round_no, authority, "runtime", name, detail)

    def collect_machine(self, round_no: int, authority: str, events: Iterable[Any]) -> None:
        """Append the machine events of ``authority`` not seen yet."""
        for event in self._fresh((authority, "machine"), tuple(events)):
            self._add(round_no, authority, "machine", str(event.kind), machine_detail(event))

    def collect_world(self, round_no: int, world: World) -> None:
        """Append every authority's unseen runtime records, then its unseen machine events."""
        for role in world.roles:
            authority = world.authority_of[role]
            self.collect_runtime(round_no, authority, world.effects(role).event_log.records)
            session = world.sessions.get(role)
            if session is not None:
                self.collect_machine(round_no, authority, session.machine.events)

    def add_note(self, round_no: int, authority: str, event: str, detail: str) -> None:
        """Append an explorer note (an attack that passed, a refused queue entry)."""
        self._add(round_no, authority, "explorer", event, detail)

    def to_dataframe(self, last: int | None = None, *, routine: bool = False) -> pandas.DataFrame:
        """The rows (or the ``last`` ones) as a DataFrame indexed by ``#``.

        ``routine=False`` leaves out the accepted ``ingress.received`` of ordinary rounds
        (one per role per round); attack attempts are always shown.
        """
        import pandas as pd

        rows = [r for r in self.rows if routine or not _is_routine(r)]
        rows = rows if last is None else rows[-last:]
        frame = pd.DataFrame([r.as_tuple() for r in rows], columns=list(COLUMNS))
        return frame.set_index("#")
