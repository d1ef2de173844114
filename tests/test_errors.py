"""Every exception class the package defines derives from ``AuraKitError``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import aura_kit
from aura_kit.errors import AuraKitError
from aura_kit.render.errors import RenderError
from aura_kit.view.errors import ViewError

# widgets and the app import ipywidgets / voila pieces; they are walked when installed
_OPTIONAL = ("aura_kit.widgets", "aura_kit.commands.app")


def _modules() -> list[str]:
    names = [aura_kit.__name__]
    for info in pkgutil.walk_packages(aura_kit.__path__, prefix="aura_kit."):
        names.append(info.name)
    return names


def _exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except ImportError:
            if name.startswith(_OPTIONAL):
                continue
            raise
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[k] for k in sorted(found)]


EXCEPTIONS = _exception_classes()


def test_errors_walk_finds_every_layer() -> None:
    """The walk sees the exceptions of every layer (so the check below is not vacuous)."""
    layers = {cls.__module__.split(".")[1] for cls in EXCEPTIONS if cls.__module__ != "aura_kit"}
    assert {"protocol", "machine", "ownership", "runtime", "view", "render", "jsonl"} <= layers
    assert len(EXCEPTIONS) >= 40


@pytest.mark.parametrize("cls", EXCEPTIONS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_errors_every_exception_derives_from_the_root(cls: type[BaseException]) -> None:
    """Each exception class defined in the package is an ``AuraKitError``."""
    assert issubclass(cls, AuraKitError)


def test_errors_builtin_bases_are_kept() -> None:
    """Layer roots keep the builtin base that fits them."""
    from aura_kit.jsonl import JsonlFormatError
    from aura_kit.machine.errors import UnknownSession
    from aura_kit.protocol.errors import ProtocolError
    from aura_kit.runtime.errors import PayloadCodecError, TransportSendError

    assert issubclass(ProtocolError, ValueError)
    assert issubclass(JsonlFormatError, ValueError)
    assert issubclass(UnknownSession, LookupError)
    assert issubclass(PayloadCodecError, ValueError)
    assert issubclass(TransportSendError, ConnectionError)


def test_errors_render_error_is_the_view_error() -> None:
    """The render layer's error is the view layer's one class, still a RuntimeError."""
    error = RenderError("dot failed", actual="exit 1", expected="exit 0")
    assert isinstance(error, ViewError)
    assert isinstance(error, RuntimeError)
    assert (error.what, error.actual, error.expected) == ("dot failed", "exit 1", "exit 0")
    assert str(error) == "dot failed: got exit 1, expected exit 0"
    assert RenderError.__init__ is ViewError.__init__
