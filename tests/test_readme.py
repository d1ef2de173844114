"""The README's first example runs as written."""

from __future__ import annotations

import re

import pytest

import aura_kit
from tests.conftest import ROOT


def test_readme_first_example_runs_and_raises_stale_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README example runs from the repository root and its last line raises StaleOwner."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    lines = block.group(1).rstrip().splitlines()
    assert lines[-1].strip().endswith("# raises StaleOwner")
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile("\n".join(lines[:-1]), "README.md", "exec"), namespace)
    last = lines[-1].split("#")[0].strip()
    with pytest.raises(aura_kit.StaleOwner):
        exec(compile(f"with effects.task('cell'):\n    {last}", "README.md", "exec"), namespace)
    assert namespace["machine"].run(1) is aura_kit.StepResult.ALL_DONE  # type: ignore[attr-defined]
