"""Target 7 (optional, ``run_all.py --notebooks``): the whole nbval run under 90 s on 2 cores.

Runs exactly the Makefile's notebook command once, in a child process allowed on every core
(the benchmark process itself is pinned to one), and reports its wall time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from _timing import Result

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [
    sys.executable, "-m", "pytest", "--nbval",
    "--nbval-sanitize-with", "tests/notebooks/sanitize.cfg", "--nbval-current-env",
    "notebooks", "-q", "-rf", "-p", "no:cacheprovider",
]  # fmt: skip
BUDGET_S = 90.0


def _all_cores() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))


def run(quick: bool = False) -> list[Result]:
    """Time one nbval run of every notebook."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        return [
            Result(target="7", name="nbval, all notebooks", measured="no notebooks yet",
                   ratio=None, limit=None)
        ]  # fmt: skip
    start = time.perf_counter_ns()
    done = subprocess.run(
        COMMAND, cwd=ROOT, capture_output=True, text=True, preexec_fn=_all_cores, check=False
    )
    seconds = (time.perf_counter_ns() - start) / 1e9
    lines = done.stdout.strip().splitlines() or ["(no output)"]
    failed = [line.split("::")[0] for line in lines if line.startswith("FAILED")]
    last = lines[-1] + (f"; failed: {', '.join(sorted(set(failed)))}" if failed else "")
    return [
        Result(
            target="7", name=f"nbval, {len(notebooks)} notebooks",
            measured=f"{seconds:.1f} s", ratio=seconds / BUDGET_S, limit=1.0,
            passed=seconds < BUDGET_S and done.returncode == 0,
            note=f"ratio to the 90 s budget; pytest exit {done.returncode}: {last}",
            data={"seconds": seconds, "returncode": done.returncode, "cpus": os.cpu_count()},
        )
    ]  # fmt: skip
