"""``aura-kit run SCENARIO``: run a scenario headless and print its event table.

``SCENARIO`` is a file or the name of a bundled scenario (``two_buyer``).

Exit codes: 0 every expectation held; 1 the file was refused (typed error with its JSON
path on stderr) or an expectation failed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from aura_kit.lab.scenario_report import OUTCOME_WIDTH

if TYPE_CHECKING:
    from aura_kit.lab.scenario_report import ScenarioReport

HELP = "run a scenario (a JSON file or a bundled name such as two_buyer) and print its events"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options: the scenario path, every authority's events too, and whole outcomes."""
    parser.add_argument("scenario", help="a scenario JSON file, or a bundled scenario's name")
    parser.add_argument(
        "--events", action="store_true", help="also print each authority's runtime events"
    )
    parser.add_argument(
        "--wide", action="store_true", help="print outcomes whole (default: cut at 120 characters)"
    )


def run(args: argparse.Namespace) -> int:
    """Load, run, print; non-zero when the file is bad or an expectation fails."""
    report = load_and_run(args.scenario)
    if report is None:
        return 1
    print(f"scenario {report.scenario.name}: {report.scenario.description}")
    print(report.table(outcome_width=None if args.wide else OUTCOME_WIDTH))
    if args.events:
        print("\n".join(report.event_lines()))
    if failed(report):
        return 1
    print(f"ok: {len(report.rows)} step(s), every expectation held")
    return 0


def load_and_run(path: str) -> ScenarioReport | None:
    """The report of the scenario at ``path`` (or named ``path``); None (error on stderr) when
    refused."""
    from aura_kit.lab.scenario import ScenarioError, load_scenario
    from aura_kit.lab.scenario_run import run_scenario

    try:
        return run_scenario(load_scenario(path))
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def failed(report: ScenarioReport) -> bool:
    """Whether an expectation failed (then the failure is on stderr)."""
    if report.failure is None:
        return False
    print(f"FAILED: {report.failure}", file=sys.stderr)
    return True
