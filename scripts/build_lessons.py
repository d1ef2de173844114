"""Build the student lessons from the lessons with solutions (``make lessons``).

For every ``solutions/NN-*.ipynb`` (the lesson as its author writes it, solutions in):
1. run it in a fresh kernel in answer-key mode (``AURA_ANSWER_KEY=1``) and store its outputs,
   so nbval checks the solution version against them;
2. make the student version (every cell tagged ``solution`` replaced by its blank, see
   ``aura_kit.teach.notebook``), run it the same way to prove it runs to the end (its
   exercises say "not attempted"), and write it to ``notebooks/course/NN-*.ipynb`` *without
   outputs*: stored outputs would show every prediction's outcome before the student
   guesses. Its code cells carry nbval's ``nbval-ignore-output`` tag, so ``make
   test-notebooks`` runs the student version to the end without comparing outputs.

A cell that raises stops the build with its error; nothing is written for that lesson.
Usage: ``python scripts/build_lessons.py [LESSON.ipynb ...]`` (default: every lesson).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from aura_kit.teach.notebook import read_notebook, student_version, write_notebook
from aura_kit.teach.predict import ANSWER_KEY_ENV

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
STUDENT = ROOT / "notebooks" / "course"
IGNORE_OUTPUT = "nbval-ignore-output"


def execute(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook run top to bottom in a fresh kernel in a temporary directory."""
    node = nbformat.reads(json.dumps(notebook), as_version=4)
    with tempfile.TemporaryDirectory(prefix="aura-lesson-") as workdir:
        client = NotebookClient(
            node,
            timeout=120,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": workdir}},
        )
        client.execute()
    data: dict[str, Any] = json.loads(nbformat.writes(node))
    for cell in data["cells"]:
        cell["metadata"].pop("execution", None)
    return data


def without_outputs(notebook: dict[str, Any]) -> dict[str, Any]:
    """Every code cell's outputs cleared and tagged ``nbval-ignore-output``."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            tags = cell["metadata"].setdefault("tags", [])
            if IGNORE_OUTPUT not in tags:
                tags.append(IGNORE_OUTPUT)
    return notebook


def build(path: Path) -> Path:
    """Run the lesson with solutions, then its student version; return the student path."""
    solved = execute(read_notebook(path))
    write_notebook(solved, path)
    student = student_version(solved, str(path))
    execute(student)  # raises when the blank version does not run to the end
    target = STUDENT / path.name
    write_notebook(without_outputs(student), target)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="build_lessons.py",
        description="Run each lesson with solutions in a fresh kernel, store its outputs, and"
        " write its student version to notebooks/course/ (make lessons).",
    )
    parser.add_argument(
        "lessons", nargs="*", type=Path, help="solutions/NN-*.ipynb files (default: every lesson)"
    )
    os.environ[ANSWER_KEY_ENV] = "1"  # inherited by every kernel started here
    lessons = parser.parse_args(argv).lessons or sorted(SOLUTIONS.glob("[0-9][0-9]-*.ipynb"))
    for lesson in lessons:
        print(f"{lesson.name}: built {build(lesson).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
