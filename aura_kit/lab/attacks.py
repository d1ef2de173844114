"""Attacks on an owned session, as a host ingress would meet them (``World.attack``).

Invariants:
- an attack never changes ownership state: it is one ingress check with something wrong in
  it (``assert_owned_choreography_boundary``, or ``assert_owned_choreography_session`` for a
  full-session attack), made from a task;
- every attempt is logged like a real ingress: ``ingress.received`` (ingress kind
  ``attack:<kind>``), then ``ingress.dropped`` when the runtime refuses it;
- the attacks and what each one presents:
  STALE_HANDLE      an owner handle superseded by a transfer or attenuation (or a cancel);
  FORGED_CAPABILITY the current owner's fields with a hand-made integrity tag;
  WRONG_BOUNDARY    the current owner at a boundary for a bundle nobody declared;
  WRONG_TASK        the current owner from a task that is not bound to the session;
  FULL_SESSION      the current owner acting for the whole session (as a close does);
- an error's name is its class, followed by its details' class when it carries one
  (``InvalidIngressRouting(CapabilityRejected)``); ``error_name`` is the one formatter.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from aura_kit.errors import AuraKitError
from aura_kit.ownership import LinkBoundary, RuntimeSessionOwner, Scope
from aura_kit.runtime import (
    EffectSystem,
    HostTask,
    SessionIngressError,
    log_session_ingress_received,
    log_session_ingress_refused,
)

FORGED_TAG = b"\x00" * 32
INTRUDER_BUNDLE = "intruder"
INTRUDER_TASK = "intruder"


class AttackKind(StrEnum):
    """What the attacker gets wrong; ``AttackKind("stale_handle")`` (the scenario spelling)
    is ``AttackKind("stale handle")``."""

    STALE_HANDLE = "stale handle"
    FORGED_CAPABILITY = "forged capability"
    WRONG_BOUNDARY = "wrong boundary"
    WRONG_TASK = "wrong task"
    FULL_SESSION = "full session"

    @classmethod
    def _missing_(cls, value: object) -> AttackKind | None:
        if isinstance(value, str):
            return next((k for k in cls if k.name.lower() == value.lower()), None)
        return None

    @property
    def key(self) -> str:
        """The scenario file spelling: ``stale_handle``."""
        return self.name.lower()


class NoStaleHandle(AuraKitError, LookupError):
    """A stale-handle attack on a role whose owner was never superseded."""

    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(f"{role} has no stale handle yet; transfer or attenuate first")


@dataclass(frozen=True, slots=True, kw_only=True)
class AttackResult:
    """One attempt: what was presented where, and the refusal (None when it was let in)."""

    kind: AttackKind
    role: str
    owner: RuntimeSessionOwner
    boundary: LinkBoundary | None
    error: SessionIngressError | None

    @property
    def refused(self) -> bool:
        """Whether the runtime refused the attempt."""
        return self.error is not None

    @property
    def error_name(self) -> str | None:
        """The refusal's name (``StaleOwner``), or None when the attempt passed."""
        return None if self.error is None else error_name(self.error)

    def summary(self) -> str:
        """``stale handle refused: StaleOwner: ...`` or ``... PASSED: why``."""
        if self.error is None:
            return f"{self.kind} PASSED: {why_passed(self.kind)}"
        return f"{self.kind} refused: {error_name(self.error)}: {self.error}"


def error_name(error: BaseException) -> str:
    """``InvalidIngressRouting(CapabilityRejected)`` style: the class and its details' class."""
    details = getattr(error, "details", None)
    name = type(error).__name__
    return f"{name}({type(details).__name__})" if isinstance(details, Exception) else name


def forge(owner: RuntimeSessionOwner) -> RuntimeSessionOwner:
    """The owner handle with its capability's tag replaced by a hand-made one."""
    capability = dataclasses.replace(owner.capability, tag=FORGED_TAG)
    return dataclasses.replace(owner, capability=capability)


def foreign_boundary(keys: tuple[str, ...] | None = None) -> LinkBoundary:
    """A boundary for fragments nobody declared (default: the intruder's bundle)."""
    if keys is None:
        return LinkBoundary.for_bundle_id(INTRUDER_BUNDLE)
    return LinkBoundary.for_scope(Scope.fragments(keys))


def present(
    effects: EffectSystem,
    task: HostTask,
    kind: AttackKind,
    role: str,
    owner: RuntimeSessionOwner,
    boundary: LinkBoundary | None,
) -> AttackResult:
    """Present ``owner`` at ``boundary`` (None: for the whole session) from ``task``."""
    log = effects.event_log
    ingress_kind = f"attack:{kind.key}"
    error: SessionIngressError | None = None
    with task:
        try:
            if boundary is None:
                effects.assert_owned_choreography_session(owner)
            else:
                effects.assert_owned_choreography_boundary(owner, boundary)
        except SessionIngressError as refusal:
            record = effects.owner_record(owner.session_id)  # the log names the record's owner
            log_session_ingress_refused(log, owner, ingress_kind, refusal, role, record=record)
            error = refusal
        else:
            log_session_ingress_received(log, owner, ingress_kind, role)
    return AttackResult(kind=kind, role=role, owner=owner, boundary=boundary, error=error)


def why_passed(kind: AttackKind) -> str:
    """Why an attack the runtime let through was allowed."""
    if kind is AttackKind.WRONG_BOUNDARY:
        return "a full-session owner may cross any boundary; attenuate the owner first"
    if kind is AttackKind.FULL_SESSION:
        return "a full-session owner may act for the whole session; attenuate the owner first"
    if kind is AttackKind.FORGED_CAPABILITY:
        return "this policy does not check the capability's integrity tag (the seed's does not)"
    return "the runtime's checks under this policy let it through"


_REFUSED = {
    "StaleOwner": "{role}'s old handle (generation {old}) no longer owns the session; the "
    "owner is at generation {now} now",
    "InvalidIngressRouting(CapabilityRejected)": "the capability's integrity tag was not made "
    "by {role}'s authority",
    "InvalidIngressRouting(BoundaryScopeRejected)": "{role}'s owner holds only its fragments "
    "and may not cross that boundary",
    "InvalidIngressRouting(MissingTaskBinding)": "the owner was shown from a task that is not "
    "bound to {role}'s session",
    "InvalidIngressRouting(FullSessionCapabilityRequired)": "{role}'s owner holds only its "
    "fragments and may not act for the whole session",
    "MissingOwner": "{role}'s authority has no owner for the session any more",
}


_BEHIND = "{role}'s old handle is at generation {old}; the owner is at generation {now} now"


def attack_words(attack: AttackResult, current: RuntimeSessionOwner) -> str:
    """The attempt in plain words: refused (as it should be) and why, or let in and why."""
    role = attack.role
    if attack.error is None:
        return f"Let in: {why_passed(attack.kind)}."
    name = error_name(attack.error)
    old, now = attack.owner.capability.generation, current.capability.generation
    template = _REFUSED.get(name, "the runtime's owner check failed")
    if name == "InvalidIngressRouting(CapabilityRejected)" and old != now:
        template = _BEHIND  # the fields, not the tag, failed: the generation moved on
    reason = template.format(role=role, old=old, now=now)
    return f"Refused, as it should be: {reason} ({name})."
