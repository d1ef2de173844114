"""What each role of a ``World`` can do next, said as moves and in plain words.

Invariants:
- everything here only reads the world (sessions, machines, inboxes); nothing changes it;
- a role's next action is the head of the local type its coroutine is at now: a send (one
  branch), a select (several: one move per label), or a receive; a receive is a move only
  when its message is there (delivered to the machine, or waiting in the role's inbox);
- a finished, faulted or closed role has no move; roles are listed in protocol order;
- the words say what a role does or waits for ("Buyer2 waits for Seller's Quote"), never
  the machine's internal status names;
- ``loop_exits`` names the select labels that leave a recursion, so a run that loops can
  say which choice would end it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aura_kit.machine.values import CoroutineStatus
from aura_kit.protocol.types import (
    Branch,
    End,
    Mu,
    PayloadSort,
    Recv,
    Send,
    Sort,
    Var,
    is_directed,
    peer_of,
    unfold,
)

from .demo_payloads import current_local_type

if TYPE_CHECKING:
    from aura_kit.lab.world import World


class MoveKind(StrEnum):
    """What a move does."""

    SEND = "send"
    SELECT = "select"
    RECEIVE = "receive"


@dataclass(frozen=True, slots=True, kw_only=True)
class Move:
    """One action a role can take now: ``Buyer2 selects Accept to Seller``."""

    role: str
    kind: MoveKind
    peer: str
    label: str
    sort: PayloadSort = Sort.UNIT

    def describe(self) -> str:
        """The move in words, as a button shows it."""
        if self.kind is MoveKind.RECEIVE:
            return f"{self.role} receives {self.label} from {self.peer}"
        verb = "sends" if self.kind is MoveKind.SEND else "chooses"
        return f"{self.role} {verb} {self.label} to {self.peer}"


def _head(world: World, role: str) -> Any:
    session = world.sessions.get(role)
    if session is None:
        return None
    local = current_local_type(session, role)
    return None if local is None else unfold(local)


def _status(world: World, role: str) -> CoroutineStatus | None:
    session = world.sessions.get(role)
    if session is None:
        return None
    return session.machine.coroutine_status(session.vm_session_id(), role)


def inbox_labels(world: World, role: str) -> list[tuple[str, str]]:
    """``(sender, label)`` of each message waiting in ``role``'s inbox, oldest first."""
    session = world.sessions[role]
    envelopes = world.network.inbox(world.authority_of[role], session.owner().session_id)
    return [(e.from_role, e.label) for e in envelopes if e.to_role == role]


def _waiting_label(world: World, role: str, head: Recv) -> str | None:
    """The label of the message ``role`` can take in now, or None when none is there."""
    if _status(world, role) is CoroutineStatus.READY:
        return _delivered_label(world, role, head)
    for sender, label in inbox_labels(world, role):
        if sender == head.partner:
            return label
    return None


def _delivered_label(world: World, role: str, head: Recv) -> str:
    """A message already handed to the machine (the last delivery of this role)."""
    received = [o.received for o in world.rounds if o.role == role and o.received]
    labels = {b.label for b in head.branches}
    return received[-1] if received and received[-1] in labels else head.branches[0].label


def role_moves(world: World, role: str) -> list[Move]:
    """The moves ``role`` can take now (none when it waits, finished or faulted)."""
    status = _status(world, role)
    head = _head(world, role)
    if status in (None, CoroutineStatus.DONE, CoroutineStatus.FAULTED) or role in world.complete:
        return []
    if isinstance(head, Send):
        kind = MoveKind.SEND if len(head.branches) == 1 else MoveKind.SELECT
        return [_move(role, kind, peer_of(head, b), b) for b in head.branches]
    if isinstance(head, Recv):
        label = _waiting_label(world, role, head)
        if label is None:
            return []
        branch = next((b for b in head.branches if b.label == label), head.branches[0])
        return [_move(role, MoveKind.RECEIVE, head.partner, branch)]
    return []


def _move(role: str, kind: MoveKind, peer: str, branch: Branch) -> Move:
    return Move(role=role, kind=kind, peer=peer, label=branch.label, sort=branch.sort)


def enabled_moves(world: World) -> list[Move]:
    """Every move any role can take now, roles in protocol order."""
    return [move for role in world.roles for move in role_moves(world, role)]


def _labels(branches: tuple[Branch, ...]) -> str:
    labels = [b.label for b in branches]
    return labels[0] if len(labels) == 1 else " or ".join([", ".join(labels[:-1]), labels[-1]])


def situation(world: World, role: str) -> str:
    """``role``'s situation in plain words: ``Buyer2 waits for Seller's Quote``."""
    status = _status(world, role)
    if status is None:
        return f"{role} has no open session"
    if status is CoroutineStatus.DONE or role in world.complete:
        return f"{role} is done"
    if status is CoroutineStatus.FAULTED:
        return f"{role} has failed (see the events)"
    head = _head(world, role)
    if isinstance(head, Send):
        if len(head.branches) == 1:
            return f"{role} is about to send {head.branches[0].label} to {head.partner}"
        queued = world.sessions[role].handler.queued_choices
        picked = f" (queued: {queued[0]})" if queued else ""
        if not is_directed(head):
            offers = ", ".join(f"{b.label} for {peer_of(head, b)}" for b in head.branches)
            return f"{role} chooses one of {offers}{picked}"
        return f"{role} chooses {_labels(head.branches)} for {head.partner}{picked}"
    if isinstance(head, Recv):
        label = _waiting_label(world, role, head)
        if label is not None:
            return f"{role} has {head.partner}'s {label} to take in"
        return f"{role} waits for {head.partner}'s {_labels(head.branches)}"
    return f"{role} is done"


def loop_exits(local_type: Any) -> tuple[str, ...]:
    """The select labels of ``local_type`` whose branch leaves the recursion it is in."""
    found: dict[str, None] = {}
    stack = [local_type]
    while stack:
        t = stack.pop()
        if isinstance(t, Mu):
            stack.append(t.body)
        elif isinstance(t, (Send, Recv)):
            if isinstance(t, Send) and len(t.branches) > 1:
                found.update((b.label, None) for b in t.branches if _leaves(b.cont))
            stack.extend(b.cont for b in t.branches)
    return tuple(found)


def _leaves(t: Any) -> bool:
    """Whether some path of ``t`` reaches ``end`` without going back to a loop."""
    stack = [t]
    while stack:
        t = stack.pop()
        if isinstance(t, End):
            return True
        if isinstance(t, Mu):
            stack.append(t.body)
        elif isinstance(t, (Send, Recv)):
            stack.extend(b.cont for b in t.branches)
        elif not isinstance(t, Var):
            return True
    return False
