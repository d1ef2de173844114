"""Owned VM sessions: the seed's canonical host-side ingress for owned protocol sessions.

One module, as in the seed (``session_ingress.rs``): opening an owned session
(``open_owned_manifest_vm_session_admitted``), the session handle and its per-round path
(``OwnedVmSession``), and turning round outcomes into dispositions (``handle_owned_vm_round``).

Invariants:
- every ingress (round, receive injection) asserts the routing boundary *before* touching
  the machine, then logs ``ingress.received``; a refusal logs ``ingress.received`` and
  ``ingress.dropped`` naming the owner the record names (the presented handle as
  ``presented_*``), raises, and changes nothing;
- each ``OwnedVmSession`` has its own ``ProtocolMachine`` and ``QueuedBridgeHandler``; only
  the active role runs there, every other role is external;
- the per-owner constants of the hot path (the ``ingress.received`` fields per ingress kind
  and role) are rebuilt whenever the owner handle changes, so they always describe the
  current owner;
- arguments of the wrong type (a manifest that is not a ``CompositionManifest``, local
  types that are not a mapping) are refused before anything starts, with ``owner.rejected``
  and ``SessionStartError(VM_SESSION_OPEN_FAILED, ...)``;
- a failed open ends the owned session, releases only the fragments that open claimed,
  logs ``owner.rejected`` and raises ``SessionStartError(VM_SESSION_OPEN_FAILED, ...)``;
  its clean-up touches no attribute of unvalidated input; it runs for a ``BaseException``
  too (``KeyboardInterrupt`` at any point after the start), which is re-raised after it, so
  no started or bound session and no claimed fragment is left; under the seed's
  ``failure_paths`` only an ``Exception`` is cleaned up (the seed's ``Err`` path), and an
  interrupted open keeps what it had, as a dropped future of the seed does;
- a round whose receive was ``DEFERRED`` is ``CONTINUE`` (``COMPLETE`` when all is done):
  the caller moves on and comes back; only a non-deferred ``STUCK`` round is an error; under
  ``machine="seed"`` the seed's rule holds: a ``STUCK`` round is an error even when deferred
  (its machine reports the round whose receive found nothing as ``CONTINUE``);
- however the owned session ends (close, end, operator cancel), its VM session is closed
  on its machine, once, and never under a running round or injection (then right after);
- a failed close or transfer leaves the handle and the session as they were; under the
  seed's ``failure_paths`` a failed ``close`` or ``transfer_owner`` consumes the handle, as
  the seed's ``close(mut self)`` / ``transfer_owner(mut self, ..)`` do: every later call on
  it is a ``RoundError`` naming that, and the session stays owned until an operator cancel;
- the queues refuse a payload that is not bytes or is over 1 MiB and a choice label that is
  not a non-empty string, queueing nothing; under ``queue_input="seed"`` they cannot fail.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import TracebackType
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
    Scope,
    SessionId,
    faults,
)
from aura_kit.protocol.types import GlobalType, LocalType

from . import drivers
from . import events as ev
from .admission import admission_problem, caller_session_owner_label, role_scoped_local_types
from .bridge import (
    MAX_VM_BRIDGE_PAYLOAD_BYTES,
    BlockedVmReceive,
    QueuedBridgeHandler,
    ReceiveErrorPredicate,
    SchedulerSignals,
    VmBridgeRound,
    VmHostWaitStatus,
    VmRoundDisposition,
    never_defer,
)
from .codec import DEFAULT_CODEC, Codec
from .drivers import PeerRoles
from .errors import (
    RoundError,
    SessionCloseError,
    SessionIngressError,
    SessionStartError,
    SessionStartFailureReason,
)

__all__ = [
    "OwnedVmSession",
    "PeerRoles",
    "caller_session_owner_label",
    "handle_owned_vm_round",
    "open_owned_manifest_vm_session_admitted",
]


_RECEIVED = ev.RuntimeSessionEvent.INGRESS_RECEIVED


class OwnedVmSession:
    """One authority's owned VM session: owner handle, routing boundary, machine, handler."""

    def __init__(
        self,
        *,
        effects: Any,
        owner: RuntimeSessionOwner,
        routing_boundary: LinkBoundary,
        machine: ProtocolMachine,
        handler: QueuedBridgeHandler,
        vm_session_id: int,
        codec: Codec = DEFAULT_CODEC,
        protocol_id: str | None = None,
    ) -> None:
        self.effects = effects
        self.machine = machine
        self.handler = handler
        self._vm_session_id = vm_session_id
        self.protocol_id = protocol_id
        self._busy = 0  # rounds and injections running on the machine right now
        self._ended = False
        self._consumed: str | None = None  # seed failure paths: the call that moved the handle
        own = tuple(r for r in effects.roles_for_session(owner.session_id) if _is_own(r, effects))
        self._ctx = drivers.BridgeContext(
            effects=effects,
            session_id=owner.session_id,
            codec=codec,
            own_roles=own,
            opaque=handler.opaque,
        )
        # Per-session constants of the hot path (looked up once, not on every round).
        self._log = effects.event_log
        self._check_boundary = effects.assert_owned_choreography_boundary
        self._adopt(owner, routing_boundary)

    def _adopt(self, owner: RuntimeSessionOwner, routing_boundary: LinkBoundary) -> None:
        """Take a (new) owner handle and boundary; forget the old owner's event fields."""
        self._owner = owner
        self._routing_boundary = routing_boundary
        # ``(ingress kind, active role)`` -> the JSON-safe fields of ``ingress.received``.
        self._received: dict[tuple[str, str], tuple[tuple[str, Any], ...]] = {}

    def __repr__(self) -> str:
        o = self._owner
        return (
            f"OwnedVmSession({o.session_id}, owner={o.owner_label!r}, "
            f"generation={o.capability.generation}, scope={o.capability.scope})"
        )

    # -- accessors (the seed's names) ------------------------------------------------------
    def owner(self) -> RuntimeSessionOwner:
        """The current owner handle."""
        return self._owner

    def routing_boundary(self) -> LinkBoundary:
        """The boundary every ingress of this session is checked against."""
        return self._routing_boundary

    def vm_session_id(self) -> int:
        """The id of the session on this handle's machine."""
        return self._vm_session_id

    @property
    def scheduler_signals(self) -> SchedulerSignals:
        """The (clamped) scheduler signals the session was opened with."""
        return self.handler.scheduler_signals

    @property
    def _seed_queues(self) -> bool:
        """Whether the queues take anything, as the seed's (``queue_input="seed"``)."""
        policy = getattr(self.effects, "policy", None)
        return policy is not None and policy.queue_input == "seed"

    def queue_send_bytes(self, payload: bytes) -> None:
        """Queue the bytes of the next non-unit send (at most 1 MiB; any value under the seed's
        ``queue_input``, where a payload of the wrong kind faults the send that takes it)."""
        if self._seed_queues:
            self.handler.push_send(payload)
            return
        if not isinstance(payload, (bytes, bytearray)):
            self._refuse_queue(f"queued payload is a {type(payload).__name__}; expected bytes")
        if len(payload) > MAX_VM_BRIDGE_PAYLOAD_BYTES:
            self._refuse_queue(
                f"queued payload is {len(payload)} bytes; expected at most "
                f"{MAX_VM_BRIDGE_PAYLOAD_BYTES}"
            )
        self.handler.push_send_bytes(payload)

    def queue_choice_label(self, label: str) -> None:
        """Queue the label of the next select (any value under the seed's ``queue_input``)."""
        if self._seed_queues:
            self.handler.push_choice(label)
            return
        if not isinstance(label, str) or not label:
            self._refuse_queue(f"queued choice label is {label!r}; expected a non-empty str")
        self.handler.push_choice_label(label)

    def _refuse_queue(self, message: str) -> None:
        raise RoundError(self._owner.session_id, self._owner.owner_label, message)

    def _check_not_consumed(self) -> None:
        if self._consumed is not None:
            o = self._owner
            message = (
                f"this handle was consumed by a failed {self._consumed} (the seed's "
                "`self` is moved); the session stays owned until an operator cancel"
            )
            raise RoundError(o.session_id, o.owner_label, message)

    def _consume_on_failure(self, call: str) -> None:
        """Under the seed's failure paths a failed by-value call moves the handle away."""
        policy = getattr(self.effects, "policy", None)
        if policy is not None and policy.failure_paths == "seed":
            self._consumed = call

    def _refused(self, ingress_kind: str, error: Any, active_role: str | None, **edge: Any) -> None:
        """Log a refused ingress: received and dropped, naming the record's owner."""
        owner = self._owner
        record = self.effects.owner_record(owner.session_id)
        ev.log_session_ingress_refused(
            self._log, owner, ingress_kind, error, active_role, record=record, **edge
        )

    # -- rounds ----------------------------------------------------------------------------
    def _admit_round(self, ingress_kind: str, active_role: str) -> None:
        """A round's ingress: the boundary check, then ``ingress.received`` (or a drop)."""
        if self._consumed is not None:
            self._check_not_consumed()
        owner = self._owner
        try:
            self._check_boundary(owner, self._routing_boundary)
        except SessionIngressError as error:
            self._refused(ingress_kind, error, active_role)
            raise
        fields = self._received.get((ingress_kind, active_role))
        if fields is None:
            fields = ev.ingress_received_fields(owner, ingress_kind, active_role)
            if type(active_role) is str:  # only plain names are remembered (hashable, stable)
                self._received[(ingress_kind, active_role)] = fields
        self._log.append(_RECEIVED, "debug", ev.INGRESS_RECEIVED_MESSAGE, fields)

    def _admit_receive(self, receive: BlockedVmReceive) -> None:
        """An injection's ingress: the check, then ``ingress.received`` with the edge."""
        self._check_not_consumed()
        owner = self._owner
        edge = {
            "from_role": receive.from_role,
            "to_role": receive.to_role,
            "payload_bytes": len(receive.payload),
        }
        try:
            self._check_boundary(owner, self._routing_boundary)
        except SessionIngressError as error:
            self._refused("blocked_receive", error, receive.to_role, **edge)
            raise
        ev.log_session_ingress_received(
            self._log,
            owner,
            "blocked_receive",
            receive.to_role,
            receive.from_role,
            receive.to_role,
            len(receive.payload),
        )

    def _round_error(self, ingress_kind: str, active_role: str | None, message: str) -> RoundError:
        error = RoundError(self._owner.session_id, self._owner.owner_label, message)
        record = self.effects.owner_record(self._owner.session_id)
        ev.log_session_ingress_dropped(
            self._log, self._owner, ingress_kind, error, active_role, record=record
        )
        return error

    def advance_round(self, active_role: str, peer_roles: PeerRoles) -> VmBridgeRound:
        """One round: step, flush sends, then ask the transport once (never waits)."""
        return self.advance_round_until_receive(
            active_role, peer_roles, never_defer, "advance_round"
        )

    def advance_round_until_receive(
        self,
        active_role: str,
        peer_roles: PeerRoles,
        stop_on_receive_error: ReceiveErrorPredicate,
        _kind: str = "advance_round_until_receive",
    ) -> VmBridgeRound:
        """Like ``advance_round``; a receive error the predicate accepts gives ``DEFERRED``."""
        self._admit_round(_kind, active_role)
        try:
            self._busy += 1  # the machine is in use until ``_release_machine``
            try:
                faults.reached("round.admitted")
                outcome = drivers.advance_round_sync(
                    self._ctx,
                    self.machine,
                    self._vm_session_id,
                    active_role,
                    peer_roles,
                    stop_on_receive_error,
                )
                faults.reached("round.stepped")
                return outcome
            finally:
                self._release_machine()
        except drivers.BridgeFailure as failure:
            raise self._round_error(_kind, active_role, str(failure)) from failure

    async def advance_round_async(
        self, active_role: str, peer_roles: PeerRoles, timeout: float = 5.0
    ) -> VmBridgeRound:
        """One round whose receive waits on the transport up to ``timeout`` seconds."""
        return await self.advance_round_until_receive_async(
            active_role, peer_roles, never_defer, timeout, _kind="advance_round"
        )

    async def advance_round_until_receive_async(
        self,
        active_role: str,
        peer_roles: PeerRoles,
        stop_on_receive_error: ReceiveErrorPredicate = never_defer,
        timeout: float = 5.0,
        *,
        _kind: str = "advance_round_until_receive",
    ) -> VmBridgeRound:
        """The asyncio driver's ``advance_round_until_receive``."""
        self._admit_round(_kind, active_role)
        try:
            self._busy += 1
            try:
                return await drivers.advance_round_waiting(
                    self._ctx,
                    self.machine,
                    self._vm_session_id,
                    active_role,
                    peer_roles,
                    stop_on_receive_error,
                    timeout,
                )
            finally:
                self._release_machine()
        except drivers.BridgeFailure as failure:
            raise self._round_error(_kind, active_role, str(failure)) from failure

    def inject_blocked_receive(self, receive: BlockedVmReceive) -> None:
        """Check the boundary and that the role waits on this edge, decode, put it into the VM.

        A receive injected twice, or for a role that is not blocked on its edge, is a
        ``RoundError`` and changes nothing.
        """
        self._admit_receive(receive)
        try:
            self._busy += 1
            try:
                edge = (receive.from_role, receive.to_role)
                if self.machine.blocked_receive_edge(self._vm_session_id, receive.to_role) != edge:
                    raise ValueError(f"{receive.to_role} is not waiting on {'->'.join(edge)}")
                value: Any = receive.payload
                if not self._ctx.opaque:  # the kit decodes by sort; the seed's stays opaque
                    value = self._ctx.codec.decode(receive.sort, receive.payload)
                self.machine.inject(
                    self._vm_session_id, receive.from_role, receive.to_role, receive.label, value
                )
            finally:
                self._release_machine()
        except Exception as error:
            message = f"failed to inject VM message: {error}"
            raise self._round_error("blocked_receive", None, message) from error

    # -- lifecycle -------------------------------------------------------------------------
    def _release_machine(self) -> None:
        """End a use of the machine; a session end meanwhile closes the VM session now."""
        self._busy -= 1
        if self._ended and not self._busy:
            self._close_vm_session()

    def owned_session_ended(self, _session_id: object) -> None:
        """End hook (close, end or cancel): close the VM session now or after the round."""
        self._ended = True
        if not self._busy:
            self._close_vm_session()

    def _close_vm_session(self) -> None:
        if self._vm_session_id in self.machine.sessions():  # already closed: leave it
            self.machine.close(self._vm_session_id)

    def close(self) -> None:
        """Assert the full session, close the VM session, end the owned session."""
        self._check_not_consumed()
        try:
            self.effects.assert_owned_choreography_session(self._owner)
            try:
                self._close_vm_session()
            except Exception as error:
                o = self._owner
                message = f"failed to close VM session: {error}"
                raise SessionCloseError(o.session_id, o.owner_label, message) from error
            self.effects.end_owned_choreography_session(self._owner)
        except Exception:
            self._consume_on_failure("close")
            raise

    def __enter__(self) -> OwnedVmSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the session if it is still active; a close failure never hides the body's error
        (it is added to that error as a note instead)."""
        if self._consumed is not None or not self.effects.is_active(self._owner.session_id):
            return
        if exc is None:
            self.close()
            return
        try:
            self.close()
        except Exception as close_error:
            exc.add_note(f"closing the owned session also failed: {close_error}")

    def transfer_owner_in_place(self, next_owner_label: str, next_boundary: LinkBoundary) -> None:
        """Transfer to ``next_owner_label`` at the boundary's scope; adopt both on success."""
        self._check_not_consumed()
        scope = next_boundary.capability_scope
        next_owner = self.effects.transfer_owned_choreography_session_owner(
            self._owner, next_owner_label, scope
        )
        self._adopt(next_owner, next_boundary)

    def transfer_owner(self, next_owner_label: str, next_scope: Scope) -> OwnedVmSession:
        """``transfer_owner_in_place`` with ``LinkBoundary.for_scope(next_scope)``; returns self.

        Under the seed's ``failure_paths`` a refused transfer consumes this handle (the seed's
        ``transfer_owner(mut self, ..)``); ``transfer_owner_in_place`` never does.
        """
        self._check_not_consumed()
        try:
            boundary = LinkBoundary.for_scope(next_scope)
            self.transfer_owner_in_place(next_owner_label, boundary)
        except Exception:
            self._consume_on_failure("transfer_owner")
            raise
        return self


