"""The thin ipywidgets layer: buttons call the model and redraw the panels."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from aura_kit.lab import AttackKind
from aura_kit.widgets import explorer

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not on PATH")


def test_explorer_buttons_carry_css_classes() -> None:
    """Every button has a stable ``aura-<key>`` class for browser tests."""
    ui = explorer("PingPong")
    for key, button in ui.buttons.items():
        assert f"aura-{key}" in button._dom_classes


def test_explorer_step_redraws_panels() -> None:
    """A click on step advances the model and refreshes the event table."""
    ui = explorer("PingPong")
    before = ui.panels["events"].outputs
    ui.click("step")
    assert ui.model.rounds == 1
    assert ui.panels["events"].outputs != before
    assert "round 1" in ui.status.value


def test_explorer_attack_shows_the_error() -> None:
    """After a transfer, the stale-copy attack is shown once, green, in plain words."""
    ui = explorer("TwoBuyer")
    ui.click("transfer")
    ui.attack_kind.value = AttackKind.STALE_HANDLE
    ui.click("attack")
    shown = ui.result.value + ui.status.value
    assert shown.count("Refused") == 1 and "#1a7f37" in ui.result.value
    assert "StaleOwner" in ui.result.value
    for python_repr in ("LinkBoundary(", "frozenset(", "SessionId(", "error:"):
        assert python_repr not in shown


def test_explorer_open_switches_protocol() -> None:
    """Choosing another protocol and pressing open starts a model of it."""
    ui = explorer("PingPong")
    ui.protocol.value = "Ring"
    ui.click("open")
    assert ui.model.protocol.name == "Ring"
    assert tuple(ui.role.options) == ("A", "B", "C")


def test_explorer_offers_dot_download_without_the_dot_binary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With dot missing, the figure panels show the text form and a Download DOT link."""
    import graphviz.backend.dot_command as dot_command

    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("/nonexistent/dot"))
    ui = explorer("PingPong")
    for key in ("graph", "run", "automata"):
        shown, link = ui.panels[key].outputs
        assert set(shown["data"]) == {"text/plain", "text/vnd.graphviz"}
        href = re.search(
            r'href="data:text/vnd\.graphviz;charset=utf-8,([^"]*)"', link["data"]["text/html"]
        )
        assert href is not None
        assert unquote(href.group(1)) == shown["data"]["text/vnd.graphviz"]
        assert ">Download DOT</a>" in link["data"]["text/html"]


@pytest.mark.dot
@needs_dot
def test_explorer_shows_svg_and_no_download_link_with_dot() -> None:
    """With dot, each figure panel holds one SVG output and no Download DOT link."""
    ui = explorer("PingPong")
    for key in ("graph", "run", "automata"):
        (shown,) = ui.panels[key].outputs
        assert "image/svg+xml" in shown["data"]
