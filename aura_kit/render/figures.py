"""Pick the right picture for a model object; build ``Figure``s from views.

Invariants:
- ``figure_for`` never raises: an object it cannot draw gives a text-only ``Figure`` saying
  why (display hooks in core classes rely on this);
- every figure is built model → view → DOT/text, so the same object always gives the same
  DOT text;
- ``render_to_file`` writes one file chosen by suffix and raises ``RenderError`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from aura_kit.protocol.types import End, Mu, Protocol, Recv, Send, Var
from aura_kit.render.automaton import automaton_dot, automaton_text
from aura_kit.render.dot import DotWriter
from aura_kit.render.figure import Figure, write_figure
from aura_kit.render.machine import machine_dot, machine_text, state_graph_dot, state_graph_text
from aura_kit.render.ownership import ownership_dot, ownership_text
from aura_kit.render.sequence import sequence_dot, sequence_text
from aura_kit.view.automaton import (
    AutomataView,
    AutomatonView,
    automaton_view,
    protocol_automata_view,
)
from aura_kit.view.machine import MachineStateView, machine_state_view
from aura_kit.view.ownership import Handles, OwnershipView, ownership_view
from aura_kit.view.sequence import SequenceView, protocol_sequence_view, run_sequence_view
from aura_kit.view.states import StateGraphView, state_graph_view

if TYPE_CHECKING:
    from aura_kit.machine.values import MachineEvent
    from aura_kit.runtime.event_log import EventRecord

View = (
    SequenceView | AutomatonView | AutomataView | OwnershipView | MachineStateView | StateGraphView
)


def figure_of_view(view: View) -> Figure:
    """The figure of any view."""
    if isinstance(view, SequenceView):
        return Figure(
            kind="sequence", title=view.title, dot=sequence_dot(view), text=sequence_text(view)
        )
    if isinstance(view, AutomatonView | AutomataView):
        title = view.title if isinstance(view, AutomataView) else f"automaton {view.role}".strip()
        return Figure(
            kind="automata", title=title, dot=automaton_dot(view), text=automaton_text(view)
        )
    if isinstance(view, OwnershipView):
        return Figure(
            kind="ownership", title=view.title, dot=ownership_dot(view), text=ownership_text(view)
        )
    if isinstance(view, MachineStateView):
        return Figure(
            kind="machine", title=view.title, dot=machine_dot(view), text=machine_text(view)
        )
    return Figure(
        kind="states", title=view.title, dot=state_graph_dot(view), text=state_graph_text(view)
    )


def sequence_figure(protocol: Protocol) -> Figure:
    """Sequence diagram of a global protocol."""
    return figure_of_view(protocol_sequence_view(protocol))


def run_figure(
    events: Iterable[MachineEvent | EventRecord],
    *,
    roles: Iterable[str] = (),
    title: str = "run",
) -> Figure:
    """Sequence diagram of recorded events (machine events or event-log records)."""
    return figure_of_view(run_sequence_view(events, roles=roles, title=title))


def automata_figure(protocol: Protocol) -> Figure:
    """Every role's endpoint automaton."""
    return figure_of_view(protocol_automata_view(protocol))


def ownership_figure(
    *effect_systems: object, stale: Handles = (), title: str = "ownership"
) -> Figure:
    """Ownership and fragment graph of one or several authorities."""
    return figure_of_view(ownership_view(*effect_systems, stale=stale, title=title))


def machine_figure(machine: object, sid: int | None = None) -> Figure:
    """Machine state of one VM session (default: the most recently loaded one)."""
    if sid is None and callable(getattr(machine, "sessions", None)):
        sessions = machine.sessions()  # type: ignore[attr-defined]
        sid = max(sessions) if sessions else None
    return figure_of_view(machine_state_view(machine, sid))


def state_graph_figure(result: object) -> Figure:
    """The explored state graph with deadlocks and their traces."""
    return figure_of_view(state_graph_view(result))


def _pick(obj: object) -> Figure:
    if isinstance(obj, Figure):
        return obj
    if isinstance(obj, View):
        return figure_of_view(obj)
    if isinstance(obj, Protocol):
        return sequence_figure(obj)
    if isinstance(obj, End | Send | Recv | Mu | Var):
        return figure_of_view(automaton_view(obj))
    if hasattr(obj, "vm_fragment_snapshot"):
        return ownership_figure(obj)
    if hasattr(obj, "graph") and hasattr(obj, "deadlocks"):
        return state_graph_figure(obj)
    if (hasattr(obj, "coroutines") and hasattr(obj, "buffers")) or hasattr(obj, "views"):
        return machine_figure(obj)
    if isinstance(obj, list | tuple):
        return run_figure(obj)
    raise TypeError(f"no picture for {type(obj).__name__}")


def text_figure(title: str, text: str) -> Figure:
    """A figure that only has text (its DOT is one plain note)."""
    out = DotWriter(name=title)
    out.node("note", shape="note", label=text)
    return Figure(kind="text", title=title, dot=out.source(), text=text)


def figure_for(obj: object) -> Figure:
    """The picture of a Protocol, local type, EffectSystem, ProtocolMachine, explore result,
    event list or view; never raises (falls back to a text figure saying why)."""
    try:
        return _pick(obj)
    except Exception as exc:  # a display hook must not fail
        name = type(obj).__name__
        return text_figure(name, f"{name}: no picture ({type(exc).__name__}: {exc})")


def show(obj: object) -> Figure:
    """Same as ``figure_for``; the returned ``Figure`` displays itself in a notebook."""
    return figure_for(obj)


def render_to_file(obj: object, path: str | Path) -> Path:
    """Write the picture of ``obj`` to ``path`` (.svg, .png, .dot/.gv or .txt by suffix)."""
    return write_figure(_pick(obj), Path(path))
