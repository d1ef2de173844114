"""Demo payloads: a value of the right sort for a send that nobody queued a payload for.

Invariants:
- a demo payload is queued only when the role's next action is a send of a non-unit sort and
  no payload is queued; a choice is never queued (the handler takes the queued or first branch);
- the sort is that of the queued choice's branch, else of the send's first branch.
"""

from __future__ import annotations

from typing import Any

from aura_kit.protocol.types import PayloadSort, Send, Sort, TupleSort, unfold
from aura_kit.runtime import OwnedVmSession
from aura_kit.runtime.codec import DEFAULT_CODEC, Codec

DEMO_PAYLOADS: dict[Sort, object] = {
    Sort.BOOL: True,
    Sort.INT: 42,
    Sort.STR: "demo",
    Sort.BYTES: b"demo",
}


def next_send_sort(local_type: Any, queued_choices: tuple[str, ...]) -> PayloadSort | None:
    """The sort of the role's next send (the queued or first branch), None when not a send."""
    head = unfold(local_type)
    if not isinstance(head, Send):
        return None
    wanted = queued_choices[0] if queued_choices else None
    branch = next((b for b in head.branches if b.label == wanted), head.branches[0])
    return branch.sort


def current_local_type(session: OwnedVmSession, role: str) -> Any:
    """The local type ``role``'s coroutine is at now, or None when the machine has none."""
    view = session.machine.view(session.vm_session_id())
    return next((c.local_type for c in view.coroutines if c.role == role), None)


def queue_demo_payload(session: OwnedVmSession, role: str, codec: Codec = DEFAULT_CODEC) -> None:
    """Queue a demo payload when ``role``'s next send needs one and none is queued."""
    handler = session.handler
    if handler.queued_payloads:
        return
    local = current_local_type(session, role)
    sort = None if local is None else next_send_sort(local, handler.queued_choices)
    if sort is not None and sort is not Sort.UNIT:
        session.queue_send_bytes(codec.encode(sort, demo_payload(sort)))


def demo_payload(sort: PayloadSort) -> object:
    """A demo value of ``sort``: a tuple of its parts' demo values; ``"demo"`` for a user sort."""
    if isinstance(sort, TupleSort):
        return tuple(demo_payload(part) for part in sort.parts)
    return DEMO_PAYLOADS.get(sort, "demo") if isinstance(sort, Sort) else "demo"
