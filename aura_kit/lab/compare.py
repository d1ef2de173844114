"""``compare_policies``: one scenario run the kit's way and the seed's way, side by side.

Invariants:
- both runs start from the same scenario (or callable) with a fresh ``World`` each, one under
  ``OwnershipPolicy.kit()`` and one under ``OwnershipPolicy.seed()``; nothing is shared;
- both runs go on past an unmet expectation (a scenario's expectations are written for one
  policy), so the two tables cover the same steps;
- the divergence is the first step whose outcome or owner differs between the tables, or the
  first step one table has and the other does not; ``None`` when they agree everywhere;
- ``at_divergence`` holds fresh worlds run again up to and with the divergent step (for a
  callable: stopped right after it), so the graphs show the state where the runs part;
- the text form only reads the two tables; the HTML form adds both runs' ownership graphs
  through the display hook (``aura_kit._display``), so render is never imported here.
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aura_kit._display import picture_bundle
from aura_kit.errors import AuraKitError
from aura_kit.ownership import OwnershipPolicy

from .attacks import error_name
from .catalog import load_bundled
from .scenario import Scenario, load_scenario, parse_scenario
from .scenario_report import ReportRow
from .scenario_run import run_scenario
from .world import World

__all__ = ["PolicyDivergence", "PolicyComparison", "compare_policies"]

PRESETS = ("kit", "seed")
_HEAD = ("#", "action", "role", "kit outcome", "kit owner", "seed outcome", "seed owner")


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyDivergence:
    """The first step where the two runs part (a row is ``None`` when that run has none)."""

    step: int
    kit: ReportRow | None
    seed: ReportRow | None

    def describe(self) -> str:
        """One line: the step, then what each policy did there."""
        row = self.kit or self.seed
        where = f"step {self.step} ({row.action} {row.role})".rstrip() if row else ""
        kit, seed = _side(self.kit), _side(self.seed)
        if self.kit and self.seed and self.kit.outcome == self.seed.outcome:
            kit, seed = f"owner {self.kit.owner}", f"owner {self.seed.owner}"
        return f"first divergence at {where}: kit -> {kit}; seed -> {seed}"


def _side(row: ReportRow | None) -> str:
    return row.outcome if row else "(no such step)"


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyComparison:
    """Both step tables, the first divergence, and (for a scenario) each run's failure."""

    name: str
    kit_rows: tuple[ReportRow, ...]
    seed_rows: tuple[ReportRow, ...]
    divergence: PolicyDivergence | None
    kit_failure: str | None = None
    seed_failure: str | None = None
    worlds: tuple[World, World] | None = None  # (kit, seed) as the runs left them
    # (kit, seed) as they were right after the divergent step (runs again up to that step)
    at_divergence: tuple[World, World] | None = None

    def rows(self) -> list[tuple[str, ...]]:
        """One text row per step of either run: step, action, role, then each side."""
        count = max(len(self.kit_rows), len(self.seed_rows))
        out: list[tuple[str, ...]] = []
        for i in range(count):
            kit = self.kit_rows[i] if i < len(self.kit_rows) else None
            seed = self.seed_rows[i] if i < len(self.seed_rows) else None
            first = kit or seed
            assert first is not None
            out.append(
                (
                    str(first.step),
                    first.action,
                    first.role,
                    kit.outcome if kit else "",
                    kit.owner if kit else "",
                    seed.outcome if seed else "",
                    seed.owner if seed else "",
                )
            )
        return out

    def text(self, width: int | None = None) -> str:
        """The side-by-side table (the divergent step marked ``>``) and the divergence line.

        With ``width`` every line fits in ``width`` columns (from 80 up): outcomes, then
        owners, are cut with an ellipsis and the divergence line is wrapped.
        """
        marked = self.divergence.step if self.divergence else None
        body = [(("> " if r[0] == str(marked) else "  ") + r[0], *r[1:]) for r in self.rows()]
        head = ("  " + _HEAD[0], *_HEAD[1:])
        if width is not None:
            body = _fit(head, body, width)
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = [f"compare {self.name}: kit vs seed"]
        for row in [head, *body]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        lines.insert(2, "  ".join("-" * w for w in widths))
        if self.divergence is None:
            summary = "no divergence: both policies give the same outcome at every step"
        else:
            summary = self.divergence.describe()
        lines.append(summary if width is None else textwrap.fill(summary, max(width - 1, 20)))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        marked = str(self.divergence.step) if self.divergence else None
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in _HEAD)
        rows = [f"<tr>{cells}</tr>"]
        for row in self.rows():
            style = ' style="background:#fde2e2"' if row[0] == marked else ""
            rows.append(
                f"<tr{style}>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            )
        summary = html.escape(self.divergence.describe() if self.divergence else "no divergence")
        return f"<table>{''.join(rows)}</table><p>{summary}</p>{self._graphs_html()}"

    def _graphs_html(self) -> str:
        """Both runs' ownership graphs right after the divergent step, side by side."""
        if self.divergence is None or self.at_divergence is None:
            return ""
        cells = []
        for preset, world in zip(PRESETS, self.at_divergence, strict=True):
            caption = html.escape(f"{preset} after step {self.divergence.step}")
            cells.append(
                f'<div style="display:inline-block;vertical-align:top;margin-right:2em">'
                f"<p><b>{caption}</b></p>{_picture_html(world)}</div>"
            )
        return f"<div>{''.join(cells)}</div>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": self.text(), "text/html": self._repr_html_()}


