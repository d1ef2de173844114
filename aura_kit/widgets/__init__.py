"""Widgets: the protocol explorer (the only package that imports ipywidgets).

The explorer's kernel-free model (``ExplorerModel``, ``AttackKind``, ``ActionResult``) is in
``aura_kit.lab``. Importing this package is cheap: ipywidgets is imported only when
``explorer()``, ``Explorer`` or a panel function is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aura_kit.widgets.editor_widget import Editor
    from aura_kit.widgets.explorer_widget import (
        Explorer,
        automata_figure,
        event_table,
        ownership_figure,
        run_figure,
    )

__all__ = [
    "Editor",
    "Explorer",
    "automata_figure",
    "editor",
    "event_table",
    "explorer",
    "ownership_figure",
    "run_figure",
]

_LAZY = {
    "Editor": "aura_kit.widgets.editor_widget",
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


def editor(text: str | None = None) -> Editor:
    """A protocol editor on ``.choreo`` text (default: the bundled TwoBuyer's text); Open in
    explorer shows an explorer of the checked protocol below it."""
    from aura_kit.lab.catalog import load_bundled
    from aura_kit.protocol import format_protocol
    from aura_kit.widgets.editor_widget import Editor

    return Editor(format_protocol(load_bundled("TwoBuyer")) if text is None else text)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aura_kit.widgets' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
