"""``aura-kit demo``: the two-buyer scenario with a mid-session delegation.

Prints the scenario's event table, then who owned what at each step (the ownership
history of every authority) and the messages that crossed the network.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from aura_kit.commands.run import failed, load_and_run

HELP = "run the two-buyer demo with a mid-session delegation and show who owned what"
DEMO = Path(__file__).resolve().parents[2] / "data" / "scenarios" / "two_buyer_delegation.json"


def configure(parser: argparse.ArgumentParser) -> None:
    """Option: another scenario file to demo."""
    parser.add_argument("--scenario", default=str(DEMO), help="scenario file (default: demo)")


def run(args: argparse.Namespace) -> int:
    """Run the demo scenario and print the table, ownership history and messages."""
    report = load_and_run(args.scenario)
    if report is None:
        return 1
    print(f"demo {report.scenario.name}: {report.scenario.description}\n")
    print(report.table())
    lines = ["\nwho owned what:", *report.history_lines(), "\nmessages:", *report.message_lines()]
    print("\n".join(lines))
    return 1 if failed(report) else 0
