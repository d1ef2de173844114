"""Leak checks: every failure path leaves registries, bindings, fragments, inboxes and VM sessions
as they were (or, for an end, empty)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest

from aura_kit.lab import World
from aura_kit.ownership import ChoreographicRole, Scope
from aura_kit.runtime import (
    EffectSystem,
    InvalidIngressRouting,
    RoundError,
    SessionIngressError,
    SessionStartError,
    TransportSendError,
    open_owned_manifest_vm_session_admitted,
)
from tests.hardening.load import PING_PONG, PING_PONG_MANIFEST, PING_PONG_TYPES
from tests.ownership.support import assert_clean, roles_for, state


def _world() -> World:
    world = World(PING_PONG, {"alice": "Client", "bob": "Server"})
    world.open_all()
    return world


def snapshot(world: World) -> tuple[Any, ...]:
    """Registries, bindings, fragments, inboxes and VM state of every authority."""
    sid = world.session_id
    out: list[Any] = []
    for name, effects in sorted(world.systems.items()):
        out += [state(effects), effects.generation(sid), world.network.inbox(name, sid)]
        out.append(world.network.waiting(name, sid))
    for role, session in sorted(world.sessions.items()):
        out += [role, session.owner(), session.routing_boundary(), session.machine.views()]
        out += [session.machine.sessions(), len(session.machine.events)]
    return tuple(out)


def test_leaks_failed_starts_change_nothing() -> None:
    """Start refusals (bound task, existing id, no own role, bad label) leave no trace."""
    effects = EffectSystem("alice")
    role = roles_for(effects)
    with effects.task("t"):
        owner = effects.start_owned_choreography_session("a", uuid.uuid4(), role)
        before = state(effects)
        with pytest.raises(SessionStartError):
            effects.start_owned_choreography_session("a", uuid.uuid4(), role)
    with effects.task("u"):
        for label, sid, roles in (
            ("a", owner.session_id.value, role),
            ("a", uuid.uuid4(), [ChoreographicRole("bob", 0)]),
            ("", uuid.uuid4(), role),
        ):
            with pytest.raises(SessionStartError):
                effects.start_owned_choreography_session(label, sid, roles)
            assert state(effects) == before
    assert effects.cancel_session(owner.session_id)
    assert_clean(effects)


@pytest.mark.parametrize(
    "change",
    [
        {"guard_capabilities": ("no-namespace",)},
        {"required_theorem_packs": ("missing",)},
        {"role_names": ("Server",)},
    ],
)
def test_leaks_failed_open_releases_everything(change: dict[str, Any]) -> None:
    """An open refused at admission ends the session: no record, binding, fragment or inbox."""
    effects = EffectSystem("alice")
    manifest = dataclasses.replace(PING_PONG_MANIFEST, **change)
    roles = (ChoreographicRole("alice", 0), ChoreographicRole("bob", 1))
    sid = uuid.uuid4()
    with effects.task("t"), pytest.raises(SessionStartError) as caught:
        open_owned_manifest_vm_session_admitted(
            effects, sid, roles, manifest, "Client", PING_PONG.global_type, PING_PONG_TYPES
        )
    assert caught.value.reason.name == "VM_SESSION_OPEN_FAILED"
    assert_clean(effects)
    assert effects.generation(sid) == 1  # the generation is kept, never reused


def test_leaks_failed_open_with_wrong_local_type() -> None:
    """A local type that is not the projection is refused; nothing is left behind."""
    effects = EffectSystem("alice")
    wrong = {**PING_PONG_TYPES, "Client": PING_PONG_TYPES["Server"]}
    roles = (ChoreographicRole("alice", 0), ChoreographicRole("bob", 1))
    with effects.task("t"), pytest.raises(SessionStartError):
        open_owned_manifest_vm_session_admitted(
            effects, uuid.uuid4(), roles, PING_PONG_MANIFEST, "Client", PING_PONG.global_type, wrong
        )
    assert_clean(effects)


def test_leaks_failed_transfers_change_nothing() -> None:
    """Widening, an empty label and a stale handle are refused; every registry is unchanged."""
    world = _world()
    world.attenuate("Client")
    before = snapshot(world)
    session, effects = world.session("Client"), world.effects("Client")
    stale = world.stale["Client"][0]
    with world.task("Client"):
        for call in (
            lambda: session.transfer_owner("next", Scope.SESSION),
            lambda: session.transfer_owner("", session.owner().capability.scope),
            lambda: effects.transfer_owned_choreography_session_owner(stale, "x", Scope.SESSION),
        ):
            with pytest.raises(SessionIngressError):
                call()
            assert snapshot(world) == before
    with pytest.raises(InvalidIngressRouting):  # outside the bound task
        session.transfer_owner("next", session.owner().capability.scope)
    assert snapshot(world) == before


def test_leaks_failed_close_keeps_session_usable() -> None:
    """A close refused (attenuated owner, wrong task) changes nothing; the session still runs."""
    world = _world()
    before = snapshot(world)
    with pytest.raises(InvalidIngressRouting):
        world.session("Client").close()  # not inside the bound task
    assert snapshot(world) == before
    world.attenuate("Client")
    before = snapshot(world)
    with pytest.raises(InvalidIngressRouting):
        world.close("Client")
    assert snapshot(world) == before
    world.queue("Client", [1])
    world.queue("Server", [2])
    world.run()
    assert world.messages() == [("Client", "Server", "Ping", 1), ("Server", "Client", "Pong", 2)]


def test_leaks_failed_rounds_change_nothing() -> None:
    """A round refused (wrong task, stale owner) drops nothing and moves nothing."""
    world = _world()
    world.queue("Client", [1])
    session = world.session("Client")
    before = snapshot(world)
    with pytest.raises(InvalidIngressRouting):
        session.advance_round("Client", world.peer_roles)  # wrong task
    assert snapshot(world) == before
    with world.task("Client"):  # behind the handle's back: its owner is now stale
        world.effects("Client").transfer_owned_choreography_session_owner(
            session.owner(), session.owner().owner_label, Scope.fragments("bundle:other")
        )
    before = snapshot(world)
    with world.task("Client"), pytest.raises(InvalidIngressRouting):
        session.advance_round("Client", world.peer_roles)
    assert snapshot(world) == before


def test_leaks_round_error_then_close_is_clean() -> None:
    """A timed-out round raises RoundError; closing afterwards leaves every authority clean."""
    world = _world()
    with pytest.raises(RoundError):
        world.round_strict("Server")  # nothing has arrived yet
    world.close_all()
    for effects in world.systems.values():
        assert_clean(effects)
    for session in world.sessions.values():
        assert session.machine.sessions() == ()


def test_leaks_cancel_removes_everything() -> None:
    """Cancel while a message waits: record, binding, fragments and inbox are all gone."""
    world = _world()
    world.queue("Client", [1])
    world.round("Client")  # Ping is now in bob's inbox
    assert world.network.inbox("bob", world.session_id)
    world.cancel("Server")
    assert_clean(world.effects("Server"))
    assert world.network.inbox("bob", world.session_id) == ()
    assert world.effects("Server").cancel_session(world.session_id) is False
    world.close("Client")
    assert_clean(world.effects("Client"))


def test_leaks_send_after_receiver_ended_is_not_kept() -> None:
    """An envelope for a session that has ended at the receiver is refused, not kept."""
    world = _world()
    world.cancel("Server")
    world.queue("Client", [1])
    with pytest.raises(RoundError, match="already ended") as caught:
        world.round("Client")
    assert isinstance(caught.value.__cause__.__cause__, TransportSendError)
    assert world.network.inbox("bob", world.session_id) == ()
    assert list(world.network.history) == []


def test_leaks_cancel_closes_the_vm_session() -> None:
    """After an operator cancel, the cancelled role's machine holds no VM session."""
    world = _world()
    world.cancel("Server")
    assert world.session("Server").machine.sessions() == ()
