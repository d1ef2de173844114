"""Owned VM sessions: the seed's canonical host-side ingress for owned protocol sessions.

This module opens owned sessions and turns round outcomes into dispositions; the session
handle and its per-round path are ``OwnedVmSession`` (module ``owned``, re-exported here).

Invariants:
- every ingress (round, receive injection) logs ``ingress.received`` and asserts the routing
  boundary *before* touching the machine; a refusal logs ``ingress.dropped``, raises, and
  changes nothing;
- each ``OwnedVmSession`` has its own ``ProtocolMachine`` and ``QueuedBridgeHandler``; only
  the active role runs there, every other role is external;
- arguments of the wrong type (a manifest that is not a ``CompositionManifest``, local
  types that are not a mapping) are refused before anything starts, with ``owner.rejected``
  and ``SessionStartError(VM_SESSION_OPEN_FAILED, ...)``;
- a failed open ends the owned session, releases only the fragments that open claimed,
  logs ``owner.rejected`` and raises ``SessionStartError(VM_SESSION_OPEN_FAILED, ...)``;
  its clean-up touches no attribute of unvalidated input;
- a round whose receive was ``DEFERRED`` is ``CONTINUE`` (``COMPLETE`` when all is done):
  the caller moves on and comes back; only a non-deferred ``STUCK`` round is an error; under
  ``machine="seed"`` the seed's rule holds: a ``STUCK`` round is an error even when deferred
  (its machine reports the round whose receive found nothing as ``CONTINUE``);
- a failed close or transfer leaves the handle and the session as they were;
- however the owned session ends (close, end, operator cancel), its VM session is closed
  on its machine, once, and never under a running round or injection (then right after).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from aura_kit.errors import AuraKitError
from aura_kit.machine.image import CodeImage
from aura_kit.machine.machine import MachineSemantics, ProtocolMachine
from aura_kit.machine.unfold import nearest_loop
from aura_kit.machine.values import StepResult
from aura_kit.ownership import (
    SEED_OWNER_LABEL,
    CompositionManifest,
    LinkBoundary,
    RuntimeSessionOwner,
    SessionId,
)
from aura_kit.protocol.types import GlobalType, LocalType

from . import events as ev
from .admission import admission_problem, caller_session_owner_label, role_scoped_local_types
from .bridge import (
    QueuedBridgeHandler,
    SchedulerSignals,
    VmBridgeRound,
    VmHostWaitStatus,
    VmRoundDisposition,
)
from .codec import DEFAULT_CODEC, Codec
from .errors import RoundError, SessionStartError, SessionStartFailureReason
from .owned import OwnedVmSession, PeerRoles

__all__ = [
    "OwnedVmSession",
    "PeerRoles",
    "caller_session_owner_label",
    "handle_owned_vm_round",
    "open_owned_manifest_vm_session_admitted",
]


def open_owned_manifest_vm_session_admitted(
    effects: Any,
    session_uuid: Any,
    roles: Any,
    manifest: Any,
    active_role: str,
    global_type: GlobalType,
    local_types: Mapping[str, LocalType],
    scheduler_signals: SchedulerSignals | None = None,
    *,
    codec: Codec = DEFAULT_CODEC,
    owner_label: str | None = None,
) -> OwnedVmSession:
    """Start the owned session (owner label: the caller's location), admit, claim, load."""
    policy = getattr(effects, "policy", None)
    seed_label = policy is not None and policy.owner_label == "seed"
    label = owner_label
    if label is None:
        label = SEED_OWNER_LABEL if seed_label else caller_session_owner_label(2)
    strict = policy is None or policy.admission == "strict"
    seed_machine = policy is not None and policy.machine == "seed"
    opaque = policy is not None and policy.payloads == "opaque"
    _refuse_wrong_types(effects, session_uuid, label, manifest, local_types, scheduler_signals)
    owner = effects.start_owned_choreography_session(label, session_uuid, roles)
    claimed: frozenset[str] = frozenset()
    try:
        CodeImage.check_role_count(len(local_types))  # before any per-role work
        problem = admission_problem(manifest, active_role, global_type, local_types, strict=strict)
        if problem is not None:
            raise _OpenRefused(problem)
        claimed = effects.claim_vm_fragments_for_manifest(owner.owner_label, manifest)
        handler = QueuedBridgeHandler(codec, scheduler_signals, opaque=opaque)
        semantics: MachineSemantics = "seed" if seed_machine else "kit"
        machine = ProtocolMachine(semantics=semantics, opaque_payloads=opaque)
        scoped = role_scoped_local_types(active_role, global_type, local_types)
        if seed_machine:  # the seed's machine jumps to the nearest loop
            scoped = {role: nearest_loop(t) for role, t in scoped.items()}
        image = CodeImage(global_type, scoped)
        vm_sid = machine.load(image, local_roles=(active_role,), handler=handler)
        network = getattr(effects, "network", None)
        if network is not None:
            network.attach(effects)  # idempotent; its hook drops the inbox on every end
        session = OwnedVmSession(
            effects=effects,
            owner=owner,
            routing_boundary=LinkBoundary.for_manifest(manifest),
            machine=machine,
            handler=handler,
            vm_session_id=vm_sid,
            codec=codec,
            protocol_id=manifest.protocol_id,
        )
    except Exception as error:
        raise _fail_open(effects, owner, manifest.protocol_id, claimed, error) from error
    effects.on_session_end(owner.session_id, session.owned_session_ended)
    return session


class _OpenRefused(AuraKitError):
    """Admission refused the session (internal; surfaces as ``SessionStartError``)."""


def _refuse_wrong_types(
    effects: Any,
    session_uuid: Any,
    label: str,
    manifest: object,
    local_types: object,
    scheduler_signals: object,
) -> None:
    """Refuse arguments of the wrong type before anything starts (nothing to undo).

    The refusal is the open's own failure, ``SessionStartError(VM_SESSION_OPEN_FAILED)``
    with ``owner.rejected`` logged, so callers see one error type for every failed open.
    """
    problem = None
    if not isinstance(manifest, CompositionManifest):
        problem = f"manifest is {type(manifest).__name__}; expected a CompositionManifest"
    elif not isinstance(local_types, Mapping):
        problem = f"local_types is {type(local_types).__name__}; expected a mapping role -> type"
    elif scheduler_signals is not None and not isinstance(scheduler_signals, SchedulerSignals):
        kind = type(scheduler_signals).__name__
        problem = f"scheduler_signals is {kind}; expected SchedulerSignals or None"
    if problem is None:
        return
    sid = SessionId.coerce(session_uuid)
    ev.log_session_owner_rejected(
        effects.event_log, sid, str(label), None, "vm_session_open_failed", problem
    )
    reason = SessionStartFailureReason.VM_SESSION_OPEN_FAILED
    raise SessionStartError(sid, str(label), reason, problem)


def _fail_open(
    effects: Any,
    owner: RuntimeSessionOwner,
    protocol_id: str,
    claimed: frozenset[str],
    error: Exception,
) -> SessionStartError:
    """End the half-open session; touches only values this module made or validated."""
    message = str(error)
    ev.log_session_owner_rejected(
        effects.event_log,
        owner.session_id,
        owner.owner_label,
        protocol_id,
        "vm_session_open_failed",
        message,
    )
    if claimed:
        with contextlib.suppress(Exception):  # the end below drops them anyway
            effects.release_vm_fragments(claimed)
    try:
        effects.end_owned_choreography_session(owner)
    except Exception:  # keep the seed's `let _ =`: the open error is the one to report
        effects.cancel_session(owner.session_id)
    reason = SessionStartFailureReason.VM_SESSION_OPEN_FAILED
    return SessionStartError(owner.session_id, owner.owner_label, reason, message)


def handle_owned_vm_round(
    session: OwnedVmSession, round: VmBridgeRound, context_label: str
) -> VmRoundDisposition:
    """Inject a delivered receive, or turn the round's outcome into a disposition or error."""
    if round.blocked_receive is not None:
        session.inject_blocked_receive(round.blocked_receive)
        return VmRoundDisposition.CONTINUE
    owner = session.owner()
    status = round.host_wait_status
    if status is VmHostWaitStatus.TIMED_OUT:
        message = f"{context_label} timed out while waiting for receive"
        raise RoundError(owner.session_id, owner.owner_label, message)
    if status is VmHostWaitStatus.CANCELLED:
        message = f"{context_label} cancelled while waiting for receive"
        raise RoundError(owner.session_id, owner.owner_label, message)
    if round.step is StepResult.ALL_DONE:
        return VmRoundDisposition.COMPLETE
    if round.step is StepResult.CONTINUE:
        return VmRoundDisposition.CONTINUE
    if status is VmHostWaitStatus.DEFERRED and not _seed_rounds(session):
        return VmRoundDisposition.CONTINUE  # DEFERRED: the caller moves on and comes back
    message = f"{context_label} became stuck without a pending receive"
    raise RoundError(owner.session_id, owner.owner_label, message)


def _seed_rounds(session: OwnedVmSession) -> bool:
    """Whether the seed's round rule applies: a ``STUCK`` round is an error even if deferred.

    The seed hands a deferred round to its standard round handler, which refuses ``STUCK``;
    under its machine the round in which a receive finds nothing is ``CONTINUE``, so only a
    round after that one, still with nothing ready, fails (``machine="seed"``).
    """
    policy = getattr(session.effects, "policy", None)
    return policy is not None and policy.machine == "seed"
