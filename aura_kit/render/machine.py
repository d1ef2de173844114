"""Machine sessions and state-graph views to DOT and to text.

Machine state: the machine's own ``SessionView``, drawn as one card per coroutine (role,
status symbol, next local type cut to 60 characters), external roles as dashed boxes, each
non-empty buffer as a queue node between sender and receiver, sorted by (from, to), and the
pending sends grouped by edge; a payload shows as its ``repr`` cut to 24 characters.
State graph: initial state bold, done = double outline, deadlock = dark filled box with
"✗", orphan / fault = dashed box; trace edges are thick and numbered, so greyscale still reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from aura_kit.machine.explore_result import GraphNode
from aura_kit.machine.values import (
    RECV_KINDS,
    SEND_KINDS,
    CoroutineView,
    Payload,
    PendingSend,
    SessionView,
)
from aura_kit.protocol.local import format_local
from aura_kit.render.dot import DotWriter, Html, html_escape, shorten
from aura_kit.view.states import Move, StateGraphView, edge_move, event_move
from aura_kit.view.text import text_of

DETAIL_LIMIT = 25
_SYMBOL = {
    "ready": "▶ ready",
    "blocked_recv": "◇ waits to receive",
    "blocked_send": "◇ waits to send (buffer full)",
    "done": "✓ done",
    "faulted": "✗ faulted",
}


Queue = tuple[str, str, tuple[str, ...]]  # (from role, to role, message texts)


def message_text(label: str, payload: Payload) -> str:
    """``Label`` or ``Label(payload)`` with the payload cut short."""
    if payload is None:
        return label
    return f"{label}({shorten(repr(payload), 24)})"


def session_title(view: SessionView) -> str:
    """``session N``."""
    return f"session {view.session}"


def _buffers(view: SessionView) -> list[Queue]:
    return [
        (b.from_role, b.to_role, tuple(message_text(m.label, m.payload) for m in b.messages))
        for b in sorted(view.buffers, key=lambda b: (b.from_role, b.to_role))
        if b.messages
    ]


def _pending(sends: Iterable[PendingSend]) -> list[Queue]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for p in sends:
        grouped.setdefault((p.from_role, p.to_role), []).append(message_text(p.label, p.payload))
    return [(a, b, tuple(msgs)) for (a, b), msgs in sorted(grouped.items())]


def _edge_text(co: CoroutineView) -> str:
    return f"{co.edge[0]}->{co.edge[1]}" if co.edge else ""


def _next_type(co: CoroutineView) -> str:
    return shorten(format_local(co.local_type), 60)


def machine_dot(view: SessionView) -> str:
    """Deterministic DOT text of one session's machine state."""
    name = session_title(view)
    out = DotWriter(name=name)
    title = f"{name} · {view.status.value}"
    out.graph_attrs(rankdir="LR", fontname="Helvetica", label=title, labelloc="t", nodesep=0.3)
    out.defaults("node", fontname="Helvetica", fontsize=10, shape="plaintext")
    out.defaults("edge", fontname="Helvetica", fontsize=9)
    # rankdir=LR stacks same-rank nodes bottom-up: emit in reverse so the first role is on top
    for role in reversed(view.external_roles):
        out.node(f"role_{role}", shape="box", style="dashed", label=f"{role}\n(external)")
    for co in reversed(view.coroutines):
        out.node(f"role_{co.role}", label=_coroutine_card(co))
    for i, buf in enumerate(_buffers(view)):
        _queue(out, f"buf{i}", buf, "solid")
    for i, buf in enumerate(_pending(view.pending_sends)):
        _queue(out, f"pend{i}", buf, "dashed", "pending for host: ")
    return out.source()


def _coroutine_card(co: CoroutineView) -> Html:
    status = _SYMBOL.get(co.status.value, co.status.value)
    if co.edge:
        status += f" on {_edge_text(co)}"
    next_type = html_escape(_next_type(co))
    rows = [
        f'<TR><TD BGCOLOR="#d9d9d9"><B>{html_escape(co.role)}</B></TD></TR>',
        f'<TR><TD ALIGN="LEFT">{html_escape(status)}</TD></TR>',
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">{next_type}</FONT></TD></TR>',
    ]
    if co.fault:
        rows.append(f'<TR><TD ALIGN="LEFT">✗ {html_escape(shorten(co.fault, 50))}</TD></TR>')
    border = 3 if co.status.value == "faulted" else 1
    return Html(
        f'<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
        f"{''.join(rows)}</TABLE>"
    )


