"""``EffectSystem``: one per authority; task binding, owner records, fragments, events.

Invariants:
- each execution context (see ``tasks``) is bound to at most one active session; a start
  binds the caller's context; an end or cancel unbinds every context bound to the session,
  then runs every ``on_any_session_end`` listener (an attached network drops the session's
  inbox there) and the session's own ``on_session_end`` callbacks; an end is all or nothing:
  once the record is gone it never raises (a failing callback is a warning on
  ``session.ended``);
- a session is active exactly while it has an owner record;
- every check runs in this order: binding (``MissingTaskBinding``, ``SessionBindingMismatch``),
  owner (``MissingOwner``, ``StaleOwner``, ``CapabilityRejected`` for another session, for an
  old generation or scope, for a bad tag), then scope; checks change nothing;
- generations are per session id, never reset or reused; each start and transfer bumps them;
- a transfer checks binding then owner, moves every fragment of the session with the owner,
  atomically, or changes nothing; under the ``narrow`` policy it may not widen the scope;
- as in the seed, a binding or owner-check failure raises without an event; only a refused
  registry transfer (``OwnerTransferError``: bad label or scope, widening, a foreign
  fragment) logs ``owner.transfer_rejected``;
- fragments are claimed and released only for the session bound to the current context,
  all or none;
- registry refusals become the seed's ``SessionIngressError`` variants in one place
  (``ingress_error``);
- all state sits behind one lock; events are emitted after it is released;
- a passed boundary check is remembered per context (the very same owner and boundary
  objects) in a private dict of this system, written only right after the full check
  (binding, owner with tag, scope) passed under the lock; nothing outside writes it (a
  context object carries no memo); every change clears it first, under the lock, before it
  changes anything, so a repeat check that hits the memo is one that would pass now (the
  per-round fast path);
- a plain thread's memo (no entered handle, no running loop) sits in this system's private
  ``threading.local`` (dies with its thread, so a reused thread id never inherits it) and
  carries the memo epoch it was written in; clearing the memos bumps that epoch, so a
  thread's memo hits only while no change has started since it was written.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable, Hashable, Iterable
from threading import current_thread
from typing import Any

from aura_kit._display import Displayable
from aura_kit.ownership import (
    CapabilitySigner,
    ChoreographicRole,
    CompositionManifest,
    FragmentError,
    FragmentId,
    FragmentRecord,
    FragmentRegistry,
    LinkBoundary,
    OwnerChange,
    OwnerHistory,
    OwnerRecord,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
    SessionOwnershipError,
    SessionOwnershipErrorKind,
    SessionRegistry,
)

from . import events as ev
from .errors import (
    BoundaryScopeRejected,
    CapabilityRejected,
    FullSessionCapabilityRequired,
    InvalidIngressRouting,
    MissingOwner,
    MissingTaskBinding,
    OwnerTransferError,
    SessionBindingMismatch,
    SessionIngressError,
    SessionStartError,
    SessionStartFailureReason,
    StaleOwner,
)
from .tasks import (
    ENTERED_TASKS,
    HostTask,
    current_context,
    describe_context,
    running_loop,
)

SessionEndCallback = Callable[[SessionId], object]
Reason = SessionStartFailureReason


class ThreadMemo(threading.local):
    """Per-thread slot for an effect system's private memo: ``(epoch, owner, boundary)``."""

    memo: tuple[int, object, object] = (-1, None, None)


