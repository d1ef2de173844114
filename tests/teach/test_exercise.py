"""Exercises: verdicts, graded hints, deterministic lines and the result the grader reads."""

from __future__ import annotations

import pytest

from aura_kit.teach import (
    NOT_ATTEMPTED,
    RESULT_MIME,
    CheckResult,
    Exercise,
    ExerciseDefinitionError,
    Outcome,
    Verdict,
)


def _is_seven(answer: object) -> Outcome:
    return Outcome.ok("seven") if answer == 7 else Outcome.no(f"{answer!r} is not the count")


def _exercise() -> Exercise:
    return Exercise("count", _is_seven, ["count the sends", "and the receives", "it is odd"])


def test_exercise_blank_is_not_attempted_with_the_first_hint() -> None:
    """``...`` and None are not attempted, show hint 1 and never call the checker."""
    calls = []
    ex = Exercise("blank", lambda a: calls.append(a) or Outcome.ok(), ["first"])
    for blank in (NOT_ATTEMPTED, None):
        result = ex.check(blank)
        assert result.verdict is Verdict.NOT_ATTEMPTED
        assert (result.hint_number, result.hint) == (1, "first")
    assert calls == []


def test_exercise_right_answer_shows_no_hint() -> None:
    """A right answer is one line without a hint."""
    result = _exercise().check(7)
    assert result.passed
    assert result.line() == "[count] right: seven"


def test_exercise_each_wrong_check_shows_the_next_hint_and_the_last_repeats() -> None:
    """Wrong answers walk through the hints in order; the last one repeats."""
    ex = _exercise()
    numbers = [ex.check(5).hint_number for _ in range(4)]
    assert numbers == [1, 2, 3, 3]
    assert ex.check(4).line() == "[count] wrong: 4 is not the count | hint 3/3: it is odd"


def test_exercise_text_is_deterministic_for_a_fresh_exercise() -> None:
    """Two fresh exercises given the same answers print the same lines."""
    answers = [5, NOT_ATTEMPTED, 6, 7]
    first = [_exercise().check(a).line() for a in answers]
    second = [_exercise().check(a).line() for a in answers]
    assert first == second


def test_exercise_a_checker_that_raises_is_a_wrong_answer() -> None:
    """A checker failing on odd input reports a wrong answer naming the error, never right."""
    ex = Exercise("odd", lambda a: Outcome.ok() if a["k"] else Outcome.no("no"), ["h"])
    result = ex.check(3)
    assert result.verdict is Verdict.WRONG
    assert "TypeError" in result.reason


@pytest.mark.parametrize(
    ("exercise_id", "hints"), [("Bad Id", ["h"]), ("", ["h"]), ("ok", []), ("ok", ["  "])]
)
def test_exercise_definition_refuses_bad_ids_and_hints(exercise_id: str, hints: list[str]) -> None:
    """An exercise needs a lower-case id and at least one non-empty hint."""
    with pytest.raises(ExerciseDefinitionError):
        Exercise(exercise_id, _is_seven, hints)


def test_exercise_result_carries_its_json_for_the_grader() -> None:
    """The display bundle holds the line and the JSON record, which reads back equal."""
    result = _exercise().check(5)
    bundle = result._repr_mimebundle_()
    assert bundle["text/plain"] == result.line()
    assert CheckResult.from_dict(bundle[RESULT_MIME]) == result


def test_exercise_result_from_dict_refuses_a_malformed_record() -> None:
    """A record without an id or with an unknown verdict is a ValueError."""
    for bad in ({"verdict": "right"}, {"id": "x", "verdict": "perfect"}, ["x"]):
        with pytest.raises(ValueError):
            CheckResult.from_dict(bad)
