"""Scale sweep: time and peak memory against input size, with log-log slopes.

Run ``.venv/bin/python benchmarks/bench_scale.py`` (``--quick`` for smaller sizes). Each row
is one size; each series ends with the slope of log(time) and log(peak memory) against
log(size) between its first and last size: 1 is linear, 2 quadratic. Sizes:

- ``check roles``: ``check_protocol`` on a ring of 2,000 messages declared over 10 to
  10,000 roles (``MAX_ROLES`` raised here, as a caller may, to go past 1,000);
- ``code image roles``: ``CodeImage.from_protocol`` on the same protocols;
- ``parse_local branches``: one branch set of 1,000 to 100,000 labels;
- ``manifest names``: ``CompositionManifest.from_json`` with 1,000 to 100,000 role names.

Then one file at the size an adversarial pass once used: ``aura-kit check`` (parse, check,
project every role) on a 218 KB protocol with 1,000 roles, inside every default limit; it
took 30-35 s before checking stopped costing roles times size.

Time is CPU time of this process (best of three); memory is the tracemalloc peak of one run.
A report, not a gate: the gate is ``tests/hardening/test_scale.py`` (10x size < 30x time).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from aura_kit.cli import main as cli_main
from aura_kit.machine import CodeImage
from aura_kit.ownership import CompositionManifest
from aura_kit.protocol import check_protocol, limits, parse_local, parse_protocol

Make = Callable[[int], Callable[[], object]]


def ring(n_roles: int, n_messages: int) -> str:
    """``n_messages`` messages round the first roles of a ring of ``n_roles`` declared roles."""
    names = [f"R{i}" for i in range(n_roles)]
    used = min(n_roles, n_messages)
    body = [f"  {names[k % used]} -> {names[(k + 1) % used]}: M{k}(int)" for k in range(n_messages)]
    return "\n".join([f"protocol Ring({', '.join(names)}) {{", *body, "}"]) + "\n"


def check_roles(n: int) -> Callable[[], object]:
    protocol = parse_protocol(ring(n, 2_000))
    return lambda: check_protocol(protocol)


def image_roles(n: int) -> Callable[[], object]:
    protocol = parse_protocol(ring(n, 2_000))
    return lambda: CodeImage.from_protocol(protocol)


def local_branches(n: int) -> Callable[[], object]:
    text = "B!{" + ", ".join(f"L{i}.end" for i in range(n)) + "}"
    return lambda: parse_local(text)


def manifest_names(n: int) -> Callable[[], object]:
    data = {"protocol_id": "p", "protocol_name": "P", "role_names": [f"R{i}" for i in range(n)]}
    text = json.dumps(data)
    return lambda: CompositionManifest.from_json(text)


WIDE_BYTES = 218 * 1024
WIDE_ROLES = 1_000


def wide_file_check() -> dict[str, object]:
    """``aura-kit check`` on a 218 KB, 1,000-role file within the default limits (its
    messages stay under ``MAX_DEPTH``; long role names and labels make up the bytes)."""
    names = [f"Participant{i:04d}" for i in range(WIDE_ROLES)]
    head = f"protocol Wide({', '.join(names)}) {{"
    body: list[str] = []
    size = len(head) + 3
    while size < WIDE_BYTES:
        k = len(body)
        line = f"  {names[k % WIDE_ROLES]} -> {names[(k + 1) % WIDE_ROLES]}: Message{k:04d}(int)"
        body.append(line)
        size += len(line) + 1
    messages = len(body)
    text = "\n".join([head, *body, "}"]) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wide.choreo"
        path.write_text(text, encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            code = cli_main(["check", str(path)])
            seconds = time.perf_counter() - start
    size = len(text.encode())
    print(
        f"  aura-kit check: {size / 1024:.0f} KB, {WIDE_ROLES:,} roles, {messages:,} messages:"
        f" {seconds:.2f} s, exit {code}"
    )
    return {"series": "wide file check", "bytes": size, "seconds": seconds, "exit": code}


def measure(work: Callable[[], object]) -> tuple[float, int]:
    """Best CPU seconds of three runs, and the tracemalloc peak of a fourth."""
    best = math.inf
    for _ in range(3):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return max(best, 1e-6), peak


def slope(xs: list[int], ys: list[float]) -> float:
    return math.log(ys[-1] / ys[0]) / math.log(xs[-1] / xs[0])


def sweep(name: str, make: Make, sizes: list[int]) -> dict[str, object]:
    times, peaks = [], []
    for n in sizes:
        seconds, peak = measure(make(n))
        times.append(seconds)
        peaks.append(float(peak))
        print(
            f"  {name:<22} {n:>8,}  {seconds * 1000:>10.1f} ms  {peak / 2**20:>8.1f} MiB",
            flush=True,
        )
    row = {"series": name, "sizes": sizes, "seconds": times, "peak_bytes": peaks}
    row["time_slope"], row["memory_slope"] = slope(sizes, times), slope(sizes, peaks)
    print(f"  {name:<22} slope: time {row['time_slope']:.2f}, memory {row['memory_slope']:.2f}")
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to a tenth")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    roles = [10, 100, 1_000] if args.quick else [10, 100, 1_000, 10_000]
    counts = [100, 1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    wide = wide_file_check()  # before the limits are raised: the defaults apply
    limits.MAX_ROLES = CodeImage.max_roles = max(roles)  # raised, as a caller may
    print("series                     size        time      peak")
    rows = [
        sweep("check roles", check_roles, roles),
        sweep("code image roles", image_roles, roles),
        sweep("parse_local branches", local_branches, counts),
        sweep("manifest names", manifest_names, counts),
        wide,
    ]
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(rows, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