class EffectSystem(Displayable):
    """The owned-session registries of one authority (all methods are synchronous)."""

    def __init__(
        self,
        authority: str,
        *,
        network: Any = None,
        policy: OwnershipPolicy = OwnershipPolicy(),  # noqa: B008 - frozen value
    ) -> None:
        self.authority = authority
        self.policy = policy
        self.network = network
        self.event_log = ev.EventLog(authority=str(authority))
        self._lock = threading.RLock()
        self._sessions = SessionRegistry(CapabilitySigner(secrets.token_bytes(32)))
        self._fragments = FragmentRegistry()
        self._history = OwnerHistory()
        self._bindings: dict[Hashable, SessionId] = {}
        self._roles: dict[SessionId, tuple[ChoreographicRole, ...]] = {}
        self._end_callbacks: dict[SessionId, list[SessionEndCallback]] = {}
        self._end_listeners: list[SessionEndCallback] = []
        self._tasks: dict[str, HostTask] = {}
        self._passed: dict[Hashable, tuple[RuntimeSessionOwner, LinkBoundary]] = {}
        self._thread_passed = ThreadMemo()
        self._memo_epoch = 0
        if network is not None and hasattr(network, "attach"):
            network.attach(self)

    def __repr__(self) -> str:
        return f"EffectSystem({self.authority!r}, active={len(self._sessions.active())})"

    # -- contexts -------------------------------------------------------------------------
    def task(self, name: str) -> HostTask:
        """The re-enterable handle named ``name`` (the same object on every call)."""
        with self._lock:
            handle = self._tasks.get(name)
            if handle is None:
                handle = self._tasks[name] = HostTask(name, self)
            return handle

    def current_context(self) -> Hashable:
        """The context a call made here would run in."""
        return current_context(self)

    def current_session_id(self) -> SessionId | None:
        """The active session bound to the current context, if any."""
        return self._bindings.get(current_context(self))  # one atomic read: no lock needed

    def bind_current_task(self, owner: RuntimeSessionOwner) -> None:
        """Bind the current context to ``owner``'s session (owner check first)."""
        with self._lock:
            context = current_context(self)
            self._ensure(owner)
            self._forget_passed()
            bound = self._bindings.get(context)
            if bound is not None and bound != owner.session_id:
                self._check_binding(context, owner)
            self._bindings[context] = owner.session_id

    # -- read-only views ------------------------------------------------------------------
    def is_active(self, session_id: SessionId | uuid.UUID | str) -> bool:
        """Whether the session has an owner record."""
        return self._sessions.record(SessionId.coerce(session_id)) is not None

    def generation(self, session_id: SessionId | uuid.UUID | str) -> int:
        """The last generation issued for the id (0 if never started)."""
        with self._lock:
            return self._sessions.generation(SessionId.coerce(session_id))

    def owner_record(self, session_id: SessionId | uuid.UUID | str) -> OwnerRecord | None:
        """The current owner record (a frozen copy), if the session is active."""
        with self._lock:
            return self._sessions.record(SessionId.coerce(session_id))

    def roles_for_session(
        self, session_id: SessionId | uuid.UUID | str
    ) -> tuple[ChoreographicRole, ...]:
        """The roles the session was started with (empty when it is not active)."""
        with self._lock:
            return self._roles.get(SessionId.coerce(session_id), ())

    def active_sessions(self) -> tuple[SessionId, ...]:
        """Active session ids, sorted."""
        with self._lock:
            return self._sessions.active()

    def bindings(self) -> list[tuple[str, SessionId]]:
        """``(context label, session id)`` for every bound context, sorted."""
        with self._lock:
            return sorted((describe_context(c), s) for c, s in self._bindings.items())

    def vm_fragment_snapshot(self) -> list[tuple[FragmentId, FragmentRecord]]:
        """Every claimed fragment with its record, sorted by (session, key)."""
        with self._lock:
            return self._fragments.snapshot()

    # -- session lifecycle ----------------------------------------------------------------
    def start_owned_choreography_session(
        self,
        owner_label: str,
        session_uuid: SessionId | uuid.UUID | str,
        roles: Iterable[ChoreographicRole],
    ) -> RuntimeSessionOwner:
        """Start an owned session bound to the current context; scope SESSION."""
        sid = SessionId.coerce(session_uuid)
        role_tuple = tuple(roles)
        with self._lock:
            context = current_context(self)
            problem = self._start_problem(context, sid, owner_label, role_tuple)
            if problem is None:
                self._forget_passed()
                record = self._sessions.claim(sid, owner_label)
                self._bindings[context] = sid
                self._roles[sid] = role_tuple
                owner = RuntimeSessionOwner(
                    session_id=sid, owner_label=owner_label, capability=record.capability
                )
                self._history.started(owner)
        if problem is not None:
            reason, message = problem
            error = SessionStartError(sid, str(owner_label), reason, message)
            ev.log_session_owner_rejected(
                self.event_log,
                sid,
                str(owner_label),
                None,
                "runtime_session_start_failed",
                str(error),
            )
            raise error
        ev.log_session_owner_assigned(
            self.event_log, owner, None, "start_owned_choreography_session"
        )
        return owner

    def end_owned_choreography_session(self, owner: RuntimeSessionOwner) -> None:
        """Assert the full session, then drop its record, bindings and fragments."""
        with self._lock:
            self._assert_session_locked(owner)
            self._note_end(owner.session_id, cancelled=False)
            callbacks = self._teardown(owner.session_id)
        self._finish_end(owner.session_id, owner.owner_label, callbacks)

    def cancel_session(self, session_id: SessionId | uuid.UUID | str) -> bool:
        """Operator end without a capability; False when the session was not active."""
        sid = SessionId.coerce(session_id)
        with self._lock:
            record = self._sessions.record(sid)
            if record is None:
                return False
            self._note_end(sid, cancelled=True)
            callbacks = self._teardown(sid)
        self._finish_end(sid, record.owner_label, callbacks, context="cancel_session")
        return True

    def on_session_end(self, session_id: SessionId, callback: SessionEndCallback) -> None:
        """Run ``callback(session_id)`` once, when that session next ends or is cancelled."""
        with self._lock:
            self._end_callbacks.setdefault(SessionId.coerce(session_id), []).append(callback)

    def on_any_session_end(self, callback: SessionEndCallback) -> None:
        """Run ``callback(session_id)`` whenever any session here ends or is cancelled."""
        with self._lock:
            self._end_listeners.append(callback)

    def _note_end(self, sid: SessionId, cancelled: bool) -> None:
        record = self._sessions.record(sid)
        if record is not None:
            scope = record.scope.canonical()
            self._history.ended(sid, record.owner_label, record.generation, scope, cancelled)

    def owner_history(
        self, session_id: SessionId | uuid.UUID | str | None = None
    ) -> tuple[OwnerChange, ...]:
        """Every ownership change of ``session_id`` here (of every session when None), in order."""
        sid = None if session_id is None else SessionId.coerce(session_id)
        with self._lock:
            return self._history.of(sid)

    def _teardown(self, sid: SessionId) -> list[SessionEndCallback]:
        self._forget_passed()
        self._sessions.release(sid)
        for context in [c for c, s in self._bindings.items() if s == sid]:
            del self._bindings[context]
        self._fragments.drop_session(sid)
        self._roles.pop(sid, None)
        return [*self._end_listeners, *self._end_callbacks.pop(sid, [])]

    def _finish_end(
        self,
        sid: SessionId,
        label: str,
        callbacks: list[SessionEndCallback],
        context: str = "end_owned_choreography_session",
    ) -> None:
        """Run the end callbacks, then log the end; never raises (the session has ended).

        A failing callback is reported in the ``session.ended`` event (``cleanup_failed``,
        level ``warning``) rather than raised: an end is all or nothing, and a caller told
        that the end failed would look for a session that is already gone.
        """
        failures = []
        for callback in callbacks:
            try:
                callback(sid)
            except Exception as exc:  # every callback runs; failures are reported below
                failures.append(f"{type(exc).__name__}: {exc}")
        if self.policy.ended_event == "seed":  # the seed has no session.ended event
            return
        extra: dict[str, Any] = {"cleanup_failed": "; ".join(failures)} if failures else {}
        self.event_log.emit(
            ev.RuntimeSessionEvent.SESSION_ENDED,
            "warning" if failures else "info",
            "Ended runtime session",
            session_id=sid,
            owner_label=label,
            generation=self.generation(sid),
            context=context,
            **extra,
        )

    # -- checks ---------------------------------------------------------------------------
    def assert_owned_choreography_boundary(
        self, owner: RuntimeSessionOwner, boundary: LinkBoundary
    ) -> None:
        """Binding, owner check, then ``boundary.is_allowed_by(scope)``; changes nothing."""
        entered = ENTERED_TASKS.get()  # the entered handles, read inline: this runs every round
        if entered:  # the common case (a World or notebook task): no context search needed
            try:
                passed = self._passed[entered[-1]]  # only this system's contexts are keys
            except KeyError:
                pass
            else:
                if passed[0] is owner and passed[1] is boundary:
                    return  # this check passed and nothing changed since (see the invariants)
        elif running_loop() is None:  # a plain thread: its memo is thread-local
            memo = self._thread_passed.memo
            # the epoch is read after the memo: equal means no change started since
            if memo[1] is owner and memo[2] is boundary and memo[0] == self._memo_epoch:
                return
            with self._lock:
                self._assert_boundary_locked(owner, boundary, current_thread())
                self._thread_passed.memo = (self._memo_epoch, owner, boundary)
            return
        context = current_context(self)
        remembered = self._passed.get(context)
        if remembered is not None and remembered[0] is owner and remembered[1] is boundary:
            return
        with self._lock:
            self._assert_boundary_locked(owner, boundary, context)
            self._passed[context] = (owner, boundary)

    def assert_owned_choreography_session(self, owner: RuntimeSessionOwner) -> None:
        """Binding, owner check, then the scope must be SESSION; changes nothing."""
        with self._lock:
            self._assert_session_locked(owner)

    def ensure_owner(self, owner: RuntimeSessionOwner) -> OwnerRecord:
        """The owner check alone (no binding check); returns the current record."""
        with self._lock:
            return self._ensure(owner)

    # -- transfer -------------------------------------------------------------------------
    def transfer_owned_choreography_session_owner(
        self, owner: RuntimeSessionOwner, next_owner_label: str, next_scope: Scope
    ) -> RuntimeSessionOwner:
        """Move ownership (and every fragment) to ``next_owner_label`` at ``next_scope``."""
        try:
            with self._lock:
                record, moved = self._transfer_locked(owner, next_owner_label, next_scope)
                next_owner = RuntimeSessionOwner(
                    session_id=owner.session_id,
                    owner_label=next_owner_label,
                    capability=record.capability,
                )
                self._history.moved(owner, next_owner, moved)
        except OwnerTransferError as error:  # binding and owner failures return early, unlogged
            ev.log_session_owner_transfer_rejected(
                self.event_log,
                owner,
                str(next_owner_label),
                None,
                error,
                "transfer_owned_choreography_session_owner",
            )
            raise
        ev.log_session_owner_transferred(
            self.event_log, owner, next_owner, None, "transfer_owned_choreography_session_owner"
        )
        return next_owner

    def _transfer_locked(
        self, owner: RuntimeSessionOwner, label: str, scope: Scope
    ) -> tuple[OwnerRecord, int]:
        self._forget_passed()
        self._check_binding(current_context(self), owner)
        current = self._ensure(owner)

        def refuse(message: str) -> OwnerTransferError:
            return OwnerTransferError(owner.session_id, owner.owner_label, str(label), message)

        if not isinstance(label, str) or not label:
            raise refuse(f"next owner label must be a non-empty string, got {label!r}")
        if not isinstance(scope, Scope):
            raise refuse(f"next scope must be a Scope, got {type(scope).__name__}")
        if not self.policy.allows_transfer(current.scope, scope):
            raise refuse(
                f"attenuation may only narrow the scope: {scope} is not within {current.scope}"
            )
        try:
            moved = self._fragments.move(owner.session_id, current.owner_label, label)
        except FragmentError as exc:
            raise refuse(str(exc)) from None
        verify_tag = self.policy.capability_check == "tag"
        record = self._sessions.transfer(
            owner.session_id, owner.capability, label, scope, verify_tag=verify_tag
        )
        return record, moved

    # -- fragments ------------------------------------------------------------------------
    def claim_vm_fragments_for_manifest(
        self, owner_label: str, manifest: CompositionManifest
    ) -> frozenset[str]:
        """Claim the manifest's fragments for the bound session; return the newly claimed keys.

        Raises ``MissingTaskBinding`` when the context is not bound and ``FragmentError`` when
        another label holds one of them (then nothing is claimed).
        """
        with self._lock:
            sid = self._bound_session()
            self._forget_passed()
            return self._fragments.claim_manifest(sid, owner_label, manifest)

    def release_vm_fragments(self, keys: Iterable[str]) -> frozenset[str]:
        """Release exactly ``keys`` of the bound session (all must be claimed)."""
        with self._lock:
            sid = self._bound_session()
            self._forget_passed()
            return self._fragments.release(sid, keys)

    def _bound_session(self) -> SessionId:
        sid = self._bindings.get(current_context(self))
        if sid is None:
            raise MissingTaskBinding()
        return sid

    # -- the ordered checks (callers hold the lock) -----------------------------------------
    def _forget_passed(self) -> None:
        """Clear every memo of passed checks (called under the lock before any change)."""
        self._memo_epoch += 1  # first: every thread-local memo stops hitting
        self._passed.clear()

    def _start_problem(
        self, context: Hashable, sid: SessionId, label: object, roles: tuple[Any, ...]
    ) -> tuple[Reason, str] | None:
        # the seed's order: its start_session checks the roles before the task binding
        if not all(isinstance(r, ChoreographicRole) for r in roles):
            return Reason.OTHER, "roles must be ChoreographicRole values"
        if not any(r.authority == self.authority for r in roles):
            mine = f"expected at least one role for authority {self.authority}"
            return Reason.OTHER, f"roles {[str(r.authority) for r in roles]} hold none; {mine}"
        bound = self._bindings.get(context)
        if bound is not None:  # the seed's InternalError text, which its classifier matches
            return Reason.TASK_ALREADY_BOUND, (
                f"Internal error: task already bound to active choreography session {bound}"
            )
        if self._sessions.record(sid) is not None:
            return Reason.ALREADY_EXISTS, f"Session already exists: {sid}"
        label_problem = self.policy.owner_label_problem(label)  # the empty_label switch
        return None if label_problem is None else (Reason.OTHER, label_problem)

    def _check_binding(self, context: Hashable, owner: RuntimeSessionOwner) -> None:
        _require_owner(owner)
        bound = self._bindings.get(context)
        if bound is None:
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, MissingTaskBinding())
        if bound != owner.session_id:
            details = SessionBindingMismatch(owner.session_id, bound)
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, details)

    def _ensure(self, owner: RuntimeSessionOwner) -> OwnerRecord:
        _require_owner(owner)
        verify_tag = self.policy.capability_check == "tag"
        try:
            return self._sessions.ensure(owner.session_id, owner.capability, verify_tag=verify_tag)
        except SessionOwnershipError as error:
            if self.policy.live_errors == "seed":
                generation = self._sessions.generation(owner.session_id)
                raise seed_ingress_error(error, owner, generation) from None
            raise ingress_error(error, owner) from None

    def _assert_boundary_locked(
        self, owner: RuntimeSessionOwner, boundary: LinkBoundary, context: Hashable
    ) -> None:
        self._check_binding(context, owner)
        record = self._ensure(owner)
        if not boundary.is_allowed_by(record.scope):
            details = BoundaryScopeRejected(boundary, record.scope)
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, details)

    def _assert_session_locked(self, owner: RuntimeSessionOwner) -> None:
        if self.policy.live_errors == "seed":  # the seed checks the session boundary first
            session_boundary = LinkBoundary.for_scope(Scope.SESSION)
            self._assert_boundary_locked(owner, session_boundary, current_context(self))
        self._check_binding(current_context(self), owner)
        record = self._ensure(owner)
        if not record.scope.is_session:
            details = FullSessionCapabilityRequired()
            raise InvalidIngressRouting(owner.session_id, owner.owner_label, details)


