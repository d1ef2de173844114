"""Stateful model test: the EffectSystem against a tiny reference model of the owner registry.

Hypothesis drives start, assert, transfer, attenuate, forge, claim, release, end and cancel
across several HostTasks and session ids; every outcome (success or the exact error class and
boundary detail) and the visible state must match the model after every step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule

from aura_kit.ownership import (
    ChoreographicRole,
    FragmentError,
    LinkBoundary,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
)
from aura_kit.runtime import (
    EffectSystem,
    InvalidIngressRouting,
    RuntimeBoundaryError,
    SessionIngressError,
)
from tests.ownership.support import linked_manifest, sid

TASKS = ("t0", "t1", "t2")
SESSIONS = tuple(SessionId.coerce(sid(i)) for i in (1, 2, 3))
LABELS = ("a", "b", "c")
SCOPES = (
    Scope.SESSION,
    Scope.fragments({"bundle:x"}),
    Scope.fragments({"bundle:y"}),
    Scope.fragments({"bundle:x", "bundle:y"}),
)
BUNDLES = ((), ("x",), ("y",), ("x", "y"))
Outcome = tuple[str, ...]
OK: Outcome = ("ok",)


# -- the reference model (written independently of the implementation) ----------------------
@dataclass
class Model:
    generations: dict[SessionId, int] = field(default_factory=dict)
    owners: dict[SessionId, tuple[str, int, Scope]] = field(default_factory=dict)
    bindings: dict[str, SessionId] = field(default_factory=dict)
    fragments: dict[tuple[SessionId, str], str] = field(default_factory=dict)

    def binding(self, task: str, h: RuntimeSessionOwner) -> Outcome | None:
        bound = self.bindings.get(task)
        if bound is None:
            return ("InvalidIngressRouting", "MissingTaskBinding")
        if bound != h.session_id:
            return ("InvalidIngressRouting", "SessionBindingMismatch")
        return None

    def owner(self, h: RuntimeSessionOwner) -> Outcome | None:
        rec = self.owners.get(h.session_id)
        cap = h.capability
        if rec is None:
            return ("MissingOwner",)
        if cap.owner_label != rec[0]:
            return ("StaleOwner",)
        if cap.session_id != h.session_id or (cap.generation, cap.scope) != rec[1:]:
            return ("InvalidIngressRouting", "CapabilityRejected")
        if cap.tag == b"":
            return ("InvalidIngressRouting", "CapabilityRejected")
        return None

    def checks(self, task: str, h: RuntimeSessionOwner) -> Outcome | None:
        return self.binding(task, h) or self.owner(h)

    def drop(self, s: SessionId) -> None:
        self.owners.pop(s, None)
        self.bindings = {t: b for t, b in self.bindings.items() if b != s}
        self.fragments = {k: v for k, v in self.fragments.items() if k[0] != s}


def outcome(call: Callable[[], Any]) -> tuple[Outcome, Any]:
    try:
        return OK, call()
    except InvalidIngressRouting as e:
        return ("InvalidIngressRouting", type(e.details).__name__), None
    except SessionIngressError as e:
        return (type(e).__name__,), None
    except FragmentError as e:
        return ("FragmentError", e.kind.value), None
    except RuntimeBoundaryError as e:
        return (type(e).__name__,), None


class OwnershipMachine(RuleBasedStateMachine):
    owners = Bundle("owners")

    def __init__(self) -> None:
        super().__init__()
        # bare-label fragment claims (the seed's form), so the model can pit labels against
        # each other; tests/ownership/test_fragment_authority.py covers the kit's default
        self.fx = EffectSystem("auth", policy=OwnershipPolicy(fragment_claims="label"))
        self.model = Model()

    def run(self, task: str, call: Callable[[], Any]) -> tuple[Outcome, Any]:
        with self.fx.task(task):
            return outcome(call)

    @rule(target=owners, task=st.sampled_from(TASKS), s=st.sampled_from(SESSIONS),
          label=st.sampled_from(LABELS))  # fmt: skip
    def start(self, task: str, s: SessionId, label: str) -> Any:
        roles = [ChoreographicRole("auth", 0)]
        got, owner = self.run(
            task, lambda: self.fx.start_owned_choreography_session(label, s, roles)
        )
        m = self.model
        if task in m.bindings or s in m.owners:
            assert got == ("SessionStartError",)
            return multiple()
        assert got == OK
        m.generations[s] = m.generations.get(s, 0) + 1
        m.owners[s] = (label, m.generations[s], Scope.SESSION)
        m.bindings[task] = s
        assert owner.capability.generation == m.generations[s]
        return owner

    @rule(task=st.sampled_from(TASKS), h=owners)
    def assert_session(self, task: str, h: RuntimeSessionOwner) -> None:
        got, _ = self.run(task, lambda: self.fx.assert_owned_choreography_session(h))
        expected = self.model.checks(task, h)
        if expected is None and not h.capability.scope.is_session:
            expected = ("InvalidIngressRouting", "FullSessionCapabilityRequired")
        assert got == (expected or OK)

    @rule(task=st.sampled_from(TASKS), h=owners, bundles=st.sampled_from(BUNDLES))
    def assert_boundary(self, task: str, h: RuntimeSessionOwner, bundles: tuple[str, ...]) -> None:
        boundary = LinkBoundary.for_manifest(linked_manifest("p", *bundles))
        got, _ = self.run(task, lambda: self.fx.assert_owned_choreography_boundary(h, boundary))
        expected = self.model.checks(task, h)
        keys = {"protocol:p"} if not bundles else {f"bundle:{b}" for b in bundles}
        scope_keys = h.capability.scope.keys
        if expected is None and scope_keys is not None and not keys <= scope_keys:
            expected = ("InvalidIngressRouting", "BoundaryScopeRejected")
        assert got == (expected or OK)

    def _transfer(self, task: str, h: RuntimeSessionOwner, label: str, scope: Scope) -> Any:
        got, new = self.run(
            task, lambda: self.fx.transfer_owned_choreography_session_owner(h, label, scope)
        )
        m = self.model
        expected = m.checks(task, h)
        if expected is None:
            old_label, _, old_scope = m.owners[h.session_id]
            within = old_scope.keys is None or (
                scope.keys is not None and scope.keys <= old_scope.keys
            )
            mine = [k for k, v in m.fragments.items() if k[0] == h.session_id]
            foreign = any(m.fragments[k] != old_label for k in mine)
            if not within or foreign:
                expected = ("OwnerTransferError",)
            else:
                m.generations[h.session_id] += 1
                m.owners[h.session_id] = (label, m.generations[h.session_id], scope)
                for k in mine:
                    m.fragments[k] = label
        assert got == (expected or OK)
        return multiple() if new is None else new

    @rule(target=owners, task=st.sampled_from(TASKS), h=owners,
          label=st.sampled_from(LABELS), scope=st.sampled_from(SCOPES))  # fmt: skip
    def transfer(self, task: str, h: RuntimeSessionOwner, label: str, scope: Scope) -> Any:
        return self._transfer(task, h, label, scope)

    @rule(target=owners, task=st.sampled_from(TASKS), h=owners, scope=st.sampled_from(SCOPES))
    def attenuate(self, task: str, h: RuntimeSessionOwner, scope: Scope) -> Any:
        return self._transfer(task, h, h.owner_label, scope)

    @rule(target=owners, h=owners, donor=owners)
    def forge(self, h: RuntimeSessionOwner, donor: RuntimeSessionOwner) -> Any:
        untagged = dataclasses.replace(h.capability, tag=b"")
        return (
            dataclasses.replace(h, capability=untagged)
            if h is donor
            else dataclasses.replace(h, capability=donor.capability)
        )

    @rule(task=st.sampled_from(TASKS), label=st.sampled_from(LABELS),
          bundles=st.sampled_from(BUNDLES))  # fmt: skip
    def claim(self, task: str, label: str, bundles: tuple[str, ...]) -> None:
        manifest = linked_manifest("p", *bundles)
        got, _ = self.run(task, lambda: self.fx.claim_vm_fragments_for_manifest(label, manifest))
        m = self.model
        s = m.bindings.get(task)
        keys = ["protocol:p"] if not bundles else [f"bundle:{b}" for b in bundles]
        if s is None:
            assert got == ("MissingTaskBinding",)
            return
        if any(m.fragments.get((s, k), label) != label for k in keys):
            assert got == ("FragmentError", "conflict")
            return
        assert got == OK
        for k in keys:
            m.fragments[(s, k)] = label

    @rule(task=st.sampled_from(TASKS), bundles=st.sampled_from(BUNDLES[1:]))
    def release(self, task: str, bundles: tuple[str, ...]) -> None:
        keys = {f"bundle:{b}" for b in bundles}
        got, _ = self.run(task, lambda: self.fx.release_vm_fragments("any", keys))
        m = self.model
        s = m.bindings.get(task)
        if s is None:
            assert got == ("MissingTaskBinding",)
        elif not all((s, k) in m.fragments for k in keys):
            assert got == ("FragmentError", "not_claimed")
        else:
            assert got == OK
            for k in keys:
                del m.fragments[(s, k)]

    @rule(task=st.sampled_from(TASKS), h=owners)
    def end(self, task: str, h: RuntimeSessionOwner) -> None:
        got, _ = self.run(task, lambda: self.fx.end_owned_choreography_session(h))
        expected = self.model.checks(task, h)
        if expected is None and not h.capability.scope.is_session:
            expected = ("InvalidIngressRouting", "FullSessionCapabilityRequired")
        if expected is None:
            self.model.drop(h.session_id)
        assert got == (expected or OK)

    @rule(s=st.sampled_from(SESSIONS))
    def cancel(self, s: SessionId) -> None:
        was = s in self.model.owners
        assert self.fx.cancel_session(s) is was
        self.model.drop(s)

    @invariant()
    def state_matches_model(self) -> None:
        m, fx = self.model, self.fx
        assert fx.active_sessions() == tuple(sorted(m.owners))
        for s in SESSIONS:
            assert fx.generation(s) == m.generations.get(s, 0)
            rec = fx.owner_record(s)
            got = None if rec is None else (rec.owner_label, rec.generation, rec.scope)
            assert got == m.owners.get(s)
        assert fx.bindings() == sorted((f"task:{t}", s) for t, s in m.bindings.items())
        snap = {(f.session_id, f.key): r.owner_label for f, r in fx.vm_fragment_snapshot()}
        assert snap == m.fragments


OwnershipMachine.TestCase.settings = settings(
    max_examples=max(200, settings().max_examples), stateful_step_count=30, deadline=None
)
test_registry_stateful_matches_reference_model = OwnershipMachine.TestCase
test_registry_stateful_matches_reference_model.__doc__ = (
    "The EffectSystem agrees with a tiny reference model on every step."
)
