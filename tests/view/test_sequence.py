"""Sequence views of protocols and of recorded runs."""

from __future__ import annotations

from aura_kit.machine import CodeImage, ProtocolMachine, StepResult
from aura_kit.machine.values import EventKind, MachineEvent
from aura_kit.runtime import EventRecord
from aura_kit.view import ArrowStatus, RowKind, protocol_sequence_view, run_sequence_view
from tests.view.samples import ping_loop, two_buyer


def test_protocol_sequence_choice_block() -> None:
    """A choice shows as choice / or / end choice rows around its branches."""
    view = protocol_sequence_view(two_buyer())
    kinds = [r.kind for r in view.rows]
    assert kinds.count(RowKind.CHOICE) == 1
    assert kinds.count(RowKind.OR) == 1
    assert kinds.index(RowKind.CHOICE) < kinds.index(RowKind.OR) < kinds.index(RowKind.END_CHOICE)
    assert [a.label for a in view.arrows] == [
        "Title", "Quote", "Quote", "Share", "Accept", "Date", "Reject",
    ]  # fmt: skip


def test_protocol_sequence_loop_is_not_unfolded() -> None:
    """A loop shows once, with a continue row, and never unfolds."""
    view = protocol_sequence_view(ping_loop())
    texts = [r.text for r in view.rows]
    assert texts[0] == "rec Loop"
    assert "continue Loop" in texts
    assert [a.label for a in view.arrows] == ["Ping", "Pong", "Stop"]


def test_protocol_sequence_arrows_stay_on_their_row() -> None:
    """In a protocol diagram every arrow starts and ends on its message row."""
    view = protocol_sequence_view(two_buyer())
    for arrow in view.arrows:
        assert arrow.start_row == arrow.end_row
        assert view.rows[arrow.start_row].kind is RowKind.MESSAGE


def test_protocol_sequence_truncates_at_limit() -> None:
    """At most ``limit`` rows are kept and the view says it was truncated."""
    view = protocol_sequence_view(two_buyer(), limit=3)
    assert len(view.rows) == 3
    assert view.truncated


def test_run_sequence_pairs_sends_with_receives() -> None:
    """A recorded run pairs each send with the matching receive on the same edge."""
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(two_buyer()))
    while machine.step() is StepResult.CONTINUE:
        pass
    view = run_sequence_view(machine.events, roles=two_buyer().roles)
    assert view.roles == ("Buyer1", "Buyer2", "Seller")
    assert all(a.status is ArrowStatus.DELIVERED for a in view.arrows)
    assert all(a.end_row is not None and a.end_row > a.start_row for a in view.arrows)


def test_run_sequence_marks_drops_faults_and_lost_messages() -> None:
    """Drops and faults get their own rows; an unreceived send stays in flight."""
    events = [
        MachineEvent(kind=EventKind.SENT, tick=1, session=0, role="A", peer="B", label="Hello"),
        EventRecord(
            seq=1,
            event="runtime.session.ingress.dropped",
            level="warning",
            message="Dropped owned session ingress",
            fields=(("error", "stale owner"),),
        ),
        MachineEvent(kind=EventKind.FAULTED, tick=2, session=0, role="B", detail="bad payload"),
    ]
    view = run_sequence_view(events)
    kinds = [r.kind for r in view.rows]
    assert kinds == [RowKind.MESSAGE, RowKind.DROP, RowKind.FAULT]
    assert view.rows[2].roles == ("B",)
    assert "bad payload" in view.rows[2].text
    assert view.arrows[0].status is ArrowStatus.IN_FLIGHT
    assert view.arrows[0].end_row is None
