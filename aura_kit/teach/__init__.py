"""Teaching: exercises, checkers, predictions and explanations a lesson needs (no kernel).

This layer sits above the lab: it imports the core packages and ``aura_kit.lab``, never the
view, render or widget layers, pandas, graphviz, ipywidgets or IPython. The predict widget is
``aura_kit.widgets.predict.ask``; the grader is ``aura-kit grade``.

- ``Exercise(id, check, hints)``: ``check(answer)`` gives one line and the next hint, and a
  result the grader reads (``RESULT_MIME``);
- checkers: ``local_type_of``, ``local_type_is``, ``global_type_is``, ``raises_exactly``,
  ``trace_has``, ``trace_lacks``, ``message_order``, ``registry_is``;
- ``Prediction``: predict, then reveal; ``AURA_ANSWER_KEY=1`` is answer-key mode;
- ``explain_check(effects, owner, boundary)`` and ``explain_projection(global_type, role)``.
"""

from __future__ import annotations

from .check_order import CheckExplanation, CheckRow, CheckStatus, explain_check
from .checks import (
    EventPattern,
    TypeDiff,
    global_type_is,
    local_type_is,
    local_type_of,
    message_order,
    raises_exactly,
    registry_facts,
    registry_is,
    sent_messages,
    trace_has,
    trace_lacks,
    type_diff,
)
from .errors import (
    BadGuess,
    ExerciseDefinitionError,
    ExplainMismatch,
    NotebookError,
    PredictionClosed,
    TeachError,
)
from .exercise import NOT_ATTEMPTED, RESULT_MIME, CheckResult, Exercise, Outcome, Verdict
from .predict import (
    ANSWER_KEY_ENV,
    AnswerKeyMismatch,
    Prediction,
    PredictKind,
    Reveal,
    answer_key_mode,
)
from .projection import Derivation, DerivationStep, Rule, explain_projection

__all__ = [
    # exercises
    "Exercise",
    "Outcome",
    "CheckResult",
    "Verdict",
    "NOT_ATTEMPTED",
    "RESULT_MIME",
    # checkers
    "local_type_of",
    "local_type_is",
    "global_type_is",
    "raises_exactly",
    "trace_has",
    "trace_lacks",
    "message_order",
    "registry_is",
    "registry_facts",
    "sent_messages",
    "EventPattern",
    "TypeDiff",
    "type_diff",
    # predictions
    "Prediction",
    "PredictKind",
    "Reveal",
    "answer_key_mode",
    "ANSWER_KEY_ENV",
    # explanations
    "explain_check",
    "CheckExplanation",
    "CheckRow",
    "CheckStatus",
    "explain_projection",
    "Derivation",
    "DerivationStep",
    "Rule",
    # errors
    "TeachError",
    "ExerciseDefinitionError",
    "PredictionClosed",
    "BadGuess",
    "ExplainMismatch",
    "NotebookError",
    "AnswerKeyMismatch",
]
