"""Ownership values: session ids, scopes, capabilities, owners and roles.

Invariants:
- every value here is frozen and hashable; equality is exact (field by field);
- a ``Scope`` is either ``Scope.SESSION`` or ``Scope.fragments(keys)`` with a frozenset of
  keys; the two never compare equal, whatever the keys;
- ``Scope.is_within(other)`` is the attenuation order: everything is within ``SESSION``,
  ``fragments(A)`` is within ``fragments(B)`` when ``A <= B``, ``SESSION`` is within nothing
  else;
- a capability's generation is an int >= 1; its tag is whatever bytes it was built with:
  only the issuing ``EffectSystem`` can tell whether the tag is genuine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal


@dataclass(frozen=True, slots=True, order=True)
class SessionId:
    """A runtime session id: a UUID (the seed's ``RuntimeChoreographySessionId``)."""

    value: uuid.UUID
    # derived once: ids are hashed and printed on every round (registry, transport, events)
    _text: str = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.value, uuid.UUID):
            raise TypeError(f"SessionId needs a uuid.UUID, got {type(self.value).__name__}")
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
        if isinstance(value, SessionId):
            return value
        if isinstance(value, uuid.UUID):
            return cls(value)
        if isinstance(value, str):
            return cls(uuid.UUID(value))
        raise TypeError(f"session id must be a SessionId, UUID or str, got {type(value).__name__}")

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
        if not isinstance(self.keys, frozenset):
            raise TypeError("Scope keys must be a frozenset; use Scope.fragments(keys)")
        bad = [k for k in self.keys if not isinstance(k, str) or not k]
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
    """An owner handle: the label is for messages and logs, the capability is the proof."""

    session_id: SessionId
    owner_label: str
    capability: SessionOwnerCapability


@dataclass(frozen=True, slots=True, order=True)
class ChoreographicRole:
    """A role of a session as played by one authority (``role_index`` >= 0)."""

    authority: str
    role_index: int

    def __post_init__(self) -> None:
        if not isinstance(self.role_index, int) or self.role_index < 0:
            raise ValueError(f"role_index must be an int >= 0, got {self.role_index!r}")


AttenuationMode = Literal["narrow", "permissive"]


@dataclass(frozen=True, slots=True)
class OwnershipPolicy:
    """``attenuation="narrow"`` (default) refuses transfers that widen the scope;
    ``"permissive"`` reproduces the seed runtime, which allows widening."""

    attenuation: AttenuationMode = "narrow"

    def __post_init__(self) -> None:
        if self.attenuation not in ("narrow", "permissive"):
            raise ValueError(
                f"attenuation must be 'narrow' or 'permissive', got {self.attenuation!r}"
            )

    def allows_transfer(self, current: Scope, next_scope: Scope) -> bool:
        """Whether a transfer from ``current`` to ``next_scope`` is allowed."""
        return self.attenuation == "permissive" or next_scope.is_within(current)
