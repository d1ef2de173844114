"""Snapshot of one VM session of a protocol machine at one round.

Invariants:
- coroutines are listed in the session's role order; only non-empty buffers are kept,
  sorted by (from, to);
- payloads are shown as short text (``repr`` cut to 24 characters), never kept as objects;
- a snapshot is taken through the machine's read-only ``SessionView``; nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_kit.protocol.local import format_local
from aura_kit.view._text import shorten, text_of
from aura_kit.view.errors import ViewError


@dataclass(frozen=True, slots=True, kw_only=True)
class CoroutineStateView:
    """One role's coroutine: status, what it waits on, what it does next."""

    role: str
    status: str
    next_type: str
    edge: str = ""
    fault: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BufferStateView:
    """One directed FIFO buffer with its messages, oldest first."""

    from_role: str
    to_role: str
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MachineStateView:
    """The state of one VM session after a round."""

    title: str
    session: int
    status: str
    coroutines: tuple[CoroutineStateView, ...]
    external_roles: tuple[str, ...] = ()
    buffers: tuple[BufferStateView, ...] = ()
    pending_sends: tuple[BufferStateView, ...] = ()


def message_text(label: object, payload: object) -> str:
    """``Label`` or ``Label(payload)`` with the payload cut short."""
    name = text_of(label)
    if payload is None:
        return name
    return f"{name}({shorten(repr(payload), 24)})"


def _session_view(source: object, sid: int | None) -> object:
    if hasattr(source, "coroutines") and hasattr(source, "buffers"):
        return source
    view = getattr(source, "view", None)
    if callable(view):
        try:
            return view(sid)
        except (LookupError, ValueError) as exc:
            raise ViewError(
                "no such VM session", actual=str(sid), expected="a loaded session id"
            ) from exc
    raise ViewError(
        "cannot read machine state",
        actual=type(source).__name__,
        expected="ProtocolMachine or SessionView",
    )


def machine_state_view(machine: object, sid: int | None = None) -> MachineStateView:
    """Snapshot of VM session ``sid`` of ``machine`` (or of a ``SessionView`` directly)."""
    sv = _session_view(machine, sid)
    session = int(getattr(sv, "session", sid or 0))
    coroutines = tuple(_coroutine(c) for c in getattr(sv, "coroutines", ()))
    buffers = tuple(
        sorted(
            (
                _buffer(
                    b.from_role, b.to_role, [message_text(m.label, m.payload) for m in b.messages]
                )
                for b in getattr(sv, "buffers", ())
                if b.messages
            ),
            key=lambda b: (b.from_role, b.to_role),
        )
    )
    return MachineStateView(
        title=f"session {session}",
        session=session,
        status=text_of(getattr(sv, "status", "")),
        coroutines=coroutines,
        external_roles=tuple(getattr(sv, "external_roles", ())),
        buffers=buffers,
        pending_sends=_pending(getattr(sv, "pending_sends", ())),
    )


def _coroutine(c: object) -> CoroutineStateView:
    edge = getattr(c, "edge", None)
    local = getattr(c, "local_type", None)
    return CoroutineStateView(
        role=text_of(getattr(c, "role", "")),
        status=text_of(getattr(c, "status", "")),
        next_type=shorten(format_local(local), 60) if local is not None else "",
        edge=f"{edge[0]}->{edge[1]}" if edge else "",
        fault=text_of(getattr(c, "fault", None)),
    )


def _buffer(src: str, dst: str, messages: list[str]) -> BufferStateView:
    return BufferStateView(from_role=src, to_role=dst, messages=tuple(messages))


def _pending(sends: object) -> tuple[BufferStateView, ...]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for p in sends:  # type: ignore[attr-defined]
        key = (p.from_role, p.to_role)
        grouped.setdefault(key, []).append(message_text(p.label, p.payload))
    return tuple(_buffer(a, b, msgs) for (a, b), msgs in sorted(grouped.items()))
