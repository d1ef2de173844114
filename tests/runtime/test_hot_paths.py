"""The per-round fast paths record and refuse exactly what the plain paths do."""

from __future__ import annotations

import threading

import pytest

from aura_kit.ownership import (
    ChoreographicRole,
    LinkBoundary,
    RuntimeSessionOwner,
    Scope,
    SessionId,
)
from aura_kit.runtime import EffectSystem, SessionIngressError
from aura_kit.runtime import events as ev
from aura_kit.runtime.tasks import current_context


def _owner(effects: EffectSystem) -> RuntimeSessionOwner:
    return effects.start_owned_choreography_session(
        "alpha", SessionId.new(), [ChoreographicRole("a", 0)]
    )


def test_hot_paths_ingress_note_equals_emitted_record() -> None:
    """The hot-path ingress event is the same record the public helper emits."""
    effects = EffectSystem("a")
    with effects.task("t"):
        owner = _owner(effects)
    log = ev.EventLog("a")
    fields = ev.ingress_received_fields(owner, "advance_round", "A")
    log.append(
        ev.RuntimeSessionEvent.INGRESS_RECEIVED, "debug", ev.INGRESS_RECEIVED_MESSAGE, fields
    )
    public = ev.log_session_ingress_received(log, owner, "advance_round", "A")
    first, second = log.records
    assert second == public
    assert first.fields == public.fields and first.event == public.event
    assert first.field("session_id") == str(owner.session_id)


def test_hot_paths_records_survive_clear_and_mixed_emits() -> None:
    """Raw and built records come back in order, as records, across clear()."""
    log = ev.EventLog()
    log.emit("x.a", "info", "one", n=1)
    assert len(log.records) == 1
    log.clear()
    log.emit("x.b", "info", "two", flag=True)
    log.append("x.c", "debug", "three", (("k", "v"),), log=False)
    assert [(r.seq, r.event) for r in log.records] == [(2, "x.b"), (3, "x.c")]
    assert all(isinstance(r, ev.EventRecord) for r in log)


def test_hot_paths_task_memo_cleared_by_transfer() -> None:
    """A check remembered in a host task is refused once a transfer supersedes the owner."""
    effects = EffectSystem("a")
    boundary = LinkBoundary.for_scope(Scope.SESSION)
    with effects.task("t"):
        owner = _owner(effects)
        effects.assert_owned_choreography_boundary(owner, boundary)
        effects.assert_owned_choreography_boundary(owner, boundary)  # memo hit
        effects.transfer_owned_choreography_session_owner(owner, "beta", Scope.SESSION)
        with pytest.raises(SessionIngressError):
            effects.assert_owned_choreography_boundary(owner, boundary)


def test_hot_paths_context_without_loop_is_the_thread() -> None:
    """Outside host tasks and event loops the context is the current thread."""
    effects = EffectSystem("a")
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(current_context(effects)))
    worker.start()
    worker.join()
    assert seen == [worker]
    assert current_context(effects) is threading.current_thread()


def test_hot_paths_round_event_follows_owner_transfer() -> None:
    """After a transfer a round's ``ingress.received`` names the new owner, as the helper would."""
    from aura_kit.lab import World
    from aura_kit.protocol import load_protocol
    from tests.conftest import BUNDLED

    protocol = load_protocol(BUNDLED / "protocols" / "ping_pong.choreo")
    world = World(protocol, {r.lower(): r for r in protocol.roles}, demo_payloads=True)
    world.open_all()
    role = protocol.roles[0]
    world.round(role)
    world.transfer(role, "carol")
    world.round(role)
    log = world.effects(role).event_log
    first, last = log.events(str(ev.RuntimeSessionEvent.INGRESS_RECEIVED))[-2:]
    owner = world.sessions[role].owner()
    expected = ev.ingress_received_fields(owner, "advance_round_until_receive", role)
    assert last.fields == expected and last.field("owner_label") == "carol"
    assert first.field("capability_generation") < last.field("capability_generation")
