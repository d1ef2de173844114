"""The predict widget: a thin face on ``Prediction`` (the lock button records the guess)."""

from __future__ import annotations

import ipywidgets as w
import pytest

from aura_kit.teach import ANSWER_KEY_ENV, Prediction
from aura_kit.widgets.predict import ask


@pytest.fixture(autouse=True)
def _no_answer_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ANSWER_KEY_ENV, raising=False)


def _lock(box: w.VBox) -> w.HTML:
    _, _, button, status = box.children
    button.click()
    return status


def test_predict_widget_lock_records_the_chosen_guess() -> None:
    """Choosing a radio button and locking in records that guess on the prediction."""
    prediction = Prediction("q", "Who?", choices=("A", "B"), key="B")
    box = ask(prediction)
    box.children[1].value = "B"
    assert "guess recorded" in _lock(box).value
    assert prediction.guessed == "B"


def test_predict_widget_shows_a_refusal_in_one_line() -> None:
    """Locking without a choice shows the BadGuess line and records nothing."""
    prediction = Prediction("q", "Who?", choices=("A", "B"), key="B")
    status = _lock(ask(prediction))
    assert status.value.startswith("<b>BadGuess</b>")
    assert prediction.guessed is None


def test_predict_widget_grid_reads_every_cell() -> None:
    """A grid's dropdowns become rows of options in order."""
    shape = (("m1", "m2"), ("A", "B"), ("send", "skip"))
    prediction = Prediction("g", "Rules?", grid=shape, key=(("send", "send"), ("send", "send")))
    box = ask(prediction)
    dropdowns = [c for c in box.children[1].children if isinstance(c, w.Dropdown)]
    dropdowns[1].value = "skip"
    dropdowns[2].value = "skip"
    _lock(box)
    assert prediction.guessed == (("send", "skip"), ("skip", "send"))


def test_predict_widget_answer_key_mode_is_the_text_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """In answer-key mode ``ask`` returns the prediction itself, already guessed."""
    monkeypatch.setenv(ANSWER_KEY_ENV, "1")
    prediction = Prediction("q", "Who?", choices=("A", "B"), key="B")
    assert ask(prediction) is prediction
    assert prediction.guessed == "B"
