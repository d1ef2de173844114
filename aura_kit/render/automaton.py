"""Automaton views to DOT and to text.

Marks that survive greyscale: initial state = arrow from a dot, final = double circle,
current state = filled and thick outline, last transition = thick edge with a bold label;
the highlighted role's box = doubled border, bold label and a tinted background.
"""

from __future__ import annotations

from aura_kit.render.dot import HIGHLIGHT, DotWriter, Html, html_escape, shorten
from aura_kit.view.automaton import AutomataView, AutomatonView


def automaton_dot(view: AutomatonView | AutomataView, *, highlight: str | None = None) -> str:
    """Deterministic DOT text of one automaton or several side by side (``highlight``: the
    role whose box is marked)."""
    automata = view.automata if isinstance(view, AutomataView) else (view,)
    title = view.title if isinstance(view, AutomataView) else _caption(view)
    out = DotWriter(name=title)
    out.graph_attrs(rankdir="LR", fontname="Helvetica", label=title, labelloc="t", nodesep=0.4)
    out.defaults("node", fontname="Helvetica", fontsize=11, shape="circle", width=0.4)
    out.defaults("edge", fontname="Helvetica", fontsize=10)
    # rankdir=LR stacks clusters bottom-up: emit in reverse so the first role is on top
    for i, auto in reversed(list(enumerate(automata))):
        sub = out.subgraph(f"cluster_{i}")
        if highlight is not None and auto.role == highlight:
            label = Html(f"<B>{html_escape(auto.role)} (selected)</B>")
            sub.graph_attrs(
                label=label, style="rounded,filled,bold", fillcolor=HIGHLIGHT, fontsize=13
            )
        else:
            sub.graph_attrs(label=auto.role or "automaton", style="rounded", fontsize=12)
        _automaton(sub, auto, f"a{i}_")
        out.add(sub)
    return out.source()


def _caption(auto: AutomatonView) -> str:
    head = f"{auto.role}: " if auto.role else ""
    return head + shorten(auto.local_type, 90)


def _automaton(out: DotWriter, auto: AutomatonView, prefix: str) -> None:
    out.node(f"{prefix}start", shape="point", width=0.08, label="")
    for state in auto.states:
        attrs: dict[str, str | int | float] = {
            "label": str(state.id),
            "tooltip": state.local_type,
        }
        if state.final:
            attrs["shape"] = "doublecircle"
        if state.current:
            attrs.update(style="filled", fillcolor="#9a9a9a", penwidth=3, label=f"{state.id}*")
        out.node(f"{prefix}{state.id}", **attrs)
        if state.initial:
            out.edge(f"{prefix}start", f"{prefix}{state.id}")
    for edge in auto.edges:
        attrs = {"label": edge.action}
        if edge.last:
            attrs.update(penwidth=3, label=Html(f"<B>{html_escape(edge.action)}</B>"))
        out.edge(f"{prefix}{edge.src}", f"{prefix}{edge.dst}", **attrs)


def automaton_text(view: AutomatonView | AutomataView) -> str:
    """Plain text: one line per state and transition, current and last marked."""
    automata = view.automata if isinstance(view, AutomataView) else (view,)
    lines = [view.title] if isinstance(view, AutomataView) else []
    for auto in automata:
        lines.append(_caption(auto))
        for s in auto.states:
            marks = [m for m, on in (("initial", s.initial), ("final", s.final)) if on]
            cur = "*" if s.current else " "
            tail = f" ({', '.join(marks)})" if marks else ""
            lines.append(f" {cur}{s.id}: {s.local_type}{tail}")
        for e in auto.edges:
            arrow = "==>" if e.last else "-->"
            lines.append(f"   {e.src} {arrow} {e.dst}  {e.action}")
    return "\n".join(lines)
