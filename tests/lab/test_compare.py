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
    "compare_machine": 1,
    "compare_payloads": 2,
}
# scenario -> the step at which the seed breaks its expectations (written for the kit)
SEED_FAILS = {name: step for name, step in PREDICTED.items() if name != "compare_owner_label"}
SEED_FAILS["compare_machine"] = 2  # the round after the one that parts them


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
        assert comparison.seed_failure.startswith(f"step {SEED_FAILS[name]} ")


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


def test_compare_cli_prints_both_tables_and_the_divergence(monkeypatch, capsys) -> None:
    """``aura-kit run SCENARIO --compare`` prints the comparison and exits 0."""
    monkeypatch.setenv("COLUMNS", "1000")  # nothing cut or wrapped
    assert main(["run", "compare_capability_check", "--compare"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("compare compare_capability_check: kit vs seed")
    assert "first divergence at step 1 (attack Seller)" in out
    assert "forged capability was let in" in out


def test_compare_machine_shows_the_seeds_step_and_round_rule() -> None:
    """Kit: STUCK and deferred twice, both go on; seed: CONTINUE, then the stuck round raises."""
    comparison = compare_policies("compare_machine")
    kit = [r.outcome for r in comparison.kit_rows[1:3]]
    seed = [r.outcome for r in comparison.seed_rows[1:3]]
    assert kit == ["step stuck, wait deferred, continue"] * 2
    assert seed[0] == "step continue, wait deferred, continue"
    assert seed[1] == "RoundError: Buyer2 VM became stuck without a pending receive"


@pytest.mark.parametrize("columns", [80, 100, 132])
@pytest.mark.parametrize("name", sorted(PREDICTED))
def test_compare_cli_fits_the_terminal(name: str, columns: int, monkeypatch, capsys) -> None:
    """Every line ``run --compare`` prints fits ``COLUMNS``; cut cells end in an ellipsis."""
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["run", name, "--compare"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) < columns
    whole = compare_policies(name).text().splitlines()
    if max(len(line) for line in whole) >= columns:
        assert any("…" in line for line in lines)


def test_compare_cli_without_a_terminal_is_100_columns(monkeypatch, capsys) -> None:
    """No COLUMNS and no terminal: the table fits the 100-column default."""
    monkeypatch.delenv("COLUMNS", raising=False)

    def no_terminal(*_args: object) -> None:
        raise OSError("not a terminal")

    monkeypatch.setattr("os.get_terminal_size", no_terminal)
    assert main(["run", "compare_machine", "--compare"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) == 99


def test_compare_cli_wide_keeps_every_cell_whole(monkeypatch, capsys) -> None:
    """``--compare --wide`` prints the table uncut, as ``text()`` does."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["run", "compare_machine", "--compare", "--wide"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip("\n") == compare_policies("compare_machine").text()
    assert "…" not in out


def test_compare_html_shows_both_ownership_graphs_at_the_divergence() -> None:
    """The HTML holds each run's ownership graph after the divergent step, captioned."""
    page = compare_policies("compare_owner_label")._repr_html_()
    table, graphs = page.split("<p><b>kit after step 0</b></p>", 1)
    kit, seed = graphs.split("<p><b>seed after step 0</b></p>", 1)
    seed_line = "_ingress.rs:535:23"  # the graph shortens the middle of a long label
    assert "Buyer1@alice" in kit and seed_line not in kit
    assert seed_line in seed and "Buyer1@alice" not in seed
    assert "<table>" in table


def test_compare_html_graphs_fall_back_to_text_without_dot(monkeypatch) -> None:
    """When ``dot`` cannot run, each graph is its text form in a ``<pre>``."""
    from aura_kit.render.errors import RenderError
    from aura_kit.render.figure import Figure

    def no_dot(self: Figure) -> str:
        raise RenderError("dot is not installed")

    monkeypatch.setattr(Figure, "svg", no_dot)
    page = compare_policies("compare_owner_label")._repr_html_()
    assert page.count("<pre>") == 2 and "<svg" not in page


def test_compare_at_divergence_is_the_state_where_the_runs_part() -> None:
    """The graphs' worlds stop after the divergent step; the run's own worlds go on to the end."""
    comparison = compare_policies("compare_attenuation")
    assert comparison.at_divergence is not None and comparison.worlds is not None
    kit, seed = comparison.at_divergence
    assert kit.owners()["Seller"][2] != "session"  # the kit refused the widening
    assert seed.owners()["Seller"][2] == "session"  # the seed allowed it
    assert not comparison.worlds[1].is_active("Seller")  # the last step cancelled it


def test_compare_callable_at_divergence_stops_right_after_that_step() -> None:
    """For a callable the worlds at the divergence saw exactly the steps up to it."""

    def widen_then_close(world) -> None:
        world.open_all()
        world.attenuate("Seller", ["protocol:twobuyer"])
        world.transfer("Seller", "Seller@seller", Scope.SESSION)
        world.cancel("Seller")

    comparison = compare_policies(widen_then_close)
    assert comparison.divergence is not None and comparison.divergence.step == 2
    assert comparison.at_divergence is not None
    kit, seed = comparison.at_divergence
    assert kit.is_active("Seller") and seed.is_active("Seller")
    assert seed.owners()["Seller"] == ("Seller@seller", 3, "session")
    assert len(comparison.seed_rows) == 4  # the seed's run went on to the cancel


def test_compare_without_divergence_has_no_graphs() -> None:
    """Runs that agree everywhere show the table only."""
    data = json.loads((COMPARE / "compare_capability_check.json").read_text())
    data["steps"] = [{"do": "open", "label": "host"}, {"do": "close"}]
    comparison = compare_policies(data)
    assert comparison.at_divergence is None and "after step" not in comparison._repr_html_()
