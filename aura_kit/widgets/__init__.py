"""Widgets: the protocol explorer (the only package that imports ipywidgets).

The explorer's kernel-free model (``ExplorerModel``, ``AttackKind``, ``ActionResult``) is in
``aura_kit.lab``. Importing this package is cheap: ipywidgets is imported only when
``explorer()``, ``Explorer`` or a panel function is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aura_kit.widgets.explorer_widget import (
        Explorer,
        automata_figure,
        event_table,
        ownership_figure,
        run_figure,
    )

__all__ = [
    "Explorer",
    "automata_figure",
    "event_table",
    "explorer",
    "ownership_figure",
    "run_figure",
]

_LAZY = {
    "Explorer": "aura_kit.widgets.explorer_widget",
    "automata_figure": "aura_kit.widgets.explorer_widget",
    "event_table": "aura_kit.widgets.explorer_widget",
    "ownership_figure": "aura_kit.widgets.explorer_widget",
    "run_figure": "aura_kit.widgets.explorer_widget",
}


def explorer(protocol: Any = None, **options: Any) -> Explorer:
    """An explorer widget for ``protocol``: a bundled protocol name (default TwoBuyer), a
    ``Protocol``, a protocol file or ``.choreo`` text; ``policy="seed"`` for the seed's."""
    from aura_kit.widgets.explorer_widget import Explorer

    return Explorer.for_protocol(protocol, **options)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aura_kit.widgets' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
