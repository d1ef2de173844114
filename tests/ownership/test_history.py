"""Owner history: typed records of start, transfer, attenuation, end and cancel."""

from __future__ import annotations

import dataclasses

import pytest

from aura_kit.ownership import (
    LinkBoundary,
    OwnerChange,
    OwnerChangeKind,
    OwnerHistory,
    Scope,
    SessionId,
)
from aura_kit.runtime import EffectSystem, OwnerTransferError
from tests.ownership.support import linked_manifest, roles_for, sid

Kind = OwnerChangeKind


def test_owner_history_records_start_transfer_attenuate_cancel_in_order() -> None:
    """Each real ownership change adds one record with the before and after owner."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(1), roles_for(fx))
    moved = fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    narrow = fx.transfer_owned_choreography_session_owner(moved, "b", Scope.fragments(["k"]))
    assert narrow.capability.generation == 3
    assert fx.cancel_session(sid(1)) is True
    changes = fx.owner_history(sid(1))
    assert [c.kind for c in changes] == [
        Kind.ASSIGNED,
        Kind.TRANSFERRED,
        Kind.ATTENUATED,
        Kind.CANCELLED,
    ]
    assert [(c.from_label, c.to_label) for c in changes] == [
        ("", "a"),
        ("a", "b"),
        ("b", "b"),
        ("b", ""),
    ]
    assert [c.generation for c in changes] == [1, 2, 3, 3]
    assert changes[2].from_scope == "session" and changes[2].to_scope == "fragments(k)"
    assert all(isinstance(c, OwnerChange) for c in changes)


def test_owner_history_marks_cancel_and_reclaim() -> None:
    """An operator cancel is CANCELLED; starting the same session again is RECLAIMED."""
    fx = EffectSystem("alice")
    fx.start_owned_choreography_session("a", sid(2), roles_for(fx))
    assert fx.cancel_session(sid(2)) is True
    assert fx.cancel_session(sid(2)) is False
    fx.start_owned_choreography_session("c", sid(2), roles_for(fx))
    assert [c.kind for c in fx.owner_history(sid(2))] == [
        Kind.ASSIGNED,
        Kind.CANCELLED,
        Kind.RECLAIMED,
    ]


def test_owner_history_records_a_normal_end() -> None:
    """Ending with the full-session owner is ENDED and names the last owner."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(8), roles_for(fx))
    fx.end_owned_choreography_session(owner)
    last = fx.owner_history(sid(8))[-1]
    assert (last.kind, last.owner_label, last.generation) == (Kind.ENDED, "a", 1)


def test_owner_history_ignores_refused_changes_and_checks() -> None:
    """A refused transfer and any number of owner checks add no record."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(3), roles_for(fx))
    with pytest.raises(OwnerTransferError):
        fx.transfer_owned_choreography_session_owner(owner, "", Scope.SESSION)
    for _ in range(50):
        fx.assert_owned_choreography_boundary(owner, LinkBoundary.for_scope(Scope.SESSION))
    assert [c.kind for c in fx.owner_history()] == [Kind.ASSIGNED]


def test_owner_history_counts_moved_fragments() -> None:
    """A transfer records how many fragments went to the new owner."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(4), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("proto", "bundle"))
    fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    assert fx.owner_history(sid(4))[-1].fragments_moved == len(fx.vm_fragment_snapshot())
    assert fx.owner_history(sid(4))[-1].fragments_moved > 0


def test_owner_history_of_one_session_filters_others() -> None:
    """``of(sid)`` keeps only that session; ``of()`` keeps all, in order."""
    history = OwnerHistory()
    a, b = SessionId.coerce(sid(5)), SessionId.coerce(sid(6))
    history.ended(a, "x", 1, "session", cancelled=False)
    history.ended(b, "y", 1, "session", cancelled=True)
    assert [c.session_id for c in history.of(a)] == [a]
    assert [c.session_id for c in history.of()] == [a, b]


def test_owner_change_is_frozen() -> None:
    """Records cannot be edited after the fact."""
    change = OwnerChange(session_id=SessionId.coerce(sid(7)), kind=Kind.ASSIGNED, to_label="a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.to_label = "b"  # type: ignore[misc]


def test_history_keeps_the_newest_changes_only(monkeypatch) -> None:
    """An authority's owner history stops at its limit and keeps the newest changes."""
    from aura_kit.ownership import OwnerHistory

    monkeypatch.setattr(OwnerHistory, "LIMIT", 3)
    history = OwnerHistory()
    for n in range(10):
        history.ended(SessionId.coerce(sid(n)), "a", 1, "session", cancelled=False)
    kept = history.of()
    assert len(kept) == 3 and kept[-1].session_id == SessionId.coerce(sid(9))
