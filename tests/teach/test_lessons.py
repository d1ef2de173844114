"""The lessons: solutions kept apart, student notebooks built from them and free of answers."""

from __future__ import annotations

import re
import subprocess

from aura_kit.teach.notebook import (
    declared_exercises,
    read_notebook,
    solution_cells,
    source_of,
    student_version,
    tags_of,
)
from tests.conftest import ROOT

SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))
STUDENT = sorted((ROOT / "notebooks").rglob("*.ipynb"))
IGNORE_OUTPUT = "nbval-ignore-output"
COURSE = ROOT / "notebooks" / "course"  # the student lessons (make lessons)


def test_lessons_exist_with_solutions() -> None:
    """There is at least one lesson in the new format, and it has solution cells."""
    assert SOLUTIONS
    assert all(solution_cells(read_notebook(p)) for p in SOLUTIONS)


def test_lessons_shipped_student_notebooks_contain_no_solution() -> None:
    """No notebook under notebooks/ has a solution cell or any line of a solution's code."""
    solution_lines = set()
    for path in SOLUTIONS:
        notebook = read_notebook(path)
        for index in solution_cells(notebook):
            for line in source_of(notebook["cells"][index]).splitlines():
                if len(line.strip()) > 12 and not line.strip().startswith(("#", ")")):
                    solution_lines.add(line.strip())
    assert solution_lines
    leaks = []
    for path in STUDENT:
        notebook = read_notebook(path)
        assert solution_cells(notebook) == [], path
        for cell in notebook["cells"]:
            shown = source_of(cell) + str(cell.get("outputs", ""))
            leaks += [f"{path.name}: {line}" for line in solution_lines if line in shown]
    assert leaks == []


def test_lessons_student_version_is_built_from_the_solutions() -> None:
    """Each student notebook is ``make lessons``'s output for its solution (rebuild if not)."""
    for path in SOLUTIONS:
        expected = student_version(read_notebook(path), str(path))
        shipped = read_notebook(COURSE / path.name)
        assert [source_of(c) for c in shipped["cells"]] == [source_of(c) for c in expected["cells"]]
        for cell, want in zip(shipped["cells"], expected["cells"], strict=True):
            tags = [t for t in tags_of(cell) if t != IGNORE_OUTPUT]
            assert tags == tags_of(want)
            if cell["cell_type"] == "code":  # no stored outcome to read before guessing
                assert cell["outputs"] == [] and IGNORE_OUTPUT in tags_of(cell)


def test_lessons_have_the_parts_a_student_needs() -> None:
    """Goals, a motivating question, two predictions, a declared exercise, summary, next link."""
    for path in SOLUTIONS:
        notebook = read_notebook(path)
        text = "\n".join(source_of(c) for c in notebook["cells"])
        assert "Motivating question" in text and "By the end of this lesson" in text
        assert "## Summary" in text and re.search(
            r"\*\*Next:\*\* \[.+\]\((\.\./)?\d\d-.+\.ipynb\)", text
        )
        assert len(re.findall(r"= Prediction\(", text)) >= 2
        ids = re.findall(r'Exercise\(\s*"([a-z0-9_.-]+)"', text)
        assert ids and sorted(ids) == sorted(declared_exercises(notebook))
        link = re.search(r"\]\(((\.\./)?\d\d-.+?\.ipynb)\)", text)
        assert link is not None and (COURSE / link.group(1)).resolve().exists()


def test_lessons_make_lab_opens_course_lesson_01_and_tests_both_versions() -> None:
    """``make lab`` opens the course's lesson 01; ``make test-notebooks`` runs both versions."""
    first = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "--eval", "show: ; @echo $(FIRST_LESSON)", "show"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert first == "course/01-why-own-a-session.ipynb"
    dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "test-notebooks"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "AURA_ANSWER_KEY=1" in dry and "notebooks solutions" in dry
