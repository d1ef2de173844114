"""Target 4: projection of a generated protocol with 20 roles and 1,000 messages, and doubled.

The generator writes ``.choreo`` text: runs of messages around the ring of roles, with a
two-way choice every ``CHOICE_EVERY`` messages, the whole body inside one ``rec`` loop, so
projection exercises sends, receives, merges and recursion. At a choice the chooser tells its
neighbour ``Go`` or ``Stop``. After ``Go`` the ring goes on (the rest of the protocol is
inside that branch); after ``Stop`` a ``Stop`` relay goes once round the ring and the loop
starts again. Every other role sees a receive from its ring neighbour in both branches, with
different labels, so its projection is a real full merge (a union of two receives). Choices
nest (one block each; 2,000 messages nest 40 deep, under ``MAX_NESTING`` 64), and no
fall-through is shared, so the type's size stays linear (under ``MAX_SIZE``).
The protocol is parsed from the text (``MAX_DEPTH`` is 4,096; 2,000 messages are about 2,000
deep); only ``project_all`` is timed, the parse time is reported as data.
Targets: project_all under 100 ms; doubling the size at most 2.5x the time.
"""

from __future__ import annotations

import sys
import time

from _timing import Result, median_ns, ms

from aura_kit.protocol import parse_protocol, project_all

CHOICE_EVERY = 50


def generate(n_roles: int, n_messages: int) -> str:
    """Choreography text with ``n_roles`` roles and ``n_messages`` messages on the ``Go`` path.

    Each ``Stop`` branch adds ``n_roles`` messages more (the chooser's and the relay).
    """
    roles = [f"R{i}" for i in range(n_roles)]
    lines = [f"protocol Gen{n_messages}({', '.join(roles)}) {{", "  rec Loop {"]
    closers: list[str] = []
    k = 0
    while k < n_messages:
        pad = "    " + "  " * len(closers)
        s, r = roles[k % n_roles], roles[(k + 1) % n_roles]
        if k % CHOICE_EVERY == CHOICE_EVERY - 1 and k + n_roles <= n_messages:
            relay = [
                f"{pad}  {roles[(k + j) % n_roles]} -> {roles[(k + j + 1) % n_roles]}: Stop{k}"
                for j in range(1, n_roles)
            ]
            closers.append("\n".join([f"{pad}}} or {{", f"{pad}  {s} -> {r}: Stop{k}", *relay,
                                      f"{pad}  continue Loop", f"{pad}}}"]))  # fmt: skip
            lines += [f"{pad}choice at {s} {{", f"{pad}  {s} -> {r}: Go{k}(int)"]
            k += 1
            continue
        lines.append(f"{pad}{s} -> {r}: M{k}(int)")
        k += 1
    lines.append("    " + "  " * len(closers) + "continue Loop")
    lines += reversed(closers)
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def measure(n_messages: int, repeats: int) -> dict[str, float]:
    """Parse and projection times for one generated size (nanoseconds)."""
    text = generate(20, n_messages)
    start = time.perf_counter_ns()
    protocol = parse_protocol(text)
    parse_ns = time.perf_counter_ns() - start
    return {"parse_ns": parse_ns, "project_ns": median_ns(lambda: project_all(protocol), repeats)}


def run(quick: bool = False) -> list[Result]:
    """Measure target 4 (at the default recursion limit: deep protocols must not need more)."""
    repeats = 3 if quick else 7
    limit = sys.getrecursionlimit()
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
            note="ratio to the 100 ms budget; parsed from .choreo text (MAX_DEPTH 4,096)",
            data=small,
        ),
        Result(
            target="4b", name="project_all, doubled (2,000 messages)",
            measured=ms(large["project_ns"]), ratio=doubling, limit=2.5,
            note="time ratio 2,000 / 1,000 messages", data=large,
        ),
    ]  # fmt: skip
