"""Views to DOT, SVG, PNG and text. The only package that imports graphviz (lazily)."""

from aura_kit.render.automaton import automaton_dot, automaton_text
from aura_kit.render.errors import RenderError
from aura_kit.render.figure import Figure
from aura_kit.render.figures import (
    automata_figure,
    figure_for,
    figure_of_view,
    local_type_figure,
    machine_figure,
    ownership_figure,
    render_to_file,
    run_figure,
    sequence_figure,
    state_graph_figure,
    text_figure,
)
from aura_kit.render.machine import machine_dot, machine_text, state_graph_dot, state_graph_text
from aura_kit.render.mermaid import sequence_mermaid
from aura_kit.render.ownership import ownership_dot, ownership_text
from aura_kit.render.sequence import sequence_dot, sequence_text

__all__ = [
    # figures
    "Figure",
    "figure_for",
    "render_to_file",
    "figure_of_view",
    "sequence_figure",
    "run_figure",
    "automata_figure",
    "local_type_figure",
    "ownership_figure",
    "machine_figure",
    "state_graph_figure",
    "text_figure",
    # DOT and text of each view
    "sequence_dot",
    "sequence_text",
    "sequence_mermaid",
    "automaton_dot",
    "automaton_text",
    "ownership_dot",
    "ownership_text",
    "machine_dot",
    "machine_text",
    "state_graph_dot",
    "state_graph_text",
    # errors
    "RenderError",
]
