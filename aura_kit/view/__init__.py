"""Frozen, dependency-free snapshots of protocols, explored states and ownership for display.

A machine session needs no snapshot here: the renderer reads the machine's own
``SessionView`` (``ProtocolMachine.view``).
"""

from aura_kit.view.automaton import (
    AutomataView,
    AutomatonEdge,
    AutomatonState,
    AutomatonView,
    automata_view,
    automaton_view,
    current_states,
    protocol_automata_view,
)
from aura_kit.view.errors import ViewError
from aura_kit.view.events import EventView, event_log_frame, event_view
from aura_kit.view.ownership import (
    AuthorityView,
    FragmentView,
    OwnershipView,
    SessionNodeView,
    SessionState,
    StaleHandleView,
    ownership_view,
)
from aura_kit.view.sequence import (
    ArrowStatus,
    RowKind,
    SequenceArrow,
    SequenceRow,
    SequenceView,
    protocol_sequence_view,
    run_sequence_view,
)
from aura_kit.view.states import StateGraphView, state_graph_view

__all__ = [
    # sequence diagrams
    "SequenceView",
    "SequenceRow",
    "SequenceArrow",
    "RowKind",
    "ArrowStatus",
    "protocol_sequence_view",
    "run_sequence_view",
    "EventView",
    "event_view",
    "event_log_frame",
    # automata
    "AutomatonView",
    "AutomataView",
    "AutomatonState",
    "AutomatonEdge",
    "automaton_view",
    "automata_view",
    "protocol_automata_view",
    "current_states",
    # explored states
    "StateGraphView",
    "state_graph_view",
    # ownership
    "OwnershipView",
    "AuthorityView",
    "SessionNodeView",
    "SessionState",
    "FragmentView",
    "StaleHandleView",
    "ownership_view",
    # errors
    "ViewError",
]
