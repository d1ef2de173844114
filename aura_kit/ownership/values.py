"""Ownership values: session ids, scopes, capabilities, owners and roles.

Invariants:
- every value here is frozen and hashable; equality is exact (field by field);
- a ``Scope`` is either ``Scope.SESSION`` or ``Scope.fragments(keys)`` with a frozenset of
  keys; the two never compare equal, whatever the keys;
- ``Scope.is_within(other)`` is the attenuation order: everything is within ``SESSION``,
  ``fragments(A)`` is within ``fragments(B)`` when ``A <= B``, ``SESSION`` is within nothing
  else;
- a capability's generation is an int >= 1; its tag is whatever bytes it was built with:
  only the issuing ``EffectSystem`` can tell whether the tag is genuine;
- an ownership decision reads only exact kit values: ``exact_owner``, ``exact_scope`` and
  ``exact_label`` refuse a subclass (of ``str``, ``int``, ``Scope``, ``SessionId``, the
  capability or the owner) with ``NotExactValue`` naming the place, so no caller's method
  (a lying ``__eq__`` or ``is_within``) takes part in a check; ``exact_scope`` rebuilds the
  scope from its fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from aura_kit.arguments import WrongArgumentType, check_type
from aura_kit.numbers import check_count

from .errors import InvalidSessionId, NotExactValue


@dataclass(frozen=True, slots=True, order=True)
class SessionId:
    """A runtime session id: a UUID (the seed's ``RuntimeChoreographySessionId``)."""

    value: uuid.UUID
    # derived once: ids are hashed and printed on every round (registry, transport, events)
    _text: str = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.value, uuid.UUID):
            raise WrongArgumentType("SessionId.value", self.value, "a uuid.UUID")
        object.__setattr__(self, "_text", str(self.value))
        object.__setattr__(self, "_hash", hash(self.value))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def new(cls) -> SessionId:
        """A fresh random session id."""
        return cls(uuid.uuid4())

    @classmethod
    def coerce(cls, value: SessionId | uuid.UUID | str) -> SessionId:
        """Accept a ``SessionId``, a ``uuid.UUID`` or a UUID string."""
        if type(value) is SessionId:
            return exact_session_id(value, "session id")
        if type(value) is uuid.UUID:
            return cls(value)
        if type(value) is str:
            try:
                return cls(uuid.UUID(value))
            except ValueError as error:
                raise InvalidSessionId(value, str(error)) from None
        if isinstance(value, (SessionId, uuid.UUID, str)):
            raise NotExactValue("session id", value, "SessionId, uuid.UUID or str")
        raise WrongArgumentType("session id", value, "a SessionId, uuid.UUID or UUID string")

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"SessionId({self._text!r})"


@dataclass(frozen=True, slots=True)
class Scope:
    """What a capability covers: the whole session or a set of fragment keys."""

    keys: frozenset[str] | None = None
    SESSION: ClassVar[Scope]

    def __post_init__(self) -> None:
        if self.keys is None:
            return
        if type(self.keys) is not frozenset:
            raise TypeError("Scope keys must be a frozenset; use Scope.fragments(keys)")
        bad = [k for k in self.keys if type(k) is not str or not k]
        if bad:
            raise ValueError(f"fragment keys must be non-empty strings, got {bad!r}")

    @classmethod
    def fragments(cls, keys: Iterable[str]) -> Scope:
        """A scope covering exactly ``keys`` (a string counts as one key)."""
        if isinstance(keys, str):
            keys = (keys,)
        return cls(frozenset(keys))

    @property
    def is_session(self) -> bool:
        """True for ``Scope.SESSION``."""
        return self.keys is None

    def is_within(self, other: Scope) -> bool:
        """True when this scope is ``other`` or narrower."""
        if other.keys is None:
            return True
        return self.keys is not None and self.keys <= other.keys

    def canonical(self) -> str:
        """Stable text form, used for signing, logs and files."""
        if self.keys is None:
            return "session"
        return "fragments(" + ",".join(sorted(self.keys)) + ")"

    def __str__(self) -> str:
        return self.canonical()

    def __repr__(self) -> str:
        if self.keys is None:
            return "Scope.SESSION"
        return f"Scope.fragments({sorted(self.keys)!r})"


