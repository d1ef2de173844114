"""Predict-then-reveal: a guess is recorded first, then the real outcome is shown beside it.

Kinds: a multiple choice (``choices``), a number (``number=True``) or a grid (``grid=(rows,
columns, options)``, one option per cell). The widget is ``aura_kit.widgets.predict.ask``;
everything here works without a kernel: ``prediction.guess(value)`` records the guess from
code, and the text form says how.

Invariants:
- a guess is checked against the kind (one of the choices, an int, a full grid of options)
  and refused with ``BadGuess`` otherwise, changing nothing;
- the guess may change until ``reveal``; after it, a guess is ``PredictionClosed`` and the
  recorded guess stays (so the reveal always shows the guess made before the outcome);
- in answer-key mode (``AURA_ANSWER_KEY=1``, used by CI and the notebook build) the guess is
  the author's ``key``, recorded at creation, and ``reveal`` raises ``AnswerKeyMismatch``
  when the real outcome is not the key: a lesson whose claim went stale fails its run;
- texts are deterministic: they depend only on the question, the guess and the outcome.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape
from typing import Any

from .errors import BadGuess, ExerciseDefinitionError, PredictionClosed, TeachError

ANSWER_KEY_ENV = "AURA_ANSWER_KEY"


def answer_key_mode() -> bool:
    """True when ``AURA_ANSWER_KEY=1``: predictions take the author's key as the guess."""
    return os.environ.get(ANSWER_KEY_ENV) == "1"


class AnswerKeyMismatch(TeachError, AssertionError):
    """In answer-key mode, the real outcome is not the author's key (the lesson is stale)."""

    def __init__(self, prediction_id: str, key: object, actual: object) -> None:
        self.prediction_id = prediction_id
        self.key = key
        self.actual = actual
        super().__init__(
            f"prediction {prediction_id}: the answer key is {key!r}, the outcome {actual!r}"
        )


class PredictKind(StrEnum):
    """What a guess is."""

    CHOICE = "choice"
    NUMBER = "number"
    GRID = "grid"


