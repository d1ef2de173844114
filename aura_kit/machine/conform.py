"""Conformance of a recorded run to a global type, under asynchronous semantics.

Invariants:
- a send ``p->q:l`` moves a ``Comm`` from ``p`` whose branch ``l`` goes to ``q`` (its peer,
  which in a non-directed choice differs between branches) into an in-transit message; the
  matching
  receive by ``q`` consumes it; messages on one edge are received in FIFO order;
- an action of role ``a`` may overtake a communication only when ``a`` is neither its sender
  nor the receiver of any branch (or, for an in-transit message, when ``a`` is not its
  receiver); it must
  then be possible in every branch of that communication;
- ``halted`` by ``a`` is allowed only when ``a`` has nothing left to do;
- checked per session; only the action events (sent, selected, received, branched, halted)
  count, so every role of the session must run locally (external sends leave no event).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aura_kit.machine.values import RECV_KINDS, SEND_KINDS, EventKind, MachineEvent
from aura_kit.protocol.types import Comm, GlobalType, Mu, peer_of, peers, unfold


@dataclass(frozen=True, slots=True)
class _Transit:
    """A message sent but not yet received, ahead of the rest of the protocol."""

    sender: str
    receiver: str
    label: str
    cont: object


@dataclass(frozen=True, slots=True, kw_only=True)
class Conformance:
    """Result of ``conforms``: truthy when the trace is allowed."""

    ok: bool
    index: int | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


Action = tuple[str, str, str, str]  # (actor, sender, receiver, label); label "" for halt


def conforms(global_type: GlobalType, trace: Iterable[MachineEvent]) -> Conformance:
    """Whether every session of ``trace`` is a run that ``global_type`` allows."""
    states: dict[int, object] = {}
    for i, ev in enumerate(trace):
        action = _action(ev)
        if action is None:
            continue
        current = states.get(ev.session, global_type)
        nxt = _advance(current, action, frozenset())
        if nxt is None:
            return Conformance(ok=False, index=i, reason=f"{_text(ev)} is not allowed here")
        states[ev.session] = nxt
    return Conformance(ok=True)


def _action(ev: MachineEvent) -> Action | None:
    if ev.role is None:
        return None
    if ev.kind in SEND_KINDS:
        return ("send", ev.role, ev.peer or "", ev.label or "")
    if ev.kind in RECV_KINDS:
        return ("recv", ev.peer or "", ev.role, ev.label or "")
    if ev.kind is EventKind.HALTED:
        return ("halt", ev.role, "", "")
    return None


def _actor(action: Action) -> str:
    return action[2] if action[0] == "recv" else action[1]


def _advance(g: object, action: Action, seen: frozenset[object]) -> object | None:
    """The rest of ``g`` after ``action``, or ``None`` when ``g`` does not allow it."""
    if isinstance(g, Mu):
        if g in seen:
            return None
        return _advance(unfold(g), action, seen | {g})
    if action[0] == "halt":
        return g if not _occurs(g, action[1], frozenset()) else None
    if isinstance(g, _Transit):
        return _advance_transit(g, action, seen)
    if isinstance(g, Comm):
        return _advance_comm(g, action, seen)
    return None


def _advance_transit(g: _Transit, action: Action, seen: frozenset[object]) -> object | None:
    kind, sender, receiver, label = action
    if kind == "recv" and (sender, receiver) == (g.sender, g.receiver):
        return g.cont if label == g.label else None
    if _actor(action) == g.receiver:
        return None
    rest = _advance(g.cont, action, seen)
    return None if rest is None else _Transit(g.sender, g.receiver, g.label, rest)


def _advance_comm(g: Comm, action: Action, seen: frozenset[object]) -> object | None:
    kind, sender, receiver, label = action
    if kind == "send" and sender == g.sender:
        for b in g.branches:
            if b.label == label and peer_of(g, b) == receiver:
                return _Transit(sender, receiver, label, b.cont)
        return None
    if _actor(action) in (g.sender, *peers(g)):
        return None
    branches = []
    for b in g.branches:
        rest = _advance(b.cont, action, seen)
        if rest is None:
            return None
        branches.append(b.with_cont(rest))  # type: ignore[arg-type]
    return Comm(g.sender, g.receiver, tuple(branches))


def _occurs(g: object, role: str, seen: frozenset[object]) -> bool:
    """Whether ``role`` still has something to do in ``g``."""
    if isinstance(g, Mu):
        return g not in seen and _occurs(g.body, role, seen | {g})
    if isinstance(g, _Transit):
        return role == g.receiver or _occurs(g.cont, role, seen)
    if isinstance(g, Comm):
        if role in (g.sender, *peers(g)):
            return True
        return any(_occurs(b.cont, role, seen) for b in g.branches)
    return False


def _text(ev: MachineEvent) -> str:
    return f"event {ev.kind.value} {ev.role}<->{ev.peer}:{ev.label}"
