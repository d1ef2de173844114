"""Forgery suite: hand-built capabilities are refused with the right typed error, changing nothing.

A small world of two authorities holds live, transferred, attenuated and ended sessions. Each
example builds a capability by hand from one of the recipes below, presents it from the
context bound to the target session through one of the owner-checked calls, and compares the
error with a reference model of the owner check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.ownership import (
    LinkBoundary,
    RuntimeSessionOwner,
    Scope,
    SessionId,
    SessionOwnerCapability,
)
from aura_kit.runtime import (
    CapabilityRejected,
    EffectSystem,
    InvalidIngressRouting,
    MissingTaskBinding,
    SessionBindingMismatch,
    SessionIngressError,
    StaleOwner,
)
from tests.hardening import summary
from tests.hardening.fuzzing import fuzz_settings
from tests.ownership.support import roles_for, state

RECIPES = (
    "random_tag", "empty_tag", "non_bytes_tag", "truncated_tag", "bumped_generation",
    "lowered_generation", "other_session_tag", "other_system_tag", "widened_scope",
    "other_scope", "swapped_label", "other_session_id", "stale_handle", "random_everything",
)  # fmt: skip
OPERATIONS = ("assert_session", "assert_boundary", "transfer", "end")


class World:
    """Two authorities; ``targets`` are (effects, task name, current owner, stale owners)."""

    def __init__(self) -> None:
        self.alice = EffectSystem("alice")
        self.bob = EffectSystem("bob")
        self.targets: list[tuple[EffectSystem, str, RuntimeSessionOwner]] = []
        self.stale: list[RuntimeSessionOwner] = []
        self.twins: dict[SessionId, RuntimeSessionOwner] = {}
        for i in range(3):
            self._open(self.alice, f"a{i}", i)
        self._open(self.bob, "b0", 9)
        ended = self._start(self.alice, "gone", uuid.uuid4())
        with self.alice.task("gone"):
            self.alice.end_owned_choreography_session(ended)
        self.stale.append(ended)

    def _start(
        self, effects: EffectSystem, task: str, sid: Any, label: str = ""
    ) -> RuntimeSessionOwner:
        with effects.task(task):
            return effects.start_owned_choreography_session(
                label or f"{task}:1", sid, roles_for(effects)
            )

    def _open(self, effects: EffectSystem, task: str, variant: int) -> None:
        sid = uuid.uuid4()
        owner = self._start(effects, task, sid)
        with effects.task(task):
            if variant >= 1:  # transferred: the old owner is stale
                self.stale.append(owner)
                owner = effects.transfer_owned_choreography_session_owner(
                    owner, f"{task}:2", Scope.SESSION
                )
            if variant >= 2:  # attenuated to one fragment, same label
                self.stale.append(owner)
                owner = effects.transfer_owned_choreography_session_owner(
                    owner, owner.owner_label, Scope.fragments({"bundle:x"})
                )
        self.targets.append((effects, task, owner))
        other = self.bob if effects is self.alice else self.alice
        twin = self._twin(other, owner)
        self.twins[owner.session_id] = twin

    def _twin(self, other: EffectSystem, owner: RuntimeSessionOwner) -> RuntimeSessionOwner:
        """The same session id, label, generation and scope issued by another authority."""
        task = f"twin-{owner.session_id}"
        twin = self._start(other, task, owner.session_id.value, owner.owner_label)
        with other.task(task):
            while twin.capability.generation < owner.capability.generation:
                twin = other.transfer_owned_choreography_session_owner(
                    twin, owner.owner_label, owner.capability.scope
                )
        return twin


WORLD = World()


def _forge(draw: st.DrawFn, recipe: str, owner: RuntimeSessionOwner) -> SessionOwnerCapability:
    cap = owner.capability
    replace: Callable[..., SessionOwnerCapability] = lambda **kw: dataclasses.replace(cap, **kw)  # noqa: E731
    others = [t[2] for t in WORLD.targets if t[2].session_id != owner.session_id]
    if recipe == "random_tag":
        return replace(tag=draw(st.binary(min_size=0, max_size=64)))
    if recipe == "empty_tag":
        return replace(tag=b"")
    if recipe == "non_bytes_tag":
        return replace(tag=draw(st.sampled_from([cap.tag.hex(), bytearray(cap.tag), None, 0])))
    if recipe == "truncated_tag":
        return replace(tag=cap.tag[: draw(st.integers(0, len(cap.tag) - 1))])
    if recipe == "bumped_generation":
        return replace(generation=cap.generation + draw(st.integers(1, 5)))
    if recipe == "lowered_generation":
        return replace(generation=draw(st.integers(1, max(1, cap.generation - 1))))
    if recipe == "other_session_tag":
        return replace(tag=draw(st.sampled_from(others)).capability.tag)
    if recipe == "other_system_tag":
        return replace(tag=WORLD.twins[owner.session_id].capability.tag)
    if recipe == "widened_scope":
        return replace(scope=Scope.SESSION if not cap.scope.is_session else Scope.fragments("y"))
    if recipe == "other_scope":
        keys = draw(st.frozensets(st.sampled_from(["bundle:x", "bundle:y", "protocol:p"])))
        return replace(scope=Scope(keys) if keys else Scope.SESSION)
    if recipe == "swapped_label":
        labels = [t[2].owner_label for t in WORLD.targets] + ["mallory", ""]
        return replace(owner_label=draw(st.sampled_from(labels)))
    if recipe == "other_session_id":
        return draw(st.sampled_from(others)).capability
    if recipe == "stale_handle":
        return draw(st.sampled_from(WORLD.stale)).capability
    return SessionOwnerCapability(
        session_id=draw(st.sampled_from([SessionId.new(), owner.session_id])),
        owner_label=draw(st.sampled_from([owner.owner_label, "x"])),
        generation=draw(st.integers(1, 6)),
        scope=draw(st.sampled_from([Scope.SESSION, Scope.fragments("bundle:x")])),
        tag=draw(st.binary(min_size=32, max_size=32)),
    )


def _expected(
    effects: EffectSystem, owner: RuntimeSessionOwner, genuine: RuntimeSessionOwner
) -> tuple[type, str] | None:
    """Reference model of the owner check; None when the capability is genuine (the record
    view carries no tag, so the genuine tag comes from the owner the test holds)."""
    record = effects.owner_record(owner.session_id)
    assert record is not None
    cap = owner.capability
    if cap.owner_label != record.owner_label:
        return StaleOwner, ""
    if cap.session_id != owner.session_id:
        return CapabilityRejected, f"was issued for {cap.session_id}, not {owner.session_id}"
    if cap.generation != record.generation or cap.scope != record.scope:
        return CapabilityRejected, f"current generation is {record.generation}"
    if cap.tag != genuine.capability.tag or type(cap.tag) is not bytes:
        return CapabilityRejected, "tag does not verify"
    return None


def _present(effects: EffectSystem, owner: RuntimeSessionOwner, operation: str) -> None:
    record = effects.owner_record(owner.session_id)
    assert record is not None
    if operation == "assert_session":
        effects.assert_owned_choreography_session(owner)
    elif operation == "assert_boundary":
        effects.assert_owned_choreography_boundary(owner, LinkBoundary.for_scope(record.scope))
    elif operation == "transfer":
        effects.transfer_owned_choreography_session_owner(owner, "mallory", record.scope)
    else:
        effects.end_owned_choreography_session(owner)


def _check_refused(error: SessionIngressError, want: tuple[type, str]) -> None:
    cls, fragment = want
    if cls is StaleOwner:
        assert type(error) is StaleOwner, error
        return
    assert type(error) is InvalidIngressRouting, error
    assert type(error.details) is cls and fragment in str(error.details), error


def _attempt(data: st.DataObject, tried: dict[str, int]) -> None:
    effects, task, owner = data.draw(st.sampled_from(WORLD.targets))
    recipe = data.draw(st.sampled_from(RECIPES))
    operation = data.draw(st.sampled_from(OPERATIONS))
    forged = dataclasses.replace(owner, capability=_forge(data.draw, recipe, owner))
    want = _expected(effects, forged, owner)
    if want is None:  # the recipe happened to rebuild the genuine capability exactly
        return
    before = (state(effects), len(effects.event_log.events("runtime.session.ended")))
    with effects.task(task), pytest.raises(SessionIngressError) as caught:
        _present(effects, forged, operation)
    _check_refused(caught.value, want)
    assert (state(effects), len(effects.event_log.events("runtime.session.ended"))) == before
    tried[recipe] = tried.get(recipe, 0) + 1


def test_forgery_hand_built_capabilities_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Every hand-built capability is refused with the model's typed error; nothing changes."""
    tried: dict[str, int] = {}

    @fuzz_settings()
    @given(data=st.data())
    def attempt(data: st.DataObject) -> None:
        _attempt(data, tried)

    attempt()
    total = sum(tried.values())
    summary.record("forgery: hand-built capabilities refused", total)
    with capsys.disabled():
        detail = ", ".join(f"{k}={v}" for k, v in sorted(tried.items()))
        print(f"\nforgery suite: {total} hand-built capabilities refused ({detail})")
    assert set(tried) == set(RECIPES), f"recipes never tried: {set(RECIPES) - set(tried)}"


