"""The machine's event history stays within its byte budget; a snapshot restores its count."""

from __future__ import annotations

from aura_kit.machine import CodeImage, ProtocolMachine, QueuedHandler
from aura_kit.machine.machine import BIG_PAYLOAD
from aura_kit.protocol import parse_protocol

BLOB = parse_protocol(
    "protocol Blob(A, B) {\n  rec L {\n    A -> B: Data(bytes)\n    B -> A: Ack\n"
    "    continue L\n  }\n}\n"
)


def _machine(budget: int, payloads: list[bytes]) -> ProtocolMachine:
    machine = ProtocolMachine(byte_budget=budget)
    handler = QueuedHandler(payloads=payloads)
    machine.load(CodeImage.from_protocol(BLOB), handler=handler)
    return machine


def _held(machine: ProtocolMachine) -> int:
    sizes = (len(e.payload) for e in machine.events if isinstance(e.payload, bytes))
    return sum(s for s in sizes if s >= BIG_PAYLOAD)


def test_machine_byte_budget_forgets_the_oldest_big_payloads() -> None:
    """Fifty 10 KB sends with a 50 KB budget keep at most 50 KB of them; every event counted."""
    machine = _machine(50_000, [bytes(10_000)] * 50)
    for _ in range(190):
        machine.step()
    sent = [e for e in machine.events if e.label == "Data" and e.kind == "sent"]
    assert 0 < _held(machine) <= 50_000 * 2  # sent and received copies: each side's event
    assert len(sent) < 50 and machine.event_count > 100
    assert machine.events[-1].tick == max(e.tick for e in machine.events)  # the newest kept


def test_machine_byte_budget_small_payloads_are_not_forgotten() -> None:
    """Payloads under BIG_PAYLOAD never count: a zero budget keeps every small event."""
    machine = _machine(0, [b"x" * (BIG_PAYLOAD - 1)] * 20)
    for _ in range(70):
        machine.step()
    assert len(machine.events) == machine.event_count


def test_machine_byte_budget_restore_brings_back_the_count() -> None:
    """After a restore, stepping forgets exactly as it did before the snapshot."""
    machine = _machine(30_000, [bytes(10_000)] * 30)
    for _ in range(20):
        machine.step()
    snap = machine.snapshot()
    for _ in range(60):
        machine.step()
    first = [(e.kind, e.tick) for e in machine.events]
    machine.restore(snap)
    for _ in range(60):
        machine.step()
    assert [(e.kind, e.tick) for e in machine.events] == first
