"""Lessons a student can open anywhere and follow in order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

# every notebook a student opens (the course's lessons and the explorer) and the lessons
# with their solutions in
NOTEBOOKS = sorted([*(ROOT / "notebooks").rglob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])
# Ways a notebook could depend on where it sits or on the machine it runs on.
FORBIDDEN = ("../data", "%pip", "!pip", "sys.path")


def _sources(path: Path, kind: str) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == kind]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_hygiene_no_paths_or_installs(path: Path) -> None:
    """Code cells find bundled data by name and install nothing."""
    code = "\n".join(_sources(path, "code"))
    assert [word for word in FORBIDDEN if word in code] == []
