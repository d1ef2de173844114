"""What a scenario run reports: one row per step, the failure, and text for the CLI.

Invariants:
- rows are in step order, one per step that ran; ``failure`` is None exactly when every
  expectation held;
- the text forms only read the world the run left behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .scenario import Scenario
from .world import World

OUTCOME_WIDTH = 120


def _cut(text: str, width: int | None) -> str:
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportRow:
    """One line of the event table."""

    step: int
    action: str
    role: str
    authority: str
    outcome: str
    owner: str


@dataclass(slots=True, kw_only=True)
class ScenarioReport:
    """What a run did: rows, the failure (if any), and the world afterwards."""

    scenario: Scenario
    world: World
    rows: list[ReportRow] = field(default_factory=list)
    failure: str | None = None

    @property
    def ok(self) -> bool:
        """True when every expectation held."""
        return self.failure is None

    def table(self, outcome_width: int | None = OUTCOME_WIDTH) -> str:
        """The rows as an aligned text table; outcomes longer than ``outcome_width`` are cut
        with an ellipsis (``None`` keeps them whole)."""
        head = ("#", "action", "role", "authority", "outcome", "owner")
        body = [
            (str(r.step), r.action, r.role, r.authority, _cut(r.outcome, outcome_width), r.owner)
            for r in self.rows
        ]
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in [head, *body]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def event_lines(self) -> list[str]:
        """Every authority's runtime events: a heading per authority, one line per event."""
        lines: list[str] = []
        for name, effects in self.world.systems.items():
            lines.append(f"\nevents at {name}:")
            lines.extend(f"  {r.seq:>3} {r.level:<7} {r.event}" for r in effects.event_log.records)
        return lines

    def history_lines(self) -> list[str]:
        """Who owned what: one line per owner change, in order."""
        return [
            f"  round {c.round:>3}  {c.authority:<6} {c.role:<7} {c.action:<9} -> "
            f"{c.owner_label} (generation {c.generation}, {c.scope})"
            for c in self.world.history
        ]

    def message_lines(self) -> list[str]:
        """``sender -> receiver: Label(payload)`` for every message sent, in order."""
        return [f"  {s} -> {r}: {label}({p!r})" for s, r, label, p in self.world.messages()]
