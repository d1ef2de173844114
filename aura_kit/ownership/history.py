"""Owner history: one frozen record per ownership change of a session (pure).

Invariants:
- a change is recorded only when ownership really changes (start, transfer, attenuation,
  end, cancel), never on a check or a round, so the history grows with ownership changes only;
- ``OwnerHistory`` keeps changes in the order they happened, per session and overall, the
  newest ``OwnerHistory.LIMIT`` (10,000) of them;
- ``from_*`` fields describe the owner before the change (empty for a start), ``to_*`` the
  owner after it (empty for an end or cancel).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from .values import RuntimeSessionOwner, SessionId


class OwnerChangeKind(StrEnum):
    """How the owner of a session changed."""

    ASSIGNED = "assigned"
    TRANSFERRED = "transferred"
    ATTENUATED = "attenuated"
    RECLAIMED = "reclaimed"
    ENDED = "ended"
    CANCELLED = "cancelled"

    @property
    def ends(self) -> bool:
        """Whether the change leaves the session without an owner."""
        return self in (OwnerChangeKind.ENDED, OwnerChangeKind.CANCELLED)


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnerChange:
    """One ownership change of one session at one authority."""

    session_id: SessionId
    kind: OwnerChangeKind
    from_label: str = ""
    from_generation: int = 0
    from_scope: str = ""
    to_label: str = ""
    to_generation: int = 0
    to_scope: str = ""
    fragments_moved: int = 0

    @property
    def owner_label(self) -> str:
        """The owner after the change (before it, for an end or cancel)."""
        return self.from_label if self.kind.ends else self.to_label

    @property
    def generation(self) -> int:
        """The generation after the change (before it, for an end or cancel)."""
        return self.from_generation if self.kind.ends else self.to_generation

    @property
    def scope(self) -> str:
        """The canonical scope after the change (before it, for an end or cancel)."""
        return self.from_scope if self.kind.ends else self.to_scope


def _side(owner: RuntimeSessionOwner) -> tuple[str, int, str]:
    cap = owner.capability
    return owner.owner_label, cap.generation, cap.scope.canonical()


class OwnerHistory:
    """The ownership changes an authority made, in order: the newest ``LIMIT`` (10,000) are
    kept (not thread-safe; lock outside)."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._changes: deque[OwnerChange] = deque(maxlen=self.LIMIT)
        self._ended: set[SessionId] = set()

    def started(self, owner: RuntimeSessionOwner) -> OwnerChange:
        """Record a start (a re-claim if the session had ended here before)."""
        sid = owner.session_id
        kind = OwnerChangeKind.RECLAIMED if sid in self._ended else OwnerChangeKind.ASSIGNED
        label, gen, scope = _side(owner)
        change = OwnerChange(
            session_id=sid, kind=kind, to_label=label, to_generation=gen, to_scope=scope
        )
        self._changes.append(change)
        return change

    def moved(
        self, old: RuntimeSessionOwner, new: RuntimeSessionOwner, fragments_moved: int = 0
    ) -> OwnerChange:
        """Record a transfer (an attenuation when the label stays the same)."""
        same = old.owner_label == new.owner_label
        kind = OwnerChangeKind.ATTENUATED if same else OwnerChangeKind.TRANSFERRED
        (fl, fg, fs), (tl, tg, ts) = _side(old), _side(new)
        change = OwnerChange(
            session_id=old.session_id,
            kind=kind,
            from_label=fl,
            from_generation=fg,
            from_scope=fs,
            to_label=tl,
            to_generation=tg,
            to_scope=ts,
            fragments_moved=fragments_moved,
        )
        self._changes.append(change)
        return change

    def ended(
        self, session_id: SessionId, label: str, generation: int, scope: str, cancelled: bool
    ) -> OwnerChange:
        """Record an end (or an operator cancel) of the session."""
        kind = OwnerChangeKind.CANCELLED if cancelled else OwnerChangeKind.ENDED
        change = OwnerChange(
            session_id=session_id,
            kind=kind,
            from_label=label,
            from_generation=generation,
            from_scope=scope,
        )
        self._ended.add(session_id)
        self._changes.append(change)
        return change

    def of(self, session_id: SessionId | None = None) -> tuple[OwnerChange, ...]:
        """The changes of one session, or of every session when ``session_id`` is None."""
        if session_id is None:
            return tuple(self._changes)
        return tuple(c for c in self._changes if c.session_id == session_id)
