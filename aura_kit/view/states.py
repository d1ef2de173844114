"""An explored state graph cut to a size that draws, with the findings' traces marked.

The nodes, edges and findings are the machine's own (``GraphNode``, ``GraphEdge``,
``Finding``); this view only chooses which of them to keep and which lie on a trace.

Invariants:
- node 0 is the initial state; nodes and edges keep the exploration's numbering and order;
- a finding's trace is replayed from node 0 along graph edges whose (role, kind, peer,
  label) is the event's; those nodes and edges are on the trace (``trace_nodes``,
  ``trace_edges``), and ``trace_steps`` numbers each edge by its first step on a trace;
- at most ``limit`` nodes are kept (lowest ids, breadth-first order) plus every finding
  node and trace node; ``truncated`` says when some were left off, and edges touching a
  left-off node are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_kit.machine.explore_result import ExploreResult, Finding, GraphEdge, GraphNode
from aura_kit.machine.values import EventKind, MachineEvent

DEFAULT_NODE_LIMIT = 150

Move = tuple[str | None, EventKind, str | None, str | None]  # role, kind, peer, label


@dataclass(frozen=True, slots=True, kw_only=True)
class StateGraphView:
    """The part of an explored state graph to draw, and what lies on the findings' traces."""

    title: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    findings: tuple[Finding, ...] = ()
    trace_nodes: frozenset[int] = frozenset()
    trace_edges: frozenset[GraphEdge] = frozenset()
    trace_steps: tuple[tuple[int, int, int], ...] = ()  # (source, target, step), first wins
    complete: bool = True
    truncated: bool = False

    def step_of(self, edge: GraphEdge) -> int | None:
        """The 1-based step at which a trace first takes ``edge``'s source → target."""
        key = (edge.source, edge.target)
        return next((n for s, t, n in self.trace_steps if (s, t) == key), None)


def edge_move(e: GraphEdge) -> Move:
    """What an edge does: (role, kind, peer, label)."""
    return (e.role, e.kind, e.peer, e.label)


def event_move(ev: MachineEvent) -> Move:
    """What a trace event does: (role, kind, peer, label)."""
    return (ev.role, ev.kind, ev.peer, ev.label)


def state_graph_view(
    result: ExploreResult, *, limit: int = DEFAULT_NODE_LIMIT, title: str = "explored states"
) -> StateGraphView:
    """The state graph of ``explore(...)``'s result, cut to ``limit`` nodes, traces marked."""
    graph = result.graph
    findings = (*result.deadlocks, *result.orphans, *result.faults, *result.overflows)
    trace_nodes, trace_edges = _traces(findings, graph.edges)
    keep = {n.id for n in graph.nodes if n.id < limit} | trace_nodes | {f.node for f in findings}
    nodes = tuple(n for n in graph.nodes if n.id in keep)
    edges = tuple(e for e in graph.edges if e.source in keep and e.target in keep)
    return StateGraphView(
        title=title,
        nodes=nodes,
        edges=edges,
        findings=findings,
        trace_nodes=frozenset(trace_nodes),
        trace_edges=frozenset(trace_edges),
        trace_steps=_steps(findings, [e for e in edges if e in trace_edges]),
        complete=result.complete,
        truncated=len(nodes) < len(graph.nodes),
    )


def _traces(
    findings: tuple[Finding, ...], edges: tuple[GraphEdge, ...]
) -> tuple[set[int], set[GraphEdge]]:
    """Nodes and edges on the findings' traces (node 0 counts once there is a finding)."""
    step = {(e.source, edge_move(e)): e for e in edges}
    nodes, on_trace = {0}, set()
    for f in findings:
        at = 0
        for ev in f.trace:
            edge = step.get((at, event_move(ev)))
            if edge is None:
                break
            on_trace.add(edge)
            nodes.add(edge.target)
            at = edge.target
    return (nodes if findings else set()), on_trace


def _steps(
    findings: tuple[Finding, ...], on_trace: list[GraphEdge]
) -> tuple[tuple[int, int, int], ...]:
    """Each trace edge's first step number, walking the findings in order."""
    by_source: dict[tuple[int, Move], int] = {}
    for e in on_trace:  # in graph order: the first edge of a move from a source wins
        by_source.setdefault((e.source, edge_move(e)), e.target)
    order: dict[tuple[int, int], int] = {}
    for f in findings:
        at = 0
        for i, ev in enumerate(f.trace, start=1):
            nxt = by_source.get((at, event_move(ev)))
            if nxt is None:
                break
            order.setdefault((at, nxt), i)
            at = nxt
    return tuple((s, t, n) for (s, t), n in order.items())
