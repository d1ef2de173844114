"""Target 5: exploration throughput on a generated ring, and the partial-order reduction.

The ring has ``n`` roles; first every even role passes a token to its right neighbour, then
every odd role does, so up to n/2 sends and receives are enabled at once and the plain search
sees every interleaving of them. Both searches run on the same image.
Targets: at least 50,000 states/s (plain search); the reduced search keeps at most 1/5 of
the states (reduction factor >= 5). Both state counts are reported.
"""

from __future__ import annotations

import statistics
import time

from _timing import Result

from aura_kit.machine import CodeImage, explore
from aura_kit.protocol import parse_protocol

TARGET_STATES_PER_S = 50_000


def ring_text(n: int) -> str:
    """Choreography text of the generated ring with ``n`` roles (n even)."""
    roles = [f"R{i}" for i in range(n)]
    lines = [f"protocol Ring{n}({', '.join(roles)}) {{"]
    for first in (0, 1):
        for i in range(first, n, 2):
            lines.append(f"  {roles[i]} -> {roles[(i + 1) % n]}: Token{i}(int)")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ring_image(n: int) -> CodeImage:
    """The protocol image of the generated ring with ``n`` roles."""
    return CodeImage.from_protocol(parse_protocol(ring_text(n)))


def _timed(image: CodeImage, reduction: bool) -> tuple[int, float, int]:
    start = time.perf_counter_ns()
    result = explore(image, reduction=reduction, max_states=1_000_000)
    elapsed = time.perf_counter_ns() - start
    if not result.complete:
        raise AssertionError("ring exploration hit max_states")
    return result.state_count, elapsed, len(result.deadlocks)


def run(quick: bool = False) -> list[Result]:
    """Measure target 5."""
    n = 8 if quick else 10
    repeats = 3
    image = ring_image(n)
    plain = [_timed(image, False) for _ in range(repeats)]
    reduced = [_timed(image, True) for _ in range(repeats)]
    full_states, reduced_states = plain[0][0], reduced[0][0]
    plain_ns = statistics.median(p[1] for p in plain)
    rate = full_states / (plain_ns / 1e9)
    reduced_rate = reduced_states / (statistics.median(r[1] for r in reduced) / 1e9)
    data = {
        "roles": n, "plain_states": full_states, "reduced_states": reduced_states,
        "plain_states_per_s": rate, "reduced_states_per_s": reduced_rate,
        "deadlocks": [plain[0][2], reduced[0][2]],
    }  # fmt: skip
    return [
        Result(
            target="5a", name=f"explore ring of {n}, plain search",
            measured=f"{rate:,.0f} states/s ({full_states:,} states)",
            ratio=rate / TARGET_STATES_PER_S, limit=1.0, higher_is_better=True,
            note="ratio to 50,000 states/s", data=data,
        ),
        Result(
            target="5b", name=f"explore ring of {n}, reduction",
            measured=f"{full_states:,} -> {reduced_states:,} states ({reduced_rate:,.0f}/s)",
            ratio=full_states / reduced_states, limit=5.0, higher_is_better=True,
            note="state-count reduction factor, same image", data=data,
        ),
    ]  # fmt: skip
