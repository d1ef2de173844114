"""Running one submitted notebook for ``aura-kit grade``: a fresh kernel in a fresh directory.

Invariants:
- each notebook runs in its own new kernel (nbclient), whose working directory, ``HOME`` and
  ``TMPDIR`` are a new temporary directory removed afterwards; the submitted file is read,
  never written;
- the kernel is this interpreter (``sys.executable -m ipykernel_launcher``) and talks to
  the grader over Unix sockets (ZMQ ``ipc``), so it needs no TCP port;
- where ``unshare -rn`` works (Linux with unprivileged user namespaces) the kernel runs in a
  new network namespace that has no interface but a down loopback: no network at all; where
  it does not, the kernel has the machine's network and the report says so
  (``network_isolated`` false);
- every cell has ``timeout`` seconds; a cell that raises does not stop the run (later
  exercises are still graded; the error is reported); a timeout or a dead kernel stops it;
- ``AURA_ANSWER_KEY`` is removed from the kernel's environment: predictions are not
  answered for the student.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aura_kit.teach.exercise import CheckResult, Verdict
from aura_kit.teach.notebook import declared_exercises, exercise_results, read_notebook
from aura_kit.teach.predict import ANSWER_KEY_ENV

MISSING = "missing"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseRow:
    """One exercise of one graded notebook."""

    exercise_id: str
    verdict: str  # a ``Verdict`` value, or ``missing`` for a declared exercise with no result
    reason: str
    hint: str

    @property
    def passed(self) -> bool:
        """True for a right answer."""
        return self.verdict == Verdict.RIGHT.value


@dataclass(frozen=True, slots=True, kw_only=True)
class GradedNotebook:
    """What grading one notebook found."""

    path: str
    exercises: tuple[ExerciseRow, ...]
    cell_errors: tuple[str, ...]
    stopped: str  # why the run stopped early ("" when every cell ran)
    network_isolated: bool
    seconds: float

    @property
    def passed(self) -> bool:
        """Every exercise right, at least one exercise, and the run not stopped."""
        return bool(self.exercises) and not self.stopped and all(e.passed for e in self.exercises)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``--json``)."""
        return {
            "path": self.path,
            "passed": self.passed,
            "network_isolated": self.network_isolated,
            "seconds": round(self.seconds, 2),
            "stopped": self.stopped,
            "cell_errors": list(self.cell_errors),
            "exercises": [
                {"id": e.exercise_id, "verdict": e.verdict, "reason": e.reason, "hint": e.hint}
                for e in self.exercises
            ],
        }


@functools.cache
def network_isolation_available() -> bool:
    """Whether ``unshare -rn`` can start a process here (checked once)."""
    unshare = shutil.which("unshare")
    if unshare is None or sys.platform != "linux":
        return False
    try:
        done = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def grade_notebook(path: str, timeout: float) -> GradedNotebook:
    """Execute the notebook at ``path`` and collect its exercise results."""
    notebook = read_notebook(path)  # a NotebookError for a missing or malformed file
    isolated = network_isolation_available()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aura-grade-") as workdir:
        stopped = _execute(notebook, Path(workdir), timeout, isolated)
    seconds = time.perf_counter() - started
    return GradedNotebook(
        path=path,
        exercises=_rows(notebook),
        cell_errors=_cell_errors(notebook),
        stopped=stopped,
        network_isolated=isolated,
        seconds=seconds,
    )


def _execute(notebook: dict[str, Any], workdir: Path, timeout: float, isolated: bool) -> str:
    """Run every cell; the reason the run stopped early, or ``""``."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    for index, cell in enumerate(notebook["cells"]):  # nbformat 4.5 wants an id per cell
        cell.setdefault("id", f"cell-{index}")
    node = nbformat.reads(json.dumps(notebook), as_version=4)  # sources joined as nbformat does
    manager = _kernel_manager(workdir, isolated)
    client = NotebookClient(
        node,
        km=manager,
        timeout=timeout,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    stopped = ""
    try:
        client.execute()
    except CellTimeoutError:
        stopped = f"a cell ran longer than {timeout:g} s"
    except DeadKernelError:
        stopped = "the kernel died"
    finally:  # the client neither stops a kernel it was handed nor closes its channels
        if client.kc is not None:
            client.kc.stop_channels()
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)
    notebook["cells"] = [dict(c) for c in node.cells]
    return stopped


def _kernel_manager(workdir: Path, isolated: bool) -> Any:
    from jupyter_client import AsyncKernelManager

    home = str(workdir)
    prefix = ["unshare", "-rn"] if isolated else []
    environment = ["env", "-u", ANSWER_KEY_ENV, f"HOME={home}", f"TMPDIR={home}"]

    class GraderKernelManager(AsyncKernelManager):  # async: nbclient's timeouts need it
        """This interpreter's ipykernel, in the network namespace when there is one."""

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            launch = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file]
            return [*prefix, *environment, *launch]

    transport = "tcp" if os.name == "nt" else "ipc"
    manager = GraderKernelManager(kernel_name="python3", transport=transport)
    manager.connection_file = str(workdir / "kernel.json")
    if transport == "ipc":
        manager.ip = str(workdir / "ipc")
    return manager


def _rows(notebook: dict[str, Any]) -> tuple[ExerciseRow, ...]:
    found = {r.exercise_id: r for r in exercise_results(notebook).results}
    rows = [_row(r) for r in found.values()]
    for exercise_id in declared_exercises(notebook):
        if exercise_id not in found:
            reason = "declared by the notebook but no result was shown (was its cell run?)"
            rows.append(
                ExerciseRow(exercise_id=exercise_id, verdict=MISSING, reason=reason, hint="")
            )
    return tuple(rows)


def _row(result: CheckResult) -> ExerciseRow:
    return ExerciseRow(
        exercise_id=result.exercise_id,
        verdict=result.verdict.value,
        reason=result.reason,
        hint=result.hint,
    )


def _cell_errors(notebook: dict[str, Any]) -> tuple[str, ...]:
    errors = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    return tuple(errors)
