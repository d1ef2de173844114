"""``aura-kit demo``: the two-buyer scenario with a mid-session delegation.

Prints the scenario's event table, then who owned what at each step (the ownership
history of every authority) and the messages that crossed the network.
"""

from __future__ import annotations

import argparse

from aura_kit.commands.run import failed, load_and_run
from aura_kit.lab.demo import DEMO_SCENARIO, demo_text

HELP = "run the two-buyer demo with a mid-session delegation and show who owned what"


def configure(parser: argparse.ArgumentParser) -> None:
    """Option: another scenario (a file or a bundled name) to demo."""
    parser.add_argument(
        "--scenario", default=DEMO_SCENARIO, help="scenario file or bundled name (default: demo)"
    )


def run(args: argparse.Namespace) -> int:
    """Run the demo scenario and print the table, ownership history and messages."""
    report = load_and_run(args.scenario)
    if report is None:
        return 1
    print(demo_text(report))
    return 1 if failed(report) else 0
