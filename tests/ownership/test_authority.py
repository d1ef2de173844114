"""Read APIs hand out no usable capability; binding and fragment claims need the owner."""

from __future__ import annotations

import dataclasses

import pytest

from aura_kit.ownership import (
    FragmentError,
    FragmentErrorKind,
    OwnerRecord,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
)
from aura_kit.ownership.errors import NotExactValue
from aura_kit.runtime import EffectSystem, InvalidIngressRouting, SessionIngressError

from .support import linked_manifest, roles_for, sid, state


def _refreshed(fx: EffectSystem, stale: RuntimeSessionOwner) -> RuntimeSessionOwner:
    """What the old hijack built: the stale handle with whatever the record view offers."""
    record = fx.owner_record(stale.session_id)
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(OwnerRecord)}
    capability = fields.get("capability")
    if capability is None:  # the view has no tag: rebuild from its fields, as a forger would
        capability = dataclasses.replace(
            stale.capability,
            owner_label=fields["owner_label"],
            generation=fields["generation"],
            scope=fields["scope"],
        )
    return RuntimeSessionOwner(
        session_id=stale.session_id, owner_label=fields["owner_label"], capability=capability
    )


def test_authority_owner_record_carries_no_capability() -> None:
    """``owner_record`` is a view of label, generation and scope: no tag, no capability."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(1), roles_for(fx))
    record = fx.owner_record(owner.session_id)
    assert record is not None
    assert {f.name for f in dataclasses.fields(record)} == {
        "session_id",
        "owner_label",
        "generation",
        "scope",
    }
    assert owner.capability.tag not in repr(record).encode()


def test_authority_stale_handle_cannot_be_refreshed_from_the_record() -> None:
    """A stale handle rebuilt from ``owner_record`` is refused on a live call and for binding."""
    fx = EffectSystem("alice")
    with fx.task("owner"):
        stale = fx.start_owned_choreography_session("a", sid(2), roles_for(fx))
        fx.transfer_owned_choreography_session_owner(stale, "b", Scope.SESSION)
    hijack = _refreshed(fx, stale)
    before = state(fx)
    with fx.task("owner"), pytest.raises(InvalidIngressRouting):
        fx.assert_owned_choreography_session(hijack)
    with fx.task("thief"), pytest.raises(SessionIngressError):
        fx.bind_current_task(hijack)  # binding needs the owner's authority
    assert state(fx) == before


def test_authority_binding_needs_the_current_capability() -> None:
    """``bind_current_task`` with a stale handle binds nothing; the current one binds."""
    fx = EffectSystem("alice")
    with fx.task("owner"):
        stale = fx.start_owned_choreography_session("a", sid(3), roles_for(fx))
        current = fx.transfer_owned_choreography_session_owner(stale, "b", Scope.SESSION)
    with fx.task("other"):
        with pytest.raises(SessionIngressError):
            fx.bind_current_task(stale)
        assert fx.current_session_id() is None
        fx.bind_current_task(current)
        assert fx.current_session_id() == current.session_id


def test_authority_stale_context_cannot_release_or_block_fragments() -> None:
    """After a transfer the old handle can neither release the new owner's fragments nor
    claim them under another label, so the new owner's next transfer still works."""
    fx = EffectSystem("alice")
    manifest = linked_manifest("p", "b1")
    with fx.task("owner"):
        old = fx.start_owned_choreography_session("a", sid(4), roles_for(fx))
        fx.claim_vm_fragments_for_manifest(old, manifest)
        new = fx.transfer_owned_choreography_session_owner(old, "b", Scope.SESSION)
        before = state(fx)
        with pytest.raises(SessionIngressError):
            fx.release_vm_fragments(old, {"bundle:b1"})
        with pytest.raises(NotExactValue):
            fx.claim_vm_fragments_for_manifest("mallory", manifest)  # a bare label: no authority
        assert state(fx) == before
        fx.transfer_owned_choreography_session_owner(new, "c", Scope.SESSION)
    assert [r.owner_label for _, r in fx.vm_fragment_snapshot()] == ["c"]


def test_authority_fragments_take_the_records_label() -> None:
    """A claim through the handle records the label the owner record names."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(5), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "b1", "b2"))
    assert {r.owner_label for _, r in fx.vm_fragment_snapshot()} == {"a"}


@pytest.mark.parametrize("label", ["", 7, None])
def test_authority_bare_fragment_label_is_validated(label: object) -> None:
    """Under the seed's bare-label form an empty or non-str label is ``BAD_LABEL``."""
    fx = EffectSystem("alice", policy=OwnershipPolicy(fragment_claims="label"))
    fx.start_owned_choreography_session("a", sid(6), roles_for(fx))
    before = state(fx)
    with pytest.raises(FragmentError) as info:
        fx.claim_vm_fragments_for_manifest(label, linked_manifest("p", "b1"))  # type: ignore[arg-type]
    assert info.value.kind is FragmentErrorKind.BAD_LABEL
    assert state(fx) == before
