"""Checks for the numbers callers hand the kit: timeouts, counts and capacities.

Invariants:
- a timeout is a real ``int`` or ``float`` (not ``bool``), finite and in range: NaN and
  infinities are refused, never turned into a busy loop or a wait without end;
- a count or capacity is an ``int`` (not ``bool``) between its minimum and maximum;
- a refused number raises ``InvalidNumber`` naming the place, the value and what was expected,
  before anything uses it;
- this module imports only ``aura_kit.errors``, so every layer may use it.
"""

from __future__ import annotations

import math
from typing import Any

from aura_kit.errors import AuraKitError

__all__ = ["MAX_TIMEOUT_SECONDS", "InvalidNumber", "check_count", "check_seconds"]

# A day: longer than any wait a teaching run needs, short enough that a typo is not "forever".
MAX_TIMEOUT_SECONDS = 86_400.0


class InvalidNumber(AuraKitError, ValueError):
    """A timeout, count or capacity that is not a usable number."""

    def __init__(self, place: str, value: object, expected: str) -> None:
        self.place = place
        self.value = value
        self.expected = expected
        super().__init__(f"{place} is {value!r}; expected {expected}")


def check_seconds(
    place: str,
    value: Any,
    *,
    allow_zero: bool = True,
    maximum: float = MAX_TIMEOUT_SECONDS,
) -> float:
    """``value`` as float seconds, or ``InvalidNumber`` unless finite and in range."""
    lower = ">= 0" if allow_zero else "> 0"
    expected = f"finite seconds {lower} and <= {maximum:g}"
    if type(value) not in (int, float) or not math.isfinite(value):
        raise InvalidNumber(place, value, expected)
    if value < 0 or (value == 0 and not allow_zero) or value > maximum:
        raise InvalidNumber(place, value, expected)
    return float(value)


def check_count(place: str, value: Any, *, minimum: int = 0, maximum: int | None = None) -> int:
    """``value`` as an int in ``[minimum, maximum]``, or ``InvalidNumber``."""
    upper = "" if maximum is None else f" and <= {maximum:,}"
    expected = f"an int >= {minimum}{upper}"
    if type(value) is not int or value < minimum or (maximum is not None and value > maximum):
        raise InvalidNumber(place, value, expected)
    return value
