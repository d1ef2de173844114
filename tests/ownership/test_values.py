"""Ownership values: SessionId, Scope, capabilities, roles."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from aura_kit.arguments import WrongArgumentType
from aura_kit.ownership import (
    ChoreographicRole,
    InvalidSessionId,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
    SessionOwnerCapability,
)
from aura_kit.ownership.values import _SWITCHES


def test_values_session_id_coerces_uuid_and_text() -> None:
    """A SessionId wraps a UUID; UUIDs and UUID strings coerce to equal ids."""
    u = uuid.UUID(int=7)
    assert SessionId.coerce(u) == SessionId.coerce(str(u)) == SessionId(u)
    assert str(SessionId(u)) == str(u)
    assert repr(SessionId(u)) == f"SessionId('{u}')"
    with pytest.raises(TypeError):
        SessionId("not-a-uuid")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SessionId.coerce(7)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["garbage", "", "1234", "x" * 500, "{12345678-1234-5678-1234-56781234567Z}"]
)
def test_values_session_id_text_that_is_no_uuid_is_a_typed_refusal(text: str) -> None:
    """Text that is not a UUID gives InvalidSessionId (a ValueError) naming the text and why."""
    with pytest.raises(InvalidSessionId) as info:
        SessionId.coerce(text)
    assert isinstance(info.value, ValueError) and info.value.text == text
    assert "is not a UUID" in str(info.value) and len(str(info.value)) < 200


def test_values_session_id_of_the_wrong_kind_is_a_typed_refusal() -> None:
    """A number or a None is WrongArgumentType (a TypeError), from coerce and the constructor."""
    for call in (
        lambda: SessionId.coerce(7),
        lambda: SessionId("x"),
        lambda: SessionId.coerce(None),
    ):
        with pytest.raises(WrongArgumentType, match=r"session id|SessionId\.value"):
            call()


def test_values_scope_equality_is_exact() -> None:
    """SESSION never equals a fragments scope; fragments compare by key set."""
    assert Scope(None) == Scope.SESSION
    assert Scope.fragments(["a", "b"]) == Scope.fragments({"b", "a"})
    assert Scope.fragments(["a"]) != Scope.fragments(["a", "b"])
    assert Scope.fragments([]) != Scope.SESSION
    assert Scope.fragments("bundle:x").keys == frozenset({"bundle:x"})
    assert Scope.SESSION.is_session and not Scope.fragments(["a"]).is_session


def test_values_scope_is_within_orders_attenuation() -> None:
    """Everything is within SESSION; fragment scopes are ordered by subset."""
    a, ab = Scope.fragments(["a"]), Scope.fragments(["a", "b"])
    assert a.is_within(Scope.SESSION) and Scope.SESSION.is_within(Scope.SESSION)
    assert a.is_within(ab) and not ab.is_within(a)
    assert not Scope.SESSION.is_within(ab)


def test_values_scope_rejects_bad_keys() -> None:
    """Keys must be non-empty strings held in a frozenset."""
    with pytest.raises(ValueError):
        Scope.fragments([""])
    with pytest.raises(TypeError):
        Scope({"a"})  # type: ignore[arg-type]


def test_values_scope_canonical_text_is_sorted() -> None:
    """The canonical form sorts keys, so equal scopes print alike."""
    assert Scope.fragments(["b", "a"]).canonical() == "fragments(a,b)"
    assert str(Scope.SESSION) == "session"
    assert repr(Scope.fragments(["b", "a"])) == "Scope.fragments(['a', 'b'])"


def test_values_capability_generation_must_be_positive() -> None:
    """A capability's generation is an int >= 1."""
    sid = SessionId(uuid.UUID(int=1))
    with pytest.raises(ValueError):
        SessionOwnerCapability(session_id=sid, owner_label="a", generation=0, scope=Scope.SESSION)
    cap = SessionOwnerCapability(session_id=sid, owner_label="a", generation=1, scope=Scope.SESSION)
    assert cap.allows_full_session() and cap.tag == b""
    narrow = SessionOwnerCapability(
        session_id=sid, owner_label="a", generation=1, scope=Scope.fragments(["k"])
    )
    assert not narrow.allows_full_session()


def test_values_role_index_must_be_non_negative() -> None:
    """ChoreographicRole pairs an authority with a role index >= 0."""
    assert ChoreographicRole("alice", 0) < ChoreographicRole("alice", 1)
    with pytest.raises(ValueError):
        ChoreographicRole("alice", -1)


def test_values_policy_presets_are_kit_by_default_and_seed_on_every_switch() -> None:
    """``OwnershipPolicy()`` is the kit preset; the seed preset flips every switch."""
    assert OwnershipPolicy() == OwnershipPolicy.kit() == OwnershipPolicy.named("kit")
    seed = OwnershipPolicy.seed()
    assert seed == OwnershipPolicy.named("seed") and seed.name == "seed"
    assert OwnershipPolicy().name == "kit"
    assert OwnershipPolicy(attenuation="permissive").name == "custom"
    for name in ("capability_check", "attenuation", "live_errors", "owner_label", "admission"):
        assert getattr(seed, name) != getattr(OwnershipPolicy(), name), name


def test_values_policy_refuses_unknown_switch_values_and_names() -> None:
    """A switch value or preset name outside the choices is a ValueError naming it."""
    with pytest.raises(ValueError, match="capability_check must be 'tag' or 'fields'"):
        OwnershipPolicy(capability_check="none")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="policy must be 'kit' or 'seed', got 'loose'"):
        OwnershipPolicy.named("loose")


def test_values_owner_declares_the_seeds_move_owned_category() -> None:
    """``RuntimeSessionOwner.OWNERSHIP_CATEGORY`` is the seed's ``MoveOwned``, not a field."""
    assert RuntimeSessionOwner.OWNERSHIP_CATEGORY == "MoveOwned"
    assert "OWNERSHIP_CATEGORY" not in {f.name for f in dataclasses.fields(RuntimeSessionOwner)}


def test_policy_presets_take_every_switch_from_one_table() -> None:
    """kit() holds the first value of every switch, seed() the second, and they differ on each."""
    kit, seed = OwnershipPolicy.kit(), OwnershipPolicy.seed()
    names = [f.name for f in dataclasses.fields(OwnershipPolicy)]
    assert names == list(_SWITCHES)
    assert [getattr(kit, n) for n in names] == [_SWITCHES[n][0] for n in names]
    assert [getattr(seed, n) for n in names] == [_SWITCHES[n][1] for n in names]
