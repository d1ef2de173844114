"""Host bridge rounds for an owned VM session: step, flush sends, receive (sync and asyncio).

Invariants:
- one round performs exactly one machine step, then flushes pending sends in order, then
  asks the transport at most once for the active role's blocked receive edge;
- a pending send is acknowledged only after the transport accepted it; a missing peer
  mapping or a refused send stops the flush and leaves that send (and all later ones)
  pending, so nothing is dropped;
- the sync receive never waits: an empty inbox is ``NO_MESSAGE`` (``TIMED_OUT``, or
  ``DEFERRED`` when the caller's predicate says so);
- the asyncio receive waits on the transport up to ``timeout`` seconds and ends as
  ``CANCELLED`` as soon as the session is no longer bound (it ended meanwhile);
- a received message is returned as a ``BlockedVmReceive`` and never injected here;
- a round's inputs are checked before the machine steps: the active role must be a name the
  session runs and ``peer_roles`` a mapping whose entries for the session's roles are
  ``ChoreographicRole`` values; otherwise the round is a ``BridgeFailure`` and nothing stepped
  or was sent (a role left out of the mapping is the seed's case above: the send stays pending);
- a transport whose receive raises gives a ``TRANSPORT_FAILED`` receive error, never the
  transport's own exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aura_kit.errors import AuraKitError
from aura_kit.machine.errors import MachineError
from aura_kit.machine.values import StepResult
from aura_kit.numbers import check_seconds
from aura_kit.ownership import ChoreographicRole

from .bridge import (
    BlockedVmReceive,
    ReceiveErrorPredicate,
    VmBridgeRound,
    VmHostWaitStatus,
    never_defer,
)
from .codec import Codec
from .errors import ReceiveErrorKind, TransportReceiveError

PeerRoles = Mapping[str, Any]


class BridgeFailure(AuraKitError):
    """A round failed inside the bridge; the message becomes the ``RoundError`` message."""


@dataclass(slots=True, kw_only=True)
class BridgeContext:
    """Everything a round needs besides the machine: who, where and how to encode."""

    effects: Any
    session_id: Any
    codec: Codec
    own_roles: tuple[Any, ...] = ()
    # One NO_MESSAGE error per edge, handed to round predicates (never raised, so reusable).
    no_message: dict[tuple[str, str], TransportReceiveError] = field(default_factory=dict)
    # The external roles of the VM session (fixed for its life), read once by ``check_round``.
    external_roles: tuple[str, ...] | None = None
    # The seed's payloads (``payloads="opaque"``): bytes are sent and injected undecoded.
    opaque: bool = False

    @property
    def network(self) -> Any:
        """The transport of this authority, or None."""
        return getattr(self.effects, "network", None)

    def self_role(self, active_role: str, peer_roles: PeerRoles) -> Any:
        """The active role's ``ChoreographicRole`` (from the mapping, else the only own role)."""
        if active_role in peer_roles:
            return peer_roles[active_role]
        return self.own_roles[0] if len(self.own_roles) == 1 else None


def check_round(
    ctx: BridgeContext, machine: Any, vm_session_id: int, active_role: Any, peer_roles: Any
) -> None:
    """Refuse a round whose active role or peer mapping is wrong, before anything steps.

    A VM session the machine no longer holds is left to the step, which reports it.
    """
    try:
        machine.session_status(vm_session_id)
    except MachineError:
        return
    if type(active_role) is not str:
        raise BridgeFailure(f"active role is {active_role!r}; expected a role name (str)")
    try:
        machine.coroutine_status(vm_session_id, active_role)
    except MachineError:
        raise BridgeFailure(f"{active_role!r} is not a role this VM session runs") from None
    if not isinstance(peer_roles, Mapping):
        kind = type(peer_roles).__name__
        raise BridgeFailure(f"peer_roles is a {kind}; expected a mapping of role names to roles")
    if ctx.external_roles is None:
        ctx.external_roles = tuple(machine.view(vm_session_id).external_roles)
    _check_peers((active_role, *ctx.external_roles), peer_roles)


def _check_peers(roles: tuple[str, ...], peer_roles: PeerRoles) -> None:
    """Each mapped role of the session maps to a ``ChoreographicRole`` (absent ones are left)."""
    for role in roles:
        try:
            peer = peer_roles.get(role)
        except Exception as error:  # a caller's mapping that raises
            raise BridgeFailure(f"peer_roles[{role!r}] raised {error!r}") from error
        if peer is not None and type(peer) is not ChoreographicRole:
            raise BridgeFailure(f"peer_roles[{role!r}] is {peer!r}; expected a ChoreographicRole")


