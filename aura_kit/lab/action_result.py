"""What an explorer action reports: ``ActionResult``, the ``NotOpen`` refusal, error names.

Invariants:
- an action never raises to its caller; it returns an ``ActionResult`` whose ``error`` is the
  exception the runtime raised (or None);
- for an attack ``ok`` means the runtime refused it; for every other action, that it applied;
- an error's name is ``attacks.error_name`` (the class, then its details' class).
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_kit.errors import AuraKitError
from aura_kit.ownership import RuntimeSessionOwner

from .attacks import error_name


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionResult:
    """What one explorer action did. For an attack, ``ok`` means the runtime refused it."""

    action: str
    ok: bool
    message: str
    error: Exception | None = None

    @property
    def error_name(self) -> str | None:
        """The error's class (with its details' class for routing errors), or None."""
        return None if self.error is None else error_name(self.error)


class NotOpen(AuraKitError, RuntimeError):
    """An action needs the sessions open (press open first)."""

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(f"{action} needs open sessions; open them first")


def moved_text(role: str, old: RuntimeSessionOwner, new: RuntimeSessionOwner) -> str:
    """``Role: old g1 [scope] -> new g2 [scope]; ...`` for a transfer or attenuation."""
    o, n = old.capability, new.capability
    return (
        f"{role}: {old.owner_label} g{o.generation} [{o.scope}] -> "
        f"{new.owner_label} g{n.generation} [{n.scope}]; the old handle is stale now"
    )
