"""VM fragment registry: who owns which fragment of which session.

Invariants:
- a (session, key) pair has at most one owner label: claims are exclusive across labels;
- a manifest claim is all-or-nothing; repeating a claim with the same label is idempotent
  and reports no newly claimed keys;
- a release names the keys it frees; releasing an unclaimed key is refused and frees nothing;
- moving a session's fragments to a new label is refused, changing nothing, when any of them
  belongs to a label other than the one moving them;
- dropping a session removes all of its fragments;
- an owner label is exactly a non-empty ``str`` (``BAD_LABEL`` otherwise, nothing claimed);
- a move or drop can be planned first (``plan_move``, ``plan_drop``: checked, nothing
  changed) and applied later (``apply``) with dict stores that call no outside code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import FragmentError, FragmentErrorKind
from .manifest import CompositionManifest, manifest_fragments
from .values import SessionId

#: planned stores: each fragment with its new record, or ``None`` to remove it
FragmentPlan = tuple[tuple["FragmentId", "FragmentRecord | None"], ...]


@dataclass(frozen=True, slots=True, order=True)
class FragmentId:
    """One fragment of one session."""

    session_id: SessionId
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FragmentRecord:
    """Who owns a fragment, and what it belongs to."""

    owner_label: str
    protocol_id: str
    bundle_id: str | None = None


class FragmentRegistry:
    """Fragment ownership (not thread-safe; the EffectSystem locks)."""

    def __init__(self) -> None:
        self._records: dict[FragmentId, FragmentRecord] = {}

    def claim_manifest(
        self, session_id: SessionId, owner_label: str, manifest: CompositionManifest
    ) -> frozenset[str]:
        """Claim every fragment of ``manifest``; return the keys that were not held before."""
        if type(owner_label) is not str or not owner_label:
            raise FragmentError(
                FragmentErrorKind.BAD_LABEL, session_id, "*", owner_label=repr(owner_label)
            )
        fresh: list[tuple[FragmentId, FragmentRecord]] = []
        for frag in manifest_fragments(manifest):
            fid = FragmentId(session_id, frag.key)
            held = self._records.get(fid)
            if held is None:
                record = FragmentRecord(
                    owner_label=owner_label, protocol_id=frag.protocol_id, bundle_id=frag.bundle_id
                )
                fresh.append((fid, record))
            elif held.owner_label != owner_label:
                raise FragmentError(
                    FragmentErrorKind.CONFLICT,
                    session_id,
                    frag.key,
                    owner_label=owner_label,
                    existing_owner=held.owner_label,
                )
        self._records.update(fresh)
        return frozenset(fid.key for fid, _ in fresh)

    def release(self, session_id: SessionId, keys: Iterable[str]) -> frozenset[str]:
        """Free exactly ``keys``; all must be claimed, else nothing is freed."""
        chosen = frozenset([keys] if isinstance(keys, str) else keys)
        for key in sorted(chosen):
            if FragmentId(session_id, key) not in self._records:
                raise FragmentError(FragmentErrorKind.NOT_CLAIMED, session_id, key)
        for key in chosen:
            del self._records[FragmentId(session_id, key)]
        return chosen

    def check_move(self, session_id: SessionId, from_label: str) -> None:
        """Raise ``FOREIGN_OWNER`` if a fragment of the session is not ``from_label``'s."""
        for fid, record in sorted(self._records.items()):
            if fid.session_id == session_id and record.owner_label != from_label:
                raise FragmentError(
                    FragmentErrorKind.FOREIGN_OWNER,
                    session_id,
                    fid.key,
                    owner_label=from_label,
                    existing_owner=record.owner_label,
                )

    def move(self, session_id: SessionId, from_label: str, to_label: str) -> int:
        """Move every fragment of the session to ``to_label`` (after ``check_move``)."""
        plan = self.plan_move(session_id, from_label, to_label)
        self.apply(plan)
        return len(plan)

    def plan_move(self, session_id: SessionId, from_label: str, to_label: str) -> FragmentPlan:
        """The stores ``move`` would make (after ``check_move``); nothing changes."""
        self.check_move(session_id, from_label)
        return tuple(
            (fid, dataclasses.replace(record, owner_label=to_label))
            for fid, record in self._records.items()
            if fid.session_id == session_id
        )

    def plan_drop(self, session_id: SessionId) -> FragmentPlan:
        """The removals ``drop_session`` would make; nothing changes."""
        return tuple((fid, None) for fid in self._records if fid.session_id == session_id)

    def apply(self, plan: FragmentPlan) -> None:
        """Apply a plan: store each record, or remove the fragment where it is ``None``."""
        records = self._records
        for fid, record in plan:
            if record is None:
                records.pop(fid, None)
            else:
                records[fid] = record

    def drop_session(self, session_id: SessionId) -> frozenset[str]:
        """Remove every fragment of the session; return their keys."""
        plan = self.plan_drop(session_id)
        self.apply(plan)
        return frozenset(fid.key for fid, _ in plan)

    def keys_for(self, session_id: SessionId) -> frozenset[str]:
        """Claimed keys of one session."""
        return frozenset(fid.key for fid in self._records if fid.session_id == session_id)

    def snapshot(self) -> list[tuple[FragmentId, FragmentRecord]]:
        """Every claimed fragment, sorted by (session id, key)."""
        return sorted(self._records.items())

    def __len__(self) -> int:
        return len(self._records)
