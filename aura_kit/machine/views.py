"""Read-only session pictures for the view layer (frozen plain data, nothing live).

Invariants:
- a view never shares a mutable object with the machine;
- coroutines appear in the image's role order, buffers in (from, to) role order.
"""

from __future__ import annotations

from typing import Any

from aura_kit.machine.values import CoroutineView, EdgeView, Message, SessionView


def session_view(sess: Any) -> SessionView:
    """Freeze one internal ``VmSession`` into a ``SessionView``."""
    coroutines = tuple(
        CoroutineView(
            role=c.role,
            state=c.state,
            local_type=c.states[c.state].local_type,
            status=c.status,
            edge=c.edge,
            fault=c.fault,
        )
        for c in sess.order
    )
    buffers = tuple(
        EdgeView(from_role=src, to_role=dst, messages=tuple(Message(lab, p) for lab, p in q))
        for (src, dst), q in sorted(sess.buffers.items())
    )
    return SessionView(
        session=sess.sid,
        status=sess.status,
        coroutines=coroutines,
        external_roles=tuple(r for r in sess.image.roles if r in sess.external),
        buffers=buffers,
        pending_sends=tuple(sess.pending),
    )
