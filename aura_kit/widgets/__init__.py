"""Widgets: the protocol explorer (the only package that imports ipywidgets).

Importing this package is cheap: ``ExplorerModel`` and friends live in
``aura_kit.widgets.logic`` (no ipywidgets), and ipywidgets is imported only
when ``explorer()`` or ``Explorer`` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aura_kit.widgets.explorer import Explorer
    from aura_kit.widgets.logic import ActionResult, AttackKind, ExplorerModel

__all__ = ["ActionResult", "AttackKind", "Explorer", "ExplorerModel", "explorer"]

_LAZY = {
    "ActionResult": "aura_kit.widgets.logic",
    "AttackKind": "aura_kit.widgets.logic",
    "ExplorerModel": "aura_kit.widgets.logic",
    "Explorer": "aura_kit.widgets.explorer",
}


def explorer(protocol: str | None = None, **options: Any) -> Explorer:
    """An explorer widget for ``protocol`` (a bundled protocol name; default the first)."""
    from aura_kit.widgets.explorer import Explorer

    return Explorer.for_protocol(protocol, **options)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aura_kit.widgets' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
