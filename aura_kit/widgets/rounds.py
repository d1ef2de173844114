"""One role's part of an explorer round, and the text the explorer shows about a role.

Invariants:
- a role advances inside its own ``HostTask``: prime, one bridge round, then inject the
  delivered receive if there is one (the sync driver never waits);
- priming queues a demo payload only when the role's next action is a send of a non-unit
  sort and nothing is queued; it never queues a choice;
- a role is done once its machine reports ``ALL_DONE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aura_kit.machine.values import StepResult
from aura_kit.protocol import Mu, Recv, Send, Sort, unfold
from aura_kit.runtime.bridge import is_transport_no_message
from aura_kit.runtime.codec import DEFAULT_CODEC

if TYPE_CHECKING:
    from aura_kit.widgets.logic import Seat

DEMO_PAYLOADS: dict[Sort, object] = {
    Sort.BOOL: True,
    Sort.INT: 42,
    Sort.STR: "demo",
    Sort.BYTES: b"demo",
}


def next_send_sort(local_type: Any, queued_choices: tuple[str, ...]) -> Sort | None:
    """The sort of the role's next send (the queued or first branch), None when not a send."""
    head = unfold(local_type)
    if not isinstance(head, Send):
        return None
    wanted = queued_choices[0] if queued_choices else None
    branch = next((b for b in head.branches if b.label == wanted), head.branches[0])
    return branch.sort


def prime(seat: Seat) -> None:
    """Queue a demo payload when the next send needs one and none is queued."""
    session = seat.session
    assert session is not None
    handler = session.handler
    if handler.queued_payloads:
        return
    view = session.machine.view(session.vm_session_id())
    local = next((c.local_type for c in view.coroutines if c.role == seat.role), None)
    sort = None if local is None else next_send_sort(local, handler.queued_choices)
    if sort is not None and sort is not Sort.UNIT:
        session.queue_send_bytes(DEFAULT_CODEC.encode(sort, DEMO_PAYLOADS[sort]))


def advance_seat(seat: Seat, peers: Mapping[str, Any]) -> str:
    """One round for ``seat``'s role; returns ``role: step/wait`` for the status message."""
    session = seat.session
    assert session is not None
    with seat.task:
        prime(seat)
        outcome = session.advance_round_until_receive(seat.role, peers, is_transport_no_message)
        if outcome.blocked_receive is not None:
            session.inject_blocked_receive(outcome.blocked_receive)
    if outcome.step is StepResult.ALL_DONE:
        seat.done = True
    return f"{seat.role} {outcome.step}/{outcome.host_wait_status}"


def role_status(seat: Seat) -> str:
    """``Role[status] label#generation``."""
    session = seat.session
    if session is None:
        return f"{seat.role}[closed]"
    status = session.machine.coroutine_status(session.vm_session_id(), seat.role)
    owner = session.owner()
    return f"{seat.role}[{status}] {owner.owner_label}#{owner.capability.generation}"


def session_lines(seat: Seat, network: Any, session_id: Any) -> list[str]:
    """Status, queued payloads and choices, and the inbox of one role."""
    session = seat.session
    if session is None:
        return [f"{seat.role}: closed"]
    handler = session.handler
    payloads = [_text(p) for p in handler.queued_payloads]
    inbox = [
        f"{e.from_role}->{e.to_role} {e.label}({bytes(e.payload).decode('utf-8', 'replace')})"
        for e in network.inbox(seat.authority, session.owner().session_id)
    ]
    return [
        role_status(seat),
        f"  queued payloads: {payloads or '-'}",
        f"  queued choices: {list(handler.queued_choices) or '-'}",
        f"  inbox: {'; '.join(inbox) or '-'}",
    ]


def _text(payload: object) -> str:
    if isinstance(payload, bytes):
        return payload.decode("utf-8", "replace")
    return repr(payload)


def select_labels(local_type: Any) -> tuple[str, ...]:
    """Every label the role can select (sends with several branches), in order."""
    found: dict[str, None] = {}
    stack = [local_type]
    while stack:
        t = stack.pop()
        if isinstance(t, Mu):
            stack.append(t.body)
        elif isinstance(t, (Send, Recv)):
            if isinstance(t, Send) and len(t.branches) > 1:
                found.update(dict.fromkeys(b.label for b in t.branches))
            stack.extend(reversed([b.cont for b in t.branches]))
    return tuple(found)
