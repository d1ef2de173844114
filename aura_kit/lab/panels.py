"""What the explorer says about a ``World`` in text: role status, buffers, current states.

Invariants:
- everything here only reads the world; nothing changes a session, a registry or a queue;
- roles are listed in protocol order; a role without an open session shows as closed;
- pictures of a world are drawn above this layer (``aura_kit.widgets.explorer_widget``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .explorer_moves import inbox_labels, situation

if TYPE_CHECKING:
    from aura_kit.lab.world import World


def role_status(world: World, role: str) -> str:
    """``Buyer2 waits for Seller's Quote`` (or ``Role: closed``)."""
    return situation(world, role) if role in world.sessions else f"{role}: closed"


def buffer_lines(world: World, role: str) -> list[str]:
    """Status, queued payloads and choices, and the inbox of one role."""
    session = world.sessions.get(role)
    if session is None:
        return [f"{role}: closed"]
    handler = session.handler
    payloads = [_text(p) for p in handler.queued_payloads]
    inbox = [f"{label} from {sender}" for sender, label in inbox_labels(world, role)]
    owner = session.owner()
    return [
        role_status(world, role),
        f"  owner: {owner.owner_label}, generation {owner.capability.generation}",
        f"  queued payloads: {payloads or '-'}",
        f"  queued choices: {list(handler.queued_choices) or '-'}",
        f"  inbox: {'; '.join(inbox) or '-'}",
    ]


def _text(payload: object) -> str:
    if isinstance(payload, bytes):
        return payload.decode("utf-8", "replace")
    return repr(payload)


def current_states(world: World) -> dict[str, int]:
    """The automaton state each open role's coroutine is in now (roles without one are left out)."""
    current = {}
    for role, session in world.sessions.items():
        for coroutine in session.machine.view(session.vm_session_id()).coroutines:
            if coroutine.role == role:
                current[role] = coroutine.state
    return current
