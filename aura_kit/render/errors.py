"""Errors of the render layer."""

from __future__ import annotations


class RenderError(RuntimeError):
    """A picture could not be produced; ``actual`` and ``expected`` say why."""

    def __init__(self, what: str, *, actual: str, expected: str) -> None:
        self.what = what
        self.actual = actual
        self.expected = expected
        super().__init__(f"{what}: got {actual}, expected {expected}")
