"""Notebook display hook shared by the core classes.

The hook imports ``aura_kit.render`` only when a notebook asks for a picture, so the core
packages never import graphviz (or IPython) themselves. Which picture an object gets is
decided by type, in ``aura_kit.render.figures.FIGURES``.
"""

from __future__ import annotations

from typing import Any


def figure_for(obj: object) -> Any:
    """The ``aura_kit.render`` picture of ``obj`` (a ``Figure``), imported only when asked."""
    from aura_kit.render import figure_for as render_figure_for

    return render_figure_for(obj)


class Displayable:
    """Mixin: ``_repr_mimebundle_`` delegates to ``aura_kit.render.figure_for``."""

    __slots__ = ()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return picture_bundle(self, include, exclude)


def picture_bundle(obj: object, include: Any = None, exclude: Any = None) -> dict[str, Any]:
    """The mime bundle of ``obj``'s picture (``aura_kit.render.figure_for``), imported lazily;
    never raises (an object without a picture gets a text bundle saying why)."""
    from aura_kit.render import figure_for

    return figure_for(obj)._repr_mimebundle_(include=include, exclude=exclude)
