"""The demo: the two-buyer scenario with a mid-session delegation, as text.

Invariants:
- the demo is a bundled scenario, found by name, so it runs the same from a source tree and
  from an installed wheel;
- the text only reads the report: the event table, who owned what at each step (every
  authority's ownership history) and the messages that crossed the network.
"""

from __future__ import annotations

from .scenario_report import ScenarioReport

DEMO_SCENARIO = "two_buyer_delegation"


def demo_text(report: ScenarioReport) -> str:
    """The heading, the event table, the ownership history and the messages."""
    lines = [
        f"demo {report.scenario.name}: {report.scenario.description}\n",
        report.table(),
        "\nwho owned what:",
        *report.history_lines(),
        "\nmessages:",
        *report.message_lines(),
    ]
    return "\n".join(lines)
