"""Display rows of machine events and runtime event records, and the event-log table."""

from __future__ import annotations

import pytest

from aura_kit.machine.values import EventKind, MachineEvent
from aura_kit.ownership import Scope
from aura_kit.runtime import EffectSystem, EventLog, EventRecord, OwnerTransferError
from aura_kit.view import ViewError, event_log_frame, event_view
from tests.ownership.support import roles_for, sid


def _busy_log() -> EffectSystem:
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(1), roles_for(fx))
    owner = fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    with pytest.raises(OwnerTransferError):
        fx.transfer_owned_choreography_session_owner(owner, "c", "bad")  # type: ignore[arg-type]
    fx.end_owned_choreography_session(owner)
    return fx


def test_events_to_dataframe_has_base_columns_first() -> None:
    """event_log_frame gives one row per event, base columns first."""
    frame = event_log_frame(_busy_log().event_log)
    assert list(frame.columns[:5]) == ["authority", "seq", "event", "level", "message"]
    assert len(frame) == 4 and "to_generation" in frame.columns
    assert list(event_log_frame(EventLog()).columns) == ["seq", "event", "level", "message"]


def test_events_machine_send_and_receive_have_sender_first() -> None:
    """A send goes role -> peer, a receive peer -> role; both keep tick and label."""
    sent = event_view(MachineEvent(kind=EventKind.SENT, tick=3, session=0, role="A", peer="B"))
    got = event_view(MachineEvent(kind=EventKind.RECEIVED, tick=4, session=0, role="B", peer="A"))
    assert (sent.kind, sent.sender, sent.receiver, sent.role, sent.tick) == (
        "sent",
        "A",
        "B",
        "",
        3,
    )
    assert (got.sender, got.receiver, got.actors) == ("A", "B", ("A", "B"))
    assert sent.session == "0" and sent.get("payload_size") == "0"


def test_events_machine_fault_keeps_role_and_detail() -> None:
    """A fault names its role and carries the machine's detail."""
    event = MachineEvent(kind=EventKind.FAULTED, tick=1, session=2, role="B", detail="bad payload")
    view = event_view(event)
    assert (view.kind, view.role, view.detail, view.actors) == (
        "faulted",
        "B",
        "bad payload",
        ("B",),
    )


def test_events_runtime_record_reads_its_fields() -> None:
    """A runtime record gives its event name, session, roles and message."""
    record = EventRecord(
        seq=1,
        event="runtime.session.ingress.received",
        level="debug",
        message="Accepted owned session ingress",
        fields=(("session_id", "s1"), ("from_role", "A"), ("to_role", "B"), ("active_role", "B")),
    )
    view = event_view(record)
    assert (view.kind, view.session, view.sender, view.receiver) == (
        "runtime.session.ingress.received",
        "s1",
        "A",
        "B",
    )
    assert view.role == "" and view.detail == "Accepted owned session ingress"
    assert view.get("seq") == "1" and view.tick is None


def test_events_other_shapes_are_refused() -> None:
    """A dict or any other object is not an event: ViewError names its type."""
    with pytest.raises(ViewError, match="got dict"):
        event_view({"kind": "sent"})  # type: ignore[arg-type]
