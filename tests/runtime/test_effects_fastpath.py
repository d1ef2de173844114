"""EffectSystem: the remembered boundary check never lets a changed owner through."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from aura_kit.ownership import LinkBoundary, RuntimeSessionOwner, Scope
from aura_kit.runtime import (
    BoundaryScopeRejected,
    EffectSystem,
    InvalidIngressRouting,
    MissingOwner,
    MissingTaskBinding,
    StaleOwner,
)
from tests.ownership.support import roles_for, sid

BOUNDARY = LinkBoundary.for_protocol("p")


def _started(fx: EffectSystem) -> RuntimeSessionOwner:
    owner = fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    fx.assert_owned_choreography_boundary(owner, BOUNDARY)
    fx.assert_owned_choreography_boundary(owner, BOUNDARY)
    return owner


def _check_in_new_thread(
    fx: EffectSystem, owner: RuntimeSessionOwner
) -> list[InvalidIngressRouting]:
    """Run the boundary check in a fresh plain thread; return what it raised."""
    errors: list[InvalidIngressRouting] = []

    def other() -> None:
        try:
            fx.assert_owned_choreography_boundary(owner, BOUNDARY)
        except InvalidIngressRouting as error:
            errors.append(error)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    return errors


def test_effects_fastpath_transfer_makes_remembered_owner_stale() -> None:
    """A check that passed before a transfer fails for the old owner afterwards."""
    fx = EffectSystem("alice")
    owner = _started(fx)
    fx.transfer_owned_choreography_session_owner(owner, "owner-b", Scope.SESSION)
    with pytest.raises(StaleOwner):
        fx.assert_owned_choreography_boundary(owner, BOUNDARY)


def test_effects_fastpath_attenuation_rejects_same_label_old_copy() -> None:
    """Attenuation to the same label rejects the old full-scope copy after it passed."""
    fx = EffectSystem("alice")
    owner = _started(fx)
    narrow = fx.transfer_owned_choreography_session_owner(
        owner, "owner-a", Scope.fragments({"protocol:p"})
    )
    with pytest.raises(InvalidIngressRouting):
        fx.assert_owned_choreography_boundary(owner, BOUNDARY)
    fx.assert_owned_choreography_boundary(narrow, BOUNDARY)
    with pytest.raises(InvalidIngressRouting) as caught:
        fx.assert_owned_choreography_boundary(narrow, LinkBoundary.for_protocol("q"))
    assert isinstance(caught.value.details, BoundaryScopeRejected)


def test_effects_fastpath_end_and_cancel_forget_the_check() -> None:
    """After an end or a cancel the remembered check no longer passes."""
    fx = EffectSystem("alice")
    owner = _started(fx)
    fx.cancel_session(sid(1))
    with pytest.raises(InvalidIngressRouting) as caught:
        fx.assert_owned_choreography_boundary(owner, BOUNDARY)
    assert isinstance(caught.value.details, MissingTaskBinding)
    with fx.task("t"):
        fresh = fx.start_owned_choreography_session("owner-a", sid(2), roles_for(fx))
        fx.assert_owned_choreography_boundary(fresh, BOUNDARY)
        fx.end_owned_choreography_session(fresh)
        with pytest.raises(InvalidIngressRouting):
            fx.assert_owned_choreography_boundary(fresh, BOUNDARY)
    with pytest.raises(MissingOwner):
        fx.ensure_owner(fresh)


def test_effects_fastpath_is_per_context() -> None:
    """A check that passed in one context still fails in an unbound one."""
    fx = EffectSystem("alice")
    with fx.task("t"):
        owner = _started(fx)
    errors = _check_in_new_thread(fx, owner)
    assert len(errors) == 1 and isinstance(errors[0].details, MissingTaskBinding)


def test_effects_fastpath_thread_memo_refuses_forged_and_other_threads() -> None:
    """After a plain-thread check passed, a forged copy and an unbound thread still fail."""
    fx = EffectSystem("alice")
    owner = _started(fx)  # this thread: the thread-local memo now holds the check
    bad = dataclasses.replace(owner.capability, tag=b"x" * 32)
    with pytest.raises(InvalidIngressRouting) as caught:
        fx.assert_owned_choreography_boundary(dataclasses.replace(owner, capability=bad), BOUNDARY)
    assert "tag does not verify" in str(caught.value.details)
    errors = _check_in_new_thread(fx, owner)
    assert len(errors) == 1 and isinstance(errors[0].details, MissingTaskBinding)
    fx.assert_owned_choreography_boundary(owner, BOUNDARY)  # this thread still passes


def test_effects_fastpath_thread_memo_forgotten_by_every_change() -> None:
    """Any change clears a thread's memo: a wider boundary after attenuation is refused."""
    fx = EffectSystem("alice")
    owner = _started(fx)
    wide = LinkBoundary.for_protocol("q")
    fx.assert_owned_choreography_boundary(owner, wide)
    narrow = fx.transfer_owned_choreography_session_owner(
        owner, "owner-a", Scope.fragments({"protocol:p"})
    )
    fx.assert_owned_choreography_boundary(narrow, BOUNDARY)
    fx.assert_owned_choreography_boundary(narrow, BOUNDARY)  # memo hit
    with pytest.raises(InvalidIngressRouting) as caught:
        fx.assert_owned_choreography_boundary(narrow, wide)
    assert isinstance(caught.value.details, BoundaryScopeRejected)
    fx.cancel_session(sid(1))
    with pytest.raises(InvalidIngressRouting):
        fx.assert_owned_choreography_boundary(narrow, BOUNDARY)