def _is_own(role: Any, effects: Any) -> bool:
    return bool(getattr(role, "authority", None) == effects.authority)


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
    claimed: list[frozenset[str]] = []
    try:
        faults.reached("open.started")
        CodeImage.check_role_count(len(local_types))  # before any per-role work
        problem = admission_problem(manifest, active_role, global_type, local_types, strict=strict)
        if problem is not None:
            raise _OpenRefused(problem)
        faults.reached("open.admitted")
        claimed.append(effects.claim_vm_fragments_for_manifest(owner, manifest))
        faults.reached("open.claimed")
        session = _load(
            effects,
            owner,
            manifest,
            active_role,
            global_type,
            local_types,
            codec,
            scheduler_signals,
            seed_machine=seed_machine,
            opaque=opaque,
        )
        faults.reached("open.loaded")
        effects.on_session_end(owner.session_id, session.owned_session_ended)
        faults.reached("open.ready")
    except Exception as error:
        raise _fail_open(effects, owner, manifest.protocol_id, claimed, error) from error
    except BaseException as interrupt:  # KeyboardInterrupt, SystemExit: clean up, re-raise
        if policy is None or policy.failure_paths == "leak_free":
            _fail_open(effects, owner, manifest.protocol_id, claimed, interrupt)
        raise
    return session


