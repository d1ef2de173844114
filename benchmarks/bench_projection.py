"""Target 4: projection of a generated protocol with 20 roles and 1,000 messages, and doubled.

The generator makes runs of messages around the ring of roles, with a two-way choice every
``CHOICE_EVERY`` messages (the chooser tells its neighbour; roles outside the choice see the
merge; both branches fall through to the same rest) and the whole body inside one ``rec``
loop, so projection exercises sends, receives, merges and recursion. Only ``project_all`` is
timed, on a global type built with the type constructors exactly as the parser builds it
(right to left, shared fall-through): the parser refuses types deeper than ``MAX_DEPTH``
(256), and a 1,000-message protocol is about 1,000 deep. ``generate`` gives the same protocol
as text, parsed when the limit allows it.
Targets: project_all under 100 ms; doubling the size at most 2.5x the time.
"""

from __future__ import annotations

import sys
import time

from _timing import Result, median_ns, ms

from aura_kit.protocol import parse_protocol, project_all
from aura_kit.protocol.errors import ProtocolDefinitionError
from aura_kit.protocol.types import Branch, Comm, GlobalType, Mu, Protocol, Sort, Var

CHOICE_EVERY = 50


def generate(n_roles: int, n_messages: int) -> str:
    """Choreography text with ``n_roles`` roles and ``n_messages`` message statements."""
    roles = [f"R{i}" for i in range(n_roles)]
    lines = [f"protocol Gen{n_messages}({', '.join(roles)}) {{", "  rec Loop {"]
    k = 0
    while k < n_messages:
        s, r = roles[k % n_roles], roles[(k + 1) % n_roles]
        if k % CHOICE_EVERY == CHOICE_EVERY - 1 and k + 2 <= n_messages:
            lines.append(f"    choice at {s} {{ {s} -> {r}: Go{k}(int) }} or {{")
            lines.append(f"      {s} -> {r}: Skip{k}")
            lines.append("    }")
            k += 2
            continue
        lines.append(f"    {s} -> {r}: M{k}(int)")
        k += 1
    lines += ["    continue Loop", "  }", "}"]
    return "\n".join(lines) + "\n"


def build(n_roles: int, n_messages: int) -> Protocol:
    """The protocol ``generate`` writes, built with the type constructors (no depth limit)."""
    roles = [f"R{i}" for i in range(n_roles)]
    steps: list[tuple[str, str, int, bool]] = []
    k = 0
    while k < n_messages:
        choice = k % CHOICE_EVERY == CHOICE_EVERY - 1 and k + 2 <= n_messages
        steps.append((roles[k % n_roles], roles[(k + 1) % n_roles], k, choice))
        k += 2 if choice else 1
    rest: GlobalType = Var("Loop")
    for s, r, k, choice in reversed(steps):
        if choice:
            go, skip = Branch(f"Go{k}", Sort.INT, rest), Branch(f"Skip{k}", Sort.UNIT, rest)
            rest = Comm(s, r, (go, skip))
        else:
            rest = Comm(s, r, (Branch(f"M{k}", Sort.INT, rest),))
    return Protocol(name=f"Gen{n_messages}", roles=tuple(roles), global_type=Mu("Loop", rest))


def _same_as_text(n_roles: int, n_messages: int) -> bool | None:
    """Whether the parser builds the same type from ``generate`` (None: refused as too deep)."""
    try:
        parsed = parse_protocol(generate(n_roles, n_messages))
    except ProtocolDefinitionError:
        return None
    return parsed.global_type == build(n_roles, n_messages).global_type


def _project_ns(protocol: Protocol, repeats: int) -> float:
    def run() -> int:
        start = time.perf_counter_ns()
        project_all(protocol)
        return time.perf_counter_ns() - start

    return median_ns(run, repeats)


def measure(n_messages: int, repeats: int) -> dict[str, float]:
    """Build and projection times for one generated size (nanoseconds)."""
    start = time.perf_counter_ns()
    protocol = build(20, n_messages)
    build_ns = time.perf_counter_ns() - start
    return {"build_ns": build_ns, "project_ns": _project_ns(protocol, repeats)}


def run(quick: bool = False) -> list[Result]:
    """Measure target 4 (at the default recursion limit: deep protocols must not need more)."""
    repeats = 3 if quick else 7
    limit = sys.getrecursionlimit()
    if not _same_as_text(4, 60):
        raise AssertionError("bench_projection.build no longer matches the parser's type")
    try:
        small = measure(1000, repeats)
        large = measure(2000, repeats)
    except RecursionError:
        return [
            Result(
                target="4", name="project_all, 20 roles x 1,000 messages",
                measured=f"RecursionError at the default recursion limit ({limit})",
                ratio=None, limit=None, passed=False,
                note="the protocol layer recurses once per message",
            )
        ]  # fmt: skip
    doubling = large["project_ns"] / small["project_ns"]
    return [
        Result(
            target="4a", name="project_all, 20 roles x 1,000 messages",
            measured=ms(small["project_ns"]), ratio=small["project_ns"] / 100e6, limit=1.0,
            note="ratio to the 100 ms budget; the parser refuses this depth (MAX_DEPTH 256)",
            data=small,
        ),
        Result(
            target="4b", name="project_all, doubled (2,000 messages)",
            measured=ms(large["project_ns"]), ratio=doubling, limit=2.5,
            note="time ratio 2,000 / 1,000 messages", data=large,
        ),
    ]  # fmt: skip
