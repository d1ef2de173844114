"""Opening an owned session under the seed's and the kit's policy (label, admission)."""

from __future__ import annotations

import dataclasses

import pytest

from aura_kit.ownership import SEED_OWNER_LABEL, OwnershipPolicy
from aura_kit.protocol import parse_protocol, project
from aura_kit.runtime import EffectSystem, Network, SessionStartError
from tests.runtime.test_ingress import LOCALS, MANIFEST, SID, _open

SEED = OwnershipPolicy.seed()


def test_ingress_policy_seed_owner_label_is_the_fixed_runtime_line() -> None:
    """Under the seed every opened session is labelled with the runtime's own call site."""
    effects = EffectSystem("a", network=Network(), policy=SEED)
    with effects.task("t"):
        session = _open(effects)
    assert session.owner().owner_label == SEED_OWNER_LABEL
    assert SEED_OWNER_LABEL.startswith("aura_agent/runtime/session_ingress.rs:")


def test_ingress_policy_kit_owner_label_is_not_the_fixed_line() -> None:
    """Under the kit the label is the caller's location, never the seed's fixed line."""
    effects = EffectSystem("a", network=Network())
    with effects.task("t"):
        session = _open(effects)
    assert session.owner().owner_label != SEED_OWNER_LABEL
    assert session.owner().owner_label.startswith(__file__.replace("_policy", ""))


def test_ingress_policy_seed_admits_an_active_role_the_manifest_does_not_name() -> None:
    """A manifest naming only B: the kit refuses active role A, the seed opens it."""
    manifest = dataclasses.replace(MANIFEST, role_names=("B",))
    kit = EffectSystem("a", network=Network())
    with kit.task("t"), pytest.raises(SessionStartError) as info:
        _open(kit, manifest, "A")
    assert "is not one of" in info.value.message
    seed = EffectSystem("a", network=Network(), policy=SEED)
    with seed.task("t"):
        session = _open(seed, manifest, "A")
    assert seed.is_active(SID) and session.owner().session_id == seed.active_sessions()[0]


def test_ingress_policy_seed_admits_a_local_type_that_is_not_the_projection() -> None:
    """A's local type cut short (``B!Ask(str).end``): the kit refuses it, the seed opens."""
    shorter = parse_protocol("protocol P(A, B) { A -> B: Ask(str) }")
    wrong = {**LOCALS, "A": project(shorter.global_type, "A")}
    kit = EffectSystem("a", network=Network())
    with kit.task("t"), pytest.raises(SessionStartError) as info:
        _open(kit, local_types=wrong)
    assert "expected its projection" in info.value.message
    seed = EffectSystem("a", network=Network(), policy=SEED)
    with seed.task("t"):
        _open(seed, local_types=wrong)
    assert seed.is_active(SID)


def test_ingress_policy_seed_still_refuses_a_missing_local_type() -> None:
    """The seed needs a local type for the active role too: refused under both."""
    seed = EffectSystem("a", network=Network(), policy=SEED)
    with seed.task("t"), pytest.raises(SessionStartError) as info:
        _open(seed, local_types={"B": LOCALS["B"]})
    assert "no local type for active role" in info.value.message
    assert not seed.is_active(SID)
