"""Scenarios under the seed's and the kit's policy: the ``"policy"`` field and ``--policy``."""

from __future__ import annotations

import json

import pytest

from aura_kit.cli import main
from aura_kit.lab import ScenarioError, load_scenario, parse_scenario, run_scenario
from aura_kit.ownership import OwnershipPolicy
from tests.conftest import BUNDLED

FORGED = BUNDLED / "scenarios" / "forged_capability.json"


def _data() -> dict:
    return json.loads(FORGED.read_text())


def test_scenario_policy_field_selects_the_world_policy() -> None:
    """``"policy": "seed"`` builds every effect system with ``OwnershipPolicy.seed()``."""
    scenario = parse_scenario({**_data(), "policy": "seed"}, base=FORGED.parent)
    assert scenario.policy == "seed"
    report = run_scenario(scenario)
    assert {fx.policy for fx in report.world.systems.values()} == {OwnershipPolicy.seed()}
    assert load_scenario(FORGED).policy == "kit"


@pytest.mark.parametrize("bad", ["Seed", "permissive", 1, None])
def test_scenario_policy_field_refuses_anything_but_kit_or_seed(bad: object) -> None:
    """Any other value is a ScenarioError at the JSON path ``policy``."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**_data(), "policy": bad}, source="p.json", base=FORGED.parent)
    assert info.value.path == "policy" and "expected 'kit' or 'seed'" in str(info.value)


def test_scenario_policy_forged_capability_passes_under_the_seed() -> None:
    """The seed accepts the hand-built capability, so the kit's expectation is unmet."""
    scenario = load_scenario(FORGED)
    assert run_scenario(scenario).ok
    report = run_scenario(scenario, OwnershipPolicy.seed())
    assert not report.ok and "step 1 (attack)" in report.failure


def test_scenario_policy_cli_flag_overrides_the_file(capsys) -> None:
    """``aura-kit run --policy seed`` runs the seed's way; ``--policy kit`` the kit's."""
    assert main(["run", str(FORGED), "--policy", "kit"]) == 0
    capsys.readouterr()
    assert main(["run", str(FORGED), "--policy", "seed"]) == 1
    captured = capsys.readouterr()
    assert "(policy seed)" in captured.out and "scenario failed at step 1" in captured.err
