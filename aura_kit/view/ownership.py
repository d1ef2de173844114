"""Ownership and fragment snapshot of one or several ``EffectSystem``s (authorities).

Invariants:
- authorities keep the order they were given; sessions are sorted by session id; fragments
  by key; owner history by generation;
- a session is ``ACTIVE`` while its authority has an owner record for it, else ``ENDED``;
- the history of a session is its authority's ``owner_history`` (typed ``OwnerChange``
  records, never log text); the change that made the current generation of an active
  session is its current owner;
- a handle passed as ``stale=`` is shown only if it no longer matches the current owner
  record (label, generation, scope) of any authority that knows its session; its reason
  names the first field the owner check refuses, in the check's order (label, generation,
  scope), or says the session ended;
- building a view reads through public read-only methods and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from aura_kit.ownership import OwnerChange, OwnerChangeKind, SessionId
from aura_kit.view.text import text_of


class SessionState(StrEnum):
    """Whether the authority still has an owner record for the session."""

    ACTIVE = "active"
    ENDED = "ended"


@dataclass(frozen=True, slots=True, kw_only=True)
class FragmentView:
    """One claimed fragment (``protocol:<id>`` or ``bundle:<id>``) and its owner."""

    key: str
    owner_label: str
    protocol_id: str
    bundle_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionNodeView:
    """One session as one authority sees it."""

    session_id: str
    short_id: str
    protocol: str
    state: SessionState
    owner: OwnerChange | None
    history: tuple[OwnerChange, ...] = ()
    fragments: tuple[FragmentView, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityView:
    """One authority (one ``EffectSystem``) and its sessions."""

    name: str
    sessions: tuple[SessionNodeView, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleHandleView:
    """A handle someone still holds that no longer passes the owner check."""

    name: str
    authority: str
    session_id: str
    owner_label: str
    generation: int
    scope: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnershipView:
    """The whole ownership picture."""

    title: str
    authorities: tuple[AuthorityView, ...]
    stale: tuple[StaleHandleView, ...] = ()

    @property
    def session_count(self) -> int:
        """Sessions over all authorities."""
        return sum(len(a.sessions) for a in self.authorities)


Handles = Iterable[object] | Mapping[str, object]


def ownership_view(
    *effect_systems: object, stale: Handles = (), title: str = "ownership"
) -> OwnershipView:
    """Snapshot of the given authorities, with ``stale`` handles that no longer pass."""
    authorities = tuple(_authority(es) for es in effect_systems)
    return OwnershipView(
        title=title, authorities=authorities, stale=_stale_handles(stale, authorities)
    )


def short_id(session_id: str) -> str:
    """First 8 characters of a session id."""
    return session_id[:8]


def _records(es: object) -> list[object]:
    log = getattr(es, "event_log", None)
    return list(getattr(log, "records", ())) if log is not None else []


def _field(record: object, name: str) -> object:
    getter = getattr(record, "field", None)
    return getter(name) if callable(getter) else None


def _authority(es: object) -> AuthorityView:
    records = _records(es)
    histories = _histories(es)
    protocols = _protocols(records)
    fragments = _fragments(es)
    active = {str(s): s for s in getattr(es, "active_sessions", tuple)()}
    ids = sorted(set(active) | set(histories) | set(fragments))
    sessions = tuple(
        _session(es, sid, active.get(sid), histories.get(sid, []), protocols, fragments)
        for sid in ids
    )
    return AuthorityView(name=text_of(getattr(es, "authority", "?")), sessions=sessions)


def _session(
    es: object,
    sid: str,
    live_id: object,
    history: list[OwnerChange],
    protocols: dict[str, str],
    fragments: dict[str, list[FragmentView]],
) -> SessionNodeView:
    frags = tuple(sorted(fragments.get(sid, []), key=lambda f: f.key))
    record = getattr(es, "owner_record", lambda _s: None)(live_id) if live_id else None
    owner = None
    if record is not None:
        current = [h for h in history if h.generation == record.generation]
        owner = current[-1] if current else _assumed(record)
        history = [h for h in history if h.generation != record.generation]
    protocol = protocols.get(sid) or next((f.protocol_id for f in frags), "")
    return SessionNodeView(
        session_id=sid,
        short_id=short_id(sid),
        protocol=protocol or "?",
        state=SessionState.ACTIVE if owner else SessionState.ENDED,
        owner=owner,
        history=tuple(sorted(history, key=lambda h: h.generation)),
        fragments=frags,
    )


def _histories(es: object) -> dict[str, list[OwnerChange]]:
    out: dict[str, list[OwnerChange]] = {}
    for change in getattr(es, "owner_history", tuple)():
        if not change.kind.ends:
            out.setdefault(str(change.session_id), []).append(change)
    return out


def _assumed(record: object) -> OwnerChange:
    """The current owner of a record no change was recorded for (an authority without history)."""
    return OwnerChange(
        session_id=SessionId.coerce(getattr(record, "session_id", "")),
        kind=OwnerChangeKind.ASSIGNED,
        to_label=text_of(getattr(record, "owner_label", "")),
        to_generation=_int(getattr(record, "generation", 0)),
        to_scope=text_of(getattr(record, "scope", "")),
    )


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _protocols(records: list[object]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in records:
        protocol = text_of(_field(r, "protocol_id"))
        if protocol:
            out[text_of(_field(r, "session_id"))] = protocol
    return out


def _fragments(es: object) -> dict[str, list[FragmentView]]:
    out: dict[str, list[FragmentView]] = {}
    for fid, rec in getattr(es, "vm_fragment_snapshot", list)():
        view = FragmentView(
            key=text_of(fid.key),
            owner_label=text_of(rec.owner_label),
            protocol_id=text_of(rec.protocol_id),
            bundle_id=text_of(rec.bundle_id),
        )
        out.setdefault(text_of(fid.session_id), []).append(view)
    return out


def _named(handles: Handles) -> list[tuple[str, object]]:
    if isinstance(handles, Mapping):
        return [(str(k), v) for k, v in handles.items()]
    return [(f"handle {i + 1}", h) for i, h in enumerate(handles)]


def _stale_handles(
    handles: Handles, authorities: tuple[AuthorityView, ...]
) -> tuple[StaleHandleView, ...]:
    out = []
    for name, handle in _named(handles):
        cap = getattr(handle, "capability", handle)
        sid = text_of(getattr(cap, "session_id", ""))
        gen = _int(getattr(cap, "generation", 0))
        label = text_of(getattr(cap, "owner_label", ""))
        scope = text_of(getattr(cap, "scope", ""))
        for authority, reason in _stale_reasons(sid, gen, label, scope, authorities):
            out.append(
                StaleHandleView(
                    name=name,
                    authority=authority,
                    session_id=sid,
                    owner_label=label,
                    generation=gen,
                    scope=scope,
                    reason=reason,
                )
            )
    return tuple(out)


def _stale_reasons(
    sid: str, gen: int, label: str, scope: str, authorities: tuple[AuthorityView, ...]
) -> list[tuple[str, str]]:
    """(authority, reason) for each authority that issued this handle and now refuses it.

    The issuer is the authority whose history or current owner has this label and
    generation for the session; a handle no authority recognises is reported once, unplaced.
    """
    found = []
    for a in authorities:
        for node in a.sessions:
            if node.session_id != sid:
                continue
            steps = [*node.history, *([node.owner] if node.owner else [])]
            if any((st.generation, st.owner_label) == (gen, label) for st in steps):
                found.append((a.name, node))
    if not found:
        return [("", "unknown session or generation")]
    out = []
    for name, node in found:
        cur = node.owner
        if cur is None:
            out.append((name, "session ended"))
        elif (reason := _first_mismatch(cur, gen, label, scope)) is not None:
            out.append((name, reason))
    return out


def _first_mismatch(cur: OwnerChange, gen: int, label: str, scope: str) -> str | None:
    """The first field the owner check refuses, in its order: label, then generation, scope."""
    if label != cur.owner_label:
        return f"label {label} is not the owner's ({cur.owner_label})"
    if gen != cur.generation:
        return f"generation {gen} is not the current {cur.generation}"
    if scope != cur.scope:
        return f"scope {scope} is not the current {cur.scope}"
    return None
