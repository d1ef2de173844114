"""The explorer's event journal: runtime and machine events of every authority, in one order.

Invariants:
- rows are appended in the order the explorer observed them (after each action, authority by
  authority, runtime events before machine events) and numbered from 1;
- every event is taken exactly once, from the world's timeline (``World.run_timeline``): the
  journal remembers the number of the last entry it read;
- it keeps the newest ``Journal.LIMIT`` rows (10,000); row numbers go on counting past it;
- rows are plain values; ``table`` gives them as tuples in ``COLUMNS`` order (a DataFrame of
  them is the widgets' business: nothing here imports pandas).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from aura_kit.machine.values import RECV_KINDS
from aura_kit.runtime.events import EventRecord

if TYPE_CHECKING:
    from aura_kit.lab.world import World

COLUMNS = ("#", "pass", "authority", "source", "event", "detail")
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
    pass_no: int
    authority: str
    source: str
    event: str
    detail: str

    def as_tuple(self) -> tuple[int, int, str, str, str, str]:
        """The row in ``COLUMNS`` order."""
        return (self.number, self.pass_no, self.authority, self.source, self.event, self.detail)


def runtime_detail(fields: dict[str, Any]) -> str:
    """A short ``key=value`` summary of a runtime event's interesting fields."""
    parts = [f"{k}={fields[k]}" for k in _DETAIL_FIELDS if fields.get(k) not in (None, "")]
    return ", ".join(parts)


def machine_detail(event: Any) -> str:
    """``sender->receiver label(payload)`` for a machine event."""
    role = event.role or ""
    incoming = event.kind in RECV_KINDS
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
    """Rows so far and how many of the world's timeline entries were read."""

    rows: deque[JournalRow] = field(default_factory=lambda: deque(maxlen=Journal.LIMIT))
    _read: int = 0  # the number of the last timeline entry read
    _count: int = 0  # rows added, kept or forgotten

    LIMIT: ClassVar[int] = 10_000  # rows kept, the newest; numbers go on counting

    def _add(self, pass_no: int, authority: str, source: str, event: str, detail: str) -> None:
        self._count += 1
        number = self._count
        self.rows.append(
            JournalRow(
                number=number,
                pass_no=pass_no,
                authority=authority,
                source=source,
                event=event,
                detail=detail,
            )
        )

    def collect_world(self, pass_no: int, world: World) -> None:
        """Append the world's timeline entries not read yet (every authority, in order)."""
        for entry in world.run_timeline().entries_after(self._read):
            event = entry.event
            if isinstance(event, EventRecord):
                name = str(event.event).removeprefix(_RUNTIME_PREFIX)
                detail = runtime_detail(dict(event.fields))
                self._add(pass_no, entry.authority, "runtime", name, detail)
            else:
                self._add(
                    pass_no, entry.authority, "machine", str(event.kind), machine_detail(event)
                )
        self._read = world.timeline.count

    def add_note(self, pass_no: int, authority: str, event: str, detail: str) -> None:
        """Append an explorer note (an attack that passed, a refused queue entry)."""
        self._add(pass_no, authority, "explorer", event, detail)

    def table(
        self, last: int | None = None, *, routine: bool = False
    ) -> list[tuple[int, int, str, str, str, str]]:
        """The rows (or the ``last`` ones) as tuples in ``COLUMNS`` order.

        ``routine=False`` leaves out the accepted ``ingress.received`` of ordinary rounds
        (one per role per round); attack attempts are always shown.
        """
        rows = [r for r in self.rows if routine or not _is_routine(r)]
        rows = rows if last is None else rows[-last:]
        return [r.as_tuple() for r in rows]
