"""Target 6: DOT text of an ownership graph of 1,000 sessions; importing the core package.

6a. ``ownership_dot(view)`` for one authority holding 1,000 active sessions (each started in
    its own host task, a tenth of them transferred once so there is history to draw);
    under 50 ms. Building the view (``ownership_view``) is reported beside it.
6b. ``import aura_kit`` in a fresh interpreter against ``python -c pass``, medians of
    alternating runs; under 150 ms, and pandas, graphviz, ipywidgets and IPython must not
    be imported.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

from _timing import Result, alternating_medians, median_ns, ms

from aura_kit.ownership import ChoreographicRole, Scope
from aura_kit.render import ownership_dot
from aura_kit.runtime import EffectSystem
from aura_kit.view import ownership_view

HEAVY = ("pandas", "graphviz", "ipywidgets", "IPython")
CHECK = f"import sys, aura_kit; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"


def many_sessions(count: int) -> EffectSystem:
    """One authority with ``count`` active sessions; every tenth one transferred once."""
    effects = EffectSystem("bench")
    role = [ChoreographicRole("bench", 0)]
    for i in range(count):
        with effects.task(f"t{i}"):
            owner = effects.start_owned_choreography_session(
                f"owner-{i}", uuid.UUID(int=i + 1), role
            )
            if i % 10 == 0:
                effects.transfer_owned_choreography_session_owner(owner, f"next-{i}", Scope.SESSION)
    return effects


def _dot(count: int, repeats: int) -> dict[str, float]:
    effects = many_sessions(count)
    view_ns = median_ns(lambda: ownership_view(effects), repeats)
    view = ownership_view(effects)
    if view.session_count != count:
        raise AssertionError(f"view has {view.session_count} sessions, expected {count}")
    dot_ns = median_ns(lambda: ownership_dot(view), repeats)
    return {"view_ns": view_ns, "dot_ns": dot_ns, "dot_chars": len(ownership_dot(view))}


def _fresh(code: str) -> tuple[int, str]:
    start = time.perf_counter_ns()
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return time.perf_counter_ns() - start, out.strip()


def _imports(repeats: int) -> dict[str, object]:
    heavy = _fresh(CHECK)[1]
    bare_ns, kit_ns = alternating_medians(
        [lambda: _fresh("pass")[0], lambda: _fresh(CHECK)[0]], repeats
    )
    return {"bare_ns": bare_ns, "kit_ns": kit_ns, "import_ns": kit_ns - bare_ns, "heavy": heavy}


def run(quick: bool = False) -> list[Result]:
    """Measure target 6."""
    repeats = 3 if quick else 7
    dot = _dot(1000, repeats)
    imp = _imports(repeats)
    import_ns = float(imp["import_ns"])  # type: ignore[arg-type]
    heavy = str(imp["heavy"])
    return [
        Result(
            target="6a", name="ownership DOT, 1,000 sessions",
            measured=f"{ms(dot['dot_ns'])} (view {ms(dot['view_ns'])})",
            ratio=dot["dot_ns"] / 50e6, limit=1.0,
            note="ratio to the 50 ms budget", data=dot,
        ),
        Result(
            target="6b", name="import aura_kit (fresh interpreter)",
            measured=f"{ms(import_ns)} over `python -c pass` ({ms(float(imp['bare_ns']))})",
            ratio=float(imp["kit_ns"]) / float(imp["bare_ns"]),  # type: ignore[arg-type]
            limit=None, passed=import_ns < 150e6 and not heavy,
            note=f"budget 150 ms; heavy modules imported: {heavy or 'none'}", data=imp,
        ),
    ]  # fmt: skip
