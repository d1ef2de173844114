"""Sequence views to DOT and to text.

Layout: one column per role (a dashed lifeline of row points between a head and a foot box)
plus a left gutter column for block markers (choice, or, rec, continue, drops). Every row is
one rank. Messages are arrows between the points of their start and end rows.
Greyscale-safe: blocks are marked by text and shapes (diamond = choice, box = fault,
octagon = drop), undelivered messages are dashed.
"""

from __future__ import annotations

import itertools

from aura_kit.render.dot import HIGHLIGHT, DotWriter, Html, html_escape, shorten
from aura_kit.view.sequence import (
    ArrowStatus,
    RowKind,
    SequenceArrow,
    SequenceRow,
    SequenceView,
    message_label,
)

_GUTTER_KINDS = frozenset(
    {
        RowKind.CHOICE,
        RowKind.OR,
        RowKind.END_CHOICE,
        RowKind.LOOP,
        RowKind.END_LOOP,
        RowKind.CONTINUE,
        RowKind.END,
        RowKind.DROP,
    }
)
_MARK = {
    RowKind.CHOICE: "┌ ",
    RowKind.OR: "├ ",
    RowKind.END_CHOICE: "└ ",
    RowKind.LOOP: "┌ ",
    RowKind.END_LOOP: "└ ",
    RowKind.CONTINUE: "↺ ",
    RowKind.END: "■ ",
    RowKind.DROP: "✗ ",
}


def sequence_dot(view: SequenceView, *, highlight: str | None = None) -> str:
    """Deterministic DOT text of a sequence view (``highlight``: a role to mark)."""
    out = DotWriter(name=view.title)
    out.graph_attrs(
        rankdir="TB",
        splines="false",
        nodesep=1.1,
        ranksep=0.3,
        forcelabels=True,
        fontname="Helvetica",
        label=view.title + (" (truncated)" if view.truncated else ""),
        labelloc="t",
    )
    out.defaults("node", fontname="Helvetica", fontsize=11)
    out.defaults("edge", fontname="Helvetica", fontsize=10)
    cols = {role: i for i, role in enumerate(view.roles)}
    _ends(out, view, "h", highlight)
    for row in view.rows:
        _row(out, row, cols)
    _ends(out, view, "f", highlight)
    _lifelines(out, view)
    for arrow in view.arrows:
        _arrow(out, arrow, cols, len(view.rows))
    return out.source()


def _ends(out: DotWriter, view: SequenceView, tag: str, highlight: str | None = None) -> None:
    out.node(f"g{tag}", shape="plaintext", label="")
    ids = [f"g{tag}"]
    names = view.lifelines or view.roles
    for i, name in enumerate(names):
        if view.roles[i] == highlight:
            out.node(
                f"{tag}{i}",
                shape="box",
                style="filled,bold",
                fillcolor=HIGHLIGHT,
                peripheries=2,
                label=name,
            )
        else:
            out.node(f"{tag}{i}", shape="box", style="filled,bold", fillcolor="#e8e8e8", label=name)
        ids.append(f"{tag}{i}")
    out.same_rank(ids)
    for left, right in itertools.pairwise(ids):
        out.edge(left, right, style="invis")


def _row(out: DotWriter, row: SequenceRow, cols: dict[str, int]) -> None:
    i = row.index
    text = ""
    if row.kind in _GUTTER_KINDS and not (row.kind is RowKind.DROP and row.roles):
        text = "│ " * row.depth + _MARK[row.kind] + row.text
    elif row.kind is RowKind.EVENT and not row.roles:
        text = "· " + row.text
    boxed = row.kind is RowKind.DROP and bool(text)
    out.node(f"g{i}", shape="plaintext", label=_gutter_label(text, boxed))
    ids = [f"g{i}"]
    for role, c in cols.items():
        out.node(f"r{c}_{i}", **_point_attrs(row, role))
        ids.append(f"r{c}_{i}")
    out.same_rank(ids)


