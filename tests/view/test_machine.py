"""Machine-state and state-graph views."""

from __future__ import annotations

import pytest

from aura_kit.machine import CodeImage, ProtocolMachine
from aura_kit.view import ViewError, machine_state_view, state_graph_view
from tests.view.samples import deadlocking_result, two_buyer


def test_machine_state_coroutines_and_buffers() -> None:
    """After six rounds the view lists each coroutine and the non-empty buffers."""
    machine = ProtocolMachine()
    sid = machine.load(CodeImage.from_protocol(two_buyer()))
    for _ in range(6):
        machine.step()
    view = machine_state_view(machine, sid)
    assert [c.role for c in view.coroutines] == ["Buyer1", "Buyer2", "Seller"]
    assert {c.status for c in view.coroutines} <= {"ready", "blocked_recv", "done"}
    assert all(b.messages for b in view.buffers)
    queued = {(b.from_role, b.to_role): b.messages for b in view.buffers}
    assert queued[("Buyer1", "Buyer2")] == ("Share(0)",)


def test_machine_state_unknown_session_refused() -> None:
    """Asking for a session the machine does not have is a ViewError."""
    with pytest.raises(ViewError):
        machine_state_view(ProtocolMachine(), 42)


def test_state_graph_marks_deadlock_trace() -> None:
    """The deadlock's shortest trace is marked on nodes and edges from the initial state."""
    view = state_graph_view(deadlocking_result())
    (finding,) = view.findings
    assert finding.kind == "deadlock"
    on_trace = [e for e in view.edges if e.on_trace]
    assert len(on_trace) == len(finding.trace) == 4
    assert on_trace[0].src == 0 or any(e.src == 0 for e in on_trace)
    node = next(n for n in view.nodes if n.id == finding.node)
    assert node.status == "deadlock" and node.on_trace


def test_state_graph_limit_keeps_findings() -> None:
    """A node limit keeps the deadlock and its trace and says it truncated."""
    view = state_graph_view(deadlocking_result(), limit=2)
    ids = {n.id for n in view.nodes}
    assert view.truncated
    assert view.findings[0].node in ids
    assert all(e.src in ids and e.dst in ids for e in view.edges)
