"""Run every benchmark, print one table, write JSON to ``benchmarks/results/``.

Every figure is a ratio against a baseline (or a budget) measured in the same run; the
process is pinned to one core. ``make bench`` runs this file; options:

  --quick       smaller sizes and fewer repeats (a smoke run, ~3 s)
  --notebooks   also time the whole nbval run (target 7; slow)
  --profiles    also write the cProfile summaries to ``benchmarks/profiles/``
  --only N ...  only these targets (1-9)
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _timing import Result, pin_to_one_core  # noqa: E402

SUITES: dict[str, str] = {
    "1": "bench_ownership",
    "2": "bench_rounds",  # targets 2 and 3 share their set-up
    "3": "bench_rounds",
    "4": "bench_projection",
    "5": "bench_explore",
    "6": "bench_render",
    "7": "bench_notebooks",
    "8": "bench_scribble",
    "9": "bench_editor",
}


def _suites(only: list[str], notebooks: bool) -> list[str]:
    wanted = only or [t for t in SUITES if t != "7" or notebooks]
    if notebooks and "7" not in wanted:
        wanted.append("7")
    names: list[str] = []
    for target in wanted:
        if SUITES[target] not in names:
            names.append(SUITES[target])
    return names


def _run(name: str, quick: bool) -> tuple[list[Result], float]:
    module = __import__(name)
    runner: Callable[..., list[Result]] = module.run
    start = time.perf_counter()
    results = runner(quick=quick)
    return results, time.perf_counter() - start


def table(results: list[Result]) -> str:
    """The report as a fixed-width table."""
    rows = [("target", "what", "measured", "ratio", "verdict")]
    rows += [(r.target, r.name, r.measured, r.ratio_text, r.verdict) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  [{r.target}] {r.note}" for r in results if r.note]
    return "\n".join([*lines, "", "notes:", *notes])


def main(argv: list[str] | None = None) -> int:
    """Run, print, write JSON; exit 0 even on misses (a benchmark reports, it does not gate)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--notebooks", action="store_true")
    parser.add_argument("--profiles", action="store_true")
    parser.add_argument("--only", nargs="*", default=[], choices=sorted(SUITES))
    args = parser.parse_args(argv)
    pinned = pin_to_one_core()
    print(f"aura_kit benchmarks: Python {platform.python_version()}, {pinned}")
    results: list[Result] = []
    seconds: dict[str, float] = {}
    for name in _suites(args.only, args.notebooks):
        found, took = _run(name, args.quick)
        seconds[name] = took
        results += found
        for r in found:
            print(f"  {r.target:<3} {r.verdict:<4} {r.name}: {r.measured}", flush=True)
    if args.profiles:
        import profile_paths

        profile_paths.main()
    print()
    print(table(results))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "when": stamp,
        "python": platform.python_version(),
        "pinned": pinned,
        "quick": args.quick,
        "suite_seconds": seconds,
        "results": [r.to_json() for r in results],
    }
    text = json.dumps(report, indent=2, sort_keys=True) + "\n"
    (out / f"run_all-{stamp}.json").write_text(text)
    (out / "latest.json").write_text(text)
    print(f"\nwrote {out / 'latest.json'} ({sum(seconds.values()):.0f} s of benchmarks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