def _queue(out: DotWriter, node: str, buf: Queue, style: str, head: str = "") -> None:
    src, dst, messages = buf
    cells = "".join(f"<TD>{html_escape(m)}</TD>" for m in messages) or "<TD> </TD>"
    out.node(
        node,
        label=Html(
            f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"><TR>'
            f'<TD BORDER="0"><FONT POINT-SIZE="9">{html_escape(head)}'
            f"{html_escape(src)}→{html_escape(dst)}</FONT></TD>{cells}</TR></TABLE>"
        ),
    )
    out.edge(f"role_{src}", node, style=style, arrowhead="none")
    out.edge(node, f"role_{dst}", style=style)


def machine_text(view: SessionView) -> str:
    """Plain text: status, one line per coroutine and per buffer."""
    lines = [f"{session_title(view)}: {view.status.value}"]
    for co in view.coroutines:
        edge = f" on {_edge_text(co)}" if co.edge else ""
        fault = f" ({co.fault})" if co.fault else ""
        lines.append(f"  {co.role}: {co.status.value}{edge}{fault}  next: {_next_type(co)}")
    for role in view.external_roles:
        lines.append(f"  {role}: external")
    for src, dst, messages in _buffers(view):
        lines.append(f"  buffer {src}->{dst}: {list(messages)}")
    for src, dst, messages in _pending(view.pending_sends):
        lines.append(f"  pending {src}->{dst}: {list(messages)}")
    return "\n".join(lines)


def action_text(move: Move) -> str:
    """``A → B: L`` for sends, ``B ← A: L`` for receives, ``A halted`` otherwise."""
    role, kind, peer, label = (text_of(part) for part in move)
    if move[1] in SEND_KINDS:
        return f"{role} → {peer}: {label}"
    if move[1] in RECV_KINDS:
        return f"{role} ← {peer}: {label}"
    return f"{role} {kind}"


def state_graph_dot(view: StateGraphView) -> str:
    """Deterministic DOT text of an explored state graph."""
    out = DotWriter(name=view.title)
    label = view.title + ("" if view.complete else " (incomplete)")
    label += " (truncated)" if view.truncated else ""
    out.graph_attrs(rankdir="TB", fontname="Helvetica", label=label, labelloc="t")
    out.defaults("node", fontname="Helvetica", fontsize=10, shape="ellipse")
    out.defaults("edge", fontname="Helvetica", fontsize=9)
    detail = len(view.nodes) <= DETAIL_LIMIT
    for node in view.nodes:
        out.node(f"n{node.id}", **_node_attrs(node, detail))
    for e in view.edges:
        action = action_text(edge_move(e))
        attrs: dict[str, str | int | float] = {"label": action}
        if e in view.trace_edges:
            step = view.step_of(e)
            prefix = f"{step}. " if step else ""
            attrs.update(penwidth=3, label=f"{prefix}{action}")
        else:
            attrs["color"] = "#666666"
        out.edge(f"n{e.source}", f"n{e.target}", **attrs)
    return out.source()


def _node_attrs(node: GraphNode, detail: bool) -> dict[str, str | int | float]:
    status = node.status.value
    lines = [str(node.id)]
    if detail or status not in ("running", "done"):
        lines += [f"{r}: {shorten(t, 26)}" for r, t in node.roles if t != "done"]
        lines += [f"{a}→{b} [{', '.join(msgs)}]" for a, b, msgs in node.buffers]
    tooltip = "; ".join(f"{r}: {t}" for r, t in node.roles)
    attrs: dict[str, str | int | float] = {"label": "\n".join(lines), "tooltip": tooltip}
    if node.id == 0:
        attrs["penwidth"] = 2.5
    if status == "done":
        attrs.update(peripheries=2, label=f"{node.id}\n✓ done")
    elif status == "deadlock":
        attrs.update(shape="box", style="filled,bold", fillcolor="#444444", fontcolor="white")
        attrs["label"] = "✗ deadlock\n" + str(attrs["label"])
    elif status in ("orphan", "fault"):
        attrs.update(shape="box", style="dashed,bold")
        attrs["label"] = f"✗ {status}\n" + str(attrs["label"])
    return attrs


def state_graph_text(view: StateGraphView) -> str:
    """Plain text: counts, then each finding with its trace."""
    lines = [f"{view.title}: {len(view.nodes)} states, {len(view.edges)} transitions"]
    if not view.complete:
        lines.append("  (exploration incomplete: max_states reached)")
    if not view.findings:
        lines.append("  no deadlocks, orphans, overflows or faults")
    for f in view.findings:
        lines.append(f"  {f.kind.value} at state {f.node}: {f.detail}")
        actions = (action_text(event_move(ev)) for ev in f.trace)
        lines.extend(f"    {i}. {a}" for i, a in enumerate(actions, start=1))
    return "\n".join(lines)
