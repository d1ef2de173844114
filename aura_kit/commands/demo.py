"""``aura-kit demo``: the two-buyer scenario with a mid-session delegation.

Prints the scenario's event table, then who owned what at each step (the ownership
history of every authority) and the messages that crossed the network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "run the two-buyer demo with a mid-session delegation and show who owned what"
DEMO = Path(__file__).resolve().parents[2] / "data" / "scenarios" / "two_buyer_delegation.json"


def configure(parser: argparse.ArgumentParser) -> None:
    """Option: another scenario file to demo."""
    parser.add_argument("--scenario", default=str(DEMO), help="scenario file (default: demo)")


def run(args: argparse.Namespace) -> int:
    """Run the demo scenario and print the table, ownership history and messages."""
    from aura_kit.runtime.scenario import ScenarioError, load_scenario
    from aura_kit.runtime.scenario_run import run_scenario

    try:
        report = run_scenario(load_scenario(args.scenario))
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"demo {report.scenario.name}: {report.scenario.description}\n")
    print(report.table())
    print("\nwho owned what:")
    for change in report.world.history:
        print(
            f"  round {change.step:>3}  {change.authority:<6} {change.role:<7} "
            f"{change.action:<9} -> {change.owner_label} (generation {change.generation}, "
            f"{change.scope})"
        )
    print("\nmessages:")
    for sender, receiver, label, payload in report.world.messages():
        print(f"  {sender} -> {receiver}: {label}({payload!r})")
    if report.failure is not None:
        print(f"FAILED: {report.failure}", file=sys.stderr)
        return 1
    return 0
