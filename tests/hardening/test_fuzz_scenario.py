"""Fuzzing the scenario loader (``load_scenario`` / ``parse_scenario``) with damaged real files."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.runtime.scenario import ScenarioError, load_scenario, parse_scenario
from tests.hardening import summary
from tests.hardening.fuzzing import (
    data_path,
    fuzz_settings,
    json_field_names,
    json_values,
    load_json_docs,
    mutated,
    mutated_json,
    read_all,
)

TEXTS = read_all("scenarios/*.json")
DOCS = load_json_docs("scenarios/*.json")
FIELDS = json_field_names(DOCS)
JSON_TOKENS = ("{", "}", "[", "]", ",", ":", '"', "null", "true", "1", '"x"', *FIELDS)
BASE = data_path("scenarios")
_NAMES = itertools.count()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A directory for fuzzed scenario files (next to nothing real)."""
    with tempfile.TemporaryDirectory(prefix="aura-fuzz-") as name:
        yield Path(name)


def _check_error(error: ScenarioError, source: str) -> None:
    assert error.source == source
    assert isinstance(error.path, str) and error.path
    assert error.reason and "\n" not in error.reason


@fuzz_settings()
@given(data=st.one_of(json_values(), mutated_json(DOCS, FIELDS)))
def test_fuzz_scenario_parse_only_scenario_errors(data: Any) -> None:
    """Damaged scenario objects validate, or fail with a ScenarioError at a JSON path."""
    summary.record("fuzz inputs: parse_scenario")
    try:
        scenario = parse_scenario(data, source="fuzz", base=BASE)
    except ScenarioError as error:
        _check_error(error, "fuzz")
        return
    assert len(scenario.steps) == len(data["steps"])


def test_fuzz_scenario_load_only_scenario_errors(scratch: Path) -> None:
    """Damaged scenario files load, or fail with a ScenarioError naming file and path."""

    @fuzz_settings()
    @given(text=st.one_of(st.text(max_size=200), mutated(TEXTS, JSON_TOKENS)))
    def run(text: str) -> None:
        summary.record("fuzz inputs: load_scenario")
        path = scratch / f"s{next(_NAMES)}.json"
        path.write_text(text, encoding="utf-8")
        try:
            load_scenario(path)
        except ScenarioError as error:
            _check_error(error, str(path))
        finally:
            path.unlink()

    run()


def test_fuzz_scenario_real_files_load() -> None:
    """The unmutated corpus is valid (so the mutations start from good files)."""
    for path in sorted(BASE.glob("*.json")):
        assert load_scenario(path).steps
