"""Ownership views of real EffectSystems."""

from __future__ import annotations

import dataclasses
import uuid

from aura_kit.ownership import ChoreographicRole, OwnerChangeKind, Scope
from aura_kit.runtime import EffectSystem
from aura_kit.view import SessionState, ownership_view
from tests.view.samples import SESSION_1, SESSION_2, ownership_world


def test_ownership_authorities_keep_given_order() -> None:
    """Authorities appear in the order given; sessions sorted by id."""
    alice, bob, _ = ownership_world()
    view = ownership_view(bob, alice)
    assert [a.name for a in view.authorities] == ["bob", "alice"]
    assert [s.session_id for s in view.authorities[1].sessions] == [str(SESSION_1), str(SESSION_2)]


def test_ownership_current_owner_and_history() -> None:
    """The current owner has the latest generation; earlier ones are history."""
    alice, _, _ = ownership_world()
    session = ownership_view(alice).authorities[0].sessions[0]
    assert session.state is SessionState.ACTIVE
    assert session.owner is not None
    assert (session.owner.owner_label, session.owner.generation) == ("delegate", 3)
    assert session.owner.scope == "fragments(bundle:b1)"
    assert session.owner.kind is OwnerChangeKind.ATTENUATED
    assert [(h.generation, h.owner_label, h.kind) for h in session.history] == [
        (1, "cell:3:1", OwnerChangeKind.ASSIGNED),
        (2, "delegate", OwnerChangeKind.TRANSFERRED),
    ]


def test_ownership_fragments_follow_the_owner() -> None:
    """Fragments moved with the transfer and show bundle ids and protocol."""
    alice, _, _ = ownership_world()
    session = ownership_view(alice).authorities[0].sessions[0]
    assert [(f.key, f.owner_label, f.bundle_id) for f in session.fragments] == [
        ("bundle:b1", "delegate", "b1"),
        ("bundle:b2", "delegate", "b2"),
    ]
    assert session.protocol == "two-buyer"


def test_ownership_ended_session_has_no_owner() -> None:
    """An ended session stays visible, without owner, with its last owner in history."""
    alice, _, _ = ownership_world()
    ended = ownership_view(alice).authorities[0].sessions[1]
    assert ended.state is SessionState.ENDED
    assert ended.owner is None
    assert [h.owner_label for h in ended.history] == ["cell:9:1"]


def test_ownership_stale_handles_with_reason() -> None:
    """Superseded and ended handles are stale, placed at their issuing authority."""
    alice, bob, handles = ownership_world()
    view = ownership_view(alice, bob, stale=handles)
    stale = {h.name: h for h in view.stale}
    assert set(stale) == {"first", "second", "ended"}
    assert stale["first"].authority == "alice"
    assert stale["first"].generation == 1
    assert stale["ended"].reason == "session ended"


def test_ownership_stale_reason_names_the_field_the_check_refuses() -> None:
    """The reason follows the owner check's order: a moved label first, then the generation."""
    alice, bob, handles = ownership_world()
    stale = {h.name: h for h in ownership_view(alice, bob, stale=handles).stale}
    assert stale["first"].reason == "label cell:3:1 is not the owner's (delegate)"
    assert stale["second"].reason == "generation 2 is not the current 3"


def test_ownership_stale_reason_for_a_scope_alone() -> None:
    """A handle with the owner's label and generation but another scope is refused on scope."""
    alice, _, _ = ownership_world()
    with alice.task("t-scope"):
        current = alice.owner_record(SESSION_1)
    assert current is not None
    wider = dataclasses.replace(current.capability, scope=Scope.SESSION)
    (handle,) = ownership_view(alice, stale={"wider": wider}).stale
    assert handle.reason == "scope session is not the current fragments(bundle:b1)"


def test_ownership_current_handle_is_not_stale() -> None:
    """A handle that still passes the owner check is not listed."""
    system = EffectSystem("solo")
    with system.task("t"):
        owner = system.start_owned_choreography_session(
            "cell:1:1", uuid.UUID(int=5), [ChoreographicRole("solo", 0)]
        )
    assert ownership_view(system, stale=[owner]).stale == ()


def test_ownership_fifty_sessions() -> None:
    """Fifty sessions in one authority all appear, each with its own short id."""
    system = EffectSystem("busy")
    for i in range(50):
        with system.task(f"t{i}"):
            system.start_owned_choreography_session(
                f"cell:{i}:1", uuid.UUID(int=(i + 1) << 96), [ChoreographicRole("busy", 0)]
            )
    view = ownership_view(system)
    assert view.session_count == 50
    assert len({s.short_id for s in view.authorities[0].sessions}) == 50
