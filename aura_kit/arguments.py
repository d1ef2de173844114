"""Checks for the kinds of value callers hand the kit's public entry points.

Invariants:
- a public entry point checks each argument's kind before it uses the argument, so a wrong
  kind is ``WrongArgumentType`` naming the place, the kind given and what was expected, and
  never an ``AttributeError`` or ``TypeError`` from deep inside;
- ``WrongArgumentType`` is an ``AuraKitError`` and a ``TypeError``, so code that catches the
  builtin keeps working;
- a ``bool`` is not accepted where an ``int`` is expected (see ``aura_kit.numbers``);
- this module imports only ``aura_kit.errors``, so every layer may use it.
"""

from __future__ import annotations

from typing import Any

from aura_kit.errors import AuraKitError

__all__ = ["WrongArgumentType", "check_type"]


class WrongArgumentType(AuraKitError, TypeError):
    """An argument of a public entry point that is not of the kind it needs."""

    def __init__(self, place: str, value: object, expected: str) -> None:
        self.place = place
        self.value = value
        self.expected = expected
        super().__init__(
            f"{place} is a {type(value).__name__} ({_short(value)}); expected {expected}"
        )


def check_type(place: str, value: Any, kinds: type | tuple[type, ...], expected: str) -> Any:
    """``value`` unchanged when it is an instance of ``kinds``, else ``WrongArgumentType``."""
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        raise WrongArgumentType(place, value, expected)
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