def step_and_flush(
    ctx: BridgeContext, machine: Any, vm_session_id: int, active_role: str, peer_roles: PeerRoles
) -> tuple[Any, tuple[str, str] | None]:
    """The common start of a round: the input check, one machine step, the flush, the edge.

    A machine error becomes a ``BridgeFailure``; the edge is the active role's blocked
    receive from an external role (names as ``str``), or None.
    """
    check_round(ctx, machine, vm_session_id, active_role, peer_roles)
    try:
        step = machine.step_session(vm_session_id)
    except Exception as error:
        raise BridgeFailure(f"{active_role} VM step failed: {error}") from error
    pending_sends = machine.pending_sends(vm_session_id)  # a snapshot tuple
    if pending_sends:
        _flush(ctx, machine, vm_session_id, active_role, peer_roles, pending_sends)
    edge = machine.blocked_receive_edge(vm_session_id, active_role)
    if edge is None or (type(edge[0]) is str and type(edge[1]) is str):
        return step, edge
    return step, (str(edge[0]), str(edge[1]))


def _flush(
    ctx: BridgeContext,
    machine: Any,
    vm_session_id: int,
    active_role: str,
    peer_roles: PeerRoles,
    pending_sends: tuple[Any, ...],
) -> None:
    """Send each pending send in order; a failure stops here and keeps that send pending."""
    sender = ctx.self_role(active_role, peer_roles)
    for pending in pending_sends:
        peer = peer_roles.get(pending.to_role)
        if peer is None:
            raise BridgeFailure(f"missing peer mapping for VM send target role {pending.to_role}")
        try:
            _send_one(ctx, pending, sender, peer)
        except Exception as error:
            raise BridgeFailure(
                f"failed to bridge VM send {pending.from_role}->{pending.to_role}:"
                f"{pending.label}: {error}"
            ) from error
        machine.ack_pending_send(vm_session_id)


def _send_one(ctx: BridgeContext, pending: Any, sender: Any, peer: Any) -> None:
    network = ctx.network
    if network is None:
        raise ConnectionError(f"authority {ctx.effects.authority} has no network")
    payload = pending.payload
    if not (ctx.opaque and type(payload) is bytes):  # the seed's opaque bytes go as they are
        payload = ctx.codec.encode(pending.sort, payload)
    network.send(
        session_id=ctx.session_id,
        sender=sender,
        receiver=peer,
        from_role=pending.from_role,
        to_role=pending.to_role,
        label=pending.label,
        sort=pending.sort,
        payload=payload,
    )


def _no_message(from_role: str, to_role: str) -> TransportReceiveError:
    detail = f"no message from {from_role} yet"
    return TransportReceiveError(ReceiveErrorKind.NO_MESSAGE, from_role, to_role, detail)


def receive_now(
    ctx: BridgeContext, edge: tuple[str, str], active_role: str, peer_roles: PeerRoles
) -> BlockedVmReceive | TransportReceiveError | None:
    """Take the first envelope for ``edge`` now: the receive, the error, or None (no message yet).

    A task no longer bound to the session is ``CANCELLED``; an unmapped peer ``MISSING_PEER``.
    """
    from_role, to_role = edge
    if ctx.effects.current_session_id() != ctx.session_id:  # no longer bound: it ended
        detail = "binding changed while waiting for receive"
        return TransportReceiveError(ReceiveErrorKind.CANCELLED, from_role, to_role, detail)
    peer = peer_roles.get(from_role)
    if peer is None:
        detail = f"missing peer mapping for blocked VM edge {from_role}->{to_role}"
        return TransportReceiveError(ReceiveErrorKind.MISSING_PEER, from_role, to_role, detail)
    network = getattr(ctx.effects, "network", None)
    envelope = None
    if network is not None:
        if active_role in peer_roles:  # ``self_role``'s first case, inline
            receiver = peer_roles[active_role]
        else:
            receiver = ctx.self_role(active_role, peer_roles)
        try:
            envelope = network.take(ctx.effects.authority, ctx.session_id, peer, receiver)
        except Exception as error:  # a transport that raises: a typed receive error
            detail = f"transport receive raised {type(error).__name__}: {error}"
            return TransportReceiveError(
                ReceiveErrorKind.TRANSPORT_FAILED, from_role, to_role, detail
            )
    if envelope is None:
        return None
    return BlockedVmReceive(
        from_role=from_role,
        to_role=to_role,
        peer_role=peer,
        label=envelope.label,
        sort=envelope.sort,
        payload=envelope.payload,
    )


