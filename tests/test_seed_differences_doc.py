"""docs/seed-differences.md and the README table name every switch and compare scenario."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aura_kit.ownership import OwnershipPolicy
from tests.conftest import BUNDLED

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "seed-differences.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_seed_differences_doc_names_every_switch_with_both_values() -> None:
    """Each policy field appears with its kit and its seed value."""
    kit, seed = OwnershipPolicy.kit(), OwnershipPolicy.seed()
    for field in dataclasses.fields(OwnershipPolicy):
        name = field.name
        assert f'`{name}="{getattr(kit, name)}"` / `"{getattr(seed, name)}"`' in DOC, name
        assert f"`{name}`" in README, name


def test_seed_differences_doc_names_every_compare_scenario() -> None:
    """Every bundled compare scenario is named in the doc and in the README table."""
    stems = sorted(p.stem for p in (BUNDLED / "scenarios" / "compare").glob("*.json"))
    assert stems
    for stem in stems:
        assert f"`{stem}`" in DOC and f"`{stem}`" in README, stem
    assert "docs/seed-differences.md" in README
