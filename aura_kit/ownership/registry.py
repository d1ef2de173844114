"""Session owner registry: one owner record per active session, generations per session id.

Invariants:
- a session id has at most one owner record; claiming an owned id is an ``OWNER_CONFLICT``;
- generations are per session id, start at 1, never reset and never reused: every claim
  (including a claim after a release) and every transfer issues ``last + 1``;
- a capability is valid only for its own session, its record's label, the current
  generation, the current scope, and the tag this registry's signer issued for exactly those;
- checks run in a fixed order (missing, label, session, generation/scope, tag) and change
  nothing; a failed transfer changes nothing;
- an ``OwnerRecord`` is a read-only view without the tag: nothing read from this registry
  can be presented as a capability; only ``claim`` / ``transfer`` (and ``prepare_*``) hand
  out the tagged ``SessionOwnerCapability``, inside an ``IssuedOwner``;
- a change is computed first (``prepare_claim`` / ``prepare_transfer``: checked and signed,
  nothing stored) and stored by ``commit`` in three dict stores that call no outside code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from . import faults
from .errors import SessionOwnershipError
from .errors import SessionOwnershipErrorKind as Kind
from .values import Scope, SessionId, SessionOwnerCapability


class CapabilitySigner:
    """HMAC-SHA256 tags over (session id, owner label, generation, canonical scope)."""

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError(f"capability secret must be at least 16 bytes, got {len(secret)}")
        self._secret = secret

    def __repr__(self) -> str:
        return "CapabilitySigner(<secret>)"

    def sign(self, session_id: SessionId, owner_label: str, generation: int, scope: Scope) -> bytes:
        """The tag for these exact fields."""
        faults.reached("sign")
        message = json.dumps([str(session_id), owner_label, generation, scope.canonical()])
        return hmac.new(self._secret, message.encode("utf-8"), hashlib.sha256).digest()

    def issue(
        self, session_id: SessionId, owner_label: str, generation: int, scope: Scope
    ) -> SessionOwnerCapability:
        """A tagged capability."""
        tag = self.sign(session_id, owner_label, generation, scope)
        return SessionOwnerCapability(
            session_id=session_id,
            owner_label=owner_label,
            generation=generation,
            scope=scope,
            tag=tag,
        )

    def verify(self, capability: SessionOwnerCapability) -> bool:
        """Whether the capability's tag is the one this signer gives its fields."""
        c = capability
        return _same_tag(self.sign(c.session_id, c.owner_label, c.generation, c.scope), c.tag)


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnerRecord:
    """The current owner of one session (a read-only view: it carries no tag)."""

    session_id: SessionId
    owner_label: str
    generation: int
    scope: Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedOwner:
    """A signed owner change: the record to store and the capability to hand to the owner."""

    record: OwnerRecord
    capability: SessionOwnerCapability


class SessionRegistry:
    """Owner records and generation counters (not thread-safe; the EffectSystem locks)."""

    def __init__(self, signer: CapabilitySigner) -> None:
        self._signer = signer
        self._records: dict[SessionId, OwnerRecord] = {}
        self._tags: dict[SessionId, bytes] = {}
        self._generations: dict[SessionId, int] = {}

    def record(self, session_id: SessionId) -> OwnerRecord | None:
        """The owner record, if the session is owned."""
        return self._records.get(session_id)

    def generation(self, session_id: SessionId) -> int:
        """The last generation issued for this id (0 if none ever was)."""
        return self._generations.get(session_id, 0)

    def active(self) -> tuple[SessionId, ...]:
        """Ids with an owner record, sorted."""
        return tuple(sorted(self._records))

    def claim(self, session_id: SessionId, owner_label: str) -> IssuedOwner:
        """Create the owner record at the next generation with scope SESSION."""
        return self.commit(self.prepare_claim(session_id, owner_label))

    def prepare_claim(self, session_id: SessionId, owner_label: str) -> IssuedOwner:
        """The signed claim, not stored; ``OWNER_CONFLICT`` if the id is owned."""
        existing = self._records.get(session_id)
        if existing is not None:
            raise SessionOwnershipError(
                Kind.OWNER_CONFLICT, session_id, existing_owner=existing.owner_label
            )
        return self._prepare(session_id, owner_label, Scope.SESSION)

    def ensure(
        self, session_id: SessionId, capability: SessionOwnerCapability, *, verify_tag: bool = True
    ) -> OwnerRecord:
        """Check a capability against the record of ``session_id``; return the record.

        ``verify_tag=False`` is the seed's check: the fields alone, so a hand-built capability
        with the current fields passes.
        """
        record = self._records.get(session_id)
        if record is None:
            raise SessionOwnershipError(Kind.MISSING_OWNER, session_id)
        if capability.owner_label != record.owner_label:
            raise SessionOwnershipError(
                Kind.OWNER_MISMATCH, session_id, expected_owner=capability.owner_label
            )
        if capability.session_id != session_id:
            raise SessionOwnershipError(
                Kind.CAPABILITY_SESSION_MISMATCH,
                session_id,
                expected_owner=record.owner_label,
                capability_session_id=capability.session_id,
            )
        if capability.generation != record.generation or capability.scope != record.scope:
            raise SessionOwnershipError(
                Kind.CAPABILITY_MISMATCH,
                session_id,
                expected_owner=record.owner_label,
                current_generation=record.generation,
            )
        if verify_tag and not _same_tag(self._tags[session_id], capability.tag):
            raise SessionOwnershipError(
                Kind.TAG_MISMATCH, session_id, expected_owner=record.owner_label
            )
        return record

    def transfer(
        self,
        session_id: SessionId,
        capability: SessionOwnerCapability,
        next_label: str,
        next_scope: Scope,
        *,
        verify_tag: bool = True,
    ) -> IssuedOwner:
        """Check ``capability`` then replace the record at the next generation."""
        return self.commit(
            self.prepare_transfer(
                session_id, capability, next_label, next_scope, verify_tag=verify_tag
            )
        )

    def prepare_transfer(
        self,
        session_id: SessionId,
        capability: SessionOwnerCapability,
        next_label: str,
        next_scope: Scope,
        *,
        verify_tag: bool = True,
    ) -> IssuedOwner:
        """Check ``capability``, then sign the next record; nothing is stored."""
        self.ensure(session_id, capability, verify_tag=verify_tag)
        return self._prepare(session_id, next_label, next_scope)

    def commit(self, issued: IssuedOwner) -> IssuedOwner:
        """Store a prepared change (the generation first: it is never reused)."""
        record = issued.record
        self._generations[record.session_id] = record.generation
        self._tags[record.session_id] = issued.capability.tag
        self._records[record.session_id] = record
        return issued

    def release(self, session_id: SessionId) -> OwnerRecord | None:
        """Remove the record (the generation counter stays)."""
        self._tags.pop(session_id, None)
        return self._records.pop(session_id, None)

    def _prepare(self, session_id: SessionId, label: str, scope: Scope) -> IssuedOwner:
        generation = self._generations.get(session_id, 0) + 1
        capability = self._signer.issue(session_id, label, generation, scope)
        record = OwnerRecord(
            session_id=session_id, owner_label=label, generation=generation, scope=scope
        )
        return IssuedOwner(record=record, capability=capability)


def _same_tag(expected: bytes, presented: object) -> bool:
    """Constant-time tag comparison; a non-bytes tag never matches.

    The record's tag was signed over the record's fields, and ``ensure`` has already checked
    that the presented fields equal them, so comparing tags is verifying the HMAC.
    """
    return type(presented) is bytes and hmac.compare_digest(expected, presented)
