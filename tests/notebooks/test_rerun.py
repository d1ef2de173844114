"""Every lesson survives a student running each cell twice: no error, and the same answer.

Each notebook is executed in one fresh kernel with every code cell run twice in a row (the
copy right after the original). A second run must raise nothing, and a cell whose output nbval
checks (no ``# NBVAL_IGNORE_OUTPUT``) must print the same text both times, after the
normalisation nbval uses (``sanitize.cfg``): a cell whose meaning changes on a re-run would
pass nbval and still teach the wrong thing.
"""

from __future__ import annotations

import configparser
import copy
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

# the course's lessons with their solutions in, and the explorer notebook
NOTEBOOKS = [*sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb")), ROOT / "notebooks" / "explorer.ipynb"]
SANITIZE = ROOT / "tests" / "notebooks" / "sanitize.cfg"
IGNORE = "# NBVAL_IGNORE_OUTPUT"
CELL_TIMEOUT = 60  # seconds per cell, far above any lesson cell


def _sanitizers() -> list[tuple[re.Pattern[str], str]]:
    config = configparser.ConfigParser()
    config.read(SANITIZE)
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def _text(cell: nbformat.NotebookNode, sanitizers: list[tuple[re.Pattern[str], str]]) -> str:
    """The text a cell showed (streams and plain-text results), normalised like nbval."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
    text = "".join(parts)
    for pattern, replacement in sanitizers:
        text = pattern.sub(replacement, text)
    return text


def _doubled(path: Path) -> tuple[nbformat.NotebookNode, list[int]]:
    """The notebook with each code cell followed by a copy; the copies' indices."""
    nb = nbformat.read(path, as_version=4)
    cells, copies = [], []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code":
            copies.append(len(cells))
            cells.append(copy.deepcopy(cell))
    nb.cells = cells
    return nb, copies


def test_rerun_finds_every_lesson() -> None:
    """The lessons are found (an empty glob would make the check below vacuous)."""
    assert len(NOTEBOOKS) >= 16


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_rerun_every_cell_twice_same_answer(path: Path) -> None:
    """Running each cell twice in one kernel raises nothing and repeats each checked output."""
    nb, copies = _doubled(path)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    sanitizers = _sanitizers()
    changed = []
    for index in copies:
        first, second = nb.cells[index - 1], nb.cells[index]
        if IGNORE in first.source:
            continue
        before, after = _text(first, sanitizers), _text(second, sanitizers)
        if before != after:
            changed.append(f"{first.source}\n--- first run:\n{before}--- second run:\n{after}")
    assert not changed, f"{path.name}: a re-run changed the answer\n" + "\n".join(changed)