def ingress_error(error: SessionOwnershipError, owner: RuntimeSessionOwner) -> SessionIngressError:
    """The seed's ``From<SessionOwnershipError> for SessionIngressError``."""
    kind = error.kind
    if kind is SessionOwnershipErrorKind.MISSING_OWNER:
        return MissingOwner(error.session_id)
    if kind is SessionOwnershipErrorKind.OWNER_MISMATCH:
        return StaleOwner(error.session_id, error.expected_owner)
    if kind is SessionOwnershipErrorKind.CAPABILITY_MISMATCH:  # the seed's live-path text
        text = seed_capability_rejected_text(owner, error.current_generation)
        return InvalidIngressRouting(error.session_id, owner.owner_label, CapabilityRejected(text))
    details = CapabilityRejected(error.details())
    return InvalidIngressRouting(error.session_id, owner.owner_label, details)


def seed_ingress_error(
    error: SessionOwnershipError, owner: RuntimeSessionOwner, generation: int
) -> InvalidIngressRouting:
    """The seed's live-path mapping: every owner-check failure is ``CapabilityRejected``.

    The seed's ``assert_owned_choreography_boundary`` and
    ``transfer_owned_choreography_session_owner`` wrap whatever
    ``ensure_runtime_choreography_session_owner_capability`` reports in
    ``InvalidIngressRouting(CapabilityRejected)``; ``MissingOwner`` and ``StaleOwner`` are
    never raised there.
    """
    if error.kind is SessionOwnershipErrorKind.MISSING_OWNER:
        details = error.details()
    else:
        details = seed_capability_rejected_text(owner, generation)
    return InvalidIngressRouting(owner.session_id, owner.owner_label, CapabilityRejected(details))


def seed_capability_rejected_text(owner: RuntimeSessionOwner, generation: int) -> str:
    """The seed's live-path detail text for a refused capability."""
    return (
        f"runtime session {owner.session_id} rejected capability for owner "
        f"{owner.owner_label}; current generation is {generation}"
    )


def _require_owner(owner: object) -> None:
    if not isinstance(owner, RuntimeSessionOwner):
        raise TypeError(f"expected a RuntimeSessionOwner, got {type(owner).__name__}")
