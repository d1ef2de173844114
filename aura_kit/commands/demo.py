"""``aura-kit demo``: the two-buyer scenario with a mid-session delegation.

Prints the scenario's event table, then who owned what at each step (the ownership
history of every authority) and the messages that crossed the network.
"""

from __future__ import annotations

import argparse
import shutil

from aura_kit.commands.run import failed, heading, load_and_run, table

HELP = "run the two-buyer demo with a mid-session delegation and show who owned what"
DEMO = "two_buyer_delegation"  # a bundled scenario, found by name
EXAMPLES = """\
examples:
  aura-kit demo
  aura-kit demo --scenario fragment_delegation"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Option: another scenario file to demo."""
    parser.add_argument(
        "--scenario",
        default=DEMO,
        metavar="SCENARIO",
        help="scenario .json file or bundled name ('-' reads standard input; default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the demo scenario and print the table, ownership history and messages."""
    report = load_and_run(args.scenario)
    width = shutil.get_terminal_size().columns
    print(heading(f"demo {report.scenario.name}", report, width) + "\n")
    print(table(report, width))
    lines = ["\nwho owned what:", *report.history_lines(), "\nmessages:", *report.message_lines()]
    print("\n".join(lines))
    return 1 if failed(report) else 0
