"""Ownership moves mixed into ``EffectSystem``: owner transfer and VM fragment claims.

Invariants (SPEC 4.2):
- a transfer checks binding then owner, moves every fragment of the session with the owner,
  atomically, or changes nothing; under the ``narrow`` policy it may not widen the scope;
- as in the seed, a binding or owner-check failure raises without an event; only a refused
  registry transfer (``OwnerTransferError``: bad label or scope, widening, a foreign
  fragment) logs ``owner.transfer_rejected``;
- fragments are claimed and released only for the session bound to the current context,
  all or none;
- every change clears the passed-check memo first, under the lock; events are emitted
  after the lock is released.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from aura_kit.ownership import (
    CompositionManifest,
    FragmentError,
    FragmentRegistry,
    OwnerRecord,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
)

from . import events as ev
from ._checks import Checks
from .errors import MissingTaskBinding, OwnerTransferError
from .tasks import current_context


class Moves(Checks):
    """Transfer and fragment methods of ``EffectSystem`` (state lives there)."""

    policy: OwnershipPolicy
    event_log: ev.EventLog
    _lock: threading.RLock
    _fragments: FragmentRegistry

    # -- transfer -------------------------------------------------------------------------
    def transfer_owned_choreography_session_owner(
        self, owner: RuntimeSessionOwner, next_owner_label: str, next_scope: Scope
    ) -> RuntimeSessionOwner:
        """Move ownership (and every fragment) to ``next_owner_label`` at ``next_scope``."""
        try:
            with self._lock:
                record = self._transfer_locked(owner, next_owner_label, next_scope)
        except OwnerTransferError as error:  # binding and owner failures return early, unlogged
            ev.log_session_owner_transfer_rejected(
                self.event_log, owner, str(next_owner_label), None, error,
                "transfer_owned_choreography_session_owner",
            )  # fmt: skip
            raise
        next_owner = RuntimeSessionOwner(
            session_id=owner.session_id, owner_label=next_owner_label, capability=record.capability
        )
        ev.log_session_owner_transferred(
            self.event_log, owner, next_owner, None, "transfer_owned_choreography_session_owner"
        )
        return next_owner

    def _transfer_locked(self, owner: RuntimeSessionOwner, label: str, scope: Scope) -> OwnerRecord:
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
            self._fragments.move(owner.session_id, current.owner_label, label)
        except FragmentError as exc:
            raise refuse(str(exc)) from None
        return self._sessions.transfer(owner.session_id, owner.capability, label, scope)

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
