"""The ownership layer and the EffectSystem stay free of notebook and drawing libraries."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import sys, uuid
from aura_kit.ownership import ChoreographicRole, Scope
from aura_kit.runtime.effects import EffectSystem
fx = EffectSystem("alice")
o = fx.start_owned_choreography_session("a", uuid.uuid4(), [ChoreographicRole("alice", 0)])
o = fx.transfer_owned_choreography_session_owner(o, "b", Scope.SESSION)
fx.end_owned_choreography_session(o)
fx.event_log.to_records()
bad = sorted(m for m in ("pandas", "graphviz", "ipywidgets", "IPython") if m in sys.modules)
print(",".join(bad))
"""


def test_layering_ownership_session_imports_no_heavy_modules() -> None:
    """A full owned-session lifecycle imports no pandas, graphviz, ipywidgets or IPython."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
