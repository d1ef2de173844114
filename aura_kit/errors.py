"""The root of every exception the kit defines.

Invariants:
- every exception class of the package derives from ``AuraKitError`` (a test walks them all),
  so ``except AuraKitError`` catches whatever the kit raised on purpose;
- a layer's error keeps the builtin base that fits it (``ProtocolError(AuraKitError,
  ValueError)``), so code that catches the builtin keeps working;
- this module imports nothing from the package, so every layer may import it.
"""

from __future__ import annotations

__all__ = ["AuraKitError"]


class AuraKitError(Exception):
    """Base class of every exception the kit raises on purpose."""
