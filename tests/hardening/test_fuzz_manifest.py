"""Fuzzing ``CompositionManifest.from_json`` / ``from_dict`` with damaged real manifests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.ownership import CompositionManifest, ManifestError
from tests.hardening import summary
from tests.hardening.fuzzing import fuzz_settings, json_corpus, json_values, mutated, mutated_json

TEXTS, DOCS, FIELDS, JSON_TOKENS = json_corpus("manifests/*.json")


def _check_error(error: ManifestError, source: str) -> None:
    assert error.source == source
    assert isinstance(error.path, str) and error.path
    assert error.reason and error.problems[0] == (error.path, error.reason)
    assert str(error).startswith(f"{source}: manifest field {error.path}: ")


def _round_trip(manifest: CompositionManifest) -> None:
    assert CompositionManifest.from_dict(manifest.to_dict()) == manifest
    assert manifest.fragment_keys()


@fuzz_settings()
@given(text=st.one_of(st.text(max_size=200), mutated(TEXTS, JSON_TOKENS)))
def test_fuzz_manifest_from_json_only_manifest_errors(text: str) -> None:
    """Damaged manifest text loads, or fails with a ManifestError naming a JSON path."""
    summary.record("fuzz inputs: manifest from_json")
    try:
        manifest = CompositionManifest.from_json(text, source="fuzz.json")
    except ManifestError as error:
        _check_error(error, "fuzz.json")
        return
    _round_trip(manifest)


@fuzz_settings()
@given(data=st.one_of(json_values(), mutated_json(DOCS, FIELDS)))
def test_fuzz_manifest_from_dict_only_manifest_errors(data: Any) -> None:
    """Any JSON value with damaged fields loads, or fails with a ManifestError at its path."""
    summary.record("fuzz inputs: manifest from_dict")
    try:
        manifest = CompositionManifest.from_dict(data, source="fuzz")
    except ManifestError as error:
        _check_error(error, "fuzz")
        return
    _round_trip(manifest)


def test_fuzz_manifest_deep_json_refused() -> None:
    """JSON nested 100,000 deep is a ManifestError at ``$``, not a RecursionError."""
    for text in ("[" * 100_000, '{"a":' * 100_000):
        with pytest.raises(ManifestError) as caught:
            CompositionManifest.from_json(text, source="deep.json")
        assert caught.value.path == "$"


def test_fuzz_manifest_real_files_load() -> None:
    """The unmutated corpus is valid (so the mutations start from good files)."""
    for text in TEXTS:
        _round_trip(CompositionManifest.from_json(text))
    assert json.loads(TEXTS[0]) == DOCS[0]
