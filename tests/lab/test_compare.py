"""``compare_policies``: one scenario under the kit's and the seed's policy, side by side."""

from __future__ import annotations

import json

import pytest

import aura_kit
from aura_kit.cli import main
from aura_kit.lab import compare_policies, load_scenario, run_scenario
from aura_kit.ownership import SEED_OWNER_LABEL, OwnershipPolicy, Scope
from tests.conftest import BUNDLED

COMPARE = BUNDLED / "scenarios" / "compare"
# scenario -> the step its difference predicts the runs part at
PREDICTED = {
    "compare_capability_check": 1,
    "compare_attenuation": 2,
    "compare_live_errors": 2,
    "compare_full_session_check": 2,
    "compare_owner_label": 0,
    "compare_admission": 1,
    "compare_failure_paths": 1,
}
# scenarios whose expectations (written for the kit) the seed breaks at the divergence
SEED_FAILS = set(PREDICTED) - {"compare_owner_label"}


def test_compare_every_difference_has_a_scenario() -> None:
    """The shipped compare scenarios are exactly the predicted ones."""
    assert {p.stem for p in COMPARE.glob("*.json")} == set(PREDICTED)


@pytest.mark.parametrize("name", sorted(PREDICTED))
def test_compare_scenario_diverges_at_the_predicted_step(name: str) -> None:
    """Kit and seed agree up to the predicted step and part exactly there."""
    comparison = compare_policies(COMPARE / f"{name}.json")
    assert comparison.divergence is not None
    assert comparison.divergence.step == PREDICTED[name]
    assert comparison.kit_failure is None
    if name in SEED_FAILS:
        assert comparison.seed_failure is not None
        assert comparison.seed_failure.startswith(f"step {PREDICTED[name]} ")


@pytest.mark.parametrize("name", sorted(PREDICTED))
def test_compare_scenario_meets_its_expectations_under_the_kit(name: str) -> None:
    """Run alone under its own (default kit) policy every compare scenario passes."""
    report = run_scenario(load_scenario(COMPARE / f"{name}.json"))
    assert report.ok, report.failure


def test_compare_owner_label_shows_the_seeds_fixed_line() -> None:
    """At the divergence the seed's owner is its fixed runtime line, the kit's role@authority."""
    divergence = compare_policies("compare_owner_label").divergence
    assert divergence is not None and divergence.kit and divergence.seed
    assert divergence.kit.owner.startswith("Buyer1@alice ")
    assert divergence.seed.owner.startswith(SEED_OWNER_LABEL + " ")


def test_compare_accepts_a_dict_and_reports_no_divergence_when_runs_agree() -> None:
    """A decoded scenario with nothing the policies disagree on has no divergence."""
    data = json.loads((COMPARE / "compare_capability_check.json").read_text())
    data["steps"] = [{"do": "open", "label": "host"}, {"do": "close"}]
    comparison = compare_policies(data)
    assert comparison.divergence is None
    assert "no divergence" in comparison.text()


def test_compare_accepts_a_callable_on_a_world() -> None:
    """Each World step a callable makes is a row; a widening transfer parts the runs."""

    def widen(world) -> None:
        world.open_all()
        world.attenuate("Seller", ["protocol:twobuyer"])
        world.transfer("Seller", "Seller@seller", Scope.SESSION)

    comparison = compare_policies(widen)
    assert [r.action for r in comparison.kit_rows] == ["open_all", "attenuate", "transfer"]
    assert comparison.divergence is not None and comparison.divergence.step == 2
    assert comparison.divergence.kit.outcome.startswith("OwnerTransferError")
    assert comparison.divergence.seed.outcome == "ok"
    assert comparison.worlds is not None
    seed_world = comparison.worlds[1]
    assert {fx.policy for fx in seed_world.systems.values()} == {OwnershipPolicy.seed()}


def test_compare_displays_itself_as_text_and_html() -> None:
    """The mime bundle has the text table (divergent step marked) and an HTML table."""
    comparison = compare_policies("compare_live_errors")
    bundle = comparison._repr_mimebundle_()
    assert bundle["text/plain"] == comparison.text() == str(comparison)
    assert "> 2  attack" in bundle["text/plain"]
    assert "first divergence at step 2 (attack Buyer1)" in bundle["text/plain"]
    assert "<table>" in bundle["text/html"] and "StaleOwner" in bundle["text/html"]


def test_compare_is_exported_from_aura_kit() -> None:
    """``aura_kit.compare_policies`` is the lab's function."""
    assert aura_kit.compare_policies is compare_policies
    assert "compare_policies" in aura_kit.__all__


def test_compare_cli_prints_both_tables_and_the_divergence(capsys) -> None:
    """``aura-kit run SCENARIO --compare`` prints the comparison and exits 0."""
    assert main(["run", "compare_capability_check", "--compare"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("compare compare_capability_check: kit vs seed")
    assert "first divergence at step 1 (attack Seller)" in out
    assert "forged capability was let in" in out
