"""The predict-then-reveal widget: a thin ipywidgets face on ``aura_kit.teach.Prediction``.

Invariants:
- the widget holds no logic: "Lock in my guess" calls ``Prediction.guess`` with the
  control's value and shows the prediction's own text (or the refusal's one line);
- ``ask`` returns the ``Prediction`` itself (its text form, with how to guess from code) in
  answer-key mode or where ipywidgets cannot be imported, so a notebook runs the same
  everywhere and CI sees stable text outputs.
"""

from __future__ import annotations

from typing import Any

from aura_kit.teach import Prediction, PredictKind, TeachError, answer_key_mode


def ask(prediction: Prediction) -> Any:
    """A widget asking ``prediction`` (or the prediction itself: see the module invariants)."""
    if answer_key_mode():
        return prediction
    try:
        import ipywidgets as w
    except ImportError:  # no widgets here: the text form says how to guess from code
        return prediction
    control = _control(w, prediction)
    status = w.HTML(value="no guess yet")
    button = w.Button(description="Lock in my guess", button_style="primary")
    button.add_class("aura-predict-lock")

    def lock(_: Any) -> None:
        try:
            prediction.guess(_value(prediction, control))
        except TeachError as error:
            status.value = f"<b>{type(error).__name__}</b>: {error}"
            return
        status.value = "guess recorded: run the next cell to see what happens"

    button.on_click(lock)
    question = w.HTML(value=f"<b>Predict [{prediction.prediction_id}]</b>: {prediction.question}")
    box = w.VBox([question, control, button, status])
    box.add_class("aura-predict")
    return box


def _control(w: Any, prediction: Prediction) -> Any:
    if prediction.kind is PredictKind.CHOICE:
        return w.RadioButtons(options=list(prediction.choices), value=None)
    if prediction.kind is PredictKind.NUMBER:
        return w.IntText(value=0, description="guess")
    shape = prediction.grid
    assert shape is not None
    cells = [w.Label(value="")] + [w.Label(value=c) for c in shape.columns]
    for row in shape.rows:
        cells.append(w.Label(value=row))
        cells += [w.Dropdown(options=list(shape.options)) for _ in shape.columns]
    columns = len(shape.columns) + 1
    return w.GridBox(cells, layout=w.Layout(grid_template_columns=f"repeat({columns}, auto)"))


def _value(prediction: Prediction, control: Any) -> Any:
    if prediction.kind is not PredictKind.GRID:
        return control.value
    shape = prediction.grid
    assert shape is not None
    width = len(shape.columns) + 1
    rows = []
    for r in range(len(shape.rows)):
        start = (r + 1) * width + 1
        rows.append(tuple(c.value for c in control.children[start : start + len(shape.columns)]))
    return tuple(rows)
