"""In-memory host transport joining several ``EffectSystem`` authorities.

Invariants:
- an envelope is addressed to a ``ChoreographicRole`` (authority + role index) and lands
  in the receiving authority's inbox for its session; inboxes are FIFO;
- an envelope for a session that has not started at the receiver is kept until it does;
  one for a session that already ended there (generation > 0, not active) raises
  ``TransportSendError`` and stores nothing, so no inbox outlives its session;
- a receive takes the *first* envelope of that session from the expected peer (and to the
  expected role when that is known) and leaves every other envelope in order;
- sending to an authority that is not on the network raises ``TransportSendError`` and
  stores nothing;
- when a session ends or is cancelled at an attached authority, however it was started, its
  inbox there is dropped and every waiter on it is woken (it then sees the session gone:
  ``CANCELLED``); ``attach`` registers that hook once per system (``watch_session`` does it
  per session for members without ``on_any_session_end``);
- ``history`` holds the last ``history_limit`` accepted envelopes in send order (default
  ``DEFAULT_HISTORY_LIMIT``, 1,000), and fewer when their payloads add up to more than
  ``byte_budget`` (default 16 MiB; the newest stays); ``sent_count`` counts every accepted
  envelope however many were dropped.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from aura_kit.bounded import DEFAULT_BYTE_BUDGET, BoundedHistory
from aura_kit.numbers import check_count, check_seconds
from aura_kit.protocol.types import PayloadSort, as_sort

from .errors import TransportSendError


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """One message on the wire: routing, label, payload sort and bytes."""

    seq: int
    session_id: Any
    sender: Any
    receiver: Any
    from_role: str
    to_role: str
    label: str
    sort: PayloadSort
    payload: bytes


def _authority_of(role: Any) -> Hashable:
    authority: Hashable = role.authority
    return authority


class Network:
    """Joins authorities; per-(authority, session) FIFO inboxes; async waiting."""

    DEFAULT_HISTORY_LIMIT = 1_000

    def __init__(self, history_limit: int | None = None, byte_budget: int | None = None) -> None:
        limit = self.DEFAULT_HISTORY_LIMIT if history_limit is None else history_limit
        check_count("Network history_limit", limit, minimum=0)
        budget = DEFAULT_BYTE_BUDGET if byte_budget is None else byte_budget
        check_count("Network byte_budget", budget, minimum=0)
        self._systems: dict[Hashable, Any] = {}
        self._inboxes: dict[tuple[Hashable, Any], deque[Envelope]] = {}
        self._waiters: dict[tuple[Hashable, Any], set[asyncio.Event]] = {}
        self._watched: set[tuple[Hashable, Any]] = set()
        self._seq = itertools.count(1)
        self.history: BoundedHistory[Envelope] = BoundedHistory(limit, budget)
        self.sent_count = 0

    # -- membership -------------------------------------------------------------------
    def attach(self, effects: Any) -> None:
        """Put an effect system on the network under its authority (idempotent)."""
        authority = effects.authority
        current = self._systems.get(authority)
        if current is effects:
            return
        if current is not None:
            raise TransportSendError(authority, "authority already attached")
        self._systems[authority] = effects
        listen = getattr(effects, "on_any_session_end", None)
        if listen is not None:  # every end or cancel there drops that session's inbox here
            listen(functools.partial(self.drop_session, authority))

    def authorities(self) -> tuple[Hashable, ...]:
        """Attached authorities in attachment order."""
        return tuple(self._systems)

    def effects_for(self, authority: Hashable) -> Any:
        """The effect system attached for ``authority``."""
        return self._systems[authority]

    def watch_session(self, effects: Any, session_id: Any) -> None:
        """Drop the inbox of ``session_id`` at ``effects`` when that session ends there.

        Only needed for members without ``on_any_session_end`` (an ``EffectSystem`` has it,
        so ``attach`` already covers every one of its sessions).
        """
        key = (effects.authority, session_id)
        if key in self._watched:
            return
        self._watched.add(key)

        def _ended(*_args: object) -> None:
            self._watched.discard(key)
            self.drop_session(effects.authority, session_id)

        effects.on_session_end(session_id, _ended)

    # -- sending and receiving -----------------------------------------------------------
    def send(
        self,
        *,
        session_id: Any,
        sender: Any,
        receiver: Any,
        from_role: str,
        to_role: str,
        label: str,
        sort: PayloadSort,
        payload: bytes,
    ) -> Envelope:
        """Queue one envelope in the receiver's inbox for ``session_id``."""
        authority = _authority_of(receiver)
        system = self._systems.get(authority)
        if system is None:
            raise TransportSendError(authority, "not attached to this network")
        if not system.is_active(session_id) and system.generation(session_id) > 0:
            raise TransportSendError(authority, f"session {session_id} already ended there")
        envelope = Envelope(
            seq=next(self._seq),
            session_id=session_id,
            sender=sender,
            receiver=receiver,
            from_role=from_role,
            to_role=to_role,
            label=label,
            sort=as_sort(sort),
            payload=bytes(payload),
        )
        self._inboxes.setdefault((authority, session_id), deque()).append(envelope)
        self.history.append(envelope, len(envelope.payload))
        self.sent_count += 1
        self._wake((authority, session_id))
        return envelope

    def take(
        self, authority: Hashable, session_id: Any, sender: Any, receiver: Any = None
    ) -> Envelope | None:
        """Remove and return the first envelope from ``sender`` (to ``receiver`` if given)."""
        inbox = self._inboxes.get((authority, session_id))
        if not inbox:
            return None
        for index, envelope in enumerate(inbox):
            if envelope.sender == sender and receiver in (None, envelope.receiver):
                del inbox[index]
                return envelope
        return None

    def has_mail(self, authority: Hashable, session_id: Any) -> bool:
        """Whether any envelope waits at ``authority`` for ``session_id`` (no copy made)."""
        return bool(self._inboxes.get((authority, session_id)))

    def inbox(self, authority: Hashable, session_id: Any) -> tuple[Envelope, ...]:
        """The envelopes waiting at ``authority`` for ``session_id``, oldest first."""
        return tuple(self._inboxes.get((authority, session_id), ()))

    def drop_session(self, authority: Hashable, session_id: Any) -> int:
        """Forget the inbox of an ended session and wake its waiters; returns envelopes lost."""
        dropped = self._inboxes.pop((authority, session_id), deque())
        self._wake((authority, session_id))
        return len(dropped)

    # -- waiting (asyncio driver) ----------------------------------------------------------
    async def wait_for_change(self, authority: Hashable, session_id: Any, timeout: float) -> bool:
        """Wait until something arrives or the session is dropped; False on timeout."""
        timeout = check_seconds("timeout", timeout)
        key = (authority, session_id)
        event = asyncio.Event()
        self._waiters.setdefault(key, set()).add(event)
        try:
            await asyncio.wait_for(event.wait(), timeout=timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiters = self._waiters.get(key)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    del self._waiters[key]

    def waiting(self, authority: Hashable, session_id: Any) -> bool:
        """Whether some receive is waiting on that inbox right now."""
        return bool(self._waiters.get((authority, session_id)))

    def _wake(self, key: tuple[Hashable, Any]) -> None:
        for event in tuple(self._waiters.get(key, ())):
            event.set()
