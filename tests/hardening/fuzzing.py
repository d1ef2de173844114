"""Hypothesis strategies for hardening tests (not a test module).

- ``fuzz_settings()``: example count scaled by the active profile (``fast`` -> 2,000,
  ``long`` -> 100,000) and a 1 s per-example deadline;
- ``mutated(texts, tokens)``: real files damaged by byte flips, deletions, duplications,
  truncation, token swaps and token insertions;
- ``json_values()``: any JSON value; ``mutated_json(docs)``: JSON documents with one field
  replaced, deleted or added somewhere inside;
- ``json_corpus(pattern)``: real (bundled) JSON data files as texts, documents, keys and tokens.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import BUNDLED, DATA

FUZZ_FACTOR = 20  # fast profile: 100 * 20 = 2,000; long profile: 5,000 * 20 = 100,000
DEADLINE_MS = 1000


def fuzz_examples() -> int:
    """Inputs per fuzz target under the active Hypothesis profile."""
    return settings().max_examples * FUZZ_FACTOR


def fuzz_settings() -> settings:
    """Settings for one fuzz target: scaled example count, each example under 1 s."""
    return settings(
        max_examples=fuzz_examples(),
        deadline=DEADLINE_MS,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def read_all(pattern: str) -> list[str]:
    """Texts of the bundled data files matching ``pattern`` (sorted by path; never empty)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED.glob(pattern))]
    assert texts, f"no bundled data file matches {pattern!r}"
    return texts


def read_local_types() -> list[str]:
    """Every local type in the golden projection files."""
    out = []
    for path in sorted((DATA / "golden" / "projections").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if ": " in line:
                out.append(line.split(": ", 1)[1])
    return out


_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|->|\S")
ODD_CHARS = "\x00\t\r\n \"'\\{}[]():;,.!?-><@#/*é\u2028\ufeff0123456789"


def _chars() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ODD_CHARS), st.characters(codec="utf-8"))


@st.composite
def _mutate_once(draw: st.DrawFn, text: str, tokens: tuple[str, ...]) -> str:
    n = len(text)
    i = draw(st.integers(0, n))
    j = draw(st.integers(i, min(n, i + 40)))
    kind = draw(st.sampled_from(["flip", "delete", "duplicate", "truncate", "swap", "insert"]))
    if kind == "flip" and i < n:
        return text[:i] + draw(_chars()) + text[i + 1 :]
    if kind == "delete":
        return text[:i] + text[j:]
    if kind == "duplicate":
        at = draw(st.integers(0, n))
        return text[:at] + text[i:j] + text[at:]
    if kind == "truncate":
        return text[:i]
    if kind == "swap":
        spans = [m.span() for m in _TOKEN.finditer(text)]
        if len(spans) >= 2:
            a, b = sorted(draw(st.lists(st.sampled_from(spans), min_size=2, max_size=2)))
            if a[1] <= b[0]:
                return (
                    text[: a[0]]
                    + text[b[0] : b[1]]
                    + text[a[1] : b[0]]
                    + text[a[0] : a[1]]
                    + text[b[1] :]
                )
        return text
    return text[:i] + draw(st.sampled_from(tokens)) + text[i:]


@st.composite
def mutated(draw: st.DrawFn, texts: list[str], tokens: tuple[str, ...]) -> str:
    """One of ``texts`` after 1 to 4 random mutations."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 4))):
        text = draw(_mutate_once(text, tokens))
    return text


def token_soup(tokens: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Random sequences of grammar tokens and separators."""
    parts = st.sampled_from((*tokens, " ", "\n", ";"))
    return st.lists(parts, max_size=60).map("".join)


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value (no NaN or infinities)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


ODD_JSON: tuple[Any, ...] = (
    None, True, False, 0, -1, 1, 2**64, 1.5, -0.0, "", "x", "session", "Client", "open",
    "a:b", "\u0000", [], [None], ["x"], [1, 2], {}, {"": 1}, {"x": None}, {"do": "open"},
)  # fmt: skip


def odd_json() -> st.SearchStrategy[Any]:
    """Cheap, varied replacement values: edge-case JSON values and short strings."""
    fresh = st.sampled_from([json.dumps(v) for v in ODD_JSON]).map(json.loads)  # never shared
    return st.one_of(fresh, st.text(max_size=6), st.integers())


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if isinstance(value, (dict, list)) else []
    if isinstance(value, dict):
        for key, child in value.items():
            out += _containers(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += _containers(child, (*path, index))
    return out


@st.composite
def mutated_json(draw: st.DrawFn, docs: list[Any], field_names: tuple[str, ...]) -> Any:
    """A deep copy of one of ``docs`` with 1 to 3 fields replaced, deleted or added."""
    doc = json.loads(draw(st.sampled_from([json.dumps(d) for d in docs])))
    for _ in range(draw(st.integers(1, 3))):
        paths = _containers(doc)
        if not paths:
            return doc
        target = doc
        for step in draw(st.sampled_from(paths)):
            target = target[step]
        _mutate_container(draw, target, field_names)
    return doc


def _mutate_container(draw: st.DrawFn, target: Any, field_names: tuple[str, ...]) -> None:
    keys = list(target) if isinstance(target, dict) else list(range(len(target)))
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "add" or not keys:
        if isinstance(target, dict):
            key = draw(st.one_of(st.sampled_from(field_names), st.text(max_size=6)))
            target[key] = draw(odd_json())
        else:
            target.append(draw(odd_json()))
        return
    key = draw(st.sampled_from(keys))
    if action == "delete":
        del target[key]
    else:
        target[key] = draw(odd_json())


def json_field_names(docs: list[Any]) -> tuple[str, ...]:
    """Every object key used anywhere in ``docs`` (sorted)."""
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            names.update(value)
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    for doc in docs:
        walk(doc)
    return tuple(sorted(names))


JSON_TOKENS = ("{", "}", "[", "]", ",", ":", '"', "null", "true", "1", '"x"', "\\")


class JsonCorpus(NamedTuple):
    """Real JSON files: their texts, the decoded documents, every key, and tokens to insert."""

    texts: list[str]
    docs: list[Any]
    fields: tuple[str, ...]
    tokens: tuple[str, ...]


def json_corpus(pattern: str) -> JsonCorpus:
    """The JSON data files matching ``pattern``; ``tokens`` are JSON syntax plus every key."""
    texts = read_all(pattern)
    docs = [json.loads(text) for text in texts]
    fields = json_field_names(docs)
    return JsonCorpus(texts, docs, fields, (*JSON_TOKENS, *fields))
