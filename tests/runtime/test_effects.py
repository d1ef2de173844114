"""EffectSystem: start, binding, generations, end, cancel, callbacks."""

from __future__ import annotations

import threading

import pytest

from aura_kit.ownership import ChoreographicRole, Scope, SessionId
from aura_kit.runtime import (
    EffectSystem,
    InvalidIngressRouting,
    MissingOwner,
    MissingTaskBinding,
    SessionBindingMismatch,
    SessionStartError,
    SessionStartFailureReason,
)
from tests.ownership.support import assert_clean, linked_manifest, roles_for, sid, state

Reason = SessionStartFailureReason


def test_effects_start_binds_current_context_with_generation_one() -> None:
    """A start creates a SESSION-scoped owner at generation 1 bound to the caller."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    assert owner.capability.generation == 1
    assert owner.capability.scope == Scope.SESSION
    assert owner.capability.allows_full_session()
    assert fx.current_session_id() == SessionId.coerce(sid(1))
    assert fx.is_active(sid(1)) and fx.roles_for_session(sid(1)) == tuple(roles_for(fx))
    assert fx.bindings() == [(f"thread:{threading.current_thread().name}", owner.session_id)]


def test_effects_start_in_bound_context_is_task_already_bound() -> None:
    """A context already bound to an active session cannot start another one."""
    fx = EffectSystem("alice")
    fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    before = state(fx)
    with pytest.raises(SessionStartError) as info:
        fx.start_owned_choreography_session("owner-b", sid(2), roles_for(fx))
    assert info.value.reason is Reason.TASK_ALREADY_BOUND
    assert "(TaskAlreadyBound)" in str(info.value)
    assert state(fx) == before and not fx.is_active(sid(2))


def test_effects_start_of_active_id_is_already_exists() -> None:
    """Starting an id that is active elsewhere fails with ALREADY_EXISTS and changes nothing."""
    fx = EffectSystem("alice")
    with fx.task("one"):
        fx.start_owned_choreography_session("owner-a", sid(1), roles_for(fx))
    before = state(fx)
    with fx.task("two"), pytest.raises(SessionStartError) as info:
        fx.start_owned_choreography_session("owner-b", sid(1), roles_for(fx))
    assert info.value.reason is Reason.ALREADY_EXISTS
    assert state(fx) == before


@pytest.mark.parametrize(
    ("label", "roles"),
    [
        ("owner-a", [ChoreographicRole("bob", 0)]),
        ("owner-a", []),
    ],
)
def test_effects_start_with_bad_input_is_other(label: str, roles: list[ChoreographicRole]) -> None:
    """No role for this authority is reason OTHER and leaves nothing."""
    fx = EffectSystem("alice")
    with pytest.raises(SessionStartError) as info:
        fx.start_owned_choreography_session(label, sid(1), roles)
    assert info.value.reason is Reason.OTHER
    assert fx.generation(sid(1)) == 0
    assert_clean(fx)
    rejected = fx.event_log.events("runtime.session.owner.rejected")
    assert rejected[-1].field("reason") == "runtime_session_start_failed"


def test_effects_end_removes_owner_record_binding_and_fragments() -> None:
    """End drops record, bindings and fragments but keeps the generation counter."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("owner-a", sid(3), roles_for(fx))
    fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p", "b1", "b2"))
    fx.end_owned_choreography_session(owner)
    assert fx.owner_record(sid(3)) is None and not fx.is_active(sid(3))
    assert fx.current_session_id() is None and fx.roles_for_session(sid(3)) == ()
    assert fx.generation(sid(3)) == 1
    assert_clean(fx)


def test_effects_reclaim_bumps_generation_and_old_capability_fails() -> None:
    """Restarting an ended id issues generation + 1; the old capability is refused."""
    fx = EffectSystem("alice")
    first = fx.start_owned_choreography_session("owner-a", sid(4), roles_for(fx))
    fx.end_owned_choreography_session(first)
    second = fx.start_owned_choreography_session("owner-a", sid(4), roles_for(fx))
    assert second.capability.generation == 2
    with pytest.raises(InvalidIngressRouting) as info:
        fx.assert_owned_choreography_session(first)
    assert str(info.value.details).endswith("current generation is 2")
    fx.assert_owned_choreography_session(second)


def test_effects_generations_never_reset_across_transfers_and_restarts() -> None:
    """Generations count every start and transfer of one id, without reuse."""
    fx = EffectSystem("alice")
    seen = []
    for _ in range(3):
        owner = fx.start_owned_choreography_session("o", sid(5), roles_for(fx))
        seen.append(owner.capability.generation)
        owner = fx.transfer_owned_choreography_session_owner(owner, "o", Scope.SESSION)
        seen.append(owner.capability.generation)
        fx.end_owned_choreography_session(owner)
    assert seen == [1, 2, 3, 4, 5, 6]


def test_effects_other_context_gets_missing_task_binding() -> None:
    """An owner used from an unbound context fails with MissingTaskBinding."""
    fx = EffectSystem("alice")
    with fx.task("starter"):
        owner = fx.start_owned_choreography_session("owner-a", sid(6), roles_for(fx))
    with pytest.raises(InvalidIngressRouting) as info:
        fx.assert_owned_choreography_session(owner)
    assert isinstance(info.value.details, MissingTaskBinding)
    with pytest.raises(InvalidIngressRouting) as claim:
        fx.claim_vm_fragments_for_manifest(owner, linked_manifest("p"))
    assert isinstance(claim.value.details, MissingTaskBinding)


