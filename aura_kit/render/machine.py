"""Machine-state and state-graph views to DOT and to text.

Machine state: one card per coroutine (role, status symbol, next local type), external roles
as dashed boxes, each non-empty buffer as a queue node between sender and receiver.
State graph: initial state bold, done = double outline, deadlock = dark filled box with
"✗", orphan / fault = dashed box; trace edges are thick and numbered, so greyscale still reads.
"""

from __future__ import annotations

from aura_kit.render.dot import DotWriter, Html, html_escape, shorten
from aura_kit.view.machine import BufferStateView, CoroutineStateView, MachineStateView
from aura_kit.view.states import StateGraphView, StateNodeView

DETAIL_LIMIT = 25
_SYMBOL = {
    "ready": "▶ ready",
    "blocked_recv": "◇ waits to receive",
    "blocked_send": "◇ waits to send (buffer full)",
    "done": "✓ done",
    "faulted": "✗ faulted",
}


def machine_dot(view: MachineStateView) -> str:
    """Deterministic DOT text of one session's machine state."""
    out = DotWriter(name=view.title)
    title = f"{view.title} · {view.status}"
    out.graph_attrs(rankdir="LR", fontname="Helvetica", label=title, labelloc="t", nodesep=0.3)
    out.defaults("node", fontname="Helvetica", fontsize=10, shape="plaintext")
    out.defaults("edge", fontname="Helvetica", fontsize=9)
    # rankdir=LR stacks same-rank nodes bottom-up: emit in reverse so the first role is on top
    for role in reversed(view.external_roles):
        out.node(f"role_{role}", shape="box", style="dashed", label=f"{role}\n(external)")
    for co in reversed(view.coroutines):
        out.node(f"role_{co.role}", label=_coroutine_card(co))
    for i, buf in enumerate(view.buffers):
        _queue(out, f"buf{i}", buf, "solid")
    for i, buf in enumerate(view.pending_sends):
        _queue(out, f"pend{i}", buf, "dashed", "pending for host: ")
    return out.source()


def _coroutine_card(co: CoroutineStateView) -> Html:
    status = _SYMBOL.get(co.status, co.status)
    if co.edge:
        status += f" on {co.edge}"
    rows = [
        f'<TR><TD BGCOLOR="#d9d9d9"><B>{html_escape(co.role)}</B></TD></TR>',
        f'<TR><TD ALIGN="LEFT">{html_escape(status)}</TD></TR>',
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">{html_escape(co.next_type)}</FONT></TD></TR>',
    ]
    if co.fault:
        rows.append(f'<TR><TD ALIGN="LEFT">✗ {html_escape(shorten(co.fault, 50))}</TD></TR>')
    border = 3 if co.status == "faulted" else 1
    return Html(
        f'<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
        f"{''.join(rows)}</TABLE>"
    )


def _queue(out: DotWriter, node: str, buf: BufferStateView, style: str, head: str = "") -> None:
    cells = "".join(f"<TD>{html_escape(m)}</TD>" for m in buf.messages) or "<TD> </TD>"
    out.node(
        node,
        label=Html(
            f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"><TR>'
            f'<TD BORDER="0"><FONT POINT-SIZE="9">{html_escape(head)}'
            f"{html_escape(buf.from_role)}→{html_escape(buf.to_role)}</FONT></TD>{cells}</TR></TABLE>"
        ),
    )
    out.edge(f"role_{buf.from_role}", node, style=style, arrowhead="none")
    out.edge(node, f"role_{buf.to_role}", style=style)


def machine_text(view: MachineStateView) -> str:
    """Plain text: status, one line per coroutine and per buffer."""
    lines = [f"{view.title}: {view.status}"]
    for co in view.coroutines:
        edge = f" on {co.edge}" if co.edge else ""
        fault = f" ({co.fault})" if co.fault else ""
        lines.append(f"  {co.role}: {co.status}{edge}{fault}  next: {co.next_type}")
    for role in view.external_roles:
        lines.append(f"  {role}: external")
    for buf in view.buffers:
        lines.append(f"  buffer {buf.from_role}->{buf.to_role}: {list(buf.messages)}")
    for buf in view.pending_sends:
        lines.append(f"  pending {buf.from_role}->{buf.to_role}: {list(buf.messages)}")
    return "\n".join(lines)


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
    order = _trace_order(view)
    for e in view.edges:
        attrs: dict[str, str | int | float] = {"label": e.action}
        if e.on_trace:
            step = order.get((e.src, e.dst))
            prefix = f"{step}. " if step else ""
            attrs.update(penwidth=3, label=f"{prefix}{e.action}")
        else:
            attrs["color"] = "#666666"
        out.edge(f"n{e.src}", f"n{e.dst}", **attrs)
    return out.source()


def _trace_order(view: StateGraphView) -> dict[tuple[int, int], int]:
    order: dict[tuple[int, int], int] = {}
    by_src: dict[tuple[int, str], int] = {}
    for e in view.edges:
        if e.on_trace:
            by_src.setdefault((e.src, e.action), e.dst)
    for finding in view.findings:
        at = 0
        for i, action in enumerate(finding.trace, start=1):
            nxt = by_src.get((at, action))
            if nxt is None:
                break
            order.setdefault((at, nxt), i)
            at = nxt
    return order


def _node_attrs(node: StateNodeView, detail: bool) -> dict[str, str | int | float]:
    lines = [str(node.id)]
    if detail or node.status not in ("running", "done"):
        lines += [f"{r}: {shorten(t, 26)}" for r, t in node.roles if t != "done"]
        lines += list(node.buffers)
    tooltip = "; ".join(f"{r}: {t}" for r, t in node.roles)
    attrs: dict[str, str | int | float] = {"label": "\n".join(lines), "tooltip": tooltip}
    if node.id == 0:
        attrs["penwidth"] = 2.5
    if node.status == "done":
        attrs.update(peripheries=2, label=f"{node.id}\n✓ done")
    elif node.status == "deadlock":
        attrs.update(shape="box", style="filled,bold", fillcolor="#444444", fontcolor="white")
        attrs["label"] = "✗ deadlock\n" + str(attrs["label"])
    elif node.status in ("orphan", "fault"):
        attrs.update(shape="box", style="dashed,bold")
        attrs["label"] = f"✗ {node.status}\n" + str(attrs["label"])
    return attrs


def state_graph_text(view: StateGraphView) -> str:
    """Plain text: counts, then each finding with its trace."""
    lines = [f"{view.title}: {len(view.nodes)} states, {len(view.edges)} transitions"]
    if not view.complete:
        lines.append("  (exploration incomplete: max_states reached)")
    if not view.findings:
        lines.append("  no deadlocks, orphans, overflows or faults")
    for f in view.findings:
        lines.append(f"  {f.kind} at state {f.node}: {f.detail}")
        lines.extend(f"    {i}. {a}" for i, a in enumerate(f.trace, start=1))
    return "\n".join(lines)
