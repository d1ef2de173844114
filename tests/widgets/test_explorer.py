"""The thin ipywidgets layer: buttons call the model and redraw the panels."""

from __future__ import annotations

from aura_kit.lab import AttackKind
from aura_kit.widgets import explorer


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
    """After a transfer, the stale-copy attack shows StaleOwner in the error line."""
    ui = explorer("TwoBuyer")
    ui.click("transfer")
    ui.attack_kind.value = AttackKind.STALE_HANDLE
    ui.click("attack")
    assert "StaleOwner" in ui.error.value


def test_explorer_open_switches_protocol() -> None:
    """Choosing another protocol and pressing open starts a model of it."""
    ui = explorer("PingPong")
    ui.protocol.value = "Ring"
    ui.click("open")
    assert ui.model.protocol.name == "Ring"
    assert tuple(ui.role.options) == ("A", "B", "C")
