"""Host effect handlers: synchronous callbacks that supply payloads and choices.

Invariants:
- a handler is asked for a payload only for a send whose sort is not unit;
- ``select_label`` returning ``None`` means "no preference": the machine takes the first
  offered label; a label it returns that is not offered is a ``ProtocolViolation``;
- any exception a callback raises is a handler failure: the machine faults the coroutine;
- ``QueuedHandler.received`` keeps the last ``RECEIVED_LIMIT`` receptions (1,000), and fewer
  when their ``bytes``/``str`` payloads add up to more than ``RECEIVED_BYTES`` (16 MiB; the
  newest stays), so a long run holds a bounded history.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar, cast

from aura_kit.bounded import DEFAULT_BYTE_BUDGET, BoundedHistory, sized_len
from aura_kit.machine.values import Payload, default_payload
from aura_kit.protocol.types import PayloadSort

Chooser = Callable[[int, str, str, tuple[str, ...]], "str | None"]
ReceiveHook = Callable[[int, str, str, str, Payload], None]
T = TypeVar("T")


class EffectHandler(Protocol):
    """What the machine asks the host during a tick."""

    def send_payload(
        self, session: int, role: str, to_role: str, label: str, sort: PayloadSort
    ) -> Payload:
        """Payload for a non-unit send of ``label`` from ``role`` to ``to_role``."""
        ...

    def select_label(
        self, session: int, role: str, to_role: str, offered: tuple[str, ...]
    ) -> str | None:
        """Label for a select among ``offered`` (``None``: the first offered).

        ``to_role`` is the partner of every offered label, or ``""`` for a non-directed
        select, whose labels go to different partners (each label to its own).
        """
        ...

    def on_receive(
        self, session: int, role: str, from_role: str, label: str, payload: Payload
    ) -> None:
        """Called when ``role`` receives ``label`` from ``from_role``."""
        ...


class QueuedHandler:
    """Payloads and choice labels fed in order by the host (the seed's queued bridge handler).

    ``fallback=True`` answers a payload request on an empty queue with the sort's default
    value (None, False, 0, "", b""); otherwise an empty queue is a handler failure.
    """

    __slots__ = ("_choices", "_choose", "_fallback", "_hook", "_payloads", "_total", "received")
    RECEIVED_LIMIT = 1_000
    RECEIVED_BYTES = DEFAULT_BYTE_BUDGET

    def __init__(
        self,
        payloads: Iterable[Payload] = (),
        choices: Iterable[str] = (),
        *,
        choose: Chooser | None = None,
        on_receive: ReceiveHook | None = None,
        fallback: bool = False,
    ) -> None:
        # a queue is made on first use: thousands of sessions each hold a handler
        self._payloads: deque[Payload] | None = _queue(payloads)
        self._choices: deque[str] | None = _queue(choices)
        self._choose = choose
        self._hook = on_receive
        self._fallback = fallback
        self.received: BoundedHistory[tuple[str, str, str, Payload]] = BoundedHistory(
            self.RECEIVED_LIMIT, self.RECEIVED_BYTES
        )
        self._total = 0  # receptions ever, so a restore drops the right ones

    def push_send(self, value: Payload) -> None:
        """Queue the payload of the next non-unit send."""
        if self._payloads is None:
            self._payloads = deque()
        self._payloads.append(value)

    def push_choice(self, label: str) -> None:
        """Queue the label of the next select."""
        if self._choices is None:
            self._choices = deque()
        self._choices.append(label)

    @property
    def queued_payloads(self) -> tuple[Payload, ...]:
        """Payloads not used yet, oldest first."""
        return tuple(self._payloads or ())

    @property
    def queued_choices(self) -> tuple[str, ...]:
        """Choice labels not used yet, oldest first."""
        return tuple(self._choices or ())

    def send_payload(
        self, session: int, role: str, to_role: str, label: str, sort: PayloadSort
    ) -> Payload:
        """Next queued payload (or the sort's default with ``fallback``)."""
        if self._payloads:
            return self._payloads.popleft()
        if self._fallback:
            return default_payload(sort)
        raise LookupError(f"no queued payload for {role}->{to_role}:{label}({sort})")

    def select_label(
        self, session: int, role: str, to_role: str, offered: tuple[str, ...]
    ) -> str | None:
        """Next queued choice, else the ``choose`` callback, else ``None``."""
        if self._choices:
            return self._choices.popleft()
        if self._choose is not None:
            return self._choose(session, role, to_role, offered)
        return None

    def on_receive(
        self, session: int, role: str, from_role: str, label: str, payload: Payload
    ) -> None:
        """Record the message and call the hook, if any."""
        self.received.append((role, from_role, label, payload), sized_len(payload))
        self._total += 1
        if self._hook is not None:
            self._hook(session, role, from_role, label, payload)

    def snapshot_state(self) -> object:
        """Opaque copy of the queues (used by ``ProtocolMachine.snapshot``)."""
        return (self.queued_payloads, self.queued_choices, self._total)

    def restore_state(self, state: object) -> None:
        """Put back what ``snapshot_state`` returned."""
        payloads, choices, n_received = cast(
            tuple[tuple[Payload, ...], tuple[str, ...], int], state
        )
        self._payloads = _queue(payloads)
        self._choices = _queue(choices)
        for _ in range(min(self._total - n_received, len(self.received))):
            self.received.pop()
        self._total = n_received


class DefaultHandler:
    """Stateless handler used when ``load`` gets none: default payloads, first label."""

    __slots__ = ()

    def send_payload(
        self, session: int, role: str, to_role: str, label: str, sort: PayloadSort
    ) -> Payload:
        """The sort's default value (None, False, 0, "", b"")."""
        return default_payload(sort)

    def select_label(
        self, session: int, role: str, to_role: str, offered: tuple[str, ...]
    ) -> str | None:
        """No preference: the machine takes the first offered label."""
        return None

    def on_receive(
        self, session: int, role: str, from_role: str, label: str, payload: Payload
    ) -> None:
        """Nothing to do."""


DEFAULT_HANDLER = DefaultHandler()


def _queue(items: Iterable[T]) -> deque[T] | None:
    queue = deque(items)
    return queue or None
