"""Shared test configuration: Hypothesis profiles and data paths.

``BUNDLED`` is the package data (protocols, manifests, scenarios); ``DATA`` the test fixtures.

Profiles: ``fast`` (default, used by ``make test``) and ``long``
(``AURA_PROFILE=long make test-long``). ``SOUNDNESS_EXAMPLES`` is the number of generated
protocols the soundness property runs in the loaded profile.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"  # test fixtures (golden files)
BUNDLED = ROOT / "aura_kit" / "data"  # the data shipped in the package

settings.register_profile(
    "fast", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck)
)
PROFILE = os.environ.get("AURA_PROFILE", "fast")
settings.load_profile(PROFILE)
SOUNDNESS_EXAMPLES = {"fast": 200, "long": 5000}.get(PROFILE, 200)