async def receive_async(
    ctx: BridgeContext,
    edge: tuple[str, str],
    active_role: str,
    peer_roles: PeerRoles,
    timeout: float,
) -> BlockedVmReceive | TransportReceiveError:
    """Like ``receive_now`` but wait on the transport up to ``timeout`` seconds for a message."""
    timeout = check_seconds("timeout", timeout)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        outcome = receive_now(ctx, edge, active_role, peer_roles)
        if outcome is not None:
            return outcome
        remaining = deadline - loop.time()
        network = ctx.network
        if remaining <= 0 or network is None:
            return _no_message(*edge)
        try:
            await network.wait_for_change(ctx.effects.authority, ctx.session_id, remaining)
        except Exception as error:  # a transport that raises while waiting
            detail = f"transport wait raised {type(error).__name__}: {error}"
            return TransportReceiveError(ReceiveErrorKind.TRANSPORT_FAILED, *edge, detail)


def classify_receive(
    outcome: BlockedVmReceive | TransportReceiveError | None,
    stop_on_receive_error: ReceiveErrorPredicate,
    active_role: str,
) -> tuple[BlockedVmReceive | None, VmHostWaitStatus]:
    """Map a receive outcome to the round's blocked receive and wait status (seed order)."""
    if outcome is None:
        return None, VmHostWaitStatus.IDLE
    if isinstance(outcome, BlockedVmReceive):
        return outcome, VmHostWaitStatus.DELIVERED
    if stop_on_receive_error(outcome):
        return None, VmHostWaitStatus.DEFERRED
    if outcome.kind is ReceiveErrorKind.CANCELLED:
        return None, VmHostWaitStatus.CANCELLED
    if outcome.kind is ReceiveErrorKind.NO_MESSAGE:
        return None, VmHostWaitStatus.TIMED_OUT
    raise BridgeFailure(f"{active_role} VM receive failed: {outcome.detail}")


def advance_round_sync(
    ctx: BridgeContext,
    machine: Any,
    vm_session_id: int,
    active_role: str,
    peer_roles: PeerRoles,
    stop_on_receive_error: ReceiveErrorPredicate = never_defer,
) -> VmBridgeRound:
    """One round with a receive that never waits."""
    step, edge = step_and_flush(ctx, machine, vm_session_id, active_role, peer_roles)
    if edge is None:
        status = _IDLE
    else:
        outcome = receive_now(ctx, edge, active_role, peer_roles)
        if outcome is None:
            outcome = ctx.no_message.get(edge)
            if outcome is None:
                outcome = ctx.no_message[edge] = _no_message(*edge)
        elif type(outcome) is BlockedVmReceive:
            return VmBridgeRound(step=step, blocked_receive=outcome, host_wait_status=_DELIVERED)
        _, status = classify_receive(outcome, stop_on_receive_error, active_role)
    made = _ROUNDS.get((step, status))  # the shared round of an outcome without a receive
    return made if made is not None else _share_round(step, status)


_IDLE = VmHostWaitStatus.IDLE
_DELIVERED = VmHostWaitStatus.DELIVERED


_ROUNDS: dict[tuple[Any, VmHostWaitStatus], VmBridgeRound] = {}


def _share_round(step: Any, status: VmHostWaitStatus) -> VmBridgeRound:
    """A new round without a receive, kept as the shared (immutable) one for a ``StepResult``."""
    made = VmBridgeRound(step=step, blocked_receive=None, host_wait_status=status)
    if isinstance(step, StepResult):
        _ROUNDS[(step, status)] = made
    return made


async def advance_round_waiting(
    ctx: BridgeContext,
    machine: Any,
    vm_session_id: int,
    active_role: str,
    peer_roles: PeerRoles,
    stop_on_receive_error: ReceiveErrorPredicate = never_defer,
    timeout: float = 5.0,
) -> VmBridgeRound:
    """One round whose receive waits on the transport (asyncio driver).

    A timeout that is not finite seconds in range is an ``InvalidNumber`` before the step.
    """
    timeout = check_seconds("timeout", timeout)
    step, edge = step_and_flush(ctx, machine, vm_session_id, active_role, peer_roles)
    outcome: BlockedVmReceive | TransportReceiveError | None = None
    if edge is not None:
        outcome = await receive_async(ctx, edge, active_role, peer_roles, timeout)
    blocked, status = classify_receive(outcome, stop_on_receive_error, active_role)
    return VmBridgeRound(step=step, blocked_receive=blocked, host_wait_status=status)
