"""Event field values that JSON cannot hold as they are still leave a log that saves."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from aura_kit.runtime import EventLog
from aura_kit.runtime.events import json_safe


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_event_log_values_non_finite_float_is_text(value: float) -> None:
    """NaN and infinities are stored as their text, so the field is JSON-safe."""
    assert json_safe(value) == str(value)
    assert json_safe([value, {"k": value}]) == [str(value), {"k": str(value)}]


def test_event_log_values_log_with_nan_saves_and_loads(tmp_path: Path) -> None:
    """One NaN field no longer makes the whole log unsavable."""
    log = EventLog("a")
    log.emit("demo.nan", "info", "a NaN field", ratio=math.nan, rates=[1.5, math.inf])
    path = tmp_path / "log.jsonl"
    log.save_jsonl(path)
    assert EventLog.load_jsonl(path).records == log.records