def _load(
    effects: Any,
    owner: RuntimeSessionOwner,
    manifest: CompositionManifest,
    active_role: str,
    global_type: GlobalType,
    local_types: Mapping[str, LocalType],
    codec: Codec,
    scheduler_signals: SchedulerSignals | None,
    *,
    seed_machine: bool,
    opaque: bool,
) -> OwnedVmSession:
    """Load the active role on a fresh machine and wrap it in the session handle."""
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
    return OwnedVmSession(
        effects=effects,
        owner=owner,
        routing_boundary=LinkBoundary.for_manifest(manifest),
        machine=machine,
        handler=handler,
        vm_session_id=vm_sid,
        codec=codec,
        protocol_id=manifest.protocol_id,
    )


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
    claimed: list[frozenset[str]],
    error: BaseException,
) -> SessionStartError:
    """End the half-open session; touches only values this module made or validated.

    Under the seed's ``failure_paths`` this is the seed's ``Err`` path: the end is tried once
    (``let _ = effects.end_owned_choreography_session(&owner)``) and a failing end leaves the
    session; otherwise a failing end is followed by an operator cancel.
    """
    message = _message(error)
    with contextlib.suppress(Exception):  # an event must not hide the open's failure
        ev.log_session_owner_rejected(
            effects.event_log,
            owner.session_id,
            owner.owner_label,
            protocol_id,
            "vm_session_open_failed",
            message,
        )
    seed = getattr(getattr(effects, "policy", None), "failure_paths", None) == "seed"
    if claimed and claimed[0] and not seed:
        with contextlib.suppress(Exception):  # the end below drops them anyway
            effects.release_vm_fragments(owner, claimed[0])
    try:
        effects.end_owned_choreography_session(owner)
    except Exception:  # keep the seed's `let _ =`: the open error is the one to report
        if not seed:
            effects.cancel_session(owner.session_id)
    reason = SessionStartFailureReason.VM_SESSION_OPEN_FAILED
    return SessionStartError(owner.session_id, owner.owner_label, reason, message)


def _message(error: BaseException) -> str:
    """The error's text, or its type name when it has none (``KeyboardInterrupt()``)."""
    try:
        return str(error) or type(error).__name__
    except Exception:
        return type(error).__name__


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
