"""One action vocabulary: a scenario step and an explorer action are the same ``World`` call."""

from __future__ import annotations

from typing import Any

import pytest

from aura_kit.lab import ExplorerModel, World, load_scenario, parse_scenario, run_scenario
from aura_kit.lab.scenario import ACTIONS
from aura_kit.lab.scenario_report import ScenarioReport
from aura_kit.lab.scenario_run import _Runner, build_world

STEPS: dict[str, tuple[str, list[dict[str, Any]], Any]] = {
    # World method: (scenario step(s) after open, explorer call)
    "open": ("open", [], lambda m: None),
    "queue": (
        "queue",
        [{"do": "queue", "role": "Buyer1", "payloads": ["x"]}],
        lambda m: m.queue_payload("Buyer1", '"x"'),
    ),
    "step_all": (
        "passes",
        [{"do": "queue", "role": "Buyer1", "payloads": ["x"]}, {"do": "passes", "count": 1}],
        lambda m: m.step(),
    ),
    "transfer": (
        "transfer",
        [{"do": "transfer", "role": "Seller", "to": "s2"}],
        lambda m: m.transfer("Seller"),
    ),
    "attenuate": (
        "attenuate",
        [{"do": "attenuate", "role": "Seller", "keys": ["protocol:p"]}],
        lambda m: m.attenuate("Seller"),
    ),
    "attack": (
        "attack",
        [
            {
                "do": "attack",
                "role": "Seller",
                "attack": "wrong_task",
                "expect": {"error": "InvalidIngressRouting"},
            }
        ],
        lambda m: m.attack("wrong task", "Seller"),
    ),
}


def _spy(monkeypatch: pytest.MonkeyPatch, method: str) -> list[str]:
    calls: list[str] = []
    original = getattr(World, method)

    def spy(self: World, *args: Any, **kwargs: Any) -> Any:
        calls.append(method)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(World, method, spy)
    return calls


def test_vocabulary_runner_table_covers_every_scenario_action() -> None:
    """The runner dispatches on an explicit table with exactly the scenario's actions."""
    scenario = load_scenario("two_buyer")
    runner = _Runner(ScenarioReport(scenario=scenario, world=build_world(scenario)))
    assert set(runner.actions) == set(ACTIONS)


@pytest.mark.parametrize("method", sorted(STEPS))
def test_vocabulary_step_and_action_call_the_same_world_method(
    monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """The scenario step and the explorer action of one meaning both call ``World.<method>``."""
    step, extra, action = STEPS[method]
    model = ExplorerModel.for_name("TwoBuyer")
    model.open()
    data = load_scenario("two_buyer")
    doc = {"name": "v", "protocol": "TwoBuyer", "authorities": data.authorities}
    scenario = parse_scenario({**doc, "steps": [{"do": "open"}, *extra]})
    calls = _spy(monkeypatch, method)
    report = run_scenario(scenario)
    assert report.ok, report.failure
    from_scenario = len(calls)
    if method == "open":
        model.open()
    else:
        assert action(model) is not None
    assert from_scenario > 0 and len(calls) > from_scenario, (step, calls)
