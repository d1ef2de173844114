"""Lesson notebooks as JSON: refusals, solutions stripped into blanks, results read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aura_kit.teach import RESULT_MIME, Exercise, NotebookError, Outcome
from aura_kit.teach.notebook import (
    exercise_results,
    read_notebook,
    solution_cells,
    student_version,
)


def _cell(source: str, tags: list[str] | None = None, blank: str | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"tags": tags} if tags else {}
    if blank is not None:
        metadata["aura_kit"] = {"blank": blank}
    return {
        "cell_type": "code",
        "metadata": metadata,
        "source": source,
        "outputs": [],
        "execution_count": 1,
    }


def _notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        ("{", "not JSON (line 1, column 2)"),
        ("[]", "not a notebook (expected nbformat 4 with a list of cells)"),
        ('{"nbformat": 4, "cells": [3]}', "cell 0 is not a notebook cell"),
    ],
)
def test_notebook_read_refuses_missing_and_malformed_files(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    """Each refusal is a NotebookError naming the path and the reason."""
    path = tmp_path / "n.ipynb"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(NotebookError) as caught:
        read_notebook(path)
    assert (caught.value.path, caught.value.reason) == (str(path), reason)


def test_notebook_student_version_replaces_solutions_by_blanks() -> None:
    """Solution cells become their blanks (no outputs); other cells are unchanged."""
    notebook = _notebook(
        _cell("setup = 1"),
        _cell("answer = 42", ["solution"], blank="answer = NOT_ATTEMPTED"),
    )
    student = student_version(notebook)
    assert solution_cells(student) == []
    assert student["cells"][0] == notebook["cells"][0]
    blank = student["cells"][1]
    assert (blank["source"], blank["metadata"], blank["outputs"]) == (
        "answer = NOT_ATTEMPTED",
        {"tags": ["blank"]},
        [],
    )
    assert solution_cells(notebook) == [1]  # the original is not changed


def test_notebook_solution_without_blank_is_refused() -> None:
    """A solution cell that says nothing about its blank stops the build, naming the cell."""
    with pytest.raises(NotebookError, match=r"solution cell 0 has no aura_kit\.blank"):
        student_version(_notebook(_cell("answer = 42", ["solution"])), "lesson.ipynb")


def test_notebook_exercise_results_keeps_the_last_per_id() -> None:
    """Results are read from display outputs; a later one for the same id wins."""
    ex = Exercise("e", lambda a: Outcome.ok() if a else Outcome.no("no"), ["h"])
    outputs = [
        {"output_type": "display_data", "data": ex.check(0)._repr_mimebundle_()},
        {"output_type": "execute_result", "data": ex.check(1)._repr_mimebundle_()},
        {"output_type": "display_data", "data": {RESULT_MIME: {"verdict": "right"}}},
        {"output_type": "stream", "text": "noise"},
    ]
    cell = _cell("x")
    cell["outputs"] = outputs
    found = exercise_results(json.loads(json.dumps(_notebook(cell))))
    assert [(r.exercise_id, r.verdict.value) for r in found.results] == [("e", "right")]
    assert found.malformed == 1
