"""``aura-kit grade``: lessons run in fresh kernels; results per exercise; exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aura_kit.cli import main
from aura_kit.commands.grade_run import grade_notebook, network_isolation_available
from aura_kit.teach import ANSWER_KEY_ENV
from aura_kit.teach.notebook import read_notebook, solution_cells, source_of, write_notebook
from tests.conftest import ROOT

LESSON = "03-projection-by-hand.ipynb"
SOLVED = ROOT / "solutions" / LESSON
BLANK = ROOT / "notebooks" / "course" / LESSON


def _verdicts(path: Path) -> dict[str, str]:
    return {e.exercise_id: e.verdict for e in grade_notebook(str(path), 60).exercises}


def test_grade_solution_version_passes_every_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    """The lesson with its solutions: every exercise right, exit 0, a table on stdout."""
    assert main(["grade", str(SOLVED)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{SOLVED}: PASSED (3 exercises")
    assert [line.split()[:2] for line in out[2:5]] == [
        ["seller", "right"],
        ["logger", "right"],
        ["refusal", "right"],
    ]


def test_grade_blank_version_is_all_not_attempted(capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped student notebook runs to the end; every exercise is not attempted; exit 1."""
    assert main(["grade", "--json", str(BLANK)]) == 1
    report = json.loads(capsys.readouterr().out)
    (graded,) = report["notebooks"]
    assert graded["stopped"] == "" and graded["cell_errors"] == []
    assert {e["id"]: e["verdict"] for e in graded["exercises"]} == {
        "seller": "not attempted",
        "logger": "not attempted",
        "refusal": "not attempted",
    }
    assert report["passed"] is False


def test_grade_wrong_answer_fails_that_exercise_with_its_first_hint(tmp_path: Path) -> None:
    """A deliberately wrong Seller type fails ``seller`` with hint 1; the others stay right."""
    notebook = read_notebook(SOLVED)
    (seller, *_) = [
        i for i in solution_cells(notebook) if "seller_answer" in source_of(notebook["cells"][i])
    ]
    notebook["cells"][seller]["source"] = 'seller_answer = "Buyer1?Title(str).end"'
    wrong = tmp_path / "wrong.ipynb"
    write_notebook(notebook, wrong)
    graded = grade_notebook(str(wrong), 60)
    rows = {e.exercise_id: e for e in graded.exercises}
    assert rows["seller"].verdict == "wrong"
    assert rows["seller"].reason.startswith("after Buyer1?Title(str): expected a send, got end")
    assert rows["seller"].hint.startswith("Go message by message")
    assert (rows["logger"].verdict, rows["refusal"].verdict) == ("right", "right")
    assert main(["grade", str(wrong)]) == 1


SANDBOX_CELLS = [
    "import os, socket\nfrom aura_kit.teach import Exercise, Outcome",
    "def where(_):\n"
    "    home, cwd = os.environ.get('HOME'), os.getcwd()\n"
    "    ok = 'aura-grade-' in cwd and home == cwd and 'AURA_ANSWER_KEY' not in os.environ\n"
    "    return Outcome(ok, f'cwd {cwd}')\n"
    "Exercise('place', where, ['h']).check(1)",
    "def interfaces(_):\n"
    "    names = sorted(name for _, name in socket.if_nameindex())\n"
    "    return Outcome(names == ['lo'], ','.join(names))\n"
    "Exercise('network', interfaces, ['h']).check(1)",
    "raise ValueError('a broken cell')",
    "Exercise('after-error', lambda a: Outcome.ok(), ['h']).check(1)",
    "while True:\n    pass",
    "Exercise('never-run', lambda a: Outcome.ok(), ['h']).check(1)",
]


def _sandbox(tmp_path: Path) -> Path:
    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
        for s in SANDBOX_CELLS
    ]
    declared = {"aura_kit": {"exercises": ["place", "network", "after-error", "never-run"]}}
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": declared, "cells": cells}
    path = tmp_path / "sandbox.ipynb"
    write_notebook(notebook, path)
    return path


def test_grade_runs_in_a_temporary_directory_with_a_cell_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Own directory and HOME, no answer key, errors reported, a timeout stops the run."""
    monkeypatch.setenv(ANSWER_KEY_ENV, "1")
    graded = grade_notebook(str(_sandbox(tmp_path)), 5)
    rows = {e.exercise_id: e for e in graded.exercises}
    assert rows["place"].verdict == "right", rows["place"].reason
    assert rows["after-error"].verdict == "right"
    assert rows["never-run"].verdict == "missing"
    assert graded.cell_errors == ("cell 3: ValueError: a broken cell",)
    assert graded.stopped == "a cell ran longer than 5 s"
    assert not graded.passed
    if graded.network_isolated:
        assert rows["network"].verdict == "right", rows["network"].reason
    assert graded.network_isolated == network_isolation_available()


def test_grade_missing_and_malformed_notebooks_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file and a non-notebook give one line each on stderr, no traceback, exit 1."""
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": 3}', encoding="utf-8")
    assert main(["grade", str(tmp_path / "none.ipynb"), str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{tmp_path / 'none.ipynb'}: error: no such file",
        f"{bad}: error: not a notebook (expected nbformat 4 with a list of cells)",
    ]


def test_grade_refuses_a_bad_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    """``--timeout`` must be a positive number of seconds (a usage error, exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main(["grade", "--timeout", "-1", str(BLANK)])
    assert caught.value.code == 2
    assert "not between 0 and 3600 seconds" in capsys.readouterr().err
