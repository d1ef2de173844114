"""Long runs hold bounded memory: histories keep their newest entries, tasks are released."""

from __future__ import annotations

import tracemalloc

import pytest

from aura_kit.lab import World
from aura_kit.machine import ProtocolMachine, QueuedHandler
from aura_kit.protocol import parse_protocol
from aura_kit.runtime import EventLog, Network

BLOB = parse_protocol(
    "protocol Blob(A, B) {\n  rec L {\n    A -> B: Data(bytes)\n    B -> A: Ack\n"
    "    continue L\n  }\n}\n"
)
MIB = 1024 * 1024


def _blob_world() -> World:
    world = World(BLOB, {"a": "A", "b": "B"})
    world.open_all()
    return world


def _send_blobs(world: World, count: int, size: int) -> None:
    """``count`` messages of ``size`` bytes from A to B, each acknowledged."""
    for n in range(count):
        world.queue("A", payloads=[bytes([n % 256]) * size])
        target = world.network.sent_count + 2  # the message and its ack
        for _ in range(10):
            if world.network.sent_count == target:
                break
            world.step_all()
        assert world.network.sent_count == target


@pytest.mark.timeout(300)
def test_world_memory_300_one_mib_messages_keep_only_the_history_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With histories of 8 entries, 300 x 1 MiB messages grow memory by far less than 300 MiB."""
    monkeypatch.setattr(Network, "DEFAULT_HISTORY_LIMIT", 8)
    monkeypatch.setattr(ProtocolMachine, "DEFAULT_HISTORY_LIMIT", 8)
    monkeypatch.setattr(QueuedHandler, "RECEIVED_LIMIT", 8)
    world = _blob_world()
    _send_blobs(world, 5, MIB - 64)  # warm up: every structure exists
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        _send_blobs(world, 300, MIB - 64)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert world.network.sent_count == 2 * 305  # every message counted, few kept
    assert len(world.network.history) == 8
    assert grown < 80 * MIB, f"grew {grown / MIB:.0f} MiB"


def test_world_memory_histories_stop_at_their_default_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each history is capped: network, machine events, handler receptions, event log, rounds."""
    monkeypatch.setattr(EventLog, "DEFAULT_HISTORY_LIMIT", 50)
    monkeypatch.setattr(World, "ROUNDS_LIMIT", 40)
    monkeypatch.setattr(Network, "DEFAULT_HISTORY_LIMIT", 30)
    monkeypatch.setattr(ProtocolMachine, "DEFAULT_HISTORY_LIMIT", 20)
    monkeypatch.setattr(QueuedHandler, "RECEIVED_LIMIT", 10)
    world = _blob_world()
    _send_blobs(world, 200, 16)
    session = world.session("B")
    assert len(world.network.history) == 30 and world.network.sent_count == 400
    assert len(world.rounds) == 40
    assert len(world.effects("B").event_log) == 50
    assert len(session.handler.received) == 10
    assert 20 <= len(session.machine.events) <= 40
    assert session.machine.event_count > 400


def test_world_memory_host_task_is_released_when_its_session_ends() -> None:
    """The cached ``HostTask`` of a role's session is dropped when that session ends."""
    world = World(parse_protocol("protocol P(A, B) {\n  A -> B: M\n}\n"), {"a": "A", "b": "B"})
    world.open_all()
    task = world.task("A")
    assert world.task("A") is task
    world.close("A")
    assert world.task("A") is not task


def _sent_labels(world: World) -> list[str]:
    events = (e.event for e in world.run_timeline().entries)
    return [e.label for e in events if getattr(e, "kind", None) == "sent"]


def test_world_memory_timeline_sees_events_after_the_logs_forget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bounded event logs and machine histories never hide new events from the timeline."""
    monkeypatch.setattr(EventLog, "DEFAULT_HISTORY_LIMIT", 20)
    monkeypatch.setattr(ProtocolMachine, "DEFAULT_HISTORY_LIMIT", 10)
    world = _blob_world()
    _send_blobs(world, 60, 16)
    timeline = world.run_timeline()
    assert _sent_labels(world) == ["Data", "Ack"] * 60  # every send, not only the first few
    runtime = [e for e in timeline.entries if not hasattr(e.event, "kind")]
    assert len(runtime) > 20  # more runtime records than one log keeps
    assert [e.number for e in timeline.entries] == list(range(1, world.timeline.count + 1))


def test_world_memory_history_stale_timeline_and_journal_stop_at_their_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Owner history, stale handles, the timeline and the explorer's journal keep the newest."""
    from aura_kit.lab import ExplorerModel
    from aura_kit.lab.journal import Journal
    from aura_kit.lab.timeline import Timeline

    monkeypatch.setattr(World, "HISTORY_LIMIT", 5)
    monkeypatch.setattr(World, "STALE_LIMIT", 3)
    monkeypatch.setattr(Timeline, "LIMIT", 40)
    monkeypatch.setattr(Journal, "LIMIT", 30)
    model = ExplorerModel.for_name("TwoBuyer")
    model.open()
    for _ in range(12):
        assert model.attenuate("Seller").ok or model.transfer("Seller").ok
        model.step()
    world = model.world
    assert len(world.history) == 5 and world.history[-1].role == "Seller"
    assert len(world.stale["Seller"]) == 3
    assert len(world.run_timeline().entries) == 40 < world.timeline.count
    assert len(model.journal.rows) == 30 and model.journal.rows[-1].number > 30
    assert model.attack("stale handle", "Seller").ok  # the newest stale handle is still there


def test_world_memory_timeline_keeps_payloads_within_its_byte_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Big payloads are forgotten oldest first once the kept ones pass the byte budget."""
    from aura_kit.lab.timeline import Timeline

    monkeypatch.setattr(Timeline, "BYTE_BUDGET", 4 * MIB)
    world = _blob_world()
    _send_blobs(world, 40, MIB)
    kept = [e.event for e in world.run_timeline().entries]
    held = sum(getattr(e, "payload_size", 0) for e in kept)
    assert held <= 4 * MIB and "Ack" in _sent_labels(world)
    assert world.timeline.count > len(kept)


@pytest.mark.timeout(300)
def test_world_memory_300_one_mib_messages_stay_within_the_default_byte_budgets() -> None:
    """With the default limits, 300 x 1 MiB messages hold the byte budgets, not 300 MiB."""
    world = _blob_world()
    _send_blobs(world, 5, MIB - 64)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        _send_blobs(world, 300, MIB - 64)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert world.network.sent_count == 2 * 305
    # network, two machines, the receiving handler and the timeline: 16 MiB each at most,
    # and the receiving side shares one decoded copy of each payload
    assert grown < 100 * MIB, f"grew {grown / MIB:.0f} MiB"
    assert world.network.history.held <= 16 * MIB