def test_forgery_other_system_twin_differs_only_by_tag() -> None:
    """The other authority's twin has the same fields; only the HMAC tag tells them apart."""
    for _effects, _task, owner in WORLD.targets:
        twin = WORLD.twins[owner.session_id].capability
        assert dataclasses.replace(twin, tag=owner.capability.tag) == owner.capability
        assert twin.tag != owner.capability.tag


def test_forgery_wrong_context_refused_before_owner_check() -> None:
    """A genuine owner used from an unbound or another session's context is refused."""
    effects, _task, owner = WORLD.targets[0]
    _e, other_task, _other = WORLD.targets[1]
    before = state(effects)
    with pytest.raises(InvalidIngressRouting) as caught:
        effects.assert_owned_choreography_session(owner)
    assert type(caught.value.details) is MissingTaskBinding
    with effects.task(other_task), pytest.raises(InvalidIngressRouting) as caught:
        effects.assert_owned_choreography_session(owner)
    assert type(caught.value.details) is SessionBindingMismatch
    assert state(effects) == before


def test_forgery_bool_generation_cannot_be_built() -> None:
    """A capability with ``generation=True`` is refused at construction."""
    cap = WORLD.targets[0][2].capability
    with pytest.raises(ValueError, match="generation"):
        dataclasses.replace(cap, generation=True)


def test_forgery_planted_task_memo_is_not_trusted() -> None:
    """Writing a 'passed check' onto a HostTask cannot make a forged owner pass the boundary."""
    effects = EffectSystem("a")
    boundary = LinkBoundary.for_scope(Scope.SESSION)
    with effects.task("t") as task:
        owner = effects.start_owned_choreography_session("L", uuid.uuid4(), roles_for(effects))
        forged = dataclasses.replace(
            owner, capability=dataclasses.replace(owner.capability, generation=99, tag=b"")
        )
        with contextlib.suppress(AttributeError):  # the memo is no attribute of the task
            task.passed = (forged, boundary)  # type: ignore[attr-defined]
        with pytest.raises(InvalidIngressRouting) as info:
            effects.assert_owned_choreography_boundary(forged, boundary)
        assert isinstance(info.value.details, CapabilityRejected)
        effects.assert_owned_choreography_boundary(owner, boundary)
        with pytest.raises(InvalidIngressRouting):
            effects.assert_owned_choreography_boundary(forged, boundary)
