"""cProfile summaries (top 25 by cumulative time) of the slowest paths against their targets.

Writes ``benchmarks/profiles/<name>.txt``:
- ``owned_round``: owned ping-pong rounds over the in-memory transport (target 3);
- ``machine_10k_sessions``: machine steps with 10,000 concurrent sessions (target 2b);
- ``explore_plain``: plain breadth-first exploration of the generated ring (target 5a);
- ``ownership_check``: the boundary check on a valid owner (target 1).
Run: ``.venv/bin/python benchmarks/profile_paths.py`` (or ``run_all.py --profiles``).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_explore  # noqa: E402
import bench_ownership  # noqa: E402
import bench_rounds  # noqa: E402
from bench_machine import loop_image  # noqa: E402

from aura_kit.machine import ProtocolMachine, QueuedHandler, explore  # noqa: E402
from aura_kit.ownership import LinkBoundary  # noqa: E402

OUT = HERE / "profiles"


def _owned_round() -> Callable[[], object]:
    return lambda: bench_rounds.owned_cycles(2_000)


def _machine_10k() -> Callable[[], object]:
    machine = ProtocolMachine()
    image = loop_image()
    for _ in range(10_000):
        machine.load(image, handler=QueuedHandler(fallback=True))

    def steps() -> None:
        for _ in range(100_000):
            machine.step()

    return steps


def _explore_plain() -> Callable[[], object]:
    image = bench_explore.ring_image(8)
    return lambda: explore(image, reduction=False)


def _ownership_check() -> Callable[[], object]:
    effects, task, owner = bench_ownership.bound_owner(in_host_task=True)
    boundary = LinkBoundary.for_protocol("bench")

    def checks() -> None:
        with task:
            for _ in range(100_000):
                effects.assert_owned_choreography_boundary(owner, boundary)

    return checks


PATHS: dict[str, Callable[[], Callable[[], object]]] = {
    "owned_round": _owned_round,
    "machine_10k_sessions": _machine_10k,
    "explore_plain": _explore_plain,
    "ownership_check": _ownership_check,
}


def profile(name: str) -> Path:
    """Profile one path and write its summary."""
    work = PATHS[name]()
    profiler = cProfile.Profile()
    profiler.runcall(work)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("cumulative")
    stats.print_stats(25)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.txt"
    path.write_text(f"# cProfile of {name}: top 25 by cumulative time\n" + text.getvalue())
    return path


def main() -> None:
    """Profile every path."""
    for name in PATHS:
        print(f"wrote {profile(name)}")


if __name__ == "__main__":
    main()
