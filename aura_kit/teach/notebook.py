"""Lesson notebooks as JSON: solutions stripped into blanks, exercise results read back.

A lesson is written once, with its solutions in. A cell tagged ``solution`` carries the blank
that replaces it in the student notebook, in its metadata: ``{"aura_kit": {"blank": "..."}}``,
and a plausible wrong answer the grader's tests use: ``{"aura_kit": {"wrong": "..."}}``.
The notebook's metadata may declare its exercises: ``{"aura_kit": {"exercises": [ids]}}``.

Invariants:
- ``read_notebook`` refuses a missing file, a file that is not JSON and JSON that is not an
  nbformat 4 notebook with a ``NotebookError`` naming the path and the reason;
- ``student_version`` replaces every ``solution`` cell by its blank (tag ``blank``, no
  outputs, no execution count) and changes no other cell; a solution cell without a blank
  is a ``NotebookError`` naming the cell; the result has no solution cell and none of the
  solution cells' source, nor their wrong answers;
- ``wrong_version`` replaces every ``solution`` cell's source by its wrong answer and keeps
  everything else; a solution cell without one is a ``NotebookError`` naming the cell;
- ``exercise_results`` reads every ``RESULT_MIME`` output of every code cell, in cell order;
  a later result for the same id replaces the earlier one; a malformed one is skipped and
  counted in ``malformed``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import NotebookError
from .exercise import RESULT_MIME, CheckResult

SOLUTION_TAG = "solution"
BLANK_TAG = "blank"


def read_notebook(path: str | Path) -> dict[str, Any]:
    """The notebook at ``path`` as JSON data (see the invariants for the refusals)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotebookError(name, "no such file") from None
    except IsADirectoryError:
        raise NotebookError(name, "is a directory, not a notebook") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NotebookError(name, f"cannot be read ({type(error).__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(name, f"not JSON (line {error.lineno}, column {error.colno})") from None
    check_notebook(data, name)
    return data


def check_notebook(data: Any, name: str) -> None:
    """Refuse JSON that is not an nbformat 4 notebook whose cells are objects with a source."""
    if (
        not isinstance(data, dict)
        or data.get("nbformat") != 4
        or not isinstance(data.get("cells"), list)
    ):
        raise NotebookError(name, "not a notebook (expected nbformat 4 with a list of cells)")
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotebookError(name, f"cell {index} is not a notebook cell")
        if not isinstance(cell.get("source"), (str, list)):
            raise NotebookError(name, f"cell {index} has no source")


def source_of(cell: dict[str, Any]) -> str:
    """A cell's source as one string."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def tags_of(cell: dict[str, Any]) -> list[str]:
    """A cell's tags (an empty list when it has none)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def solution_cells(notebook: dict[str, Any]) -> list[int]:
    """Indices of the cells tagged ``solution``."""
    return [i for i, cell in enumerate(notebook["cells"]) if SOLUTION_TAG in tags_of(cell)]


def _stored_source(cell: dict[str, Any], key: str, index: int, name: str) -> str:
    """The non-empty source a solution cell keeps under ``aura_kit.<key>`` in its metadata."""
    text = cell.get("metadata", {}).get("aura_kit", {}).get(key)
    if not isinstance(text, str) or not text.strip():
        raise NotebookError(name, f"solution cell {index} has no aura_kit.{key} in its metadata")
    return text


def student_version(notebook: dict[str, Any], name: str = "<notebook>") -> dict[str, Any]:
    """A copy of ``notebook`` with every solution cell replaced by its blank."""
    out = copy.deepcopy(notebook)
    for index in solution_cells(out):
        cell = out["cells"][index]
        cell["source"] = _stored_source(cell, "blank", index, name)
        cell["metadata"]["tags"] = [BLANK_TAG if t == SOLUTION_TAG else t for t in tags_of(cell)]
        cell["metadata"]["aura_kit"].pop("blank")
        cell["metadata"]["aura_kit"].pop("wrong", None)
        if not cell["metadata"]["aura_kit"]:
            del cell["metadata"]["aura_kit"]
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return out


def wrong_version(notebook: dict[str, Any], name: str = "<notebook>") -> dict[str, Any]:
    """A copy of ``notebook`` with every solution cell's source replaced by its wrong answer."""
    out = copy.deepcopy(notebook)
    for index in solution_cells(out):
        cell = out["cells"][index]
        cell["source"] = _stored_source(cell, "wrong", index, name)
    return out


def declared_exercises(notebook: dict[str, Any]) -> tuple[str, ...]:
    """The exercise ids the notebook's metadata declares (empty when it declares none)."""
    ids = notebook.get("metadata", {}).get("aura_kit", {}).get("exercises", [])
    return tuple(i for i in ids if isinstance(i, str)) if isinstance(ids, list) else ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NotebookResults:
    """The exercise results found in an executed notebook."""

    results: tuple[CheckResult, ...]
    malformed: int


def exercise_results(notebook: dict[str, Any]) -> NotebookResults:
    """Every exercise result in the outputs, the last one per id (see the invariants)."""
    found: dict[str, CheckResult] = {}
    malformed = 0
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
            data = output.get("data", {}) if isinstance(output, dict) else {}
            if not isinstance(data, dict) or RESULT_MIME not in data:
                continue
            try:
                result = CheckResult.from_dict(data[RESULT_MIME])
            except ValueError:
                malformed += 1
                continue
            found.pop(result.exercise_id, None)
            found[result.exercise_id] = result
    return NotebookResults(results=tuple(found.values()), malformed=malformed)


def write_notebook(notebook: dict[str, Any], path: str | Path) -> None:
    """Write ``notebook`` as Jupyter does (one-space indent, sorted keys, final newline)."""
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")