MIN_OUTCOME_WIDTH = 14
MIN_OWNER_WIDTH = 10
_GAPS = 2 * (len(_HEAD) - 1)  # two spaces between neighbouring columns


def _fit(head: tuple[str, ...], body: list[tuple[str, ...]], width: int) -> list[tuple[str, ...]]:
    """``body`` with outcomes (then owners) cut so that each line fits in ``width`` columns.

    The three leading columns stay whole; each side (kit, seed) gets half of what is left.
    An owner column keeps its width while its outcome column still gets ``MIN_OUTCOME_WIDTH``;
    past that they share the side 2 to 3, the owner keeping at least ``MIN_OWNER_WIDTH``.
    """
    fixed = sum(max(len(row[i]) for row in [head, *body]) for i in range(3))
    side = (width - 1 - fixed - _GAPS) // 2
    cells = [list(row) for row in body]
    for outcome_at, owner_at in ((3, 4), (5, 6)):
        owner = max(len(head[owner_at]), *(len(c[owner_at]) for c in cells)) if cells else 0
        if side - owner < MIN_OUTCOME_WIDTH:
            owner = max(MIN_OWNER_WIDTH, side - max(MIN_OUTCOME_WIDTH, side * 3 // 5))
        outcome = max(MIN_OUTCOME_WIDTH, side - owner)
        for c in cells:
            c[owner_at], c[outcome_at] = _cut(c[owner_at], owner), _cut(c[outcome_at], outcome)
    return [tuple(c) for c in cells]


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters (an ellipsis marks a cut)."""
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def compare_policies(
    scenario: Scenario | str | Path | dict[str, Any] | Callable[[Any], object],
    *,
    protocol: str = "TwoBuyer",
    authorities: dict[str, str] | None = None,
) -> PolicyComparison:
    """Run ``scenario`` under the kit's and the seed's policy and compare the step tables.

    ``scenario`` is a ``Scenario``, a scenario file or bundled name, a decoded scenario dict,
    or a callable taking a ``World``; every ``World`` method it calls is one step. For a
    callable, ``protocol`` (a bundled name) and ``authorities`` (authority -> role; default:
    each role's lower-case name) say what world it gets.
    """
    if callable(scenario) and not isinstance(scenario, (str, Path, dict, Scenario)):
        return _compare_callable(scenario, protocol, authorities)
    loaded = _as_scenario(scenario)
    kit, seed = (run_scenario(loaded, OwnershipPolicy.named(p), keep_going=True) for p in PRESETS)
    divergence = first_divergence(kit.rows, seed.rows)
    at = None
    if divergence is not None:  # the same steps again, up to and with the divergent one
        upto = replace(loaded, steps=loaded.steps[: divergence.step + 1])
        again = [run_scenario(upto, OwnershipPolicy.named(p), keep_going=True) for p in PRESETS]
        at = (again[0].world, again[1].world)
    return PolicyComparison(
        name=loaded.name,
        kit_rows=tuple(kit.rows),
        seed_rows=tuple(seed.rows),
        divergence=divergence,
        kit_failure=kit.failure,
        seed_failure=seed.failure,
        worlds=(kit.world, seed.world),
        at_divergence=at,
    )


def first_divergence(
    kit: Iterable[ReportRow], seed: Iterable[ReportRow]
) -> PolicyDivergence | None:
    """The first step whose outcome or owner differs, or that only one table has."""
    kit_rows, seed_rows = list(kit), list(seed)
    for i in range(max(len(kit_rows), len(seed_rows))):
        k = kit_rows[i] if i < len(kit_rows) else None
        s = seed_rows[i] if i < len(seed_rows) else None
        if k is None or s is None or (k.outcome, k.owner) != (s.outcome, s.owner):
            step = (k or s).step  # type: ignore[union-attr]
            return PolicyDivergence(step=step, kit=k, seed=s)
    return None


def _as_scenario(scenario: Scenario | str | Path | dict[str, Any]) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, dict):
        return parse_scenario(json.loads(json.dumps(scenario)), source="<dict>")
    return load_scenario(scenario)


def _compare_callable(
    fn: Callable[[Any], object], protocol: str, authorities: dict[str, str] | None
) -> PolicyComparison:
    loaded = load_bundled(protocol)
    cast = authorities or {role.lower(): role for role in loaded.roles}
    runs = [
        _run_callable(fn, World(loaded, cast, policy=_named(p), demo_payloads=True))
        for p in PRESETS
    ]
    divergence = first_divergence(runs[0].rows, runs[1].rows)
    at = None
    if divergence is not None:  # the callable again, stopped right after the divergent step
        again = [
            _run_callable(
                fn, World(loaded, cast, policy=_named(p), demo_payloads=True), divergence.step
            )
            for p in PRESETS
        ]
        at = (again[0].target, again[1].target)
    return PolicyComparison(
        name=getattr(fn, "__name__", "callable"),
        kit_rows=tuple(runs[0].rows),
        seed_rows=tuple(runs[1].rows),
        divergence=divergence,
        worlds=(runs[0].target, runs[1].target),
        at_divergence=at,
    )


def _named(preset: str) -> OwnershipPolicy:
    return OwnershipPolicy.named(preset)


def _run_callable(
    fn: Callable[[Any], object], world: World, stop_after: int | None = None
) -> _RecordingWorld:
    """Run ``fn`` on a recording ``world``; with ``stop_after`` stop once that step is a row."""
    recorder = _RecordingWorld(world, stop_after)
    try:
        fn(recorder)
    except _StopHere:
        pass
    except Exception as error:  # a failure ends the table; a step's is already its row
        if error is not recorder.last_error:
            recorder.rows.append(_row(len(recorder.rows), "(callable)", (), _error_text(error)))
    return recorder


class _StopHere(AuraKitError):
    """Raised by a recording world after its last wanted step (internal, always caught)."""


# the World calls a callable's steps are recorded for (reads pass straight through)
_STEPS = frozenset(
    {"open", "open_all", "queue", "close", "close_all", "cancel", "transfer", "attenuate"}
    | {"attack", "round", "round_strict", "step_all", "run"}
)


class _RecordingWorld:
    """A ``World`` whose step calls each add a row (the outcome, or the error raised)."""

    def __init__(self, world: World, stop_after: int | None = None) -> None:
        self._world = world
        self.rows: list[ReportRow] = []
        self.last_error: Exception | None = None
        self._stop_after = stop_after

    @property
    def target(self) -> World:
        """The recorded ``World`` itself."""
        return self._world

    def _recorded(self) -> None:
        if self._stop_after is not None and len(self.rows) > self._stop_after:
            raise _StopHere

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._world, name)
        if name not in _STEPS:
            return value

        def step(*args: Any, **kwargs: Any) -> Any:
            self._recorded()  # a callable that swallowed the stop changes nothing more
            try:
                result = value(*args, **kwargs)
            except Exception as error:
                self.rows.append(_row(len(self.rows), name, args, _error_text(error)))
                self.last_error = error
                self._recorded()
                raise
            self.rows.append(_row(len(self.rows), name, args, _summary(result)))
            self._recorded()
            return result

        return step


def _picture_html(world: World) -> str:
    """The world's ownership graph as inline SVG, or its text form when ``dot`` is missing."""
    bundle = picture_bundle(world)
    svg = bundle.get("image/svg+xml")
    if svg is not None:
        return svg[svg.find("<svg") :] if "<svg" in svg else svg
    return f"<pre>{html.escape(bundle['text/plain'])}</pre>"


def _row(index: int, action: str, args: tuple[Any, ...], outcome: str) -> ReportRow:
    role = args[0] if args and isinstance(args[0], str) else ""
    return ReportRow(step=index, action=action, role=role, authority="", outcome=outcome, owner="")


def _summary(result: object) -> str:
    if result is None:
        return "ok"
    summary = getattr(result, "summary", None)
    if callable(summary):
        return str(summary())
    if isinstance(result, list):
        return f"{len(result)} result(s)"
    return type(result).__name__


def _error_text(error: Exception) -> str:
    return f"{error_name(error)}: {error}"
