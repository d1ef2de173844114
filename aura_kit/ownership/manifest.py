"""Composition manifests: what a choreography bundle needs at startup.

Invariants:
- a manifest is a frozen value; list fields are tuples;
- ``from_dict`` checks every field, collects every problem with its JSON path
  (``link_specs[0].bundle_id``) and raises one ``ManifestError`` whose ``.path`` is the first;
- unknown fields are problems (the seed's manifests deny unknown fields);
- link spec and delegation roles must be among ``role_names``;
- fragments: no link specs -> one ``protocol:<protocol_id>`` key; otherwise one
  ``bundle:<bundle_id>`` key per distinct bundle id, in order of first appearance.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from aura_kit.data import read_text

from ._manifest_reader import Reader
from .errors import ManifestError
from .manifest_parts import DelegationConstraint, LinkSpec, TheoremPack

if TYPE_CHECKING:
    from aura_kit.protocol.types import Protocol


class ManifestFragment(NamedTuple):
    """One fragment a manifest claims: its key, protocol id and bundle id (if linked)."""

    key: str
    protocol_id: str
    bundle_id: str | None


_TUPLE_FIELDS = (
    "role_names",
    "required_capabilities",
    "theorem_packs",
    "required_theorem_packs",
    "required_theorem_pack_capabilities",
    "guard_capabilities",
    "link_specs",
    "delegation_constraints",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionManifest:
    """Host-side startup metadata for one choreography (the seed's field names)."""

    protocol_id: str
    protocol_name: str
    protocol_namespace: str | None = None
    protocol_qualified_name: str = ""
    role_names: tuple[str, ...] = ()
    required_capabilities: tuple[str, ...] = ()
    theorem_packs: tuple[TheoremPack, ...] = ()
    required_theorem_packs: tuple[str, ...] = ()
    required_theorem_pack_capabilities: tuple[str, ...] = ()
    guard_capabilities: tuple[str, ...] = ()
    determinism_policy_ref: str | None = None
    link_specs: tuple[LinkSpec, ...] = ()
    delegation_constraints: tuple[DelegationConstraint, ...] = ()

    def __post_init__(self) -> None:
        for name in _TUPLE_FIELDS:
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.protocol_qualified_name:
            qualified = qualified_name(self.protocol_namespace, self.protocol_name)
            object.__setattr__(self, "protocol_qualified_name", qualified)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<dict>") -> CompositionManifest:
        """Validate a decoded JSON object; raise ``ManifestError`` listing every problem."""
        reader = Reader()
        fields = reader.manifest_fields(data)
        if reader.problems:
            raise ManifestError(reader.problems, source)
        return cls(**fields)

    @classmethod
    def from_json(cls, text: str, *, source: str = "<json>") -> CompositionManifest:
        """Parse JSON text; a syntax error or runaway nesting is a ``ManifestError`` at ``$``."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            raise ManifestError([("$", problem)], source) from None
        except RecursionError:
            raise ManifestError([("$", "JSON nests too deeply")], source) from None
        except ValueError as exc:  # an integer with more digits than Python converts
            problem = f"invalid JSON: {str(exc).split(';', 1)[0]}"
            raise ManifestError([("$", problem)], source) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def load(cls, path: str | Path) -> CompositionManifest:
        """Read and validate a manifest file, or the bundled manifest named ``path``
        (``two_buyer``; see ``aura_kit.data``)."""
        text, source, _ = read_text("manifests", path)
        return cls.from_json(text, source=source)

    @classmethod
    def for_protocol(
        cls, protocol: Protocol, protocol_id: str, link_specs: Iterable[LinkSpec] = ()
    ) -> CompositionManifest:
        """A minimal manifest for a parsed protocol: its name and roles, nothing required."""
        return cls(
            protocol_id=protocol_id,
            protocol_name=protocol.name,
            role_names=tuple(protocol.roles),
            link_specs=tuple(link_specs),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``from_dict(m.to_dict()) == m``)."""
        return {
            "protocol_id": self.protocol_id,
            "protocol_name": self.protocol_name,
            "protocol_namespace": self.protocol_namespace,
            "protocol_qualified_name": self.protocol_qualified_name,
            "role_names": list(self.role_names),
            "required_capabilities": list(self.required_capabilities),
            "theorem_packs": [_pack_dict(p) for p in self.theorem_packs],
            "required_theorem_packs": list(self.required_theorem_packs),
            "required_theorem_pack_capabilities": list(self.required_theorem_pack_capabilities),
            "guard_capabilities": list(self.guard_capabilities),
            "determinism_policy_ref": self.determinism_policy_ref,
            "link_specs": [_link_dict(s) for s in self.link_specs],
            "delegation_constraints": [_delegation_dict(d) for d in self.delegation_constraints],
        }

    def fragments(self) -> tuple[ManifestFragment, ...]:
        """The fragments a claim for this manifest covers (see the module invariants)."""
        return manifest_fragments(self)

    def fragment_keys(self) -> frozenset[str]:
        """The keys of ``fragments()``."""
        return frozenset(f.key for f in manifest_fragments(self))

    def bundle_ids(self) -> tuple[str, ...]:
        """Distinct bundle ids of the link specs, in order of first appearance."""
        return tuple(dict.fromkeys(s.bundle_id for s in self.link_specs))


def qualified_name(namespace: str | None, protocol_name: str) -> str:
    """``namespace.name`` when there is a namespace, else ``name`` (as in the seed)."""
    return f"{namespace}.{protocol_name}" if namespace else protocol_name


def protocol_fragment_key(protocol_id: str) -> str:
    """The fragment key of an unlinked protocol."""
    return f"protocol:{protocol_id}"


def bundle_fragment_key(bundle_id: str) -> str:
    """The fragment key of a linked bundle."""
    return f"bundle:{bundle_id}"


def manifest_fragments(manifest: CompositionManifest) -> tuple[ManifestFragment, ...]:
    """Fragments of a manifest: one per distinct bundle, or one for the protocol."""
    pid = manifest.protocol_id
    if not manifest.link_specs:
        return (ManifestFragment(protocol_fragment_key(pid), pid, None),)
    return tuple(ManifestFragment(bundle_fragment_key(b), pid, b) for b in manifest.bundle_ids())


def _pack_dict(p: TheoremPack) -> dict[str, Any]:
    caps = list(p.capabilities)
    return {"name": p.name, "capabilities": caps, "version": p.version, "issuer": p.issuer}


def _link_dict(s: LinkSpec) -> dict[str, Any]:
    return {
        "role": s.role,
        "bundle_id": s.bundle_id,
        "imports": list(s.imports),
        "exports": list(s.exports),
    }


def _delegation_dict(d: DelegationConstraint) -> dict[str, Any]:
    return {
        "from_role": d.from_role,
        "to_role": d.to_role,
        "required_bundle_id": d.required_bundle_id,
    }
