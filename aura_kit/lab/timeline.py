"""The run of a ``World`` as one ordered list of events over all its authorities.

Invariants:
- the world calls ``Timeline.collect`` after everything it does (open, queue, round,
  transfer, attenuate, close, cancel, attack); each call appends, authority by authority in
  protocol role order, the runtime records and then the machine events not taken before, so
  every event is taken exactly once and events of one round come before those of the next;
- an entry names the pass (``World.passes``) it was taken in, the authority it happened at
  and the role that authority plays (each authority plays one role);
- it keeps the newest ``Timeline.LIMIT`` entries (10,000), and fewer when the payloads they
  hold add up to more than ``Timeline.BYTE_BUDGET`` (16 MiB; the newest entry is always kept);
  entry numbers go on counting past it, so "what happened since" is asked by number
  (``entries_after``), never by position;
- it reads each authority's log and machine by their running counts (``EventLog.emitted``,
  ``ProtocolMachine.event_count``), so bounded logs never hide new events from it;
- ``RunTimeline`` is a frozen snapshot of the entries (tuples only); a notebook shows it as
  one sequence diagram of the run (drawn by the render layer, through ``_display``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from aura_kit._display import Displayable
from aura_kit.bounded import DEFAULT_BYTE_BUDGET, BoundedHistory
from aura_kit.machine.values import MachineEvent
from aura_kit.runtime.events import EventRecord

if TYPE_CHECKING:
    from aura_kit.lab.world import World


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    """One event of the run, where and when it was observed."""

    number: int
    passes: int
    authority: str
    role: str
    event: MachineEvent | EventRecord


@dataclass(frozen=True, slots=True, kw_only=True)
class RunTimeline(Displayable):
    """The run so far over all authorities: shown as one sequence diagram."""

    title: str
    roles: tuple[str, ...]
    authorities: tuple[str, ...]
    entries: tuple[TimelineEntry, ...]

    def entries_after(self, number: int) -> tuple[TimelineEntry, ...]:
        """The entries numbered above ``number`` (the newest first kept when some are gone)."""
        newer = 0
        for entry in reversed(self.entries):
            if entry.number <= number:
                break
            newer += 1
        return self.entries[len(self.entries) - newer :]


@dataclass(slots=True)
class Timeline:
    """Entries so far and, per (authority, source), how many of its events were taken."""

    entries: BoundedHistory[TimelineEntry] = field(
        default_factory=lambda: BoundedHistory(Timeline.LIMIT, Timeline.BYTE_BUDGET)
    )
    count: int = 0  # entries taken, kept or forgotten: the newest entry's number
    _seen: dict[tuple[str, str], int] = field(default_factory=dict)

    LIMIT: ClassVar[int] = 10_000
    BYTE_BUDGET: ClassVar[int] = DEFAULT_BYTE_BUDGET

    def _fresh(self, key: tuple[str, str], count: int) -> int | None:
        """Where the unseen events of ``key`` start, or None when there are none."""
        start = self._seen.get(key, 0)
        if count == start:
            return None
        self._seen[key] = count
        return start

    def collect(self, world: World) -> None:
        """Append every authority's unseen runtime records, then its unseen machine events."""
        for role in world.roles:
            authority = world.authority_of[role]
            log = world.effects(role).event_log
            fresh: list[MachineEvent | EventRecord] = []
            start = self._fresh((authority, "runtime"), log.emitted)
            if start is not None:
                fresh += log.records_after(start)
            session = world.sessions.get(role)
            if session is not None:
                start = self._fresh((authority, "machine"), session.machine.event_count)
                if start is not None:
                    fresh += session.machine.events_since(start)
            for event in fresh:
                self.count += 1
                entry = TimelineEntry(
                    number=self.count,
                    passes=world.passes,
                    authority=authority,
                    role=role,
                    event=event,
                )
                size = event.payload_size if isinstance(event, MachineEvent) else 0
                self.entries.append(entry, size)

    def snapshot(self, world: World) -> RunTimeline:
        """The frozen run so far."""
        return RunTimeline(
            title=f"run of {world.protocol.name}",
            roles=world.roles,
            authorities=tuple(world.authority_of[r] for r in world.roles),
            entries=tuple(self.entries),
        )
