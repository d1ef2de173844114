"""Exercises: an id, a checker and graded hints; a check gives one line and the next hint.

Invariants:
- an answer that is ``...`` (the blank a student notebook ships with) or ``None`` is *not
  attempted*: the checker is not called and the first hint is shown;
- a checker returns an ``Outcome`` (right or wrong, and why in one line); a checker that
  raises is reported as a wrong answer naming the error, never as right;
- the hint shown after the n-th wrong check of an exercise is hint n (the last one repeats),
  so re-running a check walks through the hints; a right answer shows no hint;
- the text of a result depends only on the answer and on how many wrong checks came before,
  so a fresh kernel always prints the same lines;
- a result is displayed as one text line and as ``RESULT_MIME`` JSON (id, verdict, reason,
  hint), which the grader reads from an executed notebook's outputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import ExerciseDefinitionError

#: the MIME type of an exercise result in a notebook's outputs (read by ``aura-kit grade``)
RESULT_MIME = "application/vnd.aura-kit.exercise-result+json"
#: the blank of a student notebook: ``answer = NOT_ATTEMPTED`` (it is the same object as ``...``)
NOT_ATTEMPTED = ...
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Verdict(StrEnum):
    """What a check found."""

    RIGHT = "right"
    WRONG = "wrong"
    NOT_ATTEMPTED = "not attempted"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A checker's finding: right or not, and the reason in one line."""

    right: bool
    reason: str

    @classmethod
    def ok(cls, reason: str = "matches") -> Outcome:
        """A right answer."""
        return cls(True, reason)

    @classmethod
    def no(cls, reason: str) -> Outcome:
        """A wrong answer and why."""
        return cls(False, reason)


Checker = Callable[[Any], Outcome]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    """One check of one exercise: its verdict, the reason and the hint to show next."""

    exercise_id: str
    verdict: Verdict
    reason: str
    hint: str
    hint_number: int  # 1-based; 0 when no hint is shown
    hint_count: int

    @property
    def passed(self) -> bool:
        """True for a right answer."""
        return self.verdict is Verdict.RIGHT

    def line(self) -> str:
        """The one-line form, e.g. ``[p1] wrong: ... | hint 1/2: ...``."""
        text = f"[{self.exercise_id}] {self.verdict.value}"
        if self.reason:
            text += f": {self.reason}"
        if self.hint_number:
            text += f" | hint {self.hint_number}/{self.hint_count}: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.line()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form the grader reads."""
        return {
            "id": self.exercise_id,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "hint": self.hint,
            "hint_number": self.hint_number,
            "hint_count": self.hint_count,
        }

    @classmethod
    def from_dict(cls, data: Any) -> CheckResult:
        """Read ``to_dict`` output back; a malformed record is a ``ValueError``."""
        if not isinstance(data, dict):
            raise ValueError(f"an exercise result must be an object, got {type(data).__name__}")
        try:
            return cls(
                exercise_id=str(data["id"]),
                verdict=Verdict(data["verdict"]),
                reason=str(data.get("reason", "")),
                hint=str(data.get("hint", "")),
                hint_number=int(data.get("hint_number", 0)),
                hint_count=int(data.get("hint_count", 0)),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"exercise result is missing or has a bad field: {error}") from None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": self.line(), RESULT_MIME: self.to_dict()}


class Exercise:
    """An auto-checked exercise: ``check(answer)`` gives a ``CheckResult``.

    Not a frozen value on purpose: it counts the wrong checks so that each one shows the
    next hint (the only state it has).
    """

    __slots__ = ("_wrong", "check_answer", "exercise_id", "hints")

    def __init__(self, exercise_id: str, check: Checker, hints: Sequence[str]) -> None:
        if not isinstance(exercise_id, str) or not _ID.match(exercise_id):
            raise ExerciseDefinitionError(
                repr(exercise_id), "an exercise id is lower-case letters, digits, '.', '_', '-'"
            )
        hint_tuple = tuple(hints)
        if not hint_tuple or not all(isinstance(h, str) and h.strip() for h in hint_tuple):
            raise ExerciseDefinitionError(exercise_id, "give at least one non-empty hint")
        if not callable(check):
            raise ExerciseDefinitionError(exercise_id, "check must be callable")
        self.exercise_id = exercise_id
        self.check_answer = check
        self.hints = hint_tuple
        self._wrong = 0

    def __repr__(self) -> str:
        return f"Exercise({self.exercise_id!r}, hints={len(self.hints)})"

    def check(self, answer: Any) -> CheckResult:
        """Check ``answer``; a blank (``...`` or ``None``) is *not attempted*."""
        if answer is NOT_ATTEMPTED or answer is None:
            return self._result(Verdict.NOT_ATTEMPTED, "fill in the answer, then run this cell", 1)
        try:
            outcome = self.check_answer(answer)
        except Exception as error:  # a checker failing on odd input is a wrong answer
            outcome = Outcome.no(
                f"the answer could not be checked ({type(error).__name__}: {error})"
            )
        if outcome.right:
            return self._result(Verdict.RIGHT, outcome.reason, 0)
        self._wrong += 1
        return self._result(Verdict.WRONG, outcome.reason, min(self._wrong, len(self.hints)))

    def _result(self, verdict: Verdict, reason: str, hint_number: int) -> CheckResult:
        return CheckResult(
            exercise_id=self.exercise_id,
            verdict=verdict,
            reason=reason,
            hint=self.hints[hint_number - 1] if hint_number else "",
            hint_number=hint_number,
            hint_count=len(self.hints),
        )
