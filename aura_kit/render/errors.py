"""Errors of the render layer: the view layer's one error class, for pictures."""

from __future__ import annotations

from aura_kit.view.errors import ViewError


class RenderError(ViewError, RuntimeError):
    """A picture could not be produced; ``actual`` and ``expected`` say why."""
