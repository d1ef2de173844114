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
- every mutation (start, transfer, end, cancel) computes everything first (checks, the new
  record signed, the fragment plan, the teardown plan) and then commits once, with dict
  stores that call no outside code; an exception of any kind (a bad scope, ``MemoryError``,
  ``KeyboardInterrupt``) raised before the commit leaves every registry exactly as it was;
  the fault-injection points (``ownership.faults``) all sit before a commit or after it;
- events are emitted only after the commit and can never fail or undo it: an exception
  from building or delivering one (a logging handler whose ``emit`` raises) is recorded in
  ``event_log.delivery_failures`` and the call returns normally;
- read APIs never hand out a usable capability: ``owner_record`` is an ``OwnerRecord``
  (no tag); ``bind_current_task`` needs the owner's authority (the owner check with the
  tag, as on every live call);
- checks read only exact kit values (``exact_owner``, ``exact_scope``; a ``LinkBoundary``
  exactly): a subclass is a ``NotExactValue`` and no caller's method takes part;
- the start path is the seed's two steps: ``start_session`` (roles, then the task binding,
  then an existing session, classified as ``classify_session_start_error`` does) and the
  owner claim (``OWNER_CLAIM_REJECTED``: a label that is not a non-empty ``str``, or a
  record that already exists); both are checked before either commits;
- as in the seed, a binding or owner-check failure raises without an event; only a refused
  registry transfer (``OwnerTransferError``: bad label or scope, widening, a foreign
  fragment) logs ``owner.transfer_rejected``;
- fragments are claimed and released only for the session bound to the current context,
  all or none, and only by the owner: the handle must pass the binding and owner checks and
  the fragments get the record's label (the ``label`` policy also takes the seed's bare
  label, validated as a non-empty ``str``);
- registry refusals become the seed's ``SessionIngressError`` variants in one place
  (``ingress_error``);
- all state sits behind one lock; events are emitted after it is released; the end
  callbacks all run even when one raises a ``BaseException`` (re-raised after the last);
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
from dataclasses import dataclass
from threading import current_thread
from typing import Any, NoReturn

from aura_kit._display import Displayable
from aura_kit.ownership import (
    CapabilitySigner,
    ChoreographicRole,
    CompositionManifest,
    FragmentError,
    FragmentErrorKind,
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
    faults,
)
from aura_kit.ownership.errors import NotExactValue
from aura_kit.ownership.fragments import FragmentPlan
from aura_kit.ownership.registry import IssuedOwner
from aura_kit.ownership.values import exact_owner, exact_scope

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


@dataclass(frozen=True, slots=True, kw_only=True)
class _Teardown:
    """Everything an end or cancel removes, planned before anything is removed."""

    session_id: SessionId
    record: OwnerRecord
    cancelled: bool
    contexts: tuple[Hashable, ...]
    fragments: FragmentPlan
    callbacks: tuple[SessionEndCallback, ...]


