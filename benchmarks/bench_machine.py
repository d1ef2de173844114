"""Protocol machine benchmark: prints a table and writes benchmarks/results/machine.json.

1. rounds/s of a looping ping-pong on the machine vs a hand-written deque ping-pong loop that
   does the same work per round (pick the next role, check the label, move one message,
   record one event tuple); target ratio <= 6x;
2. per-round cost with 10,000 concurrent sessions vs one session; target within 1.5x;
   (also measured with ``gc.freeze()`` after loading, reported separately);
3. exploration states/s on the bundled protocols, with and without partial-order reduction.

Run: ``.venv/bin/python benchmarks/bench_machine.py``.
"""

from __future__ import annotations

import gc
import json
import time
from collections import deque
from pathlib import Path
from typing import Any

from aura_kit.data import bundled_names
from aura_kit.machine import CodeImage, ProtocolMachine, QueuedHandler, explore
from aura_kit.protocol import load_protocol
from aura_kit.protocol.types import Branch, Comm, Mu, Recv, Send, Sort, Var

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 200_000


def loop_image() -> CodeImage:
    """Ping(int) / Pong(int) forever (no exit), so every round is a message action."""
    pong = Branch("Pong", Sort.INT, Var("X"))
    a = Mu("X", Send("B", (Branch("Ping", Sort.INT, Recv("B", (pong,))),)))
    b = Mu("X", Recv("A", (Branch("Ping", Sort.INT, Send("A", (pong,))),)))
    g = Mu("X", Comm("A", "B", (Branch("Ping", Sort.INT, Comm("B", "A", (pong,))),)))
    return CodeImage(g, {"A": a, "B": b})


def machine_rounds(sessions: int, rounds: int, freeze: bool = False) -> float:
    """Seconds per round with ``sessions`` concurrent ping-pong sessions.

    ``freeze=True`` calls ``gc.freeze()`` after loading, so full collections skip the
    long-lived session objects (what a host with many sessions would do).
    """
    m = ProtocolMachine()
    image = loop_image()
    for _ in range(sessions):
        m.load(image, handler=QueuedHandler(fallback=True))
    if freeze:
        gc.collect()
        gc.freeze()
    step = m.step
    start = time.perf_counter()
    for _ in range(rounds):
        step()
    seconds = (time.perf_counter() - start) / rounds
    gc.unfreeze()
    return seconds


def deque_rounds(rounds: int) -> float:
    """Seconds per round of the hand-written ping-pong baseline."""
    ab: deque[tuple[str, Any]] = deque()
    ba: deque[tuple[str, Any]] = deque()
    events: list[tuple[Any, ...]] = []
    ready = deque(["A"])
    phase = {"A": 0, "B": 0}
    start = time.perf_counter()
    for tick in range(rounds):
        role = ready.popleft()
        if role == "A":
            if phase["A"] == 0:
                ab.append(("Ping", 0))
                events.append(("sent", tick, "A", "B", "Ping", 0))
                ready.append("B")
                phase["A"] = 1
            else:
                label, payload = ba.popleft()
                if label != "Pong":
                    raise ValueError(label)
                events.append(("received", tick, "A", "B", label, payload))
                ready.append("A")
                phase["A"] = 0
        elif phase["B"] == 0:
            label, payload = ab.popleft()
            if label != "Ping":
                raise ValueError(label)
            events.append(("received", tick, "B", "A", label, payload))
            ready.append("B")
            phase["B"] = 1
        else:
            ba.append(("Pong", 0))
            events.append(("sent", tick, "B", "A", "Pong", 0))
            ready.append("A")
            phase["B"] = 0
    return (time.perf_counter() - start) / rounds


def best(fn: Any, *args: Any, repeat: int = 3) -> float:
    """Best of ``repeat`` runs."""
    return min(fn(*args) for _ in range(repeat))


def exploration() -> dict[str, Any]:
    """States/s over every bundled protocol, with and without reduction."""
    images = [CodeImage.from_protocol(load_protocol(p)) for p in bundled_names("protocols")]
    out: dict[str, Any] = {}
    for reduction in (False, True):
        start = time.perf_counter()
        states = sum(
            explore(im, reduction=reduction, buffer_capacity=8).state_count for im in images
        )
        seconds = time.perf_counter() - start
        out["reduced" if reduction else "full"] = {
            "states": states,
            "states_per_s": states / seconds,
        }
    return out


def main() -> None:
    """Measure, print the table, write the JSON."""
    base = best(deque_rounds, ROUNDS)
    one = best(machine_rounds, 1, ROUNDS)
    many = best(machine_rounds, 10_000, ROUNDS)
    one_frozen = best(machine_rounds, 1, ROUNDS, True)
    many_frozen = best(machine_rounds, 10_000, ROUNDS, True)
    explored = exploration()
    results = {
        "deque_rounds_per_s": 1 / base,
        "machine_rounds_per_s": 1 / one,
        "machine_vs_deque_ratio": one / base,
        "ratio_target": 6.0,
        "per_round_us_1_session": one * 1e6,
        "per_round_us_10000_sessions": many * 1e6,
        "sessions_ratio": many / one,
        "sessions_ratio_target": 1.5,
        "per_round_us_1_session_gc_frozen": one_frozen * 1e6,
        "per_round_us_10000_sessions_gc_frozen": many_frozen * 1e6,
        "sessions_ratio_gc_frozen": many_frozen / one_frozen,
        "explore": explored,
    }
    rows = [
        ("hand-written deque ping-pong", f"{1 / base:,.0f} rounds/s"),
        ("machine ping-pong (1 session)", f"{1 / one:,.0f} rounds/s"),
        ("machine / deque cost ratio", f"{one / base:.2f}x (target <= 6x)"),
        ("per round, 1 session", f"{one * 1e6:.3f} us"),
        ("per round, 10,000 sessions", f"{many * 1e6:.3f} us"),
        ("10,000 / 1 session cost ratio", f"{many / one:.2f}x (target <= 1.5x)"),
        (
            "same, gc.freeze() after load",
            f"{one_frozen * 1e6:.3f} / {many_frozen * 1e6:.3f} us"
            f" = {many_frozen / one_frozen:.2f}x",
        ),
        ("explore, full", f"{explored['full']['states_per_s']:,.0f} states/s"),
        ("explore, reduced", f"{explored['reduced']['states_per_s']:,.0f} states/s"),
        (
            "states full / reduced",
            f"{explored['full']['states']} / {explored['reduced']['states']}",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    out = ROOT / "benchmarks" / "results" / "machine.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
