"""Results of an exploration: findings and the drawable state graph (plain data).

Invariants:
- values are frozen; a ``StateGraph`` built lazily equals (and hashes like) one built eagerly;
- node 0 of a graph is the initial state; nodes and edges are in discovery order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from aura_kit._display import Displayable
from aura_kit.machine.values import EventKind, MachineEvent


class FindingKind(StrEnum):
    """What an exploration found."""

    DEADLOCK = "deadlock"
    ORPHAN = "orphan"
    OVERFLOW = "overflow"
    FAULT = "fault"


class NodeStatus(StrEnum):
    """Status of a node of the state graph."""

    RUNNING = "running"
    DONE = "done"
    DEADLOCK = "deadlock"
    ORPHAN = "orphan"
    FAULT = "fault"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A deadlock, orphan, overflow or fault with the shortest trace that reaches it."""

    kind: FindingKind
    node: int
    trace: tuple[MachineEvent, ...]
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphNode:
    """A state for drawing: each role's local state and each non-empty buffer."""

    id: int
    status: NodeStatus
    roles: tuple[tuple[str, str], ...]
    buffers: tuple[tuple[str, str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphEdge:
    """A transition for drawing."""

    source: int
    target: int
    role: str
    kind: EventKind
    peer: str | None
    label: str | None


class StateGraph:
    """Nodes and edges as plain data (node 0 is the initial state).

    ``explore`` hands over a builder and the nodes and edges are made on first access (most
    callers only read the counts and findings); equal graphs compare and hash equal.
    """

    __slots__ = ("_build", "_data")

    def __init__(self, nodes: tuple[GraphNode, ...], edges: tuple[GraphEdge, ...]) -> None:
        self._data: tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...]] | None = (nodes, edges)
        self._build: Callable[[], tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...]]] | None
        self._build = None

    @classmethod
    def deferred(
        cls, build: Callable[[], tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...]]]
    ) -> StateGraph:
        """A graph whose nodes and edges ``build()`` makes when first asked for."""
        graph = cls((), ())
        graph._data, graph._build = None, build
        return graph

    def _get(self) -> tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...]]:
        data = self._data
        if data is None:
            assert self._build is not None
            data = self._data = self._build()
            self._build = None
        return data

    @property
    def nodes(self) -> tuple[GraphNode, ...]:
        """Every state, in discovery (breadth-first) order."""
        return self._get()[0]

    @property
    def edges(self) -> tuple[GraphEdge, ...]:
        """Every transition, in discovery order."""
        return self._get()[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateGraph):
            return NotImplemented
        return self is other or self._get() == other._get()

    def __hash__(self) -> int:
        return hash(self._get())

    def __repr__(self) -> str:
        return f"StateGraph(nodes={self.nodes!r}, edges={self.edges!r})"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExploreResult(Displayable):
    """What ``explore`` found; ``complete`` is false when ``max_states`` cut it short."""

    state_count: int
    transition_count: int
    complete: bool
    reduction: bool
    deadlocks: tuple[Finding, ...]
    orphans: tuple[Finding, ...]
    overflows: tuple[Finding, ...]
    faults: tuple[Finding, ...]
    graph: StateGraph

    @property
    def ok(self) -> bool:
        """Complete and free of deadlocks, orphans, overflows and faults."""
        found = self.deadlocks or self.orphans or self.overflows or self.faults
        return self.complete and not found
