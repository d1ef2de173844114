"""Turning an exploration's raw states into findings and a drawable state graph.

Invariants:
- findings are listed in breadth-first order, so each one's trace is a shortest one;
- one overflow finding per directed edge (the first state where a send on it was blocked);
- node and edge data are plain strings, ints and tuples;
- a role's local-state text shows at most ``LABEL_NODES`` constructors of its type (in
  notation order), then ``…``; building it looks at no more of the type than that, so the
  graph of a long straight-line protocol costs linear, not quadratic, time.
"""

from __future__ import annotations

from typing import Any

from aura_kit.machine.explore import DONE_STATE, FAULT_STATE, State, trace_to
from aura_kit.machine.explore_result import (
    ExploreResult,
    Finding,
    FindingKind,
    GraphEdge,
    GraphNode,
    NodeStatus,
    StateGraph,
)
from aura_kit.protocol.types import End, LocalType, Mu, Var, with_children

LABEL_NODES = 16
_MORE = Var("…")  # stands for the cut-off rest of a local type in its text

_KIND_OF = {
    NodeStatus.DEADLOCK: FindingKind.DEADLOCK,
    NodeStatus.ORPHAN: FindingKind.ORPHAN,
    NodeStatus.FAULT: FindingKind.FAULT,
}


def build_result(
    space: Any,
    states: list[State],
    statuses: list[NodeStatus],
    parents: list[Any],
    edges: list[Any],
    full_at: dict[int, int],
    *,
    complete: bool,
    reduction: bool,
) -> ExploreResult:
    """Assemble the ``ExploreResult`` of ``explore``."""
    found: dict[FindingKind, list[Finding]] = {k: [] for k in FindingKind}
    for n, status in enumerate(statuses):
        kind = _KIND_OF.get(status)
        if kind is not None:
            detail = _describe(space, states[n])
            found[kind].append(
                Finding(kind=kind, node=n, trace=trace_to(parents, n), detail=detail)
            )
    for e, n in sorted(full_at.items(), key=lambda item: item[1]):
        src, dst = space.edges[e]
        detail = f"buffer {src}->{dst} full ({space.capacity} messages)"
        found[FindingKind.OVERFLOW].append(
            Finding(kind=FindingKind.OVERFLOW, node=n, trace=trace_to(parents, n), detail=detail)
        )
    return ExploreResult(
        state_count=len(states),
        transition_count=len(edges),
        complete=complete,
        reduction=reduction,
        deadlocks=tuple(found[FindingKind.DEADLOCK]),
        orphans=tuple(found[FindingKind.ORPHAN]),
        overflows=tuple(found[FindingKind.OVERFLOW]),
        faults=tuple(found[FindingKind.FAULT]),
        graph=StateGraph.deferred(lambda: _graph(space, states, statuses, edges)),
    )


def _graph(
    space: Any, states: list[State], statuses: list[NodeStatus], edges: list[Any]
) -> tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...]]:
    """The drawable nodes and edges (built on first access of ``ExploreResult.graph``)."""
    texts = _LocalText(space)
    nodes = tuple(
        GraphNode(
            id=n,
            status=statuses[n] if n < len(statuses) else NodeStatus.RUNNING,
            roles=tuple(
                (r, texts(i, k)) for i, (r, k) in enumerate(zip(space.roles, st[0], strict=True))
            ),
            buffers=_buffers(space, st),
        )
        for n, st in enumerate(states)
    )
    graph_edges = tuple(
        GraphEdge(source=a, target=b, role=m.role, kind=m.kind, peer=m.peer, label=m.label)
        for a, b, m in edges
    )
    return nodes, graph_edges


def _buffers(space: Any, state: State) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple((a, b, q) for (a, b), q in zip(space.edges, state[1], strict=True) if q)


def _describe(space: Any, state: State) -> str:
    parts = [f"{r}@{k}" for r, k in zip(space.roles, state[0], strict=True) if k != DONE_STATE]
    parts += [f"{a}->{b}:{','.join(q)}" for a, b, q in _buffers(space, state)]
    return " ".join(parts) if parts else "all done"


class _LocalText:
    """Cached text of a role's local state (``format_local`` when available)."""

    def __init__(self, space: Any) -> None:
        self.space = space
        self.cache: dict[tuple[int, int], str] = {}

    def __call__(self, i: int, k: int) -> str:
        if k == DONE_STATE:
            return "done"
        if k == FAULT_STATE:
            return "faulted"
        key = (i, k)
        if key not in self.cache:
            from aura_kit.protocol import format_local

            local = self.space.autos[i].states[k].local_type
            self.cache[key] = format_local(_cut(local, [LABEL_NODES]))
        return self.cache[key]


def _cut(t: LocalType, budget: list[int]) -> LocalType:
    """``t`` up to its first ``budget[0]`` constructors in pre-order, the rest ``_MORE``.

    Recursion here is at most ``LABEL_NODES`` deep: every level spends one of the budget.
    """
    if budget[0] <= 0:
        return _MORE
    budget[0] -= 1
    if isinstance(t, (End, Var)):
        return t
    kids = (t.body,) if isinstance(t, Mu) else tuple(b.cont for b in t.branches)
    cut = tuple(_cut(k, budget) for k in kids)  # type: ignore[arg-type]
    return with_children(t, cut)  # type: ignore[return-value]
