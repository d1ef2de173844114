"""Ownership values and registries: scopes, capabilities, boundaries, manifests (pure)."""

from .boundary import LinkBoundary
from .errors import (
    FragmentError,
    FragmentErrorKind,
    InvalidSessionId,
    ManifestError,
    NotExactValue,
    OwnershipError,
    SessionOwnershipError,
    SessionOwnershipErrorKind,
)
from .fragments import FragmentId, FragmentRecord, FragmentRegistry
from .history import OwnerChange, OwnerChangeKind, OwnerHistory
from .manifest import (
    CompositionManifest,
    ManifestFragment,
    bundle_fragment_key,
    manifest_fragments,
    protocol_fragment_key,
    qualified_name,
)
from .manifest_parts import DelegationConstraint, LinkSpec, TheoremPack
from .registry import CapabilitySigner, IssuedOwner, OwnerRecord, SessionRegistry
from .values import (
    SEED_OWNER_LABEL,
    ChoreographicRole,
    OwnershipPolicy,
    RuntimeSessionOwner,
    Scope,
    SessionId,
    SessionOwnerCapability,
)

__all__ = [
    # values
    "SessionId",
    "Scope",
    "SessionOwnerCapability",
    "RuntimeSessionOwner",
    "ChoreographicRole",
    "OwnershipPolicy",
    "SEED_OWNER_LABEL",
    # boundaries and manifests
    "LinkBoundary",
    "CompositionManifest",
    "LinkSpec",
    "TheoremPack",
    "DelegationConstraint",
    "ManifestFragment",
    "manifest_fragments",
    "protocol_fragment_key",
    "bundle_fragment_key",
    "qualified_name",
    # registries
    "CapabilitySigner",
    "OwnerRecord",
    "IssuedOwner",
    "SessionRegistry",
    "FragmentId",
    "FragmentRecord",
    "FragmentRegistry",
    "OwnerChange",
    "OwnerChangeKind",
    "OwnerHistory",
    # errors
    "OwnershipError",
    "ManifestError",
    "InvalidSessionId",
    "NotExactValue",
    "SessionOwnershipError",
    "SessionOwnershipErrorKind",
    "FragmentError",
    "FragmentErrorKind",
]
