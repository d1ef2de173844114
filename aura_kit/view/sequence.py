"""Sequence-diagram snapshots of a global protocol and of a recorded run.

Invariants:
- a view is frozen and holds only strings, ints, enums and tuples;
- rows are numbered 0..n-1 in display order; every arrow starts on a row and ends on the
  same row (protocol) or a later one (run), or on no row when it was never received;
- a protocol is walked as written, never unfolded: a loop shows once, ``continue X`` is a
  row; a choice shows each branch, one after the other;
- at most ``limit`` rows are kept; ``truncated`` says when more were left off;
- the run of a ``World`` (``timeline_sequence_view``) has one lifeline per authority (named
  ``role @ authority``): a send on the sender's, a receive on the receiver's, one arrow when
  both happened and an in-flight arrow while only the send did; owner changes and refused
  ingress are notes on the lifeline of the authority where they happened; routine events
  (ingress accepted, stuck, opened) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from aura_kit.machine.values import RECV_KINDS, SEND_KINDS, EventKind, MachineEvent
from aura_kit.protocol.types import Comm, End, GlobalType, Mu, Protocol, Var, peer_of
from aura_kit.runtime.events import EventRecord, RuntimeSessionEvent
from aura_kit.view.events import EventView, event_view

if TYPE_CHECKING:
    from aura_kit.lab.timeline import RunTimeline, TimelineEntry

DEFAULT_ROW_LIMIT = 400


class RowKind(StrEnum):
    """What one row of a sequence diagram shows."""

    MESSAGE = "message"
    RECEIVE = "receive"
    CHOICE = "choice"
    OR = "or"
    END_CHOICE = "end_choice"
    LOOP = "loop"
    END_LOOP = "end_loop"
    CONTINUE = "continue"
    END = "end"
    EVENT = "event"
    FAULT = "fault"
    DROP = "drop"


class ArrowStatus(StrEnum):
    """Whether a message arrived."""

    DELIVERED = "delivered"
    IN_FLIGHT = "in_flight"


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceRow:
    """One row: a kind, the roles it concerns, a short text and its nesting depth."""

    index: int
    kind: RowKind
    roles: tuple[str, ...] = ()
    text: str = ""
    depth: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceArrow:
    """A message from ``sender`` to ``receiver`` between two rows."""

    sender: str
    receiver: str
    label: str
    sort: str = "unit"
    start_row: int
    end_row: int | None
    status: ArrowStatus = ArrowStatus.DELIVERED


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceView:
    """A whole sequence diagram."""

    title: str
    roles: tuple[str, ...]
    rows: tuple[SequenceRow, ...]
    arrows: tuple[SequenceArrow, ...] = ()
    truncated: bool = False
    lifelines: tuple[str, ...] = ()  # the heads' names, one per role (default: the roles)


@dataclass(slots=True)
class _Rows:
    """Mutable accumulator used while walking; never escapes this module."""

    limit: int
    rows: list[SequenceRow] = field(default_factory=list)
    arrows: list[SequenceArrow] = field(default_factory=list)
    truncated: bool = False

    def add(self, kind: RowKind, roles: tuple[str, ...], text: str, depth: int) -> int | None:
        if len(self.rows) >= self.limit:
            self.truncated = True
            return None
        index = len(self.rows)
        self.rows.append(SequenceRow(index=index, kind=kind, roles=roles, text=text, depth=depth))
        return index


def protocol_sequence_view(protocol: Protocol, *, limit: int = DEFAULT_ROW_LIMIT) -> SequenceView:
    """The sequence diagram of a global protocol, with choices and loops as blocks."""
    acc = _Rows(limit=limit)
    _walk(protocol.global_type, 0, acc)
    return SequenceView(
        title=f"protocol {protocol.name}",
        roles=tuple(protocol.roles),
        rows=tuple(acc.rows),
        arrows=tuple(acc.arrows),
        truncated=acc.truncated,
    )


# A step of the walk: a type to show at a depth, a deferred closing row, or a message row.
_Row = tuple[RowKind, tuple[str, ...], str, int]
_Step = tuple[GlobalType, int] | _Row | tuple[Comm, int, int]


def _walk(g: GlobalType, depth: int, acc: _Rows) -> None:
    """Rows of ``g`` in reading order, with a stack (any depth; stops once truncated)."""
    stack: list[_Step] = [(g, depth)]
    while stack and not acc.truncated:
        step = stack.pop()
        if len(step) == 4:
            acc.add(*step)
        elif len(step) == 3:
            _message(*step, acc)
        else:
            _expand(*step, stack, acc)


def _expand(g: GlobalType, depth: int, stack: list[_Step], acc: _Rows) -> None:
    if isinstance(g, End):
        acc.add(RowKind.END, (), "end", depth)
    elif isinstance(g, Var):
        acc.add(RowKind.CONTINUE, (), f"continue {g.var}", depth)
    elif isinstance(g, Mu):
        acc.add(RowKind.LOOP, (), f"rec {g.var}", depth)
        stack.append((RowKind.END_LOOP, (), f"end rec {g.var}", depth))
        stack.append((g.body, depth + 1))  # type: ignore[arg-type]
    elif isinstance(g, Comm):
        _expand_comm(g, depth, stack, acc)


def _expand_comm(g: Comm, depth: int, stack: list[_Step], acc: _Rows) -> None:
    choice = len(g.branches) > 1
    inner = depth + 1 if choice else depth
    if choice:
        acc.add(RowKind.CHOICE, (g.sender,), f"choice at {g.sender}", depth)
        stack.append((RowKind.END_CHOICE, (g.sender,), "end choice", depth))
    for i in reversed(range(len(g.branches))):
        stack.append((g.branches[i].cont, inner))  # type: ignore[arg-type]
        stack.append((g, i, inner))
        if i > 0:
            stack.append((RowKind.OR, (g.sender,), "or", depth))


def _message(g: Comm, i: int, depth: int, acc: _Rows) -> None:
    branch = g.branches[i]
    receiver = peer_of(g, branch)  # a non-directed choice's branches have their own receivers
    text = message_label(branch.label, str(branch.sort))
    row = acc.add(RowKind.MESSAGE, (g.sender, receiver), text, depth)
    if row is None:
        return
    acc.arrows.append(
        SequenceArrow(
            sender=g.sender,
            receiver=receiver,
            label=branch.label,
            sort=str(branch.sort),
            start_row=row,
            end_row=row,
        )
    )


def message_label(label: str, sort: str) -> str:
    """``Label`` or ``Label(sort)`` (a unit payload is not shown)."""
    return label if sort in ("unit", "") else f"{label}({sort})"


def run_sequence_view(
    events: Iterable[MachineEvent | EventRecord],
    *,
    roles: Iterable[str] = (),
    title: str = "run",
    limit: int = DEFAULT_ROW_LIMIT,
) -> SequenceView:
    """The sequence diagram of recorded events, in order; drops and faults are marked.

    ``events`` are machine events and runtime event-log records; each
    ``sent`` opens an arrow that the matching ``received`` on the same edge (FIFO) closes.
    """
    records = [event_view(e) for e in events]
    acc = _Rows(limit=limit)
    open_sends: dict[tuple[str, str], list[int]] = {}
    for rec in records:
        _add_event(rec, acc, open_sends)
    return SequenceView(
        title=title,
        roles=_run_roles(roles, records),
        rows=tuple(acc.rows),
        arrows=tuple(sorted(acc.arrows, key=lambda a: a.start_row)),
        truncated=acc.truncated,
    )


def _add_event(rec: EventView, acc: _Rows, open_sends: dict[tuple[str, str], list[int]]) -> None:
    if rec.kind in SEND_KINDS and rec.sender and rec.receiver:
        _add_send(rec, acc, open_sends)
    elif rec.kind in RECV_KINDS and rec.sender and rec.receiver:
        _add_receive(rec, acc, open_sends)
    elif rec.kind == EventKind.FAULTED:
        acc.add(RowKind.FAULT, rec.actors, f"faulted: {rec.detail or rec.label}".strip(), 0)
    elif rec.kind == RuntimeSessionEvent.INGRESS_DROPPED:
        acc.add(RowKind.DROP, rec.actors, f"dropped {rec.detail}".strip(), 0)
    else:
        acc.add(RowKind.EVENT, rec.actors, _event_text(rec), 0)


def _add_send(rec: EventView, acc: _Rows, open_sends: dict[tuple[str, str], list[int]]) -> None:
    row = acc.add(RowKind.MESSAGE, (rec.sender, rec.receiver), f"{rec.kind} {rec.label}", 0)
    if row is None:
        return
    arrow = SequenceArrow(
        sender=rec.sender,
        receiver=rec.receiver,
        label=rec.label,
        start_row=row,
        end_row=None,
        status=ArrowStatus.IN_FLIGHT,
    )
    acc.arrows.append(arrow)
    open_sends.setdefault((rec.sender, rec.receiver), []).append(len(acc.arrows) - 1)


def _add_receive(rec: EventView, acc: _Rows, open_sends: dict[tuple[str, str], list[int]]) -> None:
    row = acc.add(RowKind.RECEIVE, (rec.receiver,), f"{rec.kind} {rec.label}", 0)
    pending = open_sends.get((rec.sender, rec.receiver), [])
    if row is None or not pending:
        return
    at = pending.pop(0)
    acc.arrows[at] = replace(acc.arrows[at], end_row=row, status=ArrowStatus.DELIVERED)


def _event_text(rec: EventView) -> str:
    parts = [rec.kind, rec.label, rec.detail]
    return " ".join(p for p in parts if p)


def _run_roles(given: Iterable[str], records: list[EventView]) -> tuple[str, ...]:
    out = list(dict.fromkeys(given))
    for rec in records:
        for role in rec.actors:
            if role not in out:
                out.append(role)
    return tuple(out)


def timeline_sequence_view(
    timeline: RunTimeline, *, limit: int = DEFAULT_ROW_LIMIT
) -> SequenceView:
    """One sequence diagram of a world's run over all its authorities (see the invariants)."""
    acc = _Rows(limit=limit)
    open_sends: dict[tuple[str, str], list[int]] = {}
    for entry in timeline.entries:
        _add_entry(entry, acc, open_sends)
    return SequenceView(
        title=timeline.title,
        roles=timeline.roles,
        rows=tuple(acc.rows),
        arrows=tuple(sorted(acc.arrows, key=lambda a: a.start_row)),
        truncated=acc.truncated,
        lifelines=tuple(
            f"{r} @ {a}" for r, a in zip(timeline.roles, timeline.authorities, strict=True)
        ),
    )


