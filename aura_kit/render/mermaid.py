"""Sequence views to Mermaid sequence-diagram text (JupyterLab and GitHub draw it in Markdown).

Invariants:
- text only: no graphviz, no binary; one participant a role, in declared order;
- a message is ``A->>B: label(sort)``; a choice is ``alt choice at A`` with one ``else`` per
  further branch; a loop is ``loop rec X``; both close with ``end``;
- ``continue X`` and a truncated view are notes over every participant (Mermaid has no jump);
- ``end`` of the protocol draws nothing.
"""

from __future__ import annotations

from aura_kit.view.sequence import RowKind, SequenceRow, SequenceView


def sequence_mermaid(view: SequenceView) -> str:
    """Mermaid ``sequenceDiagram`` text for a sequence view."""
    lines = ["sequenceDiagram", f"    title {view.title}"]
    lines += [f"    participant {role}" for role in view.roles]
    span = f"{view.roles[0]},{view.roles[-1]}" if len(view.roles) > 1 else view.roles[0]
    for row in view.rows:
        line = _row(row, span)
        if line is not None:
            lines.append("    " * (row.depth + 1) + line)
    if view.truncated:
        lines.append(f"    Note over {span}: truncated")
    return "\n".join(lines) + "\n"


def _row(row: SequenceRow, span: str) -> str | None:
    if row.kind in (RowKind.MESSAGE, RowKind.RECEIVE) and len(row.roles) == 2:
        return f"{row.roles[0]}->>{row.roles[1]}: {row.text}"
    opener = {RowKind.CHOICE: "alt", RowKind.OR: "else", RowKind.LOOP: "loop"}.get(row.kind)
    if opener == "else":
        return "else"
    if opener is not None:
        return f"{opener} {row.text}"
    if row.kind in (RowKind.END_CHOICE, RowKind.END_LOOP):
        return "end"
    if row.kind is RowKind.END:
        return None
    return f"Note over {span}: {row.text}"
