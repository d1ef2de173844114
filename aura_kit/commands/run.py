"""``aura-kit run SCENARIO``: run a scenario file headless and print its event table.

Exit codes: 0 every expectation held; 1 the file was refused (typed error with its JSON
path on stderr) or an expectation failed.
"""

from __future__ import annotations

import argparse
import sys

HELP = "run a scenario file (data/scenarios/*.json) and print its event table"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options: the scenario path, and whether to print every authority's events too."""
    parser.add_argument("scenario", help="path of a scenario JSON file")
    parser.add_argument(
        "--events", action="store_true", help="also print each authority's runtime events"
    )


def run(args: argparse.Namespace) -> int:
    """Load, run, print; non-zero when the file is bad or an expectation fails."""
    from aura_kit.runtime.scenario import ScenarioError, load_scenario
    from aura_kit.runtime.scenario_run import run_scenario

    try:
        report = run_scenario(load_scenario(args.scenario))
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"scenario {report.scenario.name}: {report.scenario.description}")
    print(report.table())
    if args.events:
        for name, effects in report.world.systems.items():
            print(f"\nevents at {name}:")
            for record in effects.event_log.records:
                print(f"  {record.seq:>3} {record.level:<7} {record.event}")
    if report.failure is not None:
        print(f"FAILED: {report.failure}", file=sys.stderr)
        return 1
    print(f"ok: {len(report.rows)} step(s), every expectation held")
    return 0
