"""Predict-then-reveal: the guess first, then the outcome beside it; answer-key mode."""

from __future__ import annotations

import pytest

from aura_kit.teach import (
    ANSWER_KEY_ENV,
    AnswerKeyMismatch,
    BadGuess,
    ExerciseDefinitionError,
    Prediction,
    PredictionClosed,
)


@pytest.fixture(autouse=True)
def _no_answer_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ANSWER_KEY_ENV, raising=False)


def _choice() -> Prediction:
    return Prediction("q1", "Who sends first?", choices=("A", "B"), key="A")


def test_predict_reveal_shows_the_guess_beside_the_outcome() -> None:
    """A recorded guess is shown next to the real outcome with a verdict."""
    reveal = _choice().guess("B").reveal("A")
    assert reveal.text() == "[q1] guess: B | actual: A | not as predicted"
    assert reveal.matched is False
    assert "<td>B</td><td>A</td>" in reveal.html()


def test_predict_reveal_without_a_guess_says_so() -> None:
    """No guess: the outcome is shown and the verdict says nothing was recorded."""
    reveal = _choice().reveal("B")
    assert reveal.matched is None
    assert reveal.text().endswith("no guess was recorded")


def test_predict_guess_is_closed_after_the_reveal() -> None:
    """After the reveal a new guess is refused and the earlier guess stays."""
    prediction = _choice().guess("A")
    prediction.reveal("A")
    with pytest.raises(PredictionClosed):
        prediction.guess("B")
    assert prediction.guessed == "A"


def test_predict_bad_guess_is_refused_and_changes_nothing() -> None:
    """A guess that is not one of the choices is BadGuess; the previous guess is kept."""
    prediction = _choice().guess("A")
    with pytest.raises(BadGuess):
        prediction.guess("C")
    assert prediction.guessed == "A"
    number = Prediction("n", "How many?", number=True, key=2)
    for bad in ("2", True, 2.0):
        with pytest.raises(BadGuess):
            number.guess(bad)


def test_predict_grid_accepts_rows_or_a_mapping_and_counts_right_cells() -> None:
    """A grid guess is rows of options (or a row -> column mapping); the verdict counts cells."""
    grid = Prediction(
        "g",
        "Rules?",
        grid=(("m1", "m2"), ("A", "B"), ("send", "skip")),
        key=(("send", "skip"), ("skip", "send")),
    )
    grid.guess({"m1": {"A": "send", "B": "skip"}, "m2": {"A": "send", "B": "send"}})
    assert grid.guessed == (("send", "skip"), ("send", "send"))
    reveal = grid.reveal((("send", "skip"), ("skip", "send")))
    assert reveal.verdict() == "not as predicted (3 of 4 cells right)"
    with pytest.raises(BadGuess):
        Prediction("h", "?", grid=(("r",), ("c",), ("x",)), key=(("x",),)).guess((("y",),))


def test_predict_text_fallback_says_how_to_guess_from_code() -> None:
    """Without widgets the text form names the choices and the guess call to type."""
    text = _choice().text()
    assert "choices: A | B" in text
    assert "q1.guess('A')" in text


def test_predict_answer_key_mode_guesses_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """With AURA_ANSWER_KEY=1 the key is the guess and a stale key fails the run."""
    monkeypatch.setenv(ANSWER_KEY_ENV, "1")
    assert _choice().reveal("A").text() == "[q1] guess: A | actual: A | as predicted"
    with pytest.raises(AnswerKeyMismatch):
        _choice().reveal("B")
    with pytest.raises(ExerciseDefinitionError):
        Prediction("nokey", "?", choices=("A", "B"))


def test_predict_definition_needs_exactly_one_kind() -> None:
    """A prediction is a choice, a number or a grid, never none or two of them."""
    with pytest.raises(ExerciseDefinitionError):
        Prediction("x", "?")
    with pytest.raises(ExerciseDefinitionError):
        Prediction("x", "?", choices=("A", "B"), number=True)
