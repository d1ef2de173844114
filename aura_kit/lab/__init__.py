"""The lab: the teaching harness on top of the core (protocol, machine, ownership, runtime).

A ``World`` runs one protocol session with one authority per role; scenarios script a world
from JSON; the explorer's kernel-free model drives one from buttons; attacks are one method,
``World.attack(role, kind)``. Nothing here imports the view or render layers, widgets, pandas,
graphviz, ipywidgets or IPython; those layers build on this one.

One action vocabulary: a scenario step and an explorer action of the same meaning are the
same ``World`` call.

    scenario step   explorer action           World call
    open            open                      open
    queue           queue_payload/_choice     queue
    rounds          step                      step_all
    transfer        transfer                  transfer
    attenuate       attenuate                 attenuate
    attack          attack                    attack
"""

from __future__ import annotations

from .action_result import ActionResult, NotOpen
from .attacks import AttackKind, AttackResult, NoStaleHandle, error_name
from .catalog import bundled_protocols, load_bundled
from .compare import PolicyComparison, PolicyDivergence, compare_policies
from .explorer_model import ExplorerModel
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from .scenario_report import ReportRow, ScenarioReport
from .scenario_run import build_world, run_scenario
from .world import World
from .world_records import HistoryEntry, RoundOutcome

__all__ = [
    # the world and its records
    "World",
    "HistoryEntry",
    "RoundOutcome",
    # attacks
    "AttackKind",
    "AttackResult",
    "NoStaleHandle",
    "error_name",
    # scenarios
    "Scenario",
    "ScenarioError",
    "ScenarioReport",
    "ReportRow",
    "load_scenario",
    "parse_scenario",
    "build_world",
    "run_scenario",
    # the kit's and the seed's policy side by side
    "compare_policies",
    "PolicyComparison",
    "PolicyDivergence",
    # the explorer's model and the protocol catalog
    "ExplorerModel",
    "ActionResult",
    "NotOpen",
    "bundled_protocols",
    "load_bundled",
]