def _add_entry(
    entry: TimelineEntry, acc: _Rows, open_sends: dict[tuple[str, str], list[int]]
) -> None:
    event = entry.event
    if isinstance(event, MachineEvent):
        if event.kind in SEND_KINDS | RECV_KINDS or event.kind == EventKind.FAULTED:
            _add_event(event_view(event), acc, open_sends)
        return
    note = _runtime_note(event)
    if note is not None:
        kind = RowKind.DROP if event.event == RuntimeSessionEvent.INGRESS_DROPPED else RowKind.EVENT
        acc.add(kind, (entry.role,), note, 0)


def _runtime_note(record: EventRecord) -> str | None:
    """The note an owner change or a refused ingress leaves on its lifeline (else None)."""
    name = record.event
    if name == RuntimeSessionEvent.OWNER_ASSIGNED:
        return f"owner {record.field('owner_label')} · gen {record.field('capability_generation')}"
    if name == RuntimeSessionEvent.OWNER_TRANSFERRED:
        to, gen = record.field("to_owner_label"), record.field("to_generation")
        verb = "attenuated" if to == record.field("from_owner_label") else f"owner → {to}"
        return f"{verb} · gen {gen}"
    if name == RuntimeSessionEvent.INGRESS_DROPPED:
        kind = str(record.field("ingress_kind") or "").removeprefix("attack:").replace("_", " ")
        return f"refused {kind}: {record.field('error_kind') or ''}".strip()
    if name == RuntimeSessionEvent.SESSION_ENDED:
        return "session ended"
    return None