Scope.SESSION = Scope(None)


def exact_session_id(value: object, place: str) -> SessionId:
    """``value`` if it is exactly a ``SessionId`` holding exactly a ``uuid.UUID``."""
    if type(value) is not SessionId:
        raise NotExactValue(place, value, "SessionId")
    if type(value.value) is not uuid.UUID:
        raise NotExactValue(f"{place}.value", value.value, "uuid.UUID")
    return value


def exact_label(value: object, place: str) -> str:
    """``value`` if it is exactly a ``str`` (emptiness is the caller's rule)."""
    if type(value) is not str:
        raise NotExactValue(place, value, "str")
    return value


def exact_scope(value: object, place: str) -> Scope:
    """A ``Scope`` rebuilt from the fields of ``value``, which must be exactly a ``Scope``
    whose keys are exactly a frozenset of exact ``str``."""
    if type(value) is not Scope:
        raise NotExactValue(place, value, "Scope")
    keys = value.keys
    if keys is None:
        return Scope.SESSION
    if type(keys) is not frozenset:
        raise NotExactValue(f"{place}.keys", keys, "frozenset")
    for key in keys:
        if type(key) is not str:
            raise NotExactValue(f"{place}.keys[...]", key, "str")
    return Scope(frozenset(keys))


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionOwnerCapability:
    """Proof of ownership of one session at one generation, for one scope."""

    session_id: SessionId
    owner_label: str
    generation: int
    scope: Scope
    tag: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        gen = self.generation
        if not isinstance(gen, int) or isinstance(gen, bool) or gen < 1:
            raise ValueError(f"capability generation must be an int >= 1, got {self.generation!r}")

    def allows_full_session(self) -> bool:
        """True when the scope is the whole session."""
        return self.scope.is_session


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeSessionOwner:
    """An owner handle: the label is for messages and logs, the capability is the proof.

    ``OWNERSHIP_CATEGORY`` is the seed's declaration (``OwnershipCategory::MoveOwned``). The
    seed's owner is nevertheless ``Clone``, and so is this frozen value: a copy kept from
    before a transfer still exists, which is why every check compares the generation.
    """

    OWNERSHIP_CATEGORY: ClassVar[str] = "MoveOwned"
    session_id: SessionId
    owner_label: str
    capability: SessionOwnerCapability


def exact_owner(value: object, place: str = "owner") -> RuntimeSessionOwner:
    """``value`` if it and every field a check reads are exactly the kit's types.

    The tag is not checked here: a tag that is not exactly ``bytes`` never verifies.
    """
    if type(value) is not RuntimeSessionOwner:
        raise NotExactValue(place, value, "RuntimeSessionOwner")
    exact_session_id(value.session_id, f"{place}.session_id")
    exact_label(value.owner_label, f"{place}.owner_label")
    cap = value.capability
    if type(cap) is not SessionOwnerCapability:
        raise NotExactValue(f"{place}.capability", cap, "SessionOwnerCapability")
    exact_session_id(cap.session_id, f"{place}.capability.session_id")
    exact_label(cap.owner_label, f"{place}.capability.owner_label")
    if type(cap.generation) is not int:
        raise NotExactValue(f"{place}.capability.generation", cap.generation, "int")
    if type(cap.scope) is not Scope:
        raise NotExactValue(f"{place}.capability.scope", cap.scope, "Scope")
    return value


@dataclass(frozen=True, slots=True, order=True)
class ChoreographicRole:
    """A role of a session as played by one authority (``role_index`` >= 0)."""

    authority: str
    role_index: int

    def __post_init__(self) -> None:
        check_type("ChoreographicRole authority", self.authority, str, "an authority name (str)")
        check_count("ChoreographicRole role_index", self.role_index, minimum=0)  # not a bool


