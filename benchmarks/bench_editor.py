"""Target 9: the protocol editor re-checks and redraws a 10-role protocol after an edit.

One edit (a new label, so no picture is cached) of a 10-role ring with a choice, then
``Editor.check_now()``: parse, check, project, build both figures and run ``dot`` for both.
Time from the last keystroke = the debounce (``DEBOUNCE``) + that work; under 300 ms. The
baseline measured beside it is ``check_text`` alone (parse, check and project, no drawing).
"""

from __future__ import annotations

import itertools

from _timing import Result, alternating_medians, ms, once_ns

from aura_kit.lab.editor_model import Checked, check_text
from aura_kit.widgets.editor_widget import DEBOUNCE, Editor

ROLES = 10
BUDGET_NS = 300e6


def ring(roles: int, label: str) -> str:
    """A ring of ``roles`` roles passing a token, then a choice at the first role."""
    names = [f"R{i}" for i in range(roles)]
    lines = [f"protocol Ring{roles}({', '.join(names)}) {{"]
    for a, b in itertools.pairwise([*names, names[0]]):
        lines.append(f"  {a} -> {b}: {label}(int)")
    lines.append("  choice at R0 {")
    lines += [f"    R0 -> {n}: Go" for n in names[1:]]
    lines.append("  } or {")
    lines += [f"    R0 -> {n}: Stop" for n in names[1:]]
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def run(quick: bool = False) -> list[Result]:
    """Measure target 9."""
    repeats = 3 if quick else 9
    editor = Editor(ring(ROLES, "Token0"))
    edits = itertools.count(1)

    def recheck() -> float:
        editor.text.value = ring(ROLES, f"Token{next(edits)}")  # no loop: checks at once
        return once_ns(editor.check_now)

    def check_only() -> float:
        return once_ns(lambda: check_text(ring(ROLES, f"Token{next(edits)}")))

    if not isinstance(check_text(ring(ROLES, "T")), Checked):
        raise AssertionError("the 10-role ring does not check")
    base_ns, work_ns = alternating_medians([check_only, recheck], repeats)
    total_ns = DEBOUNCE * 1e9 + work_ns
    data = {"check_ns": base_ns, "recheck_redraw_ns": work_ns, "debounce_s": DEBOUNCE}
    return [
        Result(
            target="9", name="editor: re-check and redraw a 10-role protocol",
            measured=f"{ms(work_ns)} + debounce {DEBOUNCE * 1000:.0f} ms"
            f" (check alone {ms(base_ns)}, {work_ns / base_ns:.1f}x)",
            ratio=total_ns / BUDGET_NS, limit=1.0,
            note="ratio of last keystroke to redrawn over the 300 ms budget", data=data,
        ),
    ]  # fmt: skip
