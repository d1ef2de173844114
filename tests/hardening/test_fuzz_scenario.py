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

from aura_kit.lab.scenario import ScenarioError, load_scenario, parse_scenario
from tests.conftest import BUNDLED
from tests.hardening import summary
from tests.hardening.fuzzing import fuzz_settings, json_corpus, json_values, mutated, mutated_json

TEXTS, DOCS, FIELDS, JSON_TOKENS = json_corpus("scenarios/*.json")
BASE = BUNDLED / "scenarios"
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


_MINIMAL = {"name": "x", "protocol": "ping_pong.choreo", "authorities": {"a": "Client"}}


def test_fuzz_scenario_unhashable_action_refused() -> None:
    """A list as a step's action is a ScenarioError at ``steps[0].do``."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({**_MINIMAL, "steps": [{"do": ["open"]}]}, base=BASE)
    assert caught.value.path == "steps[0].do"


def test_fuzz_scenario_unhashable_role_refused() -> None:
    """A list as a step's role is a ScenarioError at ``steps[0].role``."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({**_MINIMAL, "steps": [{"do": "round", "role": ["Client"]}]}, base=BASE)
    assert caught.value.path == "steps[0].role"


def test_fuzz_scenario_overlong_protocol_name_refused() -> None:
    """A 300-character protocol file name is a ScenarioError at ``protocol`` or loads lazily."""
    try:
        parse_scenario({**_MINIMAL, "protocol": "p" * 300, "steps": [{"do": "open"}]}, base=BASE)
    except ScenarioError as error:
        assert error.path == "protocol"


def test_fuzz_scenario_empty_key_has_a_path() -> None:
    """An unknown empty key is reported at a non-empty path (``$[""]``)."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({**_MINIMAL, "steps": [{"do": "open"}], "": 1}, base=BASE)
    assert caught.value.path == '$[""]'


def test_fuzz_scenario_odd_keys_are_quoted_in_paths() -> None:
    """Keys that are not identifiers are written ``path["key"]`` at every depth."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({**_MINIMAL, "steps": [{"do": "open", "a b": 1}]}, base=BASE)
    assert caught.value.path == 'steps[0]["a b"]'
    authorities = {"a": "Client", "": 5}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({**_MINIMAL, "authorities": authorities, "steps": [{"do": "open"}]})
    assert caught.value.path == 'authorities[""]'
