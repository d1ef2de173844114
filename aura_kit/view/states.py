"""Snapshot of an explored state graph with its findings (deadlocks, orphans, faults).

Invariants:
- node 0 is the initial state; nodes and edges keep the exploration's numbering;
- a finding's trace is replayed from node 0 along graph edges that match each event's
  (role, kind, peer, label); those nodes and edges are marked ``on_trace``;
- at most ``limit`` nodes are kept (lowest ids, breadth-first order) plus every finding
  node and trace node; ``truncated`` says when some were left off, and edges touching a
  left-off node are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_kit.machine.values import RECV_KINDS, SEND_KINDS
from aura_kit.view._text import text_of
from aura_kit.view.errors import ViewError

DEFAULT_NODE_LIMIT = 150


@dataclass(frozen=True, slots=True, kw_only=True)
class StateNodeView:
    """One explored state."""

    id: int
    status: str
    roles: tuple[tuple[str, str], ...] = ()
    buffers: tuple[str, ...] = ()
    on_trace: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class StateEdgeView:
    """One transition with a readable action."""

    src: int
    dst: int
    action: str
    on_trace: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingView:
    """A deadlock, orphan, overflow or fault with its shortest trace as action texts."""

    kind: str
    node: int
    detail: str
    trace: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StateGraphView:
    """The explored state graph."""

    title: str
    nodes: tuple[StateNodeView, ...]
    edges: tuple[StateEdgeView, ...]
    findings: tuple[FindingView, ...] = ()
    complete: bool = True
    truncated: bool = False


def action_text(role: str, kind: str, peer: str, label: str) -> str:
    """``A → B: L`` for sends, ``B ← A: L`` for receives, ``A ends`` otherwise."""
    if kind in SEND_KINDS:
        return f"{role} → {peer}: {label}"
    if kind in RECV_KINDS:
        return f"{role} ← {peer}: {label}"
    return f"{role} {kind}"


def _edge_key(e: object) -> tuple[int, str]:
    return getattr(e, "source", getattr(e, "src", 0)), _event_action(e)


def state_graph_view(
    result: object, *, limit: int = DEFAULT_NODE_LIMIT, title: str = "explored states"
) -> StateGraphView:
    """Snapshot of ``explore(...)``'s result (anything with ``.graph`` and findings)."""
    graph = getattr(result, "graph", None)
    if graph is None or not hasattr(graph, "nodes"):
        raise ViewError(
            "no state graph", actual=type(result).__name__, expected="an explore result"
        )
    raw_edges = [(_edge_key(e), int(getattr(e, "target", 0))) for e in graph.edges]
    findings, trace_nodes, trace_edges = _findings(result, raw_edges)
    keep = {n.id for n in graph.nodes if n.id < limit} | trace_nodes | {f.node for f in findings}
    nodes = tuple(
        StateNodeView(
            id=n.id,
            status=text_of(n.status),
            roles=tuple((text_of(r), text_of(s)) for r, s in n.roles),
            buffers=tuple(f"{a}→{b} [{', '.join(msgs)}]" for a, b, msgs in n.buffers),
            on_trace=n.id in trace_nodes,
        )
        for n in graph.nodes
        if n.id in keep
    )
    edges = tuple(
        StateEdgeView(src=src, dst=dst, action=text, on_trace=(src, dst, text) in trace_edges)
        for (src, text), dst in raw_edges
        if src in keep and dst in keep
    )
    return StateGraphView(
        title=title,
        nodes=nodes,
        edges=edges,
        findings=findings,
        complete=bool(getattr(result, "complete", True)),
        truncated=len(nodes) < len(graph.nodes),
    )


def _findings(
    result: object, raw_edges: list[tuple[tuple[int, str], int]]
) -> tuple[tuple[FindingView, ...], set[int], set[tuple[int, int, str]]]:
    step = {key: dst for key, dst in raw_edges}
    views, nodes, edges = [], {0}, set()
    for group in ("deadlocks", "orphans", "faults", "overflows"):
        for f in getattr(result, group, ()):
            texts = tuple(_event_action(ev) for ev in f.trace)
            views.append(
                FindingView(kind=text_of(f.kind), node=f.node, detail=f.detail, trace=texts)
            )
            at = 0
            for text in texts:
                nxt = step.get((at, text))
                if nxt is None:
                    break
                edges.add((at, nxt, text))
                nodes.add(nxt)
                at = nxt
    return tuple(views), nodes if views else set(), edges


def _event_action(ev: object) -> str:
    return action_text(
        text_of(getattr(ev, "role", "")), text_of(getattr(ev, "kind", "")),
        text_of(getattr(ev, "peer", "")), text_of(getattr(ev, "label", "")),
    )  # fmt: skip
