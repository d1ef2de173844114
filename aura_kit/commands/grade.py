"""``aura-kit grade NOTEBOOK... [--json] [--timeout S]``: run lessons, report each exercise.

Each notebook runs in a fresh kernel in its own temporary directory, with a per-cell timeout
and, where the system allows it, no network (see ``grade_run`` and SECURITY.md). Prints one
table row per exercise (or JSON with ``--json``); exit 0 when every exercise of every
notebook is right, 1 otherwise (wrong, not attempted, missing, a notebook that could not be
read or did not run to the end).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from aura_kit.commands.files import CommandError
from aura_kit.teach import NotebookError

if TYPE_CHECKING:
    from aura_kit.commands.grade_run import GradedNotebook

HELP = "run lesson notebooks in fresh kernels and report every exercise (exit 1 unless all right)"
EXAMPLES = """\
examples:
  aura-kit grade submission.ipynb
  aura-kit grade --timeout 20 alice/*.ipynb
  aura-kit grade --json lesson.ipynb > results.json

Submitted notebooks are untrusted code: read the grader section of SECURITY.md."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Register the arguments."""
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="a .ipynb file")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--timeout", type=_timeout, default=30.0, metavar="S", help="seconds per cell (default 30)"
    )


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 3600 seconds")
    return value


def run(args: argparse.Namespace) -> int:
    """Grade every notebook; 0 when all exercises are right."""
    try:
        from aura_kit.commands.grade_run import grade_notebook
    except ImportError as error:  # nbclient / ipykernel come with the [lab] extra
        raise CommandError("aura-kit grade", f"needs aura_kit[lab] installed ({error})") from None
    graded, refused = [], []
    for path in args.notebooks:
        try:
            graded.append(grade_notebook(path, args.timeout))
        except NotebookError as error:
            refused.append({"path": error.path, "error": error.reason})
            print(f"{error.path}: error: {error.reason}", file=sys.stderr)
    ok = not refused and bool(graded) and all(g.passed for g in graded)
    if args.json:
        report = {"passed": ok, "notebooks": [g.to_dict() for g in graded], "refused": refused}
        print(json.dumps(report, indent=2))
    else:
        for notebook in graded:
            _print_table(notebook)
    return 0 if ok else 1


def _print_table(graded: GradedNotebook) -> None:
    network = "no network" if graded.network_isolated else "network NOT isolated"
    verdict = "PASSED" if graded.passed else "NOT PASSED"
    print(f"{graded.path}: {verdict} ({len(graded.exercises)} exercises, {network})")
    rows = [
        (e.exercise_id, e.verdict, e.reason + (f" | hint: {e.hint}" if e.hint else ""))
        for e in graded.exercises
    ]
    width = [
        max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(("exercise", "result"))
    ]
    print(f"  {'exercise':<{width[0]}}  {'result':<{width[1]}}  detail")
    for exercise_id, result, detail in rows:
        print(f"  {exercise_id:<{width[0]}}  {result:<{width[1]}}  {detail}")
    if not rows:
        print("  (no exercise result found)")
    for line in graded.cell_errors:
        print(f"  error in {line}")
    if graded.stopped:
        print(f"  stopped early: {graded.stopped}")
