"""What the explorer shows about a ``World``: role status, buffers and the two figures.

Invariants:
- everything here only reads the world; nothing changes a session, a registry or a queue;
- roles are listed in protocol order; a role without an open session shows as closed;
- a current state the automata view cannot place is left unmarked (the picture still draws);
- render and view modules are imported inside the figure functions, so the model stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aura_kit.render.figure import Figure
    from aura_kit.runtime.world import World
    from aura_kit.view.automaton import AutomataView


def role_status(world: World, role: str) -> str:
    """``Role[status] label#generation``."""
    session = world.sessions.get(role)
    if session is None:
        return f"{role}[closed]"
    status = session.machine.coroutine_status(session.vm_session_id(), role)
    owner = session.owner()
    return f"{role}[{status}] {owner.owner_label}#{owner.capability.generation}"


def buffer_lines(world: World, role: str) -> list[str]:
    """Status, queued payloads and choices, and the inbox of one role."""
    session = world.sessions.get(role)
    if session is None:
        return [f"{role}: closed"]
    handler = session.handler
    payloads = [_text(p) for p in handler.queued_payloads]
    inbox = [
        f"{e.from_role}->{e.to_role} {e.label}({bytes(e.payload).decode('utf-8', 'replace')})"
        for e in world.network.inbox(world.authority_of[role], session.owner().session_id)
    ]
    return [
        role_status(world, role),
        f"  queued payloads: {payloads or '-'}",
        f"  queued choices: {list(handler.queued_choices) or '-'}",
        f"  inbox: {'; '.join(inbox) or '-'}",
    ]


def _text(payload: object) -> str:
    if isinstance(payload, bytes):
        return payload.decode("utf-8", "replace")
    return repr(payload)


def ownership_figure(world: World) -> Figure:
    """Authorities, sessions, owners, fragments, transfer history and stale handles."""
    from aura_kit.render import figures

    title = f"ownership of {world.protocol.name}"
    return figures.ownership_figure(
        *world.systems.values(), stale=world.stale_handles(), title=title
    )


def automata_figure(world: World) -> Figure:
    """Every role's endpoint automaton with its current state marked."""
    from aura_kit.render.figures import figure_of_view

    return figure_of_view(_automata_view(world, f"automata of {world.protocol.name}"))


def _automata_view(world: World, title: str) -> AutomataView:
    from aura_kit.view.automaton import automata_view, current_states
    from aura_kit.view.errors import ViewError

    order = world.roles
    current = {}
    for role, session in world.sessions.items():
        state = current_states(session.machine.view(session.vm_session_id())).get(role)
        if state is not None:
            current[role] = state
    try:
        return automata_view(world.local_types, title=title, order=order, current=current or None)
    except ViewError:
        return automata_view(world.local_types, title=title, order=order)
