"""Admission of a manifest-described VM session, its role-scoped image, and owner labels.

Invariants (checked in this order; the first problem is the refusal message):
- every guard capability name is ``namespace:name``;
- every required theorem pack is declared, and ``required_theorem_pack_capabilities``
  equals the union of the capabilities of the required packs;
- the active role is one of the manifest's ``role_names``;
- a local type is given for the active role and equals its projection of the global type.
Under the seed's admission (``strict=False``, ``OwnershipPolicy.seed()``) the role and
projection checks are skipped, as in the seed; a local type must still be given.
The role-scoped image holds the projection of every role of the global type; only the
active role runs on the machine, the others are external.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from types import FrameType
from typing import Any

from aura_kit.protocol import ProtocolError, format_local
from aura_kit.protocol.projection import projections
from aura_kit.protocol.types import GlobalType, LocalType

_GUARD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*:[A-Za-z_][A-Za-z0-9_.\-]*")


def guard_capability_problem(manifest: Any) -> str | None:
    """The first guard capability that is not ``namespace:name``."""
    for index, name in enumerate(manifest.guard_capabilities):
        if not _GUARD_NAME.fullmatch(name):
            return f"guard_capabilities[{index}] is {name!r}; expected a namespace:name capability"
    return None


def theorem_pack_problem(manifest: Any) -> str | None:
    """A required pack that is not declared, or a capability set that does not match."""
    declared = {pack.name: pack for pack in manifest.theorem_packs}
    union: set[str] = set()
    for name in manifest.required_theorem_packs:
        if name not in declared:
            return f"required theorem pack {name!r} is not declared; declared: {sorted(declared)}"
        union.update(declared[name].capabilities)
    given = set(manifest.required_theorem_pack_capabilities)
    if given != union:
        return (
            f"required_theorem_pack_capabilities are {sorted(given)}; expected the union of "
            f"the required packs' capabilities {sorted(union)}"
        )
    return None


def local_type_problem(
    manifest: Any,
    active_role: str,
    global_type: GlobalType,
    local_types: Mapping[str, LocalType],
    *,
    strict: bool = True,
) -> str | None:
    """The active role is unknown, has no local type, or one that is not its projection.

    ``strict=False`` is the seed's admission: only a missing local type is refused.
    """
    if strict and active_role not in manifest.role_names:
        return f"active role {active_role!r} is not one of {list(manifest.role_names)}"
    if active_role not in local_types:
        return f"no local type for active role {active_role!r}; given for {sorted(local_types)}"
    if not strict:
        return None
    try:
        projected = projections(global_type).project(active_role)
    except ProtocolError as error:
        return f"cannot project the global type onto {active_role!r}: {error}"
    given = local_types[active_role]
    if given != projected:
        return (
            f"local type of {active_role!r} is {format_local(given)}; "
            f"expected its projection {format_local(projected)}"
        )
    return None


def admission_problem(
    manifest: Any,
    active_role: str,
    global_type: GlobalType,
    local_types: Mapping[str, LocalType],
    *,
    strict: bool = True,
) -> str | None:
    """The first admission problem, or None when the session may open (see ``strict``)."""
    return (
        guard_capability_problem(manifest)
        or theorem_pack_problem(manifest)
        or local_type_problem(manifest, active_role, global_type, local_types, strict=strict)
    )


def role_scoped_local_types(
    active_role: str, global_type: GlobalType, local_types: Mapping[str, LocalType]
) -> dict[str, LocalType]:
    """Local types for the image: the given one for the active role, projections elsewhere."""
    cached = projections(global_type)
    out: dict[str, LocalType] = {}
    for role in cached.roles:
        out[role] = local_types[active_role] if role == active_role else cached.project(role)
    return out


def caller_session_owner_label(depth: int = 1) -> str:
    """``file:line:column`` of the code that called the caller's frame ``depth`` levels up.

    ``caller_session_owner_label()`` names the line that called it. Inside a notebook the
    file is the cell (``cell[N]`` when the execution count is known).
    """
    frame: FrameType | None = sys._getframe(depth)
    if frame is None:  # pragma: no cover - CPython always has the frame
        return "<unknown>:0:0"
    line, column = _instruction_position(frame) or (frame.f_lineno, 1)
    return f"{_file_label(frame)}:{line}:{column}"


def _instruction_position(frame: FrameType) -> tuple[int, int] | None:
    index = frame.f_lasti // 2
    for i, (start, _end, col, _ec) in enumerate(frame.f_code.co_positions()):
        if i == index and start is not None and col is not None:
            return start, col + 1
    return None


def _file_label(frame: FrameType) -> str:
    filename = frame.f_code.co_filename
    if "ipykernel_" in filename or filename.startswith("<ipython-input"):
        history = frame.f_globals.get("In")
        if isinstance(history, list) and history:
            return f"cell[{len(history) - 1}]"
        return f"cell<{filename}>"
    return filename
