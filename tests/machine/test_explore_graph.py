"""The state graph built on demand equals the graph built up front."""

from __future__ import annotations

from aura_kit.machine import CodeImage, StateGraph, explore
from aura_kit.protocol import parse_protocol

RING = """
protocol Ring(A, B, C) {
  A -> B: One(int)
  B -> C: Two
  C -> A: Three
}
"""


def test_explore_graph_deferred_equals_eager() -> None:
    """A deferred graph compares and hashes like one made from its nodes and edges."""
    result = explore(CodeImage.from_protocol(parse_protocol(RING)))
    eager = StateGraph(result.graph.nodes, result.graph.edges)
    assert result.graph == eager and hash(result.graph) == hash(eager)
    assert len(result.graph.nodes) == result.state_count
    assert len(result.graph.edges) == result.transition_count


def test_explore_graph_buffers_only_used_edges() -> None:
    """Only edges the protocol uses ever hold messages; the search is unchanged by that."""
    result = explore(CodeImage.from_protocol(parse_protocol(RING)))
    pairs = {(a, b) for n in result.graph.nodes for a, b, _ in n.buffers}
    assert pairs == {("A", "B"), ("B", "C"), ("C", "A")}
    assert result.ok and result.state_count == 19
