"""``aura-kit run SCENARIO``: run a scenario file headless and print its event table.

The table fits the terminal from 80 columns up (outcomes, then owners, are cut with an
ellipsis unless ``--wide``); an attack row names its attack. ``--policy kit|seed`` picks the
``OwnershipPolicy`` preset; ``--compare`` prints both runs side by side instead, fitted to the
terminal the same way (100 columns when standard output is no terminal; exit 0 unless the file
is refused). Exit codes: 0 every expectation held; 1 the file was refused
(``FILE: error: scenario field PATH: reason``) or an expectation failed
(``FILE: error: scenario failed at step N (action): why``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aura_kit.commands.files import CommandError, read_scenario

if TYPE_CHECKING:
    from aura_kit.lab.scenario import Scenario
    from aura_kit.lab.scenario_report import ReportRow, ScenarioReport

HELP = (
    "run a scenario (a .json file or a bundled name such as stale_handle) and print its event table"
)
EXAMPLES = """\
examples:
  aura-kit run stale_handle
  aura-kit run my_scenario.json
  aura-kit run data/scenarios/two_buyer.json --events
  aura-kit run data/scenarios/timeout.json --wide | less -S
  aura-kit run stale_handle --policy seed
  aura-kit run compare_live_errors --compare
  cat my_scenario.json | aura-kit run -

Exit 0 when every expectation held, 1 when the file is refused or an expectation failed."""
MIN_OUTCOME_WIDTH = 16
MIN_OWNER_WIDTH = 10
COLUMN_GAPS = 5 * 2  # six columns, two spaces between neighbours


def configure(parser: argparse.ArgumentParser) -> None:
    """Options: the scenario path, every authority's events too, and whole outcomes."""
    parser.add_argument("scenario", help="a scenario .json file ('-' reads standard input)")
    parser.add_argument(
        "--events",
        action="store_true",
        help="also print each authority's runtime events with their fields",
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="print outcomes and event fields whole (default: fit the terminal width)",
    )
    parser.add_argument(
        "--policy",
        choices=("kit", "seed"),
        default=None,
        help="run under this OwnershipPolicy preset (default: the scenario's own, else kit)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run under both presets and print the two tables side by side with the first "
        "step where they part (exit 0 unless the file is refused)",
    )


def run(args: argparse.Namespace) -> int:
    """Load, run, print; non-zero when the file is bad or an expectation fails."""
    if getattr(args, "compare", False):
        return compare(args.scenario, None if args.wide else compare_width())
    policy = getattr(args, "policy", None)
    if policy is None:
        report = load_and_run(args.scenario)
    else:
        report = run_loaded(replace(read_scenario(args.scenario), policy=policy))
    width = None if args.wide else shutil.get_terminal_size().columns
    title = f"scenario {report.scenario.name}"
    if report.scenario.policy != "kit":
        title += f" (policy {report.scenario.policy})"
    print(heading(title, report, width))
    print(table(report, width))
    if args.events:
        print("\n".join(event_lines(report, width)))
    if failed(report):
        return 1
    print(f"ok: {len(report.rows)} step(s), every expectation held")
    return 0


COMPARE_FALLBACK_COLUMNS = 100  # the width of ``--compare`` when standard output is no tty


def compare(path: str, width: int | None = None) -> int:
    """Print the scenario run under the kit's and the seed's policy, side by side, fitted
    into ``width`` columns (``None``: whole)."""
    from aura_kit.lab.compare import compare_policies

    print(compare_policies(read_scenario(path)).text(width))
    return 0


def compare_width() -> int:
    """The terminal's width (``COLUMNS`` first), else ``COMPARE_FALLBACK_COLUMNS``."""
    return shutil.get_terminal_size((COMPARE_FALLBACK_COLUMNS, 24)).columns


def load_and_run(path: str) -> ScenarioReport:
    """The report of the scenario file at ``path`` (``-``: standard input)."""
    return run_loaded(read_scenario(path))


def run_loaded(scenario: Scenario) -> ScenarioReport:
    """Run a validated scenario; a protocol file that is not text is refused in one line."""
    from aura_kit.lab.scenario_run import run_scenario

    try:
        return run_scenario(scenario)
    except UnicodeDecodeError:
        protocol = str(scenario.protocol_path)
        reason = f"{protocol!r} is not UTF-8 text; expected a .choreo protocol file"
        raise CommandError(scenario.source, f"scenario field protocol: {reason}") from None


def heading(title: str, report: ScenarioReport, width: int | None) -> str:
    """``title: description``, wrapped to ``width`` columns."""
    text = f"{title}: {report.scenario.description}"
    return text if width is None else textwrap.fill(text, width=max(width - 1, 20))


def table(report: ScenarioReport, width: int | None) -> str:
    """The event table, attack rows named by their attack, fitted into ``width`` columns.

    Outcomes are cut first; when fewer than ``MIN_OUTCOME_WIDTH`` columns would be left
    for them, outcome and owner share what is left (3 to 2, the owner keeping at least
    ``MIN_OWNER_WIDTH``)."""
    steps = report.scenario.steps
    rows = [_named(row, steps[row.step].args) for row in report.rows]
    if width is None:
        return replace(report, rows=rows).table(outcome_width=None)
    fixed = sum(
        max(len(head), *(len(text) for text in column))
        for head, column in (
            ("#", [str(r.step) for r in rows]),
            ("action", [r.action for r in rows]),
            ("role", [r.role for r in rows]),
            ("authority", [r.authority for r in rows]),
        )
    )
    free = width - 1 - fixed - COLUMN_GAPS
    owner = max(len("owner"), *(len(r.owner) for r in rows))
    if free - owner < MIN_OUTCOME_WIDTH:
        owner = max(MIN_OWNER_WIDTH, free - max(MIN_OUTCOME_WIDTH, free * 3 // 5))
        rows = [replace(r, owner=_cut(r.owner, owner + 1)) for r in rows]
    outcome_width = max(MIN_OUTCOME_WIDTH, free - owner)
    return replace(report, rows=rows).table(outcome_width=outcome_width)


def _named(row: ReportRow, step_args: dict[str, Any]) -> ReportRow:
    attack = step_args.get("attack")
    return row if attack is None else replace(row, action=f"attack {attack}")


def event_lines(report: ScenarioReport, width: int | None) -> list[str]:
    """Every authority's runtime events, each followed by its fields (``None`` ones left out)."""
    lines: list[str] = []
    for name, effects in report.world.systems.items():
        lines.append(f"\nevents at {name}:")
        for record in effects.event_log.records:
            lines.append(f"  {record.seq:>3} {record.level:<7} {record.event}")
            lines.extend(
                _cut(f"        {key} = {value}", width)
                for key, value in record.fields
                if value is not None
            )
    return lines


def _cut(text: str, width: int | None) -> str:
    """``text`` in fewer than ``width`` characters (an ellipsis marks a cut)."""
    if width is None or len(text) < width:
        return text
    return text[: max(width - 2, 1)] + "…"


def failed(report: ScenarioReport) -> bool:
    """Whether an expectation failed (then the failure is on stderr)."""
    if report.failure is None:
        return False
    print(f"{report.scenario.source}: error: scenario failed at {report.failure}", file=sys.stderr)
    return True
