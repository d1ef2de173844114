"""Owned VM sessions: the seed's canonical host-side ingress for owned protocol sessions.

Invariants:
- every ingress (round, receive injection) logs ``ingress.received`` and asserts the routing
  boundary *before* touching the machine; a refusal logs ``ingress.dropped``, raises, and
  changes nothing;
- each ``OwnedVmSession`` has its own ``ProtocolMachine`` and ``QueuedBridgeHandler``; only
  the active role runs there, every other role is external;
- a failed open ends the owned session, releases only the fragments that open claimed,
  logs ``owner.rejected`` and raises ``SessionStartError(VM_SESSION_OPEN_FAILED, ...)``;
- a failed close or transfer leaves the handle and the session as they were;
- however the owned session ends (close, end, operator cancel), its VM session is closed
  on its machine, once, and never under a running round or injection (then right after).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any

from aura_kit.machine.image import CodeImage
from aura_kit.machine.machine import ProtocolMachine
from aura_kit.machine.values import StepResult
from aura_kit.ownership import LinkBoundary, RuntimeSessionOwner, Scope
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
from .errors import (
    RoundError,
    SessionCloseError,
    SessionIngressError,
    SessionStartError,
    SessionStartFailureReason,
)

PeerRoles = Mapping[str, Any]


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
        self._owner = owner
        self._routing_boundary = routing_boundary
        self.machine = machine
        self.handler = handler
        self._vm_session_id = vm_session_id
        self.protocol_id = protocol_id
        self._busy = 0  # rounds and injections running on the machine right now
        self._ended = False
        own = tuple(r for r in effects.roles_for_session(owner.session_id) if _is_own(r, effects))
        self._ctx = drivers.BridgeContext(
            effects=effects, session_id=owner.session_id, codec=codec, own_roles=own
        )

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

    def queue_send_bytes(self, payload: bytes) -> None:
        """Queue the bytes of the next non-unit send (at most 1 MiB)."""
        if not isinstance(payload, (bytes, bytearray)):
            self._refuse_queue(f"queued payload is a {type(payload).__name__}; expected bytes")
        if len(payload) > MAX_VM_BRIDGE_PAYLOAD_BYTES:
            self._refuse_queue(
                f"queued payload is {len(payload)} bytes; expected at most "
                f"{MAX_VM_BRIDGE_PAYLOAD_BYTES}"
            )
        self.handler.push_send_bytes(bytes(payload))

    def queue_choice_label(self, label: str) -> None:
        """Queue the label of the next select."""
        if not isinstance(label, str) or not label:
            self._refuse_queue(f"queued choice label is {label!r}; expected a non-empty str")
        self.handler.push_choice_label(label)

    def _refuse_queue(self, message: str) -> None:
        raise RoundError(self._owner.session_id, self._owner.owner_label, message)

    # -- rounds ----------------------------------------------------------------------------
    def _admit(self, ingress_kind: str, active_role: str | None, **fields: Any) -> None:
        log = self.effects.event_log
        ev.note_session_ingress_received(log, self._owner, ingress_kind, active_role, **fields)
        try:
            self.effects.assert_owned_choreography_boundary(self._owner, self._routing_boundary)
        except SessionIngressError as error:
            drop_role = active_role if ingress_kind != "blocked_receive" else None
            ev.log_session_ingress_dropped(log, self._owner, ingress_kind, error, drop_role)
            raise

    def _round_error(self, ingress_kind: str, active_role: str | None, message: str) -> RoundError:
        error = RoundError(self._owner.session_id, self._owner.owner_label, message)
        log = self.effects.event_log
        ev.log_session_ingress_dropped(log, self._owner, ingress_kind, error, active_role)
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
        self._admit(_kind, active_role)
        try:
            with self._using_machine():
                return drivers.advance_round_sync(
                    self._ctx, self.machine, self._vm_session_id, active_role, peer_roles,
                    stop_on_receive_error,
                )  # fmt: skip
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
        self._admit(_kind, active_role)
        try:
            with self._using_machine():
                return await drivers.advance_round_waiting(
                    self._ctx, self.machine, self._vm_session_id, active_role, peer_roles,
                    stop_on_receive_error, timeout,
                )  # fmt: skip
        except drivers.BridgeFailure as failure:
            raise self._round_error(_kind, active_role, str(failure)) from failure

    def inject_blocked_receive(self, receive: BlockedVmReceive) -> None:
        """Check the boundary, decode the payload for its sort and put it into the machine."""
        self._admit(
            "blocked_receive", receive.to_role, from_role=receive.from_role,
            to_role=receive.to_role, payload_bytes=len(receive.payload),
        )  # fmt: skip
        try:
            with self._using_machine():
                value: Any = self._ctx.codec.decode(receive.sort, receive.payload)
                self.machine.inject(
                    self._vm_session_id, receive.from_role, receive.to_role, receive.label, value
                )
        except Exception as error:
            message = f"failed to inject VM message: {error}"
            raise self._round_error("blocked_receive", None, message) from error

    # -- lifecycle -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _using_machine(self) -> Iterator[None]:
        """Mark the machine busy; a session end meanwhile closes the VM session afterwards."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            if self._ended and not self._busy:
                self._close_vm_session()

    def _owned_session_ended(self, _session_id: object) -> None:
        """End hook (close, end or cancel): close the VM session now or after the round."""
        self._ended = True
        if not self._busy:
            self._close_vm_session()

    def _close_vm_session(self) -> None:
        if self._vm_session_id in self.machine.sessions():  # already closed: leave it
            self.machine.close(self._vm_session_id)

    def close(self) -> None:
        """Assert the full session, close the VM session, end the owned session."""
        self.effects.assert_owned_choreography_session(self._owner)
        if self._vm_session_id in self.machine.sessions():
            try:
                self.machine.close(self._vm_session_id)
            except Exception as error:
                o = self._owner
                message = f"failed to close VM session: {error}"
                raise SessionCloseError(o.session_id, o.owner_label, message) from error
        self.effects.end_owned_choreography_session(self._owner)

    def __enter__(self) -> OwnedVmSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.effects.is_active(self._owner.session_id):
            self.close()

    def transfer_owner_in_place(self, next_owner_label: str, next_boundary: LinkBoundary) -> None:
        """Transfer to ``next_owner_label`` at the boundary's scope; adopt both on success."""
        scope = next_boundary.capability_scope
        next_owner = self.effects.transfer_owned_choreography_session_owner(
            self._owner, next_owner_label, scope
        )
        self._routing_boundary = next_boundary
        self._owner = next_owner

    def transfer_owner(self, next_owner_label: str, next_scope: Scope) -> OwnedVmSession:
        """``transfer_owner_in_place`` with ``LinkBoundary.for_scope(next_scope)``; returns self."""
        self.transfer_owner_in_place(next_owner_label, LinkBoundary.for_scope(next_scope))
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
    label = owner_label if owner_label is not None else caller_session_owner_label(2)
    owner = effects.start_owned_choreography_session(label, session_uuid, roles)
    claimed: frozenset[str] = frozenset()
    try:
        problem = admission_problem(manifest, active_role, global_type, local_types)
        if problem is not None:
            raise _OpenRefused(problem)
        claimed = effects.claim_vm_fragments_for_manifest(owner.owner_label, manifest)
        handler = QueuedBridgeHandler(codec, scheduler_signals)
        machine = ProtocolMachine()
        image = CodeImage(
            global_type, role_scoped_local_types(active_role, global_type, local_types)
        )
        vm_sid = machine.load(image, local_roles=(active_role,), handler=handler)
    except Exception as error:
        raise _fail_open(effects, owner, manifest, claimed, error) from error
    network = getattr(effects, "network", None)
    if network is not None:
        network.attach(effects)
        network.watch_session(effects, owner.session_id)
    session = OwnedVmSession(
        effects=effects, owner=owner, routing_boundary=LinkBoundary.for_manifest(manifest),
        machine=machine, handler=handler, vm_session_id=vm_sid, codec=codec,
        protocol_id=manifest.protocol_id,
    )  # fmt: skip
    effects.on_session_end(owner.session_id, session._owned_session_ended)
    return session


class _OpenRefused(Exception):
    """Admission refused the session (internal; surfaces as ``SessionStartError``)."""


def _fail_open(
    effects: Any,
    owner: RuntimeSessionOwner,
    manifest: Any,
    claimed: frozenset[str],
    error: Exception,
) -> SessionStartError:
    message = str(error)
    ev.log_session_owner_rejected(
        effects.event_log, owner.session_id, owner.owner_label, manifest.protocol_id,
        "vm_session_open_failed", message,
    )  # fmt: skip
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
    message = f"{context_label} became stuck without a pending receive"
    raise RoundError(owner.session_id, owner.owner_label, message)
