"""Field-by-field reading of a manifest JSON object, collecting every problem with its path.

Invariants: the reader never raises on bad data; it appends ``(json_path, reason)`` to
``problems`` and returns a placeholder, so one pass reports everything; link and delegation
roles are checked against ``role_names`` only when its entries are sound strings, so a bad
entry is reported once, at its root. A path is never
empty: a key that is not an identifier is written ``$["key"]`` / ``path["key"]``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from aura_kit.jsonpath import ROOT, member_path

from .manifest_parts import DelegationConstraint, LinkSpec, TheoremPack

_REQUIRED = ("protocol_id", "protocol_name", "role_names")
_STR_LISTS = (
    "required_capabilities",
    "required_theorem_packs",
    "required_theorem_pack_capabilities",
    "guard_capabilities",
)
_OPTIONAL_STRS = ("protocol_namespace", "determinism_policy_ref")
_KNOWN = frozenset(
    (
        *_REQUIRED,
        *_STR_LISTS,
        *_OPTIONAL_STRS,
        "protocol_qualified_name",
        "theorem_packs",
        "link_specs",
        "delegation_constraints",
    )
)


_MISSING: Any = object()


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


class Reader:
    """Collects ``(path, reason)`` problems while converting JSON values."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, reason: str) -> None:
        self.problems.append((path, reason))

    def text(self, value: Any, path: str, *, empty_ok: bool = False) -> str:
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.fail(path, f"expected a string, got {_kind(value)}")
            return ""
        if not value and not empty_ok:
            self.fail(path, "expected a non-empty string, got an empty one")
        return value

    def optional_text(self, value: Any, path: str) -> str | None:
        return None if value is None else self.text(value, path)

    def texts(self, value: Any, path: str) -> tuple[str, ...]:
        if value is _MISSING:
            return ()
        if not isinstance(value, list):
            self.fail(path, f"expected a list of strings, got {_kind(value)}")
            return ()
        return tuple(self.text(v, f"{path}[{i}]") for i, v in enumerate(value))

    def obj(self, value: Any, path: str, known: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {_kind(value)}")
            return {}
        self.unknown_fields(value, path, known)
        return value

    def unknown_fields(self, value: dict[str, Any], path: str, known: Collection[str]) -> None:
        for key in value:
            if key not in known:
                self.fail(member_path(path, key), f"unknown field; expected one of {sorted(known)}")

    def required(self, data: dict[str, Any], key: str, path: str) -> Any:
        if key not in data:
            self.fail(path, "missing required field")
        return data.get(key, _MISSING)

    def objects(self, value: Any, path: str) -> list[tuple[str, Any]]:
        if not isinstance(value, list):
            self.fail(path, f"expected a list of objects, got {_kind(value)}")
            return []
        return [(f"{path}[{i}]", v) for i, v in enumerate(value)]

    def manifest_fields(self, data: Any) -> dict[str, Any]:
        """Every manifest field, converted; problems collected on the way."""
        if not isinstance(data, dict):
            self.fail(ROOT, f"expected a JSON object, got {_kind(data)}")
            return {}
        self.unknown_fields(data, ROOT, _KNOWN)
        out: dict[str, Any] = {
            "protocol_id": self.text(
                self.required(data, "protocol_id", "protocol_id"), "protocol_id"
            ),
            "protocol_name": self.text(
                self.required(data, "protocol_name", "protocol_name"), "protocol_name"
            ),
        }
        names, sound = self.role_names(self.required(data, "role_names", "role_names"))
        out["role_names"] = names
        # Link and delegation roles are checked against role_names only when its entries are
        # sound strings; otherwise each of them would repeat that one root problem.
        roles = set(names) if sound else None
        for key in _OPTIONAL_STRS:
            out[key] = self.optional_text(data.get(key), key)
        if "protocol_qualified_name" in data:
            out["protocol_qualified_name"] = self.text(
                data["protocol_qualified_name"], "protocol_qualified_name"
            )
        for key in _STR_LISTS:
            out[key] = self.texts(data.get(key, []), key)
        out["theorem_packs"] = self.theorem_packs(data.get("theorem_packs", []))
        out["link_specs"] = self.link_specs(data.get("link_specs", []), roles)
        out["delegation_constraints"] = self.delegations(
            data.get("delegation_constraints", []), roles
        )
        return out

    def role_names(self, value: Any) -> tuple[tuple[str, ...], bool]:
        """The names, and whether every entry is a non-empty string (duplicates allowed)."""
        before = len(self.problems)
        names = self.texts(value, "role_names")
        sound = len(self.problems) == before
        if isinstance(value, list) and not value:
            self.fail("role_names", "expected at least one role, got an empty list")
        seen: set[str] = set()  # a set: a linear check however many names there are
        for i, name in enumerate(names):
            if name and name in seen:
                self.fail(f"role_names[{i}]", f"duplicate role {name!r}")
            seen.add(name)
        return names, sound

    def role(self, value: Any, path: str, roles: set[str] | None) -> str:
        name = self.text(value, path)
        if name and roles and name not in roles:
            self.fail(path, f"role {name!r} is not one of role_names {sorted(roles)}")
        return name

    def theorem_packs(self, value: Any) -> tuple[TheoremPack, ...]:
        known = ("name", "capabilities", "version", "issuer")
        packs = []
        for path, item in self.objects(value, "theorem_packs"):
            d = self.obj(item, path, known)
            packs.append(
                TheoremPack(
                    name=self.text(self.required(d, "name", f"{path}.name"), f"{path}.name"),
                    capabilities=self.texts(d.get("capabilities", []), f"{path}.capabilities"),
                    version=self.optional_text(d.get("version"), f"{path}.version"),
                    issuer=self.optional_text(d.get("issuer"), f"{path}.issuer"),
                )
            )
        return tuple(packs)

    def link_specs(self, value: Any, roles: set[str] | None) -> tuple[LinkSpec, ...]:
        known = ("role", "bundle_id", "imports", "exports")
        specs = []
        for path, item in self.objects(value, "link_specs"):
            d = self.obj(item, path, known)
            role = self.role(self.required(d, "role", f"{path}.role"), f"{path}.role", roles)
            bundle = self.required(d, "bundle_id", f"{path}.bundle_id")
            specs.append(
                LinkSpec(
                    role,
                    self.text(bundle, f"{path}.bundle_id"),
                    self.texts(d.get("imports", []), f"{path}.imports"),
                    self.texts(d.get("exports", []), f"{path}.exports"),
                )
            )
        return tuple(specs)

    def delegations(self, value: Any, roles: set[str] | None) -> tuple[DelegationConstraint, ...]:
        known = ("from_role", "to_role", "required_bundle_id")
        out = []
        for path, item in self.objects(value, "delegation_constraints"):
            d = self.obj(item, path, known)
            out.append(
                DelegationConstraint(
                    from_role=self.role(
                        self.required(d, "from_role", f"{path}.from_role"),
                        f"{path}.from_role",
                        roles,
                    ),
                    to_role=self.role(
                        self.required(d, "to_role", f"{path}.to_role"), f"{path}.to_role", roles
                    ),
                    required_bundle_id=self.optional_text(
                        d.get("required_bundle_id"), f"{path}.required_bundle_id"
                    ),
                )
            )
        return tuple(out)
