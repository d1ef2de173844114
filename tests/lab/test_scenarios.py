"""Tests of the scenario format, the runner, and the ``run`` / ``demo`` commands."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from aura_kit.cli import main
from aura_kit.lab import ScenarioError, load_scenario, parse_scenario, run_scenario
from tests.conftest import BUNDLED

SCENARIOS = sorted((BUNDLED / "scenarios").glob("*.json"))
ATTACKS = ("stale_handle", "forged_capability", "wrong_task", "attenuation")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenarios_every_file_meets_its_expectations(path: Path) -> None:
    """Each shipped scenario runs and every expectation holds."""
    report = run_scenario(load_scenario(path))
    assert report.ok, report.failure + "\n" + report.table()


def test_scenarios_required_set_is_shipped() -> None:
    """Two-buyer, delegation, the attacks, a timeout and a cancellation all exist."""
    names = {p.stem for p in SCENARIOS}
    assert {"two_buyer", "two_buyer_delegation", "timeout", "cancel_while_waiting"} <= names
    assert set(ATTACKS) <= names


@pytest.mark.parametrize("name", ATTACKS)
def test_scenarios_attack_with_wrong_expected_error_fails(name: str) -> None:
    """Naming another error class for an attack makes the run fail (the check can fail)."""
    data = json.loads((BUNDLED / "scenarios" / f"{name}.json").read_text())
    for step in data["steps"]:
        if step["do"] == "attack":
            step["expect"]["error"] = "MissingOwner"
    scenario = parse_scenario(data, source=name, base=BUNDLED / "scenarios")
    report = run_scenario(scenario)
    assert not report.ok and "expected MissingOwner" in report.failure


def test_scenarios_attacks_change_no_registry() -> None:
    """Attack steps default to ``unchanged`` and the runner compares registry snapshots."""
    scenario = load_scenario(BUNDLED / "scenarios" / "forged_capability.json")
    attack = next(s for s in scenario.steps if s.do == "attack")
    assert attack.expect is not None and attack.expect.unchanged


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        ({"steps": [{"do": "open"}, {"do": "queue", "role": "Nobody"}]}, "steps[1].role"),
        ({"steps": [{"do": "explode"}]}, "steps[0].do"),
        ({"steps": [{"do": "round", "role": "Buyer1", "extra": 1}]}, "steps[0].extra"),
        ({"driver": "threads"}, "driver"),
        ({"steps": [{"do": "attack", "role": "Buyer1", "attack": "x"}]}, "steps[0].attack"),
        ({"steps": [{"do": "open", "expect": {"kind": "round"}}]}, "steps[0].expect.error"),
    ],
)
def test_scenarios_bad_file_names_the_json_path(patch: dict, path: str) -> None:
    """A malformed scenario raises ScenarioError with the JSON path of the problem."""
    data = json.loads((BUNDLED / "scenarios" / "two_buyer.json").read_text())
    data.update(patch)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, source="bad.json", base=BUNDLED / "scenarios")
    assert info.value.path == path and "bad.json" in str(info.value)


def test_scenarios_old_rounds_step_is_refused_with_its_new_name() -> None:
    """The step that runs passes was called "rounds": it is refused and the new name given."""
    data = json.loads((BUNDLED / "scenarios" / "two_buyer.json").read_text())
    data["steps"] = [{"do": "open"}, {"do": "rounds", "count": 2}]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, source="old.json", base=BUNDLED / "scenarios")
    assert info.value.path == "steps[1].do" and "'passes'" in str(info.value)
    data["steps"][1]["do"] = "passes"
    renamed = parse_scenario(data, source="new.json", base=BUNDLED / "scenarios")
    assert renamed.steps[1].do == "passes"


def test_scenarios_cli_run_prints_table_and_exits_zero(capsys) -> None:
    """``aura-kit run`` prints the event table and exits 0 when expectations hold."""
    assert main(["run", str(BUNDLED / "scenarios" / "stale_handle.json")]) == 0
    out = capsys.readouterr().out
    assert "StaleOwner" in out and "every expectation held" in out


def test_scenarios_cli_run_bad_file_exits_one(tmp_path: Path, capsys) -> None:
    """A bad scenario file is refused with its JSON path and exit code 1."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x"}')
    assert main(["run", str(bad)]) == 1
    assert "scenario field" in capsys.readouterr().err


