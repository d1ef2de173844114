"""Attacks on an owned session, as a host ingress would meet them.

Invariants:
- an attack never changes ownership state: it is one ingress check
  (``assert_owned_choreography_boundary``) with something wrong in it;
- every attempt is logged like a real ingress: ``ingress.received``, then
  ``ingress.dropped`` when the runtime refuses it;
- the four attacks and what each one presents:
  STALE_COPY        an owner handle kept from before the last transfer or attenuation;
  FORGED_CAPABILITY the current owner's fields with a hand-made integrity tag (SPEC 9.1);
  WRONG_BOUNDARY    the current owner at a boundary for a bundle nobody declared;
  WRONG_TASK        the current owner from a task that is not bound to the session.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from aura_kit.ownership import LinkBoundary, RuntimeSessionOwner
from aura_kit.runtime import (
    HostTask,
    SessionIngressError,
    World,
    log_session_ingress_dropped,
    log_session_ingress_received,
)

FORGED_TAG = b"\x00" * 32
INTRUDER_BUNDLE = "intruder"
INTRUDER_TASK = "intruder"


class AttackKind(StrEnum):
    """What the attacker gets wrong."""

    STALE_COPY = "stale copy"
    FORGED_CAPABILITY = "forged capability"
    WRONG_BOUNDARY = "wrong boundary"
    WRONG_TASK = "wrong task"


@dataclass(frozen=True, slots=True, kw_only=True)
class AttackPlan:
    """Who presents which owner handle at which boundary, from which task."""

    kind: AttackKind
    owner: RuntimeSessionOwner
    boundary: LinkBoundary
    task: HostTask


def forge(owner: RuntimeSessionOwner) -> RuntimeSessionOwner:
    """The owner handle with its capability's tag replaced by a hand-made one."""
    capability = dataclasses.replace(owner.capability, tag=FORGED_TAG)
    return dataclasses.replace(owner, capability=capability)


def plan_attack(kind: AttackKind, world: World, role: str) -> AttackPlan | None:
    """The attempt on ``role``'s session; None for a stale copy when no transfer happened yet."""
    session, task = world.session(role), world.task(role)
    owner, boundary = session.owner(), session.routing_boundary()
    if kind is AttackKind.STALE_COPY:
        stale = world.stale.get(role)
        if not stale:
            return None
        return AttackPlan(kind=kind, owner=stale[-1], boundary=boundary, task=task)
    if kind is AttackKind.FORGED_CAPABILITY:
        return AttackPlan(kind=kind, owner=forge(owner), boundary=boundary, task=task)
    if kind is AttackKind.WRONG_BOUNDARY:
        foreign = LinkBoundary.for_bundle_id(INTRUDER_BUNDLE)
        return AttackPlan(kind=kind, owner=owner, boundary=foreign, task=task)
    intruder = world.effects(role).task(INTRUDER_TASK)
    return AttackPlan(kind=kind, owner=owner, boundary=boundary, task=intruder)


def run_attack(world: World, plan: AttackPlan, role: str) -> SessionIngressError | None:
    """Present the plan's handle at its boundary; the refusal, or None when it passed."""
    effects = world.effects(role)
    log = effects.event_log
    ingress_kind = f"attack:{plan.kind.name.lower()}"
    with plan.task:
        log_session_ingress_received(log, plan.owner, ingress_kind, role)
        try:
            effects.assert_owned_choreography_boundary(plan.owner, plan.boundary)
        except SessionIngressError as error:
            log_session_ingress_dropped(log, plan.owner, ingress_kind, error, role)
            return error
    return None


def why_passed(kind: AttackKind) -> str:
    """Why an attack the runtime let through was allowed."""
    if kind is AttackKind.WRONG_BOUNDARY:
        return "a full-session owner may cross any boundary; attenuate the owner first"
    return "the runtime accepted it"
