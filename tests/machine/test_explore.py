"""Exploration: every schedule and choice; deadlocks, orphans, overflows, shortest traces."""

from __future__ import annotations

from pathlib import Path

import pytest

from aura_kit.machine import CodeImage, EventKind, NodeStatus, explore, replay
from aura_kit.machine.values import StepResult
from aura_kit.protocol import load_protocol
from tests.conftest import BUNDLED
from tests.machine.builders import both_receive_first, flood, orphan_pair, ping_pong_loop

PROTOCOLS = sorted((BUNDLED / "protocols").glob("*.choreo"))


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
@pytest.mark.parametrize("reduction", [False, True])
def test_explore_good_protocols_are_deadlock_free(path: Path, reduction: bool) -> None:
    """Every bundled protocol, projected, has no deadlock, orphan or overflow."""
    result = explore(CodeImage.from_protocol(load_protocol(path)), reduction=reduction)
    assert result.complete and result.ok
    assert any(n.status is NodeStatus.DONE for n in result.graph.nodes)


def test_explore_reduction_explores_fewer_states() -> None:
    """Partial-order reduction explores fewer states on a protocol with concurrency."""
    image = CodeImage.from_protocol(load_protocol(BUNDLED / "protocols" / "epoch_rotation.choreo"))
    full, reduced = explore(image), explore(image, reduction=True)
    assert reduced.state_count < full.state_count
    assert (full.state_count, reduced.state_count) == (51, 21)


def test_explore_finds_both_receive_deadlock_with_shortest_trace() -> None:
    """Two roles that both end up receiving deadlock after exactly Hi sent and received."""
    result = explore(both_receive_first())
    assert len(result.deadlocks) == 1
    trace = result.deadlocks[0].trace
    assert [(e.kind, e.role, e.label) for e in trace] == [
        (EventKind.SENT, "A", "Hi"),
        (EventKind.RECEIVED, "B", "Hi"),
    ]
    assert explore(both_receive_first(), reduction=True).deadlocks[0].trace == trace


def test_explore_deadlock_trace_replays_to_stuck() -> None:
    """Replaying a deadlock trace on a real machine reproduces it and then it is stuck."""
    image = both_receive_first()
    result = replay(image, explore(image).deadlocks[0].trace)
    assert result.ok
    from aura_kit.machine import ProtocolMachine

    m = ProtocolMachine()
    m.load(image)
    assert m.run() is StepResult.STUCK


def test_explore_finds_orphan() -> None:
    """A message nobody receives is reported as an orphan with its trace."""
    result = explore(orphan_pair())
    assert not result.deadlocks and len(result.orphans) == 1
    assert result.orphans[0].detail == "A->B:Y"
    assert explore(orphan_pair(), reduction=True).orphans


def test_explore_finds_overflow() -> None:
    """A sender that can run ahead fills the buffer: one overflow, shortest trace of 3 sends."""
    result = explore(flood(), buffer_capacity=3)
    assert len(result.overflows) == 1
    assert [e.kind for e in result.overflows[0].trace] == [EventKind.SENT] * 3


def test_explore_max_states_truncates() -> None:
    """Hitting max_states marks the result incomplete."""
    result = explore(ping_pong_loop(), max_states=3)
    assert not result.complete and result.state_count == 3 and not result.ok


def test_explore_graph_is_plain_data() -> None:
    """Graph nodes carry role texts and buffers; edges name role, kind and label."""
    image = CodeImage.from_protocol(load_protocol(BUNDLED / "protocols" / "ping_pong.choreo"))
    graph = explore(image).graph
    assert graph.nodes[0].roles == (
        ("Client", "Server!Ping(int).Server?Pong(int).end"),
        ("Server", "Client?Ping(int).Client!Pong(int).end"),
    )
    first = graph.edges[0]
    assert (first.source, first.role, first.kind, first.label) == (
        0,
        "Client",
        EventKind.SENT,
        "Ping",
    )
    assert {n.status for n in graph.nodes} == {NodeStatus.RUNNING, NodeStatus.DONE}


def _unsound_issue_image() -> CodeImage:
    """The projections the first rec rule gave the nested-loop protocol: C stops too early."""
    from aura_kit.protocol import End, parse_local

    return CodeImage(End(), {
        "A": parse_local("rec X.C!x.rec Y.B!{m.Y, n.X}"),
        "B": parse_local("rec X.rec Y.A?{m.Y, n.X}"),
        "C": parse_local("rec X.A?x.end"),
    })  # fmt: skip


def test_explore_orphan_in_an_endless_run_is_reported_at_once() -> None:
    """A message to a role that can never take it is an orphan when sent, with a shortest trace."""
    result = explore(_unsound_issue_image())
    assert [f.detail for f in result.orphans] == ["A->C:x"]
    trace = result.orphans[0].trace
    assert [(e.kind, e.role, e.label) for e in trace] == [
        (EventKind.SENT, "A", "x"),
        (EventKind.SELECTED, "A", "n"),
        (EventKind.SENT, "A", "x"),
        (EventKind.RECEIVED, "C", "x"),
    ]
    node = result.orphans[0].node
    assert result.graph.nodes[node].status is NodeStatus.ORPHAN
    assert not [e for e in result.graph.edges if e.source == node]  # the run stops there
    assert explore(_unsound_issue_image(), reduction=True).orphans


def test_explore_orphan_to_a_finishing_role() -> None:
    """A message to a role that has (or is about to) finish is an orphan when it is sent."""
    from aura_kit.protocol import End, parse_local

    image = CodeImage(End(), {
        "A": parse_local("B!Hi.rec L.C!Tick.L"),
        "B": parse_local("end"),
        "C": parse_local("rec L.A?Tick.L"),
    })  # fmt: skip
    result = explore(image)
    assert [f.detail for f in result.orphans] == ["A->B:Hi"]
    assert [(e.kind, e.role, e.label) for e in result.orphans[0].trace] == [
        (EventKind.SENT, "A", "Hi")
    ]
