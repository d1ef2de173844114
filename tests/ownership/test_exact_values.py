"""Policy decisions read the kit's own values: subclasses are refused, never consulted."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from aura_kit.ownership import LinkBoundary, OwnershipPolicy, RuntimeSessionOwner, Scope, SessionId
from aura_kit.ownership.errors import NotExactValue
from aura_kit.ownership.values import exact_owner, exact_scope
from aura_kit.runtime import EffectSystem, OwnerTransferError

from .support import roles_for, sid, state


class YesScope(Scope):
    """A scope that claims to be within everything."""

    def is_within(self, other: Scope) -> bool:
        return True


class LyingStr(str):
    """A string equal to everything."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = str.__hash__


class LyingId(SessionId):
    """A session id equal to everything."""

    def __eq__(self, other: object) -> bool:
        return True


def _narrowed(fx: EffectSystem) -> RuntimeSessionOwner:
    owner = fx.start_owned_choreography_session("a", sid(1), roles_for(fx))
    narrow = Scope.fragments({"bundle:b"})
    return fx.transfer_owned_choreography_session_owner(owner, "a", narrow)


def test_exact_scope_subclass_cannot_widen_a_fragment_owner() -> None:
    """A ``Scope`` subclass whose ``is_within`` always says yes does not widen the owner."""
    fx = EffectSystem("alice")
    owner = _narrowed(fx)
    before = state(fx)
    with pytest.raises(OwnerTransferError, match="expected exactly Scope"):
        fx.transfer_owned_choreography_session_owner(owner, "a", YesScope(None))
    assert state(fx) == before


def test_exact_allows_transfer_does_not_call_the_callers_method() -> None:
    """``OwnershipPolicy.allows_transfer`` refuses a subclass instead of asking it."""
    with pytest.raises(NotExactValue):
        OwnershipPolicy().allows_transfer(Scope.fragments({"k"}), YesScope(None))
    assert not OwnershipPolicy().allows_transfer(Scope.fragments({"k"}), Scope.SESSION)


def test_exact_lying_label_in_a_handle_is_refused() -> None:
    """A handle whose label is a ``str`` subclass equal to everything is refused by type."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(2), roles_for(fx))
    liar = dataclasses.replace(owner, owner_label=LyingStr("mallory"))
    with pytest.raises(NotExactValue, match=r"owner\.owner_label"):
        fx.assert_owned_choreography_session(liar)
    cap = dataclasses.replace(owner.capability, owner_label=LyingStr("mallory"))
    with pytest.raises(NotExactValue, match=r"capability\.owner_label"):
        fx.assert_owned_choreography_session(dataclasses.replace(owner, capability=cap))


def test_exact_lying_next_label_is_refused() -> None:
    """A transfer to a ``str`` subclass is refused and changes nothing."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(3), roles_for(fx))
    before = state(fx)
    with pytest.raises(OwnerTransferError):
        fx.transfer_owned_choreography_session_owner(owner, LyingStr("b"), Scope.SESSION)
    assert state(fx) == before


def test_exact_session_id_subclass_is_refused() -> None:
    """``SessionId.coerce`` and the owner check refuse a ``SessionId`` subclass."""
    lying = LyingId(uuid.UUID(int=1))
    with pytest.raises(NotExactValue):
        SessionId.coerce(lying)
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(4), roles_for(fx))
    with pytest.raises(NotExactValue, match=r"owner\.session_id"):
        exact_owner(dataclasses.replace(owner, session_id=lying))


def test_exact_boundary_subclass_is_refused() -> None:
    """A ``LinkBoundary`` subclass whose ``is_allowed_by`` always says yes is refused."""

    class YesBoundary(LinkBoundary):
        def is_allowed_by(self, scope: Scope) -> bool:
            return True

    fx = EffectSystem("alice")
    owner = _narrowed(fx)
    with pytest.raises(NotExactValue, match="boundary"):
        fx.assert_owned_choreography_boundary(owner, YesBoundary())


def test_exact_scope_is_rebuilt_from_its_fields() -> None:
    """``exact_scope`` returns a fresh kit ``Scope`` equal to the input."""
    scope = Scope.fragments({"a", "b"})
    rebuilt = exact_scope(scope, "s")
    assert rebuilt == scope and type(rebuilt) is Scope and type(rebuilt.keys) is frozenset
