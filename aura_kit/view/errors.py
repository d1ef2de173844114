"""Errors of the view layer: a snapshot was asked for something the model does not have."""

from __future__ import annotations

from aura_kit.errors import AuraKitError


class ViewError(AuraKitError, ValueError):
    """A view could not be built; ``actual`` and ``expected`` say why."""

    def __init__(self, what: str, *, actual: str, expected: str) -> None:
        self.what = what
        self.actual = actual
        self.expected = expected
        super().__init__(f"{what}: got {actual}, expected {expected}")
