"""Parts of a composition manifest: link specs, theorem packs, delegation constraints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LinkSpec:
    """A ``@link`` contract: ``role`` links bundle ``bundle_id`` with its interfaces."""

    role: str
    bundle_id: str
    imports: tuple[str, ...] = ()
    exports: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "imports", tuple(self.imports))
        object.__setattr__(self, "exports", tuple(self.exports))


@dataclass(frozen=True, slots=True, kw_only=True)
class TheoremPack:
    """A declared theorem pack and the capabilities it provides."""

    name: str
    capabilities: tuple[str, ...] = ()
    version: str | None = None
    issuer: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "capabilities", tuple(self.capabilities))


@dataclass(frozen=True, slots=True, kw_only=True)
class DelegationConstraint:
    """A delegation edge the runtime may reconfigure, optionally requiring a bundle."""

    from_role: str
    to_role: str
    required_bundle_id: str | None = None
