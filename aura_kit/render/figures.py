"""Pick the right picture for a model object; build ``Figure``s from views.

Invariants:
- ``figure_for`` chooses by type: the first class in the object's MRO that ``FIGURES`` lists
  draws it (a subclass draws like its base); ``figure_of_view`` chooses in ``VIEW_FIGURES``
  the same way;
- ``figure_for`` never raises: an object it cannot draw gives a text-only ``Figure`` saying
  why (display hooks in core classes rely on this);
- every figure is built model → view → DOT/text, so the same object always gives the same
  DOT text;
- ``render_to_file`` writes one file chosen by suffix and raises ``RenderError`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aura_kit.lab.timeline import RunTimeline
from aura_kit.lab.world import World
from aura_kit.machine.explore_result import ExploreResult
from aura_kit.machine.machine import ProtocolMachine
from aura_kit.machine.values import SessionView
from aura_kit.protocol.types import End, LocalType, Mu, Protocol, Recv, Send, Var
from aura_kit.render.automaton import automaton_dot, automaton_text
from aura_kit.render.dot import DotWriter
from aura_kit.render.figure import Figure, write_figure
from aura_kit.render.machine import (
    machine_dot,
    machine_text,
    session_title,
    state_graph_dot,
    state_graph_text,
)
from aura_kit.render.ownership import ownership_dot, ownership_text
from aura_kit.render.sequence import sequence_dot, sequence_text
from aura_kit.runtime import EffectSystem
from aura_kit.view.automaton import (
    AutomataView,
    AutomatonView,
    automaton_view,
    protocol_automata_view,
)
from aura_kit.view.ownership import Handles, OwnershipView, ownership_view
from aura_kit.view.sequence import (
    SequenceView,
    protocol_sequence_view,
    run_sequence_view,
    timeline_sequence_view,
)
from aura_kit.view.states import StateGraphView, state_graph_view

View = SequenceView | AutomatonView | AutomataView | OwnershipView | SessionView | StateGraphView
T = TypeVar("T")

if TYPE_CHECKING:
    from aura_kit.machine.values import MachineEvent
    from aura_kit.runtime.events import EventRecord


def _sequence(view: SequenceView) -> Figure:
    return Figure(
        kind="sequence", title=view.title, dot=sequence_dot(view), text=sequence_text(view)
    )


def automata_view_figure(
    view: AutomatonView | AutomataView, *, highlight: str | None = None
) -> Figure:
    """The figure of an automata view (``highlight``: the role whose box is marked)."""
    title = view.title if isinstance(view, AutomataView) else f"automaton {view.role}".strip()
    dot = automaton_dot(view, highlight=highlight)
    return Figure(kind="automata", title=title, dot=dot, text=automaton_text(view))


def _ownership(
    view: OwnershipView, recent: int | None = None, highlight: str | None = None
) -> Figure:
    return Figure(
        kind="ownership",
        title=view.title,
        dot=ownership_dot(view, recent=recent, highlight=highlight),
        text=ownership_text(view),
    )


def _machine(view: SessionView) -> Figure:
    return Figure(
        kind="machine", title=session_title(view), dot=machine_dot(view), text=machine_text(view)
    )


def _states(view: StateGraphView) -> Figure:
    return Figure(
        kind="states", title=view.title, dot=state_graph_dot(view), text=state_graph_text(view)
    )


VIEW_FIGURES: Mapping[type, Callable[[Any], Figure]] = {
    SequenceView: _sequence,
    AutomatonView: automata_view_figure,
    AutomataView: automata_view_figure,
    OwnershipView: _ownership,
    SessionView: _machine,
    StateGraphView: _states,
}


def _lookup(table: Mapping[type, T], obj: object) -> T:
    for cls in type(obj).__mro__:
        found = table.get(cls)
        if found is not None:
            return found
    raise TypeError(f"no picture for {type(obj).__name__}")


def figure_of_view(view: View) -> Figure:
    """The figure of any view."""
    return _lookup(VIEW_FIGURES, view)(view)


def sequence_figure(protocol: Protocol) -> Figure:
    """Sequence diagram of a global protocol."""
    return figure_of_view(protocol_sequence_view(protocol))


def run_figure(
    events: Iterable[MachineEvent | EventRecord] | World | RunTimeline,
    *,
    roles: Iterable[str] = (),
    title: str = "run",
) -> Figure:
    """Sequence diagram of recorded events (machine events or event-log records), or of a
    ``World``'s whole run over all its authorities (one lifeline per authority)."""
    if isinstance(events, World):
        events = events.run_timeline()
    if isinstance(events, RunTimeline):
        return timeline_figure(events)
    return figure_of_view(run_sequence_view(events, roles=roles, title=title))


