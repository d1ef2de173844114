"""A million rounds in one World hold flat memory (``make test-long``; marked ``slow``)."""

from __future__ import annotations

import os

import pytest

from aura_kit.lab import World
from aura_kit.protocol import parse_protocol

LOOP = parse_protocol(
    "protocol Loop(A, B) {\n  rec L {\n    A -> B: Ping(int)\n    B -> A: Pong(int)\n"
    "    continue L\n  }\n}\n"
)
ROUNDS = 1_000_000
MIB = 1024 * 1024


def resident_bytes() -> int:
    """This process's resident set size, from ``/proc`` (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def soak(rounds: int, checkpoints: int = 10) -> list[int]:
    """Run ``rounds`` rounds of the ping-pong loop; the resident size at each checkpoint."""
    world = World(LOOP, {"a": "A", "b": "B"}, demo_payloads=True)
    world.open_all()
    sizes = []
    per_checkpoint = rounds // checkpoints
    for _ in range(checkpoints):
        while world.clock < per_checkpoint * (len(sizes) + 1):
            world.step_all()
        sizes.append(resident_bytes())
    assert world.network.sent_count >= rounds // 10  # a message every five rounds here
    return sizes


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_world_soak_a_million_rounds_holds_flat_memory() -> None:
    """From 100,000 to 1,000,000 rounds the resident size grows by less than 32 MiB."""
    sizes = soak(ROUNDS)
    grown = sizes[-1] - sizes[0]
    print(f"soak: {ROUNDS:,} rounds, resident {sizes[0] / MIB:.1f} -> {sizes[-1] / MIB:.1f} MiB")
    assert grown < 32 * MIB, [round(s / MIB, 1) for s in sizes]
