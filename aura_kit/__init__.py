"""aura_kit: explore and teach session ownership in multiparty protocols.

Everything public in the core layers is importable from here (SPEC §10): the protocol layer
(text format, types, projection), the protocol machine, ownership values and registries, and
the runtime (EffectSystem, owned VM sessions, transport, drivers, scenarios). Pictures live in
``aura_kit.render`` and widgets in ``aura_kit.widgets``; importing this package imports neither.
"""

from __future__ import annotations

from aura_kit import machine, ownership, protocol, runtime

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
]