def timeline_figure(timeline: RunTimeline, *, highlight: str | None = None) -> Figure:
    """One sequence diagram of a world's run over all its authorities (``highlight``: the
    role whose lifeline is marked)."""
    view = timeline_sequence_view(timeline)
    if highlight is None:
        return figure_of_view(view)
    dot = sequence_dot(view, highlight=highlight)
    return Figure(kind="sequence", title=view.title, dot=dot, text=sequence_text(view))


def automata_figure(protocol: Protocol) -> Figure:
    """Every role's endpoint automaton."""
    return figure_of_view(protocol_automata_view(protocol))


def local_type_figure(local_type: LocalType) -> Figure:
    """The endpoint automaton of one local type."""
    return figure_of_view(automaton_view(local_type))


def ownership_figure(
    *effect_systems: object,
    stale: Handles = (),
    title: str = "ownership",
    recent: int | None = None,
    highlight: str | None = None,
) -> Figure:
    """Ownership and fragment graph of one or several authorities; ``recent=n`` draws only
    the last ``n`` earlier owners of each session and groups its stale handles, and marks
    the authority ``highlight``."""
    view = ownership_view(*effect_systems, stale=stale, title=title)
    if recent is None:
        return figure_of_view(view)
    return _ownership(view, recent, highlight)


def machine_figure(machine: ProtocolMachine, sid: int | None = None) -> Figure:
    """Machine state of one VM session (default: the most recently loaded one)."""
    if sid is None:
        sid = max(machine.sessions(), default=0)  # ids are positive: 0 is UnknownSession
    return figure_of_view(machine.view(sid))


def world_figure(world: World) -> Figure:
    """Ownership and fragment graph of every authority of a lab ``World``, stale handles too."""
    return ownership_figure(*world.systems.values(), stale=world.stale_handles())


def state_graph_figure(result: ExploreResult) -> Figure:
    """The explored state graph with deadlocks and their traces."""
    return figure_of_view(state_graph_view(result))


def _itself(figure: Figure) -> Figure:
    return figure


FIGURES: Mapping[type, Callable[[Any], Figure]] = {
    Figure: _itself,
    **VIEW_FIGURES,
    Protocol: sequence_figure,
    End: local_type_figure,
    Send: local_type_figure,
    Recv: local_type_figure,
    Mu: local_type_figure,
    Var: local_type_figure,
    EffectSystem: ownership_figure,
    World: world_figure,
    ExploreResult: state_graph_figure,
    RunTimeline: timeline_figure,
    ProtocolMachine: machine_figure,
    list: run_figure,
    tuple: run_figure,
}


def text_figure(title: str, text: str) -> Figure:
    """A figure that only has text (its DOT is one plain note)."""
    out = DotWriter(name=title)
    out.node("note", shape="note", label=text)
    return Figure(kind="text", title=title, dot=out.source(), text=text)


def figure_for(obj: object) -> Figure:
    """The picture of a Protocol, local type, EffectSystem, ProtocolMachine, explore result,
    event list or view; never raises (falls back to a text figure saying why)."""
    try:
        return _lookup(FIGURES, obj)(obj)
    except Exception as exc:  # a display hook must not fail
        name = type(obj).__name__
        return text_figure(name, f"{name}: no picture ({type(exc).__name__}: {exc})")


def render_to_file(obj: object, path: str | Path) -> Path:
    """Write the picture of ``obj`` to ``path`` (.svg, .png, .dot/.gv or .txt by suffix)."""
    return write_figure(_lookup(FIGURES, obj)(obj), Path(path))
