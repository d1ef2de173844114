"""aura_kit: explore and teach session ownership in multiparty protocols.

Everything public in the core layers is importable from here: the protocol layer
(text format, types, projection), the protocol machine, ownership values and registries, and
the runtime (EffectSystem, owned VM sessions, transport, drivers) and the lab's ``World``,
scenarios and attacks. Pictures live in
``aura_kit.render`` and widgets in ``aura_kit.widgets``; importing this package imports neither.
"""

from __future__ import annotations

from aura_kit import machine, ownership, protocol, runtime

# The lab's harness names that were public before the lab existed, plus the one attack API.
from aura_kit.lab import (
    AttackKind,
    AttackResult,
    OwnerChange,
    RoundOutcome,
    Scenario,
    ScenarioReport,
    World,
    compare_policies,
    load_scenario,
    run_scenario,
)

# The subpackages define the public names; the star imports re-export exactly their __all__.
from aura_kit.machine import *  # noqa: F403
from aura_kit.ownership import *  # noqa: F403
from aura_kit.protocol import *  # noqa: F403
from aura_kit.runtime import *  # noqa: F403

__version__ = "0.1.0"

__all__ = [
    "__version__",
    *protocol.__all__,
    *machine.__all__,
    *ownership.__all__,
    *runtime.__all__,
    "World",
    "OwnerChange",
    "RoundOutcome",
    "AttackKind",
    "AttackResult",
    "Scenario",
    "ScenarioReport",
    "load_scenario",
    "run_scenario",
    "compare_policies",
]
