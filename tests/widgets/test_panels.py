"""The explorer's panels drawn from the model: the event table and the two figures."""

from __future__ import annotations

from aura_kit.lab import AttackKind, ExplorerModel
from aura_kit.widgets import automata_figure, event_table, ownership_figure


def opened(name: str = "TwoBuyer") -> ExplorerModel:
    model = ExplorerModel.for_name(name)
    assert model.open().ok
    return model


def test_panels_queued_choice_is_followed() -> None:
    """A queued Reject makes Buyer2 take the Reject branch."""
    model = opened()
    assert model.queue_choice("Buyer2", "Reject").ok
    model.play()
    assert "Reject" in event_table(model).to_string()
    assert "Accept" not in event_table(model).to_string()


def test_panels_queued_payload_is_sent() -> None:
    """A queued payload is the one the next send carries."""
    model = opened()
    assert model.queue_payload("Buyer1", '"Dune"').ok
    model.step()
    assert "Title('Dune')" in event_table(model).to_string()


def test_panels_event_table_hides_routine_ingress() -> None:
    """Routine ingress.received rows are hidden unless asked for; attacks always show."""
    model = opened()
    model.step()
    model.attack(AttackKind.WRONG_TASK, "Seller")
    table = event_table(model)
    assert list(table.columns) == ["pass", "authority", "source", "event", "detail"]
    assert (table["event"] == "ingress.dropped").sum() == 1
    assert len(event_table(model, routine=True)) > len(table)


def test_panels_figures_have_text() -> None:
    """The ownership and automata pictures carry a text form with the owners."""
    model = opened()
    model.transfer("Seller")
    assert "seller-delegate1" in ownership_figure(model).text
    assert "stale" in ownership_figure(model).text
    assert "Buyer1" in automata_figure(model).text
