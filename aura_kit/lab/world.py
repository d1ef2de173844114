"""A small world of authorities running one protocol session: for cells, widgets, scenarios.

Invariants:
- each authority has its own ``EffectSystem`` on one shared ``Network`` and plays exactly
  one role of the session, through one ``OwnedVmSession`` opened in its own ``HostTask``;
- every call into a session runs inside that role's ``HostTask``, so any cell or callback
  acts as the same task;
- ``step_all`` gives every open, unfinished role one round, in protocol role order, and
  counts one pass; a round whose receive has nothing yet is ``DEFERRED``, handled as
  ``CONTINUE``, and the role is simply visited again later;
- with ``demo_payloads`` a round first queues a demo payload when the role's next send needs
  one and none is queued (see ``demo_payloads``); with ``stuck_is_error=False`` a round that
  ends stuck with nothing to receive (a faulted role) is reported instead of raising;
- ``history`` records every owner change (open, transfer, attenuate, close, cancel) with
  the world's round counter, label, generation and scope, after it succeeded (a refused close
  or a cancel of an inactive session adds nothing); every owner handle a transfer or
  attenuation superseded is kept in ``stale`` (it must be refused from then on);
- memory is bounded however long a world runs: ``rounds``, ``history``, each role's ``stale``
  and the timeline keep their newest ``ROUNDS_LIMIT``, ``HISTORY_LIMIT``, ``STALE_LIMIT`` and
  ``Timeline.LIMIT`` entries (class attributes; counters such as ``clock`` count them all);
- ``attack`` is the one way the lab presents a wrong handle, boundary or task (see
  ``aura_kit.lab.attacks``); it changes no ownership state and returns an ``AttackResult``;
- ``timeline`` takes every event of every authority once, in the order the world made them
  (collected after each call above); ``run_timeline()`` is its frozen snapshot.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from aura_kit.arguments import check_type
from aura_kit.errors import AuraKitError
from aura_kit.numbers import check_count
from aura_kit.ownership import (
    ChoreographicRole,
    CompositionManifest,
    LinkBoundary,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
)
from aura_kit.protocol.projection import projections
from aura_kit.protocol.types import Protocol
from aura_kit.runtime import (
    EffectSystem,
    HostTask,
    Network,
    OwnedVmSession,
    VmRoundDisposition,
    handle_owned_vm_round,
    is_transport_no_message,
    open_owned_manifest_vm_session_admitted,
)
from aura_kit.runtime.codec import DEFAULT_CODEC, Codec
from aura_kit.runtime.errors import PayloadCodecError

from .attacks import (
    INTRUDER_TASK,
    AttackKind,
    AttackResult,
    NoStaleHandle,
    foreign_boundary,
    forge,
    present,
)
from .demo_payloads import queue_demo_payload
from .timeline import RunTimeline, Timeline
from .world_records import (
    HistoryEntry,
    RoundOutcome,
    needs_handling,
    payload_bytes,
    registry_snapshot,
)

MAX_RUN_PASSES = 1_000_000  # ``World.run``'s bound on passes; a soak runs a million


class RunStalled(AuraKitError, RuntimeError):
    """``World.run`` stopped before every role completed; ``waiting`` names the roles left."""

    def __init__(self, message: str, waiting: tuple[str, ...]) -> None:
        super().__init__(message)
        self.waiting = waiting


class World:
    """Authorities, their effect systems and owned sessions for one protocol session."""

    ROUNDS_LIMIT = 10_000  # ``rounds`` keeps the newest outcomes; ``clock`` counts them all
    HISTORY_LIMIT = 10_000  # ``history`` keeps the newest owner changes
    STALE_LIMIT = 1_000  # ``stale`` keeps each role's newest superseded handles

    def __init__(
        self,
        protocol: Protocol,
        authorities: Mapping[str, str],
        *,
        manifest: CompositionManifest | None = None,
        session_id: SessionId | uuid.UUID | str | None = None,
        policy: OwnershipPolicy | str = OwnershipPolicy(),  # noqa: B008 - frozen value
        codec: Codec = DEFAULT_CODEC,
        demo_payloads: bool = False,
        stuck_is_error: bool = True,
    ) -> None:
        check_type("World protocol", protocol, Protocol, "a Protocol")
        check_type("World authorities", authorities, Mapping, "a mapping of authority to role")
        self.protocol = protocol
        self.authority_of = {role: authority for authority, role in authorities.items()}
        missing = [r for r in protocol.roles if r not in self.authority_of]
        if missing or len(self.authority_of) != len(authorities):
            raise ValueError(f"authorities must play each role once; unplayed roles: {missing}")
        self.manifest = manifest or CompositionManifest.for_protocol(protocol, protocol.name)
        self.session_id = SessionId.coerce(session_id) if session_id else SessionId.new()
        self.codec = codec
        self.demo_payloads = demo_payloads
        self.stuck_is_error = stuck_is_error
        self.network = Network()
        self.systems = {
            a: EffectSystem(a, network=self.network, policy=policy) for a in authorities
        }
        self.peer_roles = {
            role: ChoreographicRole(self.authority_of[role], index)
            for index, role in enumerate(protocol.roles)
        }
        cached = projections(protocol.global_type)  # shared with every open's admission
        self.local_types = {role: cached.project(role) for role in protocol.roles}
        self.sessions: dict[str, OwnedVmSession] = {}
        self.complete: set[str] = set()
        self.history: deque[HistoryEntry] = deque(maxlen=self.HISTORY_LIMIT)  # the newest
        self.stale: dict[str, deque[RuntimeSessionOwner]] = {}
        self.rounds: deque[RoundOutcome] = deque(maxlen=self.ROUNDS_LIMIT)  # the newest
        self.clock = 0
        self.passes = 0
        self.timeline = Timeline()

    # -- lookup ---------------------------------------------------------------------------
    def effects(self, role: str) -> EffectSystem:
        """The effect system of the authority that plays ``role``."""
        return self.systems[self.authority_of[role]]

    def task(self, role: str) -> HostTask:
        """The host task every call for ``role`` runs in."""
        return self.effects(role).task(f"{role}@{self.session_id}")

    def session(self, role: str) -> OwnedVmSession:
        """The open session of ``role``."""
        return self.sessions[role]

    @property
    def roles(self) -> tuple[str, ...]:
        """Roles in protocol order."""
        return tuple(self.protocol.roles)

    # -- lifecycle ------------------------------------------------------------------------
    def open(self, role: str, owner_label: str | None = None) -> OwnedVmSession:
        """Open ``role``'s owned session at its authority (label: ``role@authority``; under
        the seed's ``owner_label`` switch, the seed's fixed runtime line)."""
        label: str | None = owner_label or f"{role}@{self.authority_of[role]}"
        if owner_label is None and self.effects(role).policy.owner_label == "seed":
            label = None  # the seed's open takes no label: it always uses its own call site
        with self.task(role):
            session = open_owned_manifest_vm_session_admitted(
                self.effects(role),
                self.session_id,
                tuple(self.peer_roles.values()),
                self.manifest,
                role,
                self.protocol.global_type,
                self.local_types,
                codec=self.codec,
                owner_label=label,
            )
        self.sessions[role] = session
        self._record(role, "open")
        return session

    def open_all(self) -> None:
        """Open every role's session, in protocol order."""
        for role in self.roles:
            self.open(role)

    def queue(
        self, role: str, payloads: Iterable[object] = (), choices: Iterable[str] = ()
    ) -> None:
        """Queue payload values (JSON or bytes) and choice labels for ``role``."""
        session = self.sessions[role]
        with self.task(role):
            for value in payloads:
                session.queue_send_bytes(payload_bytes(value))
            for label in choices:
                session.queue_choice_label(label)
        self.timeline.collect(self)

    def close(self, role: str) -> None:
        """Close ``role``'s session (needs the full-session owner)."""
        with self.task(role):
            self.sessions[role].close()
        self._record(role, "close")  # only after the close succeeded

    def close_all(self) -> None:
        """Close every session still active."""
        for role in self.roles:
            if role in self.sessions and self.is_active(role):
                self.close(role)

    def cancel(self, role: str) -> None:
        """Operator cancel of the session at ``role``'s authority (recorded if it was active)."""
        if self.effects(role).cancel_session(self.session_id) and role in self.sessions:
            self._record(role, "cancel")
        self.timeline.collect(self)

    def is_active(self, role: str) -> bool:
        """Whether ``role``'s authority still has the session."""
        return self.effects(role).is_active(self.session_id)

    # -- ownership ------------------------------------------------------------------------
    def transfer(self, role: str, next_label: str, scope: Scope | None = None) -> None:
        """Transfer ``role``'s owner to ``next_label`` (default: keep the current scope)."""
        session = self.sessions[role]
        current = session.owner().capability.scope
        next_scope = current if scope is None else scope
        boundary = session.routing_boundary() if next_scope == current else None
        self._move(role, next_label, boundary or LinkBoundary.for_scope(next_scope), "transfer")

    def attenuate(self, role: str, keys: Iterable[str] | None = None) -> None:
        """Narrow ``role``'s owner to ``fragments(keys)`` (default: the manifest's keys)."""
        session = self.sessions[role]
        scope = Scope.fragments(self.manifest.fragment_keys() if keys is None else keys)
        boundary = LinkBoundary.for_scope(scope)
        self._move(role, session.owner().owner_label, boundary, "attenuate")

    def _move(self, role: str, label: str, boundary: LinkBoundary, action: str) -> None:
        session = self.sessions[role]
        old = session.owner()
        with self.task(role):
            session.transfer_owner_in_place(label, boundary)
        self.stale.setdefault(role, deque(maxlen=self.STALE_LIMIT)).append(old)
        self._record(role, action)

    def _record(self, role: str, action: str) -> None:
        change = self.effects(role).owner_history(self.session_id)[-1]
        entry = HistoryEntry(
            round=self.clock,
            authority=self.authority_of[role],
            role=role,
            action=action,
            change=change,
        )
        self.history.append(entry)
        self.timeline.collect(self)

    def owners(self) -> dict[str, tuple[str, int, str]]:
        """``role -> (owner label, generation, scope)`` of every open session handle."""
        out = {}
        for role, session in self.sessions.items():
            o = session.owner()
            out[role] = (o.owner_label, o.capability.generation, o.capability.scope.canonical())
        return out

    def stale_handles(self) -> dict[str, RuntimeSessionOwner]:
        """Every superseded owner handle, named ``role@label#generation``, in role order."""
        return {
            f"{role}@{o.owner_label}#{o.capability.generation}": o
            for role in self.roles
            for o in self.stale.get(role, ())
        }

    # -- attacks --------------------------------------------------------------------------
    def attack(
        self,
        role: str,
        kind: AttackKind | str,
        *,
        handle: RuntimeSessionOwner | None = None,
        keys: Iterable[str] | None = None,
    ) -> AttackResult:
        """Attack ``role``'s session; the result holds the refusal (None when let in).

        ``handle`` is the stale handle to present (default: the one superseded last; a role
        with none is ``NoStaleHandle``); ``keys`` are a wrong boundary's fragment keys
        (default: the intruder's bundle).
        """
        kind = AttackKind(kind)
        session = self.sessions[role]
        owner, task = session.owner(), self.task(role)
        boundary: LinkBoundary | None = session.routing_boundary()
        if kind is AttackKind.STALE_HANDLE:
            owner = self._last_stale(role) if handle is None else handle
        elif kind is AttackKind.FORGED_CAPABILITY:
            owner = forge(owner)
        elif kind is AttackKind.WRONG_BOUNDARY:
            boundary = foreign_boundary(None if keys is None else tuple(keys))
        elif kind is AttackKind.WRONG_TASK:
            task = self.effects(role).task(INTRUDER_TASK)
        else:
            boundary = None
        result = present(self.effects(role), task, kind, role, owner, boundary)
        self.timeline.collect(self)
        return result

    def _last_stale(self, role: str) -> RuntimeSessionOwner:
        stale = self.stale.get(role)
        if not stale:
            raise NoStaleHandle(role)
        return stale[-1]

    # -- rounds ---------------------------------------------------------------------------
    def round(self, role: str) -> RoundOutcome:
        """One sync round for ``role``, handled; a receive with nothing yet is DEFERRED."""
        session = self.sessions[role]
        self.clock += 1
        with self.task(role):
            if self.demo_payloads:
                queue_demo_payload(session, role, self.codec)
            try:
                result = session.advance_round_until_receive(
                    role, self.peer_roles, is_transport_no_message
                )
            finally:
                self.timeline.collect(self)  # a round that fails still made its events
            return self._handle(role, session, result)

    def _handle(self, role: str, session: OwnedVmSession, result: Any) -> RoundOutcome:
        status = result.host_wait_status
        disposition = None
        if needs_handling(result, self.stuck_is_error):
            disposition = handle_owned_vm_round(session, result, f"{role} VM")
        if disposition is VmRoundDisposition.COMPLETE:
            self.complete.add(role)
        received = result.blocked_receive.label if result.blocked_receive else None
        progressed = received is not None or result.step.value == "continue"
        outcome = RoundOutcome(
            round=self.clock,
            authority=self.authority_of[role],
            role=role,
            step_result=result.step.value,
            wait_status=status,
            disposition=disposition,
            received=received,
            progressed=progressed or disposition is VmRoundDisposition.COMPLETE,
        )
        self.rounds.append(outcome)
        self.timeline.collect(self)
        return outcome

    def round_strict(self, role: str) -> RoundOutcome:
        """One sync round with ``advance_round``: a receive with nothing yet is TIMED_OUT."""
        session = self.sessions[role]
        self.clock += 1
        with self.task(role):
            return self._handle(role, session, session.advance_round(role, self.peer_roles))

    async def round_async(self, role: str, timeout: float = 5.0) -> RoundOutcome:
        """One asyncio round: the receive waits on the transport up to ``timeout``."""
        session = self.sessions[role]
        self.clock += 1
        with self.task(role):
            result = await session.advance_round_async(role, self.peer_roles, timeout)
            return self._handle(role, session, result)

    def step_all(self) -> list[RoundOutcome]:
        """One pass: a round for every open, unfinished role, in protocol order."""
        self.passes += 1
        return [self.round(r) for r in self.roles if r in self.sessions and r not in self.complete]

    def done(self) -> bool:
        """Whether every opened role has completed."""
        return bool(self.sessions) and set(self.sessions) <= self.complete

    def run(self, max_passes: int = 1000) -> list[RoundOutcome]:
        """``step_all`` until every role completes; a pass with no progress is an error."""
        check_count("World.run max_passes", max_passes, minimum=1, maximum=MAX_RUN_PASSES)
        outcomes: list[RoundOutcome] = []
        for _ in range(max_passes):
            if self.done():
                return outcomes
            batch = self.step_all()
            outcomes.extend(batch)
            if not any(o.progressed for o in batch):
                waiting = tuple(o.role for o in batch)
                raise RunStalled(
                    f"no role made progress in a full pass; waiting: {list(waiting)}", waiting
                )
        waiting = tuple(r for r in self.roles if r in self.sessions and r not in self.complete)
        raise RunStalled(f"protocol did not complete within {max_passes} passes", waiting)

    async def run_async(self, timeout: float = 5.0) -> None:
        """Run every open role as its own asyncio task until all complete."""
        roles = [r for r in self.roles if r in self.sessions and r not in self.complete]
        async with asyncio.TaskGroup() as group:
            for role in roles:
                group.create_task(self._drive(role, timeout), name=f"{role}-driver")

    async def _drive(self, role: str, timeout: float) -> None:
        while role not in self.complete:
            await self.round_async(role, timeout)
            await asyncio.sleep(0)

    # -- what happened --------------------------------------------------------------------
    def messages(self) -> list[tuple[str, str, str, object]]:
        """``(from, to, label, payload value)`` for every envelope sent, in order (the raw
        bytes for a payload that is not its sort, which only the seed's opaque payloads send)."""
        return [(e.from_role, e.to_role, e.label, self._value(e)) for e in self.network.history]

    def _value(self, envelope: Any) -> object:
        try:
            return self.codec.decode(envelope.sort, envelope.payload)
        except PayloadCodecError:
            return envelope.payload

    def run_timeline(self) -> RunTimeline:
        """Every event of every authority so far, in order (a notebook draws it as one
        sequence diagram of the run)."""
        self.timeline.collect(self)  # anything done to the sessions directly since
        return self.timeline.snapshot(self)

    def registry_snapshot(self) -> dict[str, Any]:
        """Owner records, generations, fragments and bindings of every authority."""
        return registry_snapshot(self.systems, self.session_id)
