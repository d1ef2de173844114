"""``with OwnedVmSession``: a failing close never hides the exception the body raised."""

from __future__ import annotations

import pytest

from aura_kit.ownership import ChoreographicRole, CompositionManifest, Scope
from aura_kit.protocol import parse_protocol, project_all
from aura_kit.runtime import EffectSystem, Network, open_owned_manifest_vm_session_admitted
from aura_kit.runtime.errors import SessionIngressError

PAIR = parse_protocol("protocol Pair(A, B) { A -> B: One(int) }")
SID = "5e55e55e-0000-4000-8000-00000000e417"


def _open(effects: EffectSystem):
    manifest = CompositionManifest.for_protocol(PAIR, "pair")
    roles = [ChoreographicRole("a", 0), ChoreographicRole("b", 1)]
    return open_owned_manifest_vm_session_admitted(
        effects, SID, roles, manifest, "A", PAIR.global_type, project_all(PAIR.global_type)
    )


class _BodyError(Exception):
    """The error the with-body raises."""


def test_owned_exit_body_error_survives_a_failing_close() -> None:
    """The body's error propagates (with a note about the close) even when close raises."""
    effects = EffectSystem("a", network=Network())
    with effects.task("a"):
        session = _open(effects)
        with pytest.raises(_BodyError) as caught, session:
            # a transfer behind the handle's back makes its close fail with a stale owner
            effects.transfer_owned_choreography_session_owner(session.owner(), "z", Scope.SESSION)
            raise _BodyError("body failed")
    assert any("closing the owned session also failed" in n for n in caught.value.__notes__)


def test_owned_exit_close_error_still_raised_without_a_body_error() -> None:
    """With no body error, a close that fails raises its own typed error as before."""
    effects = EffectSystem("a", network=Network())
    with effects.task("a"):
        session = _open(effects)
        with pytest.raises(SessionIngressError), session:
            effects.transfer_owned_choreography_session_owner(session.owner(), "z", Scope.SESSION)
