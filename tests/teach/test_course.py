"""The whole course through the grader, and the course as one chain of lessons.

For every lesson, three copies are graded in fresh kernels, as ``aura-kit grade`` does:
the lesson with its solutions (every exercise right), the shipped student notebook (every
exercise not attempted, no cell error) and a deliberately wrong copy, where every solution
cell holds the wrong answer its metadata keeps (every exercise wrong, with a hint taken from
that lesson).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aura_kit.commands.grade_run import GradedNotebook, grade_notebook
from aura_kit.teach.notebook import (
    declared_exercises,
    read_notebook,
    source_of,
    write_notebook,
    wrong_version,
)
from tests.conftest import ROOT

SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))
COURSE = ROOT / "notebooks" / "course"
TIMEOUT = 60
LAST = 15  # the capstone
NEXT = re.compile(r"\*\*Next:\*\* \[[^\]]+\]\(([^)]+\.ipynb)\)")


def _verdicts(graded: GradedNotebook) -> dict[str, str]:
    return {row.exercise_id: row.verdict for row in graded.exercises}


@pytest.mark.parametrize("lesson", SOLUTIONS, ids=lambda p: p.stem)
def test_course_solution_version_is_all_right(lesson: Path) -> None:
    graded = grade_notebook(str(lesson), TIMEOUT)
    ids = declared_exercises(read_notebook(lesson))
    assert graded.cell_errors == () and graded.stopped == ""
    assert _verdicts(graded) == dict.fromkeys(ids, "right")


@pytest.mark.parametrize("lesson", SOLUTIONS, ids=lambda p: p.stem)
def test_course_student_version_is_all_not_attempted(lesson: Path) -> None:
    graded = grade_notebook(str(COURSE / lesson.name), TIMEOUT)
    ids = declared_exercises(read_notebook(lesson))
    assert graded.cell_errors == () and graded.stopped == ""
    assert _verdicts(graded) == dict.fromkeys(ids, "not attempted")


@pytest.mark.parametrize("lesson", SOLUTIONS, ids=lambda p: p.stem)
def test_course_wrong_copy_fails_every_exercise_with_a_hint(lesson: Path, tmp_path: Path) -> None:
    notebook = read_notebook(lesson)
    wrong = tmp_path / lesson.name
    write_notebook(wrong_version(notebook, str(lesson)), wrong)
    graded = grade_notebook(str(wrong), TIMEOUT)
    source = "\n".join(source_of(cell) for cell in notebook["cells"])
    assert _verdicts(graded) == dict.fromkeys(declared_exercises(notebook), "wrong")
    for row in graded.exercises:
        assert row.hint and row.hint[:40] in source, (row.exercise_id, row.hint)


def test_course_next_links_chain_every_lesson_in_order() -> None:
    """Each lesson's one Next link names the following lesson; the capstone links back to 01."""
    names = [path.name for path in SOLUTIONS]
    for index, name in enumerate(names):
        text = "\n".join(source_of(cell) for cell in read_notebook(COURSE / name)["cells"])
        assert NEXT.findall(text) == [names[(index + 1) % len(names)]], name


def test_course_lessons_are_numbered_01_to_15() -> None:
    """Fourteen lessons and the capstone, one file per number."""
    assert [int(path.name[:2]) for path in SOLUTIONS] == list(range(1, LAST + 1))
