"""Golden projections: data/golden/projections/<protocol>.txt, one 'Role: type' line per role.

Set AURA_REGEN_GOLDEN=1 to rewrite the files from the current projections.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aura_kit.protocol import format_local, load_protocol, parse_local, project_all
from tests.conftest import BUNDLED, DATA

GOLDEN = DATA / "golden" / "projections"
PROTOCOLS = sorted((BUNDLED / "protocols").glob("*.choreo"))


def golden_text(path: Path) -> str:
    """The golden file text for the protocol at ``path``."""
    projections = project_all(load_protocol(path))
    return "".join(f"{role}: {format_local(projections[role])}\n" for role in sorted(projections))


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.stem)
def test_golden_projection_matches(path: Path) -> None:
    """Each protocol's projections equal its golden file (and the file parses back)."""
    target = GOLDEN / f"{path.stem}.txt"
    text = golden_text(path)
    if os.environ.get("AURA_REGEN_GOLDEN") == "1":
        target.write_text(text)
    assert target.read_text() == text
    projections = project_all(load_protocol(path))
    for line in target.read_text().splitlines():
        role, local = line.split(": ", 1)
        assert parse_local(local) == projections[role]


def test_golden_every_protocol_has_a_file() -> None:
    """There is one golden file per good protocol and no stale ones."""
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == [p.stem for p in PROTOCOLS]
