"""A scenario step on a role that was never opened is a ScenarioError naming the step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aura_kit.lab import ScenarioError
from aura_kit.lab.scenario import load_scenario
from aura_kit.lab.scenario_run import run_scenario
from tests.conftest import BUNDLED

BEFORE_OPEN = [
    {"do": "queue", "role": "Buyer1", "payloads": ["x"]},
    {"do": "round", "role": "Buyer1"},
    {"do": "transfer", "role": "Buyer1", "to": "z"},
    {"do": "cancel", "role": "Buyer1"},
    {"do": "attack", "role": "Buyer1", "attack": "stale_handle"},
]


@pytest.mark.parametrize("step", BEFORE_OPEN, ids=[s["do"] for s in BEFORE_OPEN])
def test_scenario_run_order_step_before_open_is_a_scenario_error(tmp_path: Path, step) -> None:
    """``queue``/``round``/... before any ``open`` reports the step, not a KeyError."""
    data = json.loads((BUNDLED / "scenarios" / "two_buyer.json").read_text())
    data["protocol"] = str(BUNDLED / "protocols" / "two_buyer.choreo")
    data["steps"] = [step, {"do": "open"}]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScenarioError, match=r"steps\[0\]\.role: Buyer1 has no open session"):
        run_scenario(load_scenario(path))