AttenuationMode = Literal["narrow", "permissive"]
CapabilityCheck = Literal["tag", "fields"]
LiveErrors = Literal["typed", "seed"]
OwnerLabelMode = Literal["caller", "seed"]
AdmissionMode = Literal["strict", "seed"]
FailurePaths = Literal["leak_free", "seed"]
FragmentClaims = Literal["capability", "label"]
PolicyName = Literal["kit", "seed"]
MachineMode = Literal["kit", "seed"]
QueueInput = Literal["checked", "seed"]
EmptyLabel = Literal["refused", "seed"]
EndedEvent = Literal["logged", "seed"]
PayloadMode = Literal["by_sort", "opaque"]

#: the fixed label the seed's ``open_owned_manifest_vm_session_admitted`` gives every session:
#: its ``caller_session_owner_label()`` is called from inside the runtime, so the location it
#: reports is always that call (line 535, column 23 of ``session_ingress.rs``).
SEED_OWNER_LABEL = "aura_agent/runtime/session_ingress.rs:535:23"

# field name -> (kit value, seed value); the order is the order of the documented differences
_SWITCHES: dict[str, tuple[str, str]] = {
    "capability_check": ("tag", "fields"),
    "attenuation": ("narrow", "permissive"),
    "live_errors": ("typed", "seed"),
    "owner_label": ("caller", "seed"),
    "admission": ("strict", "seed"),
    "machine": ("kit", "seed"),
    "queue_input": ("checked", "seed"),
    "empty_label": ("refused", "seed"),
    "ended_event": ("logged", "seed"),
    "payloads": ("by_sort", "opaque"),
    "failure_paths": ("leak_free", "seed"),
    "fragment_claims": ("capability", "label"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnershipPolicy:
    """One switch per documented difference from the seed; ``OwnershipPolicy()`` is the kit.

    - ``capability_check``: ``"tag"`` verifies the HMAC tag; ``"fields"`` compares the fields
      only, as the seed does, so a hand-built capability with the current fields passes;
    - ``attenuation``: ``"narrow"`` refuses a widening transfer; ``"permissive"`` allows it;
    - ``live_errors``: ``"typed"`` raises ``MissingOwner`` / ``StaleOwner`` /
      ``FullSessionCapabilityRequired`` on live paths; ``"seed"`` wraps every owner-check
      failure in ``InvalidIngressRouting(CapabilityRejected)`` and checks the session boundary
      first (``BoundaryScopeRejected`` for a fragment-scoped owner asserting the session);
    - ``owner_label``: ``"caller"`` labels an opened session with the caller's location;
      ``"seed"`` with the seed's fixed runtime line ``SEED_OWNER_LABEL``;
    - ``admission``: ``"strict"`` refuses an active role the manifest does not name and a
      local type that is not the projection; ``"seed"`` admits both;
    - ``machine``: ``"kit"`` runs the kit's protocol machine; ``"seed"`` steps the way the
      seed's does (a receive that finds nothing is a ``CONTINUE`` round, only a later idle
      round is ``STUCK``, and then a ``DEFERRED`` round is an error), drops the label of a
      single-label receive and sends every ``continue`` to its nearest loop;
    - ``queue_input``: ``"checked"`` refuses a queued payload that is not bytes or is over
      1 MiB and an empty or non-string choice label; ``"seed"`` queues whatever it is given;
    - ``empty_label``: ``"refused"`` refuses an empty owner label at start; ``"seed"`` takes it;
    - ``ended_event``: ``"logged"`` logs ``runtime.session.ended``; ``"seed"`` does not (the
      seed has no such event);
    - ``payloads``: ``"by_sort"`` decodes each queued or received payload by the sort the
      protocol declares (one that does not decode faults the send); ``"opaque"`` carries the
      bytes as they are, as the seed's one opaque payload per send.
    - ``failure_paths``: ``"leak_free"`` cleans up after every failed open (``BaseException``
      too) and keeps an ``OwnedVmSession`` usable after a failed ``close`` or
      ``transfer_owner``; ``"seed"`` leaves what the seed leaves: an open interrupted by a
      ``BaseException`` (the seed's dropped future) keeps its started, bound session and
      claimed fragments, and a failed ``close`` or ``transfer_owner`` consumes the handle
      (the seed's ``self`` is moved) while the session stays owned;
    - ``fragment_claims``: ``"capability"`` claims and releases fragments only for a
      ``RuntimeSessionOwner`` that passes the binding and owner checks; ``"label"`` also
      takes a bare owner label, as the seed's ``claim_vm_fragments_for_manifest`` does.
    """

    capability_check: CapabilityCheck = "tag"
    attenuation: AttenuationMode = "narrow"
    live_errors: LiveErrors = "typed"
    owner_label: OwnerLabelMode = "caller"
    admission: AdmissionMode = "strict"
    machine: MachineMode = "kit"
    queue_input: QueueInput = "checked"
    empty_label: EmptyLabel = "refused"
    ended_event: EndedEvent = "logged"
    payloads: PayloadMode = "by_sort"
    failure_paths: FailurePaths = "leak_free"
    fragment_claims: FragmentClaims = "capability"

    def __post_init__(self) -> None:
        for name, allowed in _SWITCHES.items():
            value = getattr(self, name)
            if value not in allowed:
                choices = " or ".join(repr(a) for a in allowed)
                raise ValueError(f"{name} must be {choices}, got {value!r}")

    @classmethod
    def kit(cls) -> OwnershipPolicy:
        """The kit's behaviour (the default): every weakness of the seed fixed."""
        return cls()

    @classmethod
    def seed(cls) -> OwnershipPolicy:
        """The seed's behaviour on every switch."""
        return cls(**{name: seed for name, (_, seed) in _SWITCHES.items()})  # type: ignore[arg-type]

    @classmethod
    def named(cls, name: str) -> OwnershipPolicy:
        """``"kit"`` or ``"seed"``; anything else is a ``ValueError`` naming both."""
        if name == "kit":
            return cls.kit()
        if name == "seed":
            return cls.seed()
        raise ValueError(f"policy must be 'kit' or 'seed', got {name!r}")

    @classmethod
    def coerce(cls, policy: OwnershipPolicy | str) -> OwnershipPolicy:
        """A policy value, a preset name (``"kit"``, ``"seed"``), or an attenuation mode
        (``"narrow"``, ``"permissive"``) on top of the kit's other switches; anything else is
        a ``ValueError`` naming the choices."""
        if isinstance(policy, OwnershipPolicy):
            return policy
        if policy in ("kit", "seed"):
            return cls.named(policy)
        if policy in ("narrow", "permissive"):
            return cls(attenuation=policy)  # type: ignore[arg-type]
        choices = "an OwnershipPolicy, 'kit', 'seed', 'narrow' or 'permissive'"
        raise ValueError(f"policy must be {choices}, got {policy!r}")

    @property
    def name(self) -> str:
        """``"kit"``, ``"seed"``, or ``"custom"`` for a mix of switches."""
        if self == OwnershipPolicy.kit():
            return "kit"
        if self == OwnershipPolicy.seed():
            return "seed"
        return "custom"

    def owner_label_problem(self, label: object) -> str | None:
        """Why ``label`` cannot label a new session, or None (the seed takes an empty one)."""
        seed = self.empty_label == "seed"
        if type(label) is str and (label or seed):
            return None
        wanted = "a string" if seed else "a non-empty string"
        shown = repr(label) if type(label) is str else f"a {type(label).__name__}"
        return f"owner label must be {wanted}, got {shown}"

    def allows_transfer(self, current: Scope, next_scope: Scope) -> bool:
        """Whether a transfer from ``current`` to ``next_scope`` is allowed.

        Both scopes are rebuilt from their fields first (``exact_scope``), so the decision is
        ``Scope.is_within`` of the kit's own values, never a method of the caller's object.
        """
        if self.attenuation == "permissive":
            return True
        narrowed = exact_scope(next_scope, "next scope")
        return Scope.is_within(narrowed, exact_scope(current, "current scope"))