Grid = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GridShape:
    """A grid question: row and column names, and the options each cell takes."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    options: tuple[str, ...]


class Prediction:
    """One predict-then-reveal question (mutable on purpose: the guess, then the reveal)."""

    __slots__ = (
        "_guess",
        "_revealed",
        "choices",
        "grid",
        "key",
        "kind",
        "prediction_id",
        "question",
    )

    def __init__(
        self,
        prediction_id: str,
        question: str,
        *,
        choices: Sequence[str] | None = None,
        number: bool = False,
        grid: tuple[Sequence[str], Sequence[str], Sequence[str]] | None = None,
        key: Any = None,
    ) -> None:
        given = [choices is not None, number, grid is not None]
        if sum(given) != 1:
            raise ExerciseDefinitionError(
                prediction_id, "give exactly one of choices, number, grid"
            )
        self.prediction_id = prediction_id
        self.question = question
        self.choices = tuple(choices) if choices is not None else ()
        self.grid = (
            GridShape(rows=tuple(grid[0]), columns=tuple(grid[1]), options=tuple(grid[2]))
            if grid
            else None
        )
        self.kind = (
            PredictKind.CHOICE
            if choices is not None
            else PredictKind.NUMBER
            if number
            else PredictKind.GRID
        )
        if self.kind is PredictKind.CHOICE and len(set(self.choices)) < 2:
            raise ExerciseDefinitionError(
                prediction_id, "a multiple choice needs two distinct choices"
            )
        self.key = None if key is None else self._normal(key)
        self._guess: Any = None
        self._revealed = False
        if answer_key_mode():
            if self.key is None:
                raise ExerciseDefinitionError(prediction_id, "answer-key mode needs a key")
            self._guess = self.key

    def __repr__(self) -> str:
        return f"Prediction({self.prediction_id!r}, {self.kind.value})"

    @property
    def guessed(self) -> Any:
        """The recorded guess (None until one is made)."""
        return self._guess

    def guess(self, value: Any) -> Prediction:
        """Record ``value`` as the guess (allowed until the outcome is revealed)."""
        if self._revealed:
            raise PredictionClosed(self.prediction_id)
        self._guess = self._normal(value)
        return self

    def reveal(self, actual: Any) -> Reveal:
        """Close the guess and show it beside ``actual``."""
        outcome = self._normal(actual)
        if answer_key_mode() and outcome != self.key:
            raise AnswerKeyMismatch(self.prediction_id, self.key, outcome)
        self._revealed = True
        return Reveal(prediction=self, guess=self._guess, actual=outcome)

    def _normal(self, value: Any) -> Any:
        """The value as this kind stores it, or ``BadGuess``."""
        if self.kind is PredictKind.CHOICE:
            if value not in self.choices:
                raise BadGuess(self.prediction_id, value, f"one of {', '.join(self.choices)}")
            return value
        if self.kind is PredictKind.NUMBER:
            if not isinstance(value, int) or isinstance(value, bool):
                raise BadGuess(self.prediction_id, value, "an int")
            return value
        return self._grid(value)

    def _grid(self, value: Any) -> Grid:
        shape = self.grid
        assert shape is not None
        expected = f"a {len(shape.rows)}x{len(shape.columns)} grid of {', '.join(shape.options)}"
        if isinstance(value, Mapping):
            try:
                value = [[value[r][c] for c in shape.columns] for r in shape.rows]
            except (KeyError, TypeError):
                raise BadGuess(self.prediction_id, value, expected) from None
        if (
            isinstance(value, (str, bytes))
            or not isinstance(value, Sequence)
            or len(value) != len(shape.rows)
        ):
            raise BadGuess(self.prediction_id, value, expected)
        rows = []
        for row in value:
            if (
                isinstance(row, (str, bytes))
                or not isinstance(row, Sequence)
                or len(row) != len(shape.columns)
            ):
                raise BadGuess(self.prediction_id, value, expected)
            if any(cell not in shape.options for cell in row):
                raise BadGuess(self.prediction_id, value, expected)
            rows.append(tuple(row))
        return tuple(rows)

    def how_to_guess(self) -> str:
        """What to type to record a guess from code."""
        if self.kind is PredictKind.CHOICE:
            example = repr(self.choices[0])
        elif self.kind is PredictKind.NUMBER:
            example = "3"
        else:
            shape = self.grid
            assert shape is not None
            example = repr(
                tuple(tuple(shape.options[0] for _ in shape.columns) for _ in shape.rows)
            )
        return f"{self.prediction_id}.guess({example})"

    def text(self) -> str:
        """The question, the options and how to answer, as plain text."""
        lines = [f"Predict [{self.prediction_id}]: {self.question}"]
        if self.kind is PredictKind.CHOICE:
            lines.append("choices: " + " | ".join(self.choices))
        elif self.grid is not None:
            lines.append(
                f"grid: rows {', '.join(self.grid.rows)}; columns {', '.join(self.grid.columns)}; "
                f"each cell one of {', '.join(self.grid.options)}"
            )
        if answer_key_mode():
            lines.append(f"answer-key mode: the guess is the key, {_shown(self._guess)}")
        elif self._guess is None:
            lines.append(f"record your guess before running the next cell: {self.how_to_guess()}")
        else:
            lines.append(f"your guess: {_shown(self._guess)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": self.text()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Reveal:
    """A revealed prediction: the guess made before, and the real outcome beside it."""

    prediction: Prediction
    guess: Any
    actual: Any

    @property
    def matched(self) -> bool | None:
        """Whether the guess was the outcome (None when no guess was recorded)."""
        return None if self.guess is None else self.guess == self.actual

    def verdict(self) -> str:
        """``as predicted``, ``not as predicted`` (with a grid's cell count) or ``no guess``."""
        if self.guess is None:
            return "no guess was recorded"
        if self.matched:
            return "as predicted"
        if self.prediction.kind is PredictKind.GRID:
            cells = [
                g == a
                for gr, ar in zip(self.guess, self.actual, strict=True)
                for g, a in zip(gr, ar, strict=True)
            ]
            return f"not as predicted ({sum(cells)} of {len(cells)} cells right)"
        return "not as predicted"

    def text(self) -> str:
        """``[q1] guess: B | actual: B | as predicted``."""
        pid = self.prediction.prediction_id
        guess = "-" if self.guess is None else _shown(self.guess)
        return f"[{pid}] guess: {guess} | actual: {_shown(self.actual)} | {self.verdict()}"

    def html(self) -> str:
        """The guess and the outcome side by side."""
        guess = "no guess" if self.guess is None else _shown(self.guess)
        return (
            f'<table class="aura-reveal"><caption>{escape(self.prediction.question)}</caption>'
            f"<tr><th>your guess</th><th>what happened</th></tr>"
            f"<tr><td>{escape(guess)}</td><td>{escape(_shown(self.actual))}</td></tr>"
            f"<tr><td colspan=2>{escape(self.verdict())}</td></tr></table>"
        )

    def __str__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": self.text(), "text/html": self.html()}


def _shown(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return " / ".join(" ".join(row) for row in value)
    return str(value)