def test_effects_context_bound_elsewhere_gets_binding_mismatch() -> None:
    """An owner used from a context bound to another session gets SessionBindingMismatch."""
    fx = EffectSystem("alice")
    with fx.task("one"):
        one = fx.start_owned_choreography_session("owner-a", sid(7), roles_for(fx))
    with fx.task("two"):
        two = fx.start_owned_choreography_session("owner-b", sid(8), roles_for(fx))
        with pytest.raises(InvalidIngressRouting) as info:
            fx.assert_owned_choreography_session(one)
    details = info.value.details
    assert isinstance(details, SessionBindingMismatch)
    assert (details.expected_session_id, details.bound_session_id) == (
        one.session_id,
        two.session_id,
    )


def test_effects_host_task_acts_as_one_context_across_cells() -> None:
    """Entering the same named handle again (a later cell) sees the same binding."""
    fx = EffectSystem("alice")
    with fx.task("notebook"):
        owner = fx.start_owned_choreography_session("cell-1", sid(9), roles_for(fx))
    assert fx.task("notebook") is fx.task("notebook")
    with fx.task("notebook"):
        fx.assert_owned_choreography_session(owner)
        with fx.task("notebook"):
            assert fx.current_session_id() == owner.session_id
        assert fx.current_session_id() == owner.session_id
    assert fx.current_session_id() is None


def test_effects_host_task_of_another_system_is_ignored() -> None:
    """A handle of another effect system does not change this system's context."""
    alice, bob = EffectSystem("alice"), EffectSystem("bob")
    with alice.task("a"):
        owner = alice.start_owned_choreography_session("o", sid(10), roles_for(alice))
        with bob.task("b"):
            alice.assert_owned_choreography_session(owner)
            assert bob.current_session_id() is None


def test_effects_host_task_shared_by_threads() -> None:
    """A handle entered in another thread acts as the same context there."""
    fx = EffectSystem("alice")
    handle = fx.task("shared")
    with handle:
        owner = fx.start_owned_choreography_session("o", sid(11), roles_for(fx))
    seen: list[object] = []

    def worker() -> None:
        with handle:
            seen.append(fx.current_session_id())
        seen.append(fx.current_session_id())

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == [owner.session_id, None]


def test_effects_ensure_owner_after_end_is_missing_owner() -> None:
    """The owner check alone reports MissingOwner for an ended session."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("o", sid(12), roles_for(fx))
    fx.end_owned_choreography_session(owner)
    with pytest.raises(MissingOwner) as info:
        fx.ensure_owner(owner)
    assert info.value.error_kind == "missing_owner"
    with pytest.raises(MissingOwner):
        fx.bind_current_task(owner)
    assert_clean(fx)


def test_effects_bind_current_task_lets_another_context_act() -> None:
    """A valid owner can bind a second context, and end unbinds both."""
    fx = EffectSystem("alice")
    with fx.task("a"):
        owner = fx.start_owned_choreography_session("o", sid(13), roles_for(fx))
    with fx.task("b"):
        fx.bind_current_task(owner)
        fx.assert_owned_choreography_session(owner)
        assert len(fx.bindings()) == 2
        fx.end_owned_choreography_session(owner)
    assert_clean(fx)


def test_effects_end_with_fragment_scope_is_refused_without_change() -> None:
    """A fragment-scoped owner cannot end the session; nothing changes."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("o", sid(14), roles_for(fx))
    narrow = fx.transfer_owned_choreography_session_owner(owner, "o", Scope.fragments({"k"}))
    before = state(fx)
    with pytest.raises(InvalidIngressRouting) as info:
        fx.end_owned_choreography_session(narrow)
    assert type(info.value.details).__name__ == "FullSessionCapabilityRequired"
    assert state(fx) == before
    assert fx.cancel_session(sid(14)) is True
    assert fx.cancel_session(sid(14)) is False
    assert_clean(fx)


def test_effects_end_callbacks_run_once_on_end_and_cancel() -> None:
    """Session-end callbacks run once with the id, on end and on cancel."""
    fx = EffectSystem("alice")
    calls: list[SessionId] = []
    owner = fx.start_owned_choreography_session("o", sid(15), roles_for(fx))
    fx.on_session_end(owner.session_id, calls.append)
    fx.end_owned_choreography_session(owner)
    owner = fx.start_owned_choreography_session("o", sid(15), roles_for(fx))
    fx.cancel_session(sid(15))
    fx.on_session_end(owner.session_id, calls.append)
    fx.start_owned_choreography_session("o", sid(15), roles_for(fx))
    fx.cancel_session(sid(15))
    assert calls == [owner.session_id, owner.session_id]


def test_effects_failing_end_callback_is_logged_and_the_end_still_succeeds() -> None:
    """An end is all or nothing: a failing callback is a warning event, never an error."""
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("o", sid(16), roles_for(fx))
    later: list[SessionId] = []

    def boom(_: SessionId) -> None:
        raise RuntimeError("inbox busy")

    fx.on_session_end(owner.session_id, boom)
    fx.on_session_end(owner.session_id, later.append)
    fx.end_owned_choreography_session(owner)
    assert later == [owner.session_id]
    assert_clean(fx)
    ended = fx.event_log.events("runtime.session.ended")[-1]
    assert ended.level == "warning"
    assert ended.field("cleanup_failed") == "RuntimeError: inbox busy"


def test_effects_network_attach_is_called() -> None:
    """A network with ``attach`` is told about the effect system."""

    class Recorder:
        def __init__(self) -> None:
            self.attached: list[EffectSystem] = []

        def attach(self, effects: EffectSystem) -> None:
            self.attached.append(effects)

    net = Recorder()
    fx = EffectSystem("alice", network=net)
    assert net.attached == [fx] and fx.network is net
