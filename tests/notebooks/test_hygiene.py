"""Lessons a student can open anywhere and follow in order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# Ways a notebook could depend on where it sits or on the machine it runs on.
FORBIDDEN = ("../data", "%pip", "!pip", "sys.path")


def _sources(path: Path, kind: str) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == kind]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_hygiene_no_paths_or_installs(path: Path) -> None:
    """Code cells find bundled data by name and install nothing."""
    code = "\n".join(_sources(path, "code"))
    assert [word for word in FORBIDDEN if word in code] == []


@pytest.mark.parametrize("path", NOTEBOOKS[:-1], ids=lambda p: p.stem)
def test_hygiene_each_lesson_links_the_next(path: Path) -> None:
    """The last cell of every lesson but the last links the lesson that follows it."""
    following = NOTEBOOKS[NOTEBOOKS.index(path) + 1].name
    last = _sources(path, "markdown")[-1]
    assert re.search(rf"Next:.*\]\({re.escape(following)}\)", last), last