class EffectSystem(Displayable):
    """The owned-session registries of one authority (all methods are synchronous)."""

    def __init__(
        self,
        authority: str,
        *,
        network: Any = None,
        policy: OwnershipPolicy | str = OwnershipPolicy(),  # noqa: B008 - frozen value
    ) -> None:
        self.authority = authority
        self.policy = OwnershipPolicy.coerce(policy)
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
        """The re-enterable handle named ``name`` (the same object on every call until a
        session bound to it ends; then the handle is released and a later call makes anew)."""
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
        """Bind the current context to ``owner``'s session: needs the owner's authority.

        The handle must pass the owner check with its tag (at the current generation and
        scope), as on every live call; a context bound to another session is refused.
        """
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
        """The current owner record, if the session is active: a view with no tag, so
        nothing read here can be presented as a capability."""
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
            problem = self._start_problem(context, sid, role_tuple)
            if problem is None:
                problem, issued = self._owner_claim(sid, owner_label)
            if problem is None and issued is not None:
                owner = RuntimeSessionOwner(
                    session_id=sid, owner_label=owner_label, capability=issued.capability
                )
                faults.reached("start.claimed")
                self._forget_passed()  # the commit: no outside code, no fault point
                self._sessions.commit(issued)
                self._bindings[context] = sid
                self._roles[sid] = role_tuple
                self._history.started(owner)  # after the commit
        if problem is not None:
            self._refuse_start(sid, owner_label, *problem)
        self._emit(
            ev.log_session_owner_assigned,
            self.event_log,
            owner,
            None,
            "start_owned_choreography_session",
        )
        return owner

    def _refuse_start(
        self, sid: SessionId, label: object, reason: Reason, message: str
    ) -> NoReturn:
        """Raise the start's ``SessionStartError`` after logging ``owner.rejected``."""
        text = _label_text(label)
        error = SessionStartError(sid, text, reason, message)
        why = "owner_claim_rejected" if reason is Reason.OWNER_CLAIM_REJECTED else None
        self._emit(
            ev.log_session_owner_rejected,
            self.event_log,
            sid,
            text,
            None,
            why or "runtime_session_start_failed",
            str(error),
        )
        raise error

    def _owner_claim(
        self, sid: SessionId, label: object
    ) -> tuple[tuple[Reason, str] | None, IssuedOwner | None]:
        """The seed's ``claim_runtime_choreography_session_owner``, computed (not stored)."""
        problem = self.policy.owner_label_problem(label)  # the empty_label switch
        if problem is not None or type(label) is not str:
            return (Reason.OWNER_CLAIM_REJECTED, problem or "owner label must be a str"), None
        try:
            return None, self._sessions.prepare_claim(sid, label)
        except SessionOwnershipError as error:
            return (Reason.OWNER_CLAIM_REJECTED, error.details()), None

    def end_owned_choreography_session(self, owner: RuntimeSessionOwner) -> None:
        """Assert the full session, then drop its record, bindings and fragments."""
        with self._lock:
            self._assert_session_locked(owner)
            faults.reached("end.checked")
            plan = self._plan_teardown(owner.session_id, cancelled=False)
            faults.reached("end.planned")
            self._commit_teardown(plan)
        self._finish_end(plan)

    def cancel_session(self, session_id: SessionId | uuid.UUID | str) -> bool:
        """Operator end without a capability; False when the session was not active."""
        sid = SessionId.coerce(session_id)
        with self._lock:
            if self._sessions.record(sid) is None:
                return False
            plan = self._plan_teardown(sid, cancelled=True)
            faults.reached("cancel.planned")
            self._commit_teardown(plan)
        self._finish_end(plan, context="cancel_session")
        return True

    def on_session_end(self, session_id: SessionId, callback: SessionEndCallback) -> None:
        """Run ``callback(session_id)`` once, when that session next ends or is cancelled."""
        with self._lock:
            self._end_callbacks.setdefault(SessionId.coerce(session_id), []).append(callback)

    def on_any_session_end(self, callback: SessionEndCallback) -> None:
        """Run ``callback(session_id)`` whenever any session here ends or is cancelled."""
        with self._lock:
            self._end_listeners.append(callback)

    def owner_history(
        self, session_id: SessionId | uuid.UUID | str | None = None
    ) -> tuple[OwnerChange, ...]:
        """Every ownership change of ``session_id`` here (of every session when None), in order."""
        sid = None if session_id is None else SessionId.coerce(session_id)
        with self._lock:
            return self._history.of(sid)

    def _plan_teardown(self, sid: SessionId, *, cancelled: bool) -> _Teardown:
        """What an end of ``sid`` removes; changes nothing (the caller holds the lock)."""
        record = self._sessions.record(sid)
        assert record is not None  # callers checked the session is active
        return _Teardown(
            session_id=sid,
            record=record,
            cancelled=cancelled,
            contexts=tuple(c for c, s in self._bindings.items() if s == sid),
            fragments=self._fragments.plan_drop(sid),
            callbacks=(*self._end_listeners, *self._end_callbacks.get(sid, ())),
        )

    def _commit_teardown(self, plan: _Teardown) -> None:
        """Remove what ``plan`` names: dict removals only, no outside code, no fault point."""
        sid = plan.session_id
        self._forget_passed()
        self._sessions.release(sid)
        for context in plan.contexts:
            self._bindings.pop(context, None)
            if isinstance(context, HostTask) and self._tasks.get(context.name) is context:
                del self._tasks[context.name]  # a bound task's handle is released with it
        self._fragments.apply(plan.fragments)
        self._roles.pop(sid, None)
        self._end_callbacks.pop(sid, None)
        record = plan.record  # the history records the end after the removals
        scope = record.scope.canonical()
        self._history.ended(sid, record.owner_label, record.generation, scope, plan.cancelled)

    def _finish_end(self, plan: _Teardown, context: str = "end_owned_choreography_session") -> None:
        """Run every end callback, then log the end; raises only a ``BaseException`` that is
        not an ``Exception`` (``KeyboardInterrupt``), and only after all of that ran.

        A failing callback is reported in the ``session.ended`` event (``cleanup_failed``,
        level ``warning``) rather than raised: an end is all or nothing, and a caller told
        that the end failed would look for a session that is already gone.
        """
        sid = plan.session_id
        failures = []
        interrupt: BaseException | None = None
        for callback in plan.callbacks:
            try:
                callback(sid)
                faults.reached("end.callback_ran")
            except BaseException as exc:  # every callback runs; failures are reported below
                failures.append(f"{type(exc).__name__}: {exc}")
                if not isinstance(exc, Exception) and interrupt is None:
                    interrupt = exc
        extra: dict[str, Any] = {"cleanup_failed": "; ".join(failures)} if failures else {}
        if self.policy.ended_event != "seed":  # the seed has no session.ended event
            self._emit(
                self.event_log.emit,
                ev.RuntimeSessionEvent.SESSION_ENDED,
                "warning" if failures else "info",
                "Ended runtime session",
                session_id=sid,
                owner_label=plan.record.owner_label,
                generation=plan.record.generation,
                context=context,
                **extra,
            )
        if interrupt is not None:
            raise interrupt

    def _emit(self, log_call: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        """Emit an event after a commit (or with a refusal): never raises an ``Exception``."""
        try:
            log_call(*args, **kwargs)
        except Exception as exc:  # the call has committed; the failure is recorded instead
            self.event_log.record_delivery_failure(exc)

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
        """The owner check alone (no binding check); returns the current record (no tag)."""
        with self._lock:
            return self._ensure(owner)

    # -- transfer -------------------------------------------------------------------------
    def transfer_owned_choreography_session_owner(
        self, owner: RuntimeSessionOwner, next_owner_label: str, next_scope: Scope
    ) -> RuntimeSessionOwner:
        """Move ownership (and every fragment) to ``next_owner_label`` at ``next_scope``."""
        try:
            with self._lock:
                previous, next_owner = self._transfer_locked(owner, next_owner_label, next_scope)
        except OwnerTransferError as error:  # binding and owner failures return early, unlogged
            self._emit(
                ev.log_session_owner_transfer_rejected,
                self.event_log,
                owner,
                _label_text(next_owner_label),
                None,
                error,
                "transfer_owned_choreography_session_owner",
                record=self.owner_record(owner.session_id),
            )
            raise
        self._emit(
            ev.log_session_owner_transferred,
            self.event_log,
            previous,
            next_owner,
            None,
            "transfer_owned_choreography_session_owner",
        )
        return next_owner

    def _transfer_locked(
        self, owner: RuntimeSessionOwner, label: object, scope: object
    ) -> tuple[RuntimeSessionOwner, RuntimeSessionOwner]:
        """Check, plan and sign, then commit once; returns (previous, next) owners."""
        self._check_binding(current_context(self), owner)
        current = self._ensure(owner)

        def refuse(message: str) -> OwnerTransferError:
            text = _label_text(label)
            return OwnerTransferError(owner.session_id, owner.owner_label, text, message)

        if type(label) is not str or not label:
            shown = repr(label) if type(label) is str else f"a {type(label).__name__}"
            raise refuse(f"next owner label must be a non-empty string, got {shown}")
        try:
            next_scope = exact_scope(scope, "next scope")
        except NotExactValue as exc:
            raise refuse(str(exc)) from None
        if not self.policy.allows_transfer(current.scope, next_scope):
            raise refuse(
                f"attenuation may only narrow the scope: {next_scope} is not within {current.scope}"
            )
        faults.reached("transfer.checked")
        try:
            moves = self._fragments.plan_move(owner.session_id, current.owner_label, label)
        except FragmentError as exc:
            raise refuse(str(exc)) from None
        faults.reached("transfer.planned")
        verify_tag = self.policy.capability_check == "tag"
        issued = self._sessions.prepare_transfer(
            owner.session_id, owner.capability, label, next_scope, verify_tag=verify_tag
        )
        previous = RuntimeSessionOwner(
            session_id=owner.session_id,
            owner_label=current.owner_label,
            capability=owner.capability,
        )
        next_owner = RuntimeSessionOwner(
            session_id=owner.session_id, owner_label=label, capability=issued.capability
        )
        faults.reached("transfer.signed")
        self._forget_passed()  # the commit: no outside code, no fault point
        self._sessions.commit(issued)
        self._fragments.apply(moves)
        self._history.moved(previous, next_owner, len(moves))  # after the commit
        return previous, next_owner

    # -- fragments ------------------------------------------------------------------------
    def claim_vm_fragments_for_manifest(
        self, owner: RuntimeSessionOwner | str, manifest: CompositionManifest
    ) -> frozenset[str]:
        """Claim the manifest's fragments for the owner's session; return the newly claimed keys.

        ``owner`` is the owner handle: it must pass the binding and owner checks, and the
        fragments get the label its record names. Under ``fragment_claims="label"`` a bare
        label (the seed's form) is taken for the bound session. Raises
        ``InvalidIngressRouting`` / ``MissingTaskBinding`` when the checks fail and
        ``FragmentError`` when another label holds one of them (then nothing is claimed).
        """
        with self._lock:
            sid, label = self._fragment_owner(owner)
            self._forget_passed()
            return self._fragments.claim_manifest(sid, label, manifest)

    def release_vm_fragments(
        self, owner: RuntimeSessionOwner | str, keys: Iterable[str]
    ) -> frozenset[str]:
        """Release exactly ``keys`` of the owner's session (all must be claimed); the same
        authority as ``claim_vm_fragments_for_manifest``."""
        with self._lock:
            sid, _label = self._fragment_owner(owner)
            self._forget_passed()
            return self._fragments.release(sid, keys)

    def _fragment_owner(self, owner: object) -> tuple[SessionId, str]:
        """The session and label a fragment claim or release acts for (checks first)."""
        if type(owner) is RuntimeSessionOwner:
            self._check_binding(current_context(self), owner)
            return owner.session_id, self._ensure(owner).owner_label
        if self.policy.fragment_claims != "label":
            raise NotExactValue("fragment owner", owner, "RuntimeSessionOwner (the owner handle)")
        sid = self._bound_session()
        if type(owner) is not str or not owner:
            raise FragmentError(FragmentErrorKind.BAD_LABEL, sid, "*", owner_label=repr(owner))
        return sid, owner

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
        self, context: Hashable, sid: SessionId, roles: tuple[Any, ...]
    ) -> tuple[Reason, str] | None:
        """The seed's ``start_session``, classified as ``classify_session_start_error`` does."""
        # the seed's order: its start_session checks the roles before the task binding
        if not all(_exact_role(r) for r in roles):
            return Reason.OTHER, "roles must be ChoreographicRole values"
        if not any(r.authority == self.authority for r in roles):
            mine = f"expected at least one role for authority {self.authority}"
            return Reason.OTHER, f"roles {[str(r.authority) for r in roles]} hold none; {mine}"
        bound = self._bindings.get(context)
        if bound is not None:  # the seed's InternalError text, which its classifier matches
            return Reason.TASK_ALREADY_BOUND, (
                f"Internal error: task already bound to active choreography session {bound}"
            )
        if sid in self._roles:  # a started choreography session (the seed's own registry)
            return Reason.ALREADY_EXISTS, f"Session already exists: {sid}"
        return None

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
        if type(boundary) is not LinkBoundary:
            raise NotExactValue("boundary", boundary, "LinkBoundary")
        if not LinkBoundary.is_allowed_by(boundary, record.scope):
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
    """Refuse anything but an exact owner handle of exact values (``NotExactValue``)."""
    exact_owner(owner)


def _exact_role(role: object) -> bool:
    return (
        type(role) is ChoreographicRole
        and type(role.authority) is str
        and type(role.role_index) is int
    )


def _label_text(label: object) -> str:
    """A label for messages and events, without calling any method of a caller's object."""
    return label if type(label) is str else f"<{type(label).__name__}>"
