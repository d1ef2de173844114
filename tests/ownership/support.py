"""Shared helpers for ownership and effect-system tests (not a test module)."""

from __future__ import annotations

import uuid
from typing import Any

from aura_kit.ownership import ChoreographicRole, CompositionManifest, LinkSpec
from aura_kit.runtime import EffectSystem


def sid(byte: int) -> uuid.UUID:
    """A fixed session UUID, as the seed's tests build them."""
    return uuid.UUID(bytes=bytes([byte]) * 16)


def roles_for(effects: EffectSystem, index: int = 0) -> list[ChoreographicRole]:
    """One role for the effect system's own authority."""
    return [ChoreographicRole(effects.authority, index)]


def linked_manifest(protocol_id: str, *bundle_ids: str) -> CompositionManifest:
    """The seed's ``linked_manifest``: one role, one link spec per bundle id."""
    return CompositionManifest(
        protocol_id=protocol_id,
        protocol_name=protocol_id,
        protocol_qualified_name=protocol_id,
        role_names=("Role",),
        link_specs=tuple(LinkSpec("Role", b) for b in bundle_ids),
    )


def state(effects: EffectSystem) -> tuple[Any, ...]:
    """Everything a failure must leave unchanged."""
    sessions = effects.active_sessions()
    return (
        sessions,
        tuple(effects.bindings()),
        tuple(effects.vm_fragment_snapshot()),
        tuple(effects.owner_record(s) for s in sessions),
        tuple(effects.generation(s) for s in sessions),
    )


def assert_clean(effects: EffectSystem) -> None:
    """No bound context, owner record or fragment is left behind."""
    assert effects.active_sessions() == ()
    assert effects.bindings() == []
    assert effects.vm_fragment_snapshot() == []