def _gutter_label(text: str, boxed: bool) -> Html:
    border = ' BORDER="1" STYLE="ROUNDED"' if boxed else ""
    cell = html_escape(shorten(text, 44)) or " "
    width = 170 if text else 1  # an empty gutter (a run with no block rows) takes no room
    return Html(
        f'<TABLE BORDER="0" CELLPADDING="1"><TR><TD ALIGN="LEFT" WIDTH="{width}"{border}>'
        f'<FONT POINT-SIZE="10">{cell}</FONT></TD></TR></TABLE>'
    )


def _point_attrs(row: SequenceRow, role: str) -> dict[str, str | float]:
    if role not in row.roles or row.kind in (RowKind.OR, RowKind.END_CHOICE):
        return {"shape": "point", "width": 0.02, "label": ""}
    if row.kind is RowKind.FAULT:
        return {"shape": "box", "style": "bold", "peripheries": 2, "label": "✗ " + row.text}
    if row.kind is RowKind.CHOICE:
        return {"shape": "diamond", "width": 0.18, "height": 0.18, "label": ""}
    if row.kind is RowKind.EVENT:
        return {"shape": "plaintext", "fontsize": 9, "label": shorten(row.text, 30)}
    if row.kind is RowKind.DROP:
        return {"shape": "plaintext", "fontsize": 9, "label": "✗ " + shorten(row.text, 34)}
    return {"shape": "point", "width": 0.07, "label": ""}


def _lifelines(out: DotWriter, view: SequenceView) -> None:
    n = len(view.rows)
    for c in [None, *range(len(view.roles))]:
        ids = [f"r{c}_{i}" for i in range(n)] if c is not None else [f"g{i}" for i in range(n)]
        chain = [f"h{c}" if c is not None else "gh", *ids, f"f{c}" if c is not None else "gf"]
        style = "dashed" if c is not None else "invis"
        for top, bottom in itertools.pairwise(chain):
            out.edge(top, bottom, style=style, arrowhead="none", weight=100)


def _arrow(out: DotWriter, arrow: SequenceArrow, cols: dict[str, int], n: int) -> None:
    if arrow.sender not in cols or arrow.receiver not in cols:
        return
    s, t = cols[arrow.sender], cols[arrow.receiver]
    label = arrow_label(arrow)
    head = f"r{t}_{arrow.end_row}" if arrow.end_row is not None else f"f{t}"
    attrs: dict[str, str | int | float | bool] = {"constraint": False}
    if arrow.status is ArrowStatus.IN_FLIGHT:
        label = f"{label} (in flight)"
        attrs.update(style="dashed", arrowhead="open")
    cell = f"<TR><TD>{html_escape(label)}</TD></TR>"
    attrs["xlabel"] = Html(f'<TABLE BORDER="0" CELLPADDING="0" BGCOLOR="white">{cell}</TABLE>')
    out.edge(f"r{s}_{arrow.start_row}", head, **attrs)


def arrow_label(arrow: SequenceArrow) -> str:
    """``Label`` or ``Label(sort)``."""
    return message_label(arrow.label, arrow.sort)


def sequence_text(view: SequenceView) -> str:
    """A readable plain-text form: one line per row."""
    lines = [view.title + (" (truncated)" if view.truncated else "")]
    lines.append("roles: " + ", ".join(view.roles))
    by_start = {a.start_row: a for a in view.arrows}
    for row in view.rows:
        lines.append(
            f"{row.index:>3} " + "  " * row.depth + _row_text(row, by_start.get(row.index))
        )
    return "\n".join(lines)


def _row_text(row: SequenceRow, arrow: SequenceArrow | None) -> str:
    if row.kind is RowKind.MESSAGE and arrow is not None:
        text = f"{arrow.sender} -> {arrow.receiver}: {arrow_label(arrow)}"
        if arrow.status is ArrowStatus.IN_FLIGHT:
            return text + "  (in flight)"
        if arrow.end_row is not None and arrow.end_row != row.index:
            return text + f"  (received at row {arrow.end_row})"
        return text
    if row.kind is RowKind.RECEIVE:
        return f"{', '.join(row.roles)} {row.text}"
    if row.kind in (RowKind.FAULT, RowKind.DROP):
        who = ", ".join(row.roles)
        return f"!! {who} {row.text}".replace("  ", " ")
    if row.kind is RowKind.EVENT and row.roles:
        return f"{', '.join(row.roles)}: {row.text}"
    return row.text
