"""Values that cross the host bridge between an owned VM session and its transport.

Invariants:
- a ``VmBridgeRound`` is the whole outcome of one round: the machine's step result, at
  most one ``BlockedVmReceive`` (taken from the transport, not yet injected) and how the
  host wait ended (``VmHostWaitStatus``);
- a round carries a blocked receive exactly when its wait status is ``DELIVERED``;
- scheduler pressure signals are basis points, always within ``0..=10000``; contention
  events are never negative; every signal is an int (never a bool, float or string).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aura_kit.machine.handler import QueuedHandler
from aura_kit.protocol.types import Sort

from .codec import Codec
from .errors import SchedulerSignalsError, TransportReceiveError

MAX_BPS = 10_000
MAX_VM_BRIDGE_PAYLOAD_BYTES = 1024 * 1024


class VmHostWaitStatus(StrEnum):
    """How the host's wait for a blocked receive ended in one round."""

    IDLE = "idle"
    DELIVERED = "delivered"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    DEFERRED = "deferred"


class VmRoundDisposition(StrEnum):
    """What a handled round means for the caller's loop."""

    CONTINUE = "continue"
    COMPLETE = "complete"


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockedVmReceive:
    """A message taken from the transport for the active role's blocked receive edge."""

    from_role: str
    to_role: str
    peer_role: Any
    label: str
    sort: Sort
    payload: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class VmBridgeRound:
    """The outcome of one ``advance_round``."""

    step: Any
    blocked_receive: BlockedVmReceive | None
    host_wait_status: VmHostWaitStatus


def _clamp(field: str, value: object, high: int | None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SchedulerSignalsError(field, value)
    low_clamped = max(0, value)
    return low_clamped if high is None else min(high, low_clamped)


@dataclass(frozen=True, slots=True, kw_only=True)
class SchedulerSignals:
    """Host pressure and contention signals for one VM session (the seed's names).

    Construction clamps: pressures to ``0..=10000`` basis points, contention to ``>= 0``;
    a value that is not an int (a bool, float or string) raises ``SchedulerSignalsError``.
    """

    guard_contention_events: int = 0
    flow_budget_pressure_bps: int = 0
    leakage_budget_pressure_bps: int = 0

    def __post_init__(self) -> None:
        for field, high in (
            ("guard_contention_events", None),
            ("flow_budget_pressure_bps", MAX_BPS),
            ("leakage_budget_pressure_bps", MAX_BPS),
        ):
            object.__setattr__(self, field, _clamp(field, getattr(self, field), high))

    def normalized(self) -> SchedulerSignals:
        """The same signals (construction already clamps); kept for the seed's name."""
        return self


ReceiveErrorPredicate = Callable[[TransportReceiveError], bool]


def is_transport_no_message(error: TransportReceiveError) -> bool:
    """The usual predicate: defer a round when the peer has not sent yet."""
    return error.is_no_message


def never_defer(error: TransportReceiveError) -> bool:
    """A predicate that defers nothing (``advance_round`` semantics)."""
    return False


class QueuedBridgeHandler(QueuedHandler):
    """The seed's queued bridge handler: payloads are queued as bytes and decoded per sort
    (with ``opaque=True``, as the seed does, sent as the bytes they are).

    A queued payload is decoded by the codec for the sort of the send that takes it
    (``bytes`` as is); a payload that does not decode is a handler failure, so the machine
    faults the coroutine and the round fails with the codec's message.
    """

    __slots__ = ("_codec", "opaque", "scheduler_signals")

    def __init__(
        self,
        codec: Codec,
        scheduler_signals: SchedulerSignals | None = None,
        *,
        opaque: bool = False,
    ) -> None:
        super().__init__()
        self._codec = codec
        self.scheduler_signals = scheduler_signals or SchedulerSignals()
        self.opaque = opaque  # the seed's payloads: queued bytes are sent as they are

    def push_send_bytes(self, payload: bytes) -> None:
        """Queue the bytes of the next non-unit send."""
        self.push_send(bytes(payload))

    def push_choice_label(self, label: str) -> None:
        """Queue the label of the next select."""
        self.push_choice(label)

    def send_payload(self, session: int, role: str, to_role: str, label: str, sort: Sort) -> Any:
        """Next queued bytes, decoded for ``sort``."""
        raw = super().send_payload(session, role, to_role, label, sort)
        if not isinstance(raw, bytes) or self.opaque:
            return raw
        return self._codec.decode(sort, raw)
