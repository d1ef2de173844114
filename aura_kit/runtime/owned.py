"""``OwnedVmSession``: one authority's owned VM session and its per-round ingress path.

Invariants:
- every ingress (round, receive injection) logs ``ingress.received`` and asserts the routing
  boundary *before* touching the machine; a refusal logs ``ingress.dropped``, raises, and
  changes nothing;
- only the active role runs on the session's own machine; every other role is external;
- the per-owner constants of the hot path (the ``ingress.received`` fields per ingress kind
  and role) are rebuilt whenever the owner handle changes, so they always describe the
  current owner;
- however the owned session ends (close, end, operator cancel), its VM session is closed
  on its machine, once, and never under a running round or injection (then right after);
- a failed close or transfer leaves the handle and the session as they were;
- the queues refuse a payload that is not bytes or is over 1 MiB and a choice label that is
  not a non-empty string, queueing nothing; under ``queue_input="seed"`` they cannot fail.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from aura_kit.machine.machine import ProtocolMachine
from aura_kit.ownership import LinkBoundary, RuntimeSessionOwner, Scope

from . import drivers
from . import events as ev
from .bridge import (
    MAX_VM_BRIDGE_PAYLOAD_BYTES,
    BlockedVmReceive,
    QueuedBridgeHandler,
    ReceiveErrorPredicate,
    SchedulerSignals,
    VmBridgeRound,
    never_defer,
)
from .codec import DEFAULT_CODEC, Codec
from .drivers import PeerRoles
from .errors import RoundError, SessionCloseError, SessionIngressError

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

    # -- rounds ----------------------------------------------------------------------------
    def _admit_round(self, ingress_kind: str, active_role: str) -> None:
        """A round's ingress: ``ingress.received``, then the boundary check (or a drop)."""
        owner = self._owner
        fields = self._received.get((ingress_kind, active_role))
        if fields is None:
            fields = ev.ingress_received_fields(owner, ingress_kind, active_role)
            if type(active_role) is str:  # only plain names are remembered (hashable, stable)
                self._received[(ingress_kind, active_role)] = fields
        self._log.append(_RECEIVED, "debug", ev.INGRESS_RECEIVED_MESSAGE, fields)
        try:
            self._check_boundary(owner, self._routing_boundary)
        except SessionIngressError as error:
            ev.log_session_ingress_dropped(self._log, owner, ingress_kind, error, active_role)
            raise

    def _admit_receive(self, receive: BlockedVmReceive) -> None:
        """An injection's ingress: ``ingress.received`` with the edge, then the check."""
        owner = self._owner
        ev.log_session_ingress_received(
            self._log,
            owner,
            "blocked_receive",
            receive.to_role,
            receive.from_role,
            receive.to_role,
            len(receive.payload),
        )
        try:
            self._check_boundary(owner, self._routing_boundary)
        except SessionIngressError as error:
            ev.log_session_ingress_dropped(self._log, owner, "blocked_receive", error, None)
            raise

    def _round_error(self, ingress_kind: str, active_role: str | None, message: str) -> RoundError:
        error = RoundError(self._owner.session_id, self._owner.owner_label, message)
        ev.log_session_ingress_dropped(self._log, self._owner, ingress_kind, error, active_role)
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
                return drivers.advance_round_sync(
                    self._ctx,
                    self.machine,
                    self._vm_session_id,
                    active_role,
                    peer_roles,
                    stop_on_receive_error,
                )
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
        self.effects.assert_owned_choreography_session(self._owner)
        try:
            self._close_vm_session()
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
        """Close the session if it is still active; a close failure never hides the body's error
        (it is added to that error as a note instead)."""
        if not self.effects.is_active(self._owner.session_id):
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
        scope = next_boundary.capability_scope
        next_owner = self.effects.transfer_owned_choreography_session_owner(
            self._owner, next_owner_label, scope
        )
        self._adopt(next_owner, next_boundary)

    def transfer_owner(self, next_owner_label: str, next_scope: Scope) -> OwnedVmSession:
        """``transfer_owner_in_place`` with ``LinkBoundary.for_scope(next_scope)``; returns self."""
        self.transfer_owner_in_place(next_owner_label, LinkBoundary.for_scope(next_scope))
        return self


def _is_own(role: Any, effects: Any) -> bool:
    return bool(getattr(role, "authority", None) == effects.authority)
