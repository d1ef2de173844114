"""Shared set-ups for the interrupt tests: one small owned session per call (not a test module)."""

from __future__ import annotations

from typing import Any

from aura_kit.ownership import (
    ChoreographicRole,
    CompositionManifest,
    LinkSpec,
    OwnershipPolicy,
    Scope,
)
from aura_kit.protocol import parse_protocol, project_all
from aura_kit.runtime import (
    EffectSystem,
    Network,
    OwnedVmSession,
    open_owned_manifest_vm_session_admitted,
)

PROTOCOL = parse_protocol("protocol P(A, B) { A -> B: Ask(str)\n B -> A: Answer(int) }")
MANIFEST = CompositionManifest.for_protocol(
    PROTOCOL, "p", link_specs=(LinkSpec("A", "ba"), LinkSpec("B", "bb"))
)
LOCALS = project_all(PROTOCOL.global_type)
ROLES = [ChoreographicRole("a", 0), ChoreographicRole("b", 1)]
PEERS = {"A": ROLES[0], "B": ROLES[1]}
SID = "1d1d1d1d-0000-4000-8000-0000000000aa"


def effects(**policy: Any) -> EffectSystem:
    """An effect system for authority ``a`` on a network that also has ``b`` (the peer)."""
    network = Network()
    EffectSystem("b", network=network)
    return EffectSystem("a", network=network, policy=OwnershipPolicy(**policy))


def open_session(fx: EffectSystem) -> OwnedVmSession:
    """Open role A's owned session (the caller has entered a task of ``fx``)."""
    return open_owned_manifest_vm_session_admitted(
        fx, SID, ROLES, MANIFEST, "A", PROTOCOL.global_type, LOCALS, owner_label="host"
    )


def registries(fx: EffectSystem) -> tuple[Any, ...]:
    """Every registry an interrupted call must leave as it was (generations included)."""
    sessions = fx.active_sessions()
    return (
        sessions,
        tuple(fx.bindings()),
        tuple(fx.vm_fragment_snapshot()),
        tuple(fx.owner_record(s) for s in sessions),
        tuple(fx.roles_for_session(s) for s in sessions),
        tuple(fx.generation(s) for s in sessions),
        fx.owner_history(),
    )


NARROW = Scope.fragments({"bundle:ba"})
