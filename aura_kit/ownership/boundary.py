"""Link boundaries: which fragments an ingress touches, checked against a capability scope.

Invariants:
- ``for_scope(SESSION)`` has no keys; ``for_scope(fragments(S))`` has keys ``S``;
- ``for_protocol(p)`` has key ``protocol:p`` and scope SESSION;
- ``for_bundle_id(b)`` has key ``bundle:b`` and scope ``fragments({bundle:b})``;
- ``for_manifest(m)``: no link specs -> ``for_protocol(m.protocol_id)``; one bundle -> that
  bundle's boundary; several -> the union of their keys with scope ``fragments(union)``;
  every manifest boundary carries ``protocol_ids == (m.protocol_id,)``, as the seed's does;
- ``is_allowed_by(SESSION)`` is always true; ``is_allowed_by(fragments(A))`` is true only
  when the boundary has keys and all of them are in ``A``;
- ``fragment_keys`` and ``protocol_ids`` are collections of ``str`` (a bare string is refused,
  not split into characters), ``bundle_id`` is a str or None and ``capability_scope`` a
  ``Scope``; anything else is a ``BoundaryValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BoundaryValueError
from .manifest import CompositionManifest, bundle_fragment_key, protocol_fragment_key
from .values import Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkBoundary:
    """The seed's ``AuraLinkBoundary``."""

    bundle_id: str | None = None
    protocol_ids: tuple[str, ...] = ()
    fragment_keys: frozenset[str] = frozenset()
    capability_scope: Scope = Scope.SESSION

    def __post_init__(self) -> None:
        if self.bundle_id is not None and type(self.bundle_id) is not str:
            raise BoundaryValueError("bundle_id", self.bundle_id, "a str or None")
        if not isinstance(self.capability_scope, Scope):
            raise BoundaryValueError("capability_scope", self.capability_scope, "a Scope")
        object.__setattr__(self, "protocol_ids", _names("protocol_ids", self.protocol_ids))
        keys = frozenset(_names("fragment_keys", self.fragment_keys))
        object.__setattr__(self, "fragment_keys", keys)

    @classmethod
    def for_scope(cls, scope: Scope) -> LinkBoundary:
        """The boundary a scope describes."""
        return cls(fragment_keys=scope.keys or frozenset(), capability_scope=scope)

    @classmethod
    def for_protocol(cls, protocol_id: str) -> LinkBoundary:
        """The boundary of an unlinked protocol."""
        key = protocol_fragment_key(protocol_id)
        return cls(protocol_ids=(protocol_id,), fragment_keys=frozenset({key}))

    @classmethod
    def for_bundle_id(cls, bundle_id: str) -> LinkBoundary:
        """The boundary of one linked bundle."""
        keys = frozenset({bundle_fragment_key(bundle_id)})
        return cls(bundle_id=bundle_id, fragment_keys=keys, capability_scope=Scope(keys))

    @classmethod
    def for_manifest(cls, manifest: CompositionManifest) -> LinkBoundary:
        """The routing boundary of a manifest (see the module invariants)."""
        bundles = manifest.bundle_ids()
        if not bundles:
            return cls.for_protocol(manifest.protocol_id)
        ids = (manifest.protocol_id,)
        if len(bundles) == 1:
            one = cls.for_bundle_id(bundles[0])
            return cls(
                bundle_id=one.bundle_id,
                protocol_ids=ids,
                fragment_keys=one.fragment_keys,
                capability_scope=one.capability_scope,
            )
        keys = frozenset(bundle_fragment_key(b) for b in bundles)
        return cls(protocol_ids=ids, fragment_keys=keys, capability_scope=Scope(keys))

    def is_allowed_by(self, scope: Scope) -> bool:
        """Whether a capability with ``scope`` may cross this boundary."""
        if scope.keys is None:
            return True
        return bool(self.fragment_keys) and self.fragment_keys <= scope.keys

    def __str__(self) -> str:
        keys = ",".join(sorted(self.fragment_keys)) or "-"
        return f"boundary[{keys}]"


def _names(field: str, value: object) -> tuple[str, ...]:
    """``value`` as a tuple of str, refusing a bare string (it would become its characters)."""
    expected = "a collection of str (not a single str)"
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, set, frozenset)):
        raise BoundaryValueError(field, value, expected)
    if any(type(v) is not str for v in value):
        raise BoundaryValueError(field, value, expected)
    return tuple(value)
