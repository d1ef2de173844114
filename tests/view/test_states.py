"""State-graph views: the machine's nodes and edges, cut to a limit, traces marked."""

from __future__ import annotations

from aura_kit.view import state_graph_view
from tests.view.samples import deadlocking_result


def test_state_graph_marks_deadlock_trace() -> None:
    """The deadlock's shortest trace is marked on nodes and edges from the initial state."""
    view = state_graph_view(deadlocking_result())
    (finding,) = view.findings
    assert finding.kind == "deadlock"
    on_trace = [e for e in view.edges if e in view.trace_edges]
    assert len(on_trace) == len(finding.trace) == 4
    assert on_trace[0].source == 0 or any(e.source == 0 for e in on_trace)
    node = next(n for n in view.nodes if n.id == finding.node)
    assert node.status == "deadlock" and node.id in view.trace_nodes
    assert [view.step_of(e) for e in on_trace] == [1, 2, 3, 4]


def test_state_graph_limit_keeps_findings() -> None:
    """A node limit keeps the deadlock and its trace and says it truncated."""
    view = state_graph_view(deadlocking_result(), limit=2)
    ids = {n.id for n in view.nodes}
    assert view.truncated
    assert view.findings[0].node in ids
    assert all(e.source in ids and e.target in ids for e in view.edges)


def test_state_graph_view_shares_the_machine_graph() -> None:
    """Untruncated, the view holds the exploration's own nodes and edges, not copies."""
    result = deadlocking_result()
    view = state_graph_view(result)
    assert view.nodes == result.graph.nodes and view.edges == result.graph.edges
