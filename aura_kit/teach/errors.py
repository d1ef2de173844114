"""Errors of the teaching layer (exercises, predictions, explanations, notebooks).

Every class derives from ``AuraKitError``; each carries its data as attributes and names the
place (an exercise or prediction id, a notebook path and cell) and the reason in one line.
"""

from __future__ import annotations

from aura_kit.errors import AuraKitError


class TeachError(AuraKitError):
    """Base of the teaching layer's errors."""


class ExerciseDefinitionError(TeachError, ValueError):
    """An exercise or prediction built with a bad id, hint list, choice list or key."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}")


class PredictionClosed(TeachError, RuntimeError):
    """A guess after the outcome was revealed (the recorded guess is kept unchanged)."""

    def __init__(self, prediction_id: str) -> None:
        self.prediction_id = prediction_id
        super().__init__(
            f"prediction {prediction_id}: the outcome is already revealed; the guess recorded "
            "before it stays"
        )


class BadGuess(TeachError, ValueError):
    """A guess that does not fit the prediction (not one of the choices, not a number...)."""

    def __init__(self, prediction_id: str, guess: object, expected: str) -> None:
        self.prediction_id = prediction_id
        self.guess = guess
        self.expected = expected
        super().__init__(f"prediction {prediction_id}: guess {guess!r} is not {expected}")


class ExplainMismatch(TeachError, AssertionError):
    """An explanation disagrees with what the kit really did (a bug: never shown as true)."""

    def __init__(self, what: str, explained: str, actual: str) -> None:
        self.what = what
        self.explained = explained
        self.actual = actual
        super().__init__(f"{what}: the explanation says {explained} but the kit gave {actual}")


class NotebookError(TeachError, ValueError):
    """A notebook file that is missing, not JSON, or not a notebook (``path`` names it)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