def test_scenarios_cli_demo_shows_owner_history(capsys) -> None:
    """``aura-kit demo`` shows the delegation to the second local owner and back."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "bob/assistant (generation 2" in out and "Buyer2@bob (generation 3" in out


def test_scenarios_cli_run_events_lists_every_authority(capsys) -> None:
    """``aura-kit run --events`` prints one block of runtime events per authority."""
    assert main(["run", "--events", str(BUNDLED / "scenarios" / "two_buyer.json")]) == 0
    out = capsys.readouterr().out
    for authority in ("alice", "bob", "carol"):
        assert f"\nevents at {authority}:\n" in out
    assert "runtime.session.owner.assigned" in out


def test_scenarios_cli_run_unmet_expectation_exits_one(tmp_path: Path, capsys) -> None:
    """A scenario whose attack names the wrong error prints 'scenario failed' and exits 1."""
    data = json.loads((BUNDLED / "scenarios" / "stale_handle.json").read_text())
    for step in data["steps"]:
        if step["do"] == "attack":
            step["expect"]["error"] = "MissingOwner"
    data["protocol"] = str(BUNDLED / "protocols" / data["protocol"])
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(data))
    assert main(["run", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}: error: scenario failed at step 3" in captured.err
    assert "every expectation held" not in captured.out


def test_scenarios_report_lines_read_the_world() -> None:
    """History and message lines come from the world the run left behind, in order."""
    report = run_scenario(load_scenario(BUNDLED / "scenarios" / "two_buyer_delegation.json"))
    history = report.history_lines()
    assert len(history) == len(report.world.history) and "open" in history[0]
    assert len(report.message_lines()) == len(report.world.network.history)


def test_scenarios_table_cuts_long_outcomes_unless_asked_not_to() -> None:
    """The event table cuts outcomes at the given width with an ellipsis; None keeps them."""
    report = run_scenario(load_scenario(BUNDLED / "scenarios" / "fragment_delegation.json"))
    longest = max(len(row.outcome) for row in report.rows)
    assert longest > 120
    assert "…" in report.table(outcome_width=120)
    assert "…" not in report.table(outcome_width=None)
    cut = max(map(len, report.table(outcome_width=120).splitlines()))
    whole = max(map(len, report.table(outcome_width=None).splitlines()))
    assert whole - cut == longest - 120


@pytest.mark.parametrize("columns", [80, 100, 160])
def test_scenarios_cli_run_fits_the_terminal(
    columns: int, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Every line ``aura-kit run`` prints fits a terminal of 80 columns or more (COLUMNS)."""
    monkeypatch.setenv("COLUMNS", str(columns))
    for name in ("stale_handle", "two_buyer_delegation", "forged_capability"):
        assert main(["run", "--events", str(BUNDLED / "scenarios" / f"{name}.json")]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert max(len(line) for line in lines) < columns, name


def test_scenarios_cli_run_wide_keeps_outcomes_whole(monkeypatch: pytest.MonkeyPatch, capsys):
    """``--wide`` prints outcomes whole however narrow the terminal is."""
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["run", "--wide", str(BUNDLED / "scenarios" / "stale_handle.json")]) == 0
    out = capsys.readouterr().out
    assert "…" not in out and max(len(line) for line in out.splitlines()) > 60


def test_scenarios_cli_run_names_each_attack(capsys) -> None:
    """Attack rows say which attack ran."""
    assert main(["run", str(BUNDLED / "scenarios" / "forged_capability.json")]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if " attack" in line]
    assert rows and all(" attack forged_capability " in row for row in rows)


def test_scenarios_cli_run_events_show_fields(capsys) -> None:
    """``--events`` prints each event's fields under it, leaving out empty ones."""
    assert (
        main(["run", "--events", "--wide", str(BUNDLED / "scenarios" / "stale_handle.json")]) == 0
    )
    out = capsys.readouterr().out
    assert "runtime.session.owner.transferred\n        session_id = " in out
    assert "        to_owner_label = alice/assistant\n" in out
    assert "= None" not in out


def test_scenarios_cli_demo_help_default_is_accepted(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """The default ``demo --help`` shows for ``--scenario`` is a file ``demo`` accepts."""
    monkeypatch.setenv("COLUMNS", "1000")  # one line per option, so the path is not wrapped
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    default = help_text.split("default: ", 1)[1].split(")", 1)[0]
    assert main(["demo", "--scenario", default]) == 0


def test_scenarios_cli_run_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """``run -`` reads the scenario from standard input (protocol paths beside the cwd)."""
    data = json.loads((BUNDLED / "scenarios" / "stale_handle.json").read_text())
    data["protocol"] = str(BUNDLED / "protocols" / data["protocol"])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(data).encode())))
    assert main(["run", "-"]) == 0
    assert "every expectation held" in capsys.readouterr().out
