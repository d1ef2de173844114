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
