"""Fuzzing the ``.choreo`` parser and the local type parser with text and damaged real files."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.protocol import (
    ProtocolError,
    ProtocolSyntaxError,
    check_protocol,
    format_local,
    format_protocol,
    parse_local,
    parse_protocol,
)
from aura_kit.protocol.limits import MAX_DEPTH, MAX_NESTING, MAX_SIZE
from tests.hardening import summary
from tests.hardening.fuzzing import (
    fuzz_settings,
    mutated,
    read_all,
    read_local_types,
    token_soup,
)

CHOREO = read_all("protocols/*.choreo") + read_all("protocols/bad/*.choreo")
CHOREO_TOKENS = (
    "protocol", "choice", "at", "or", "rec", "continue", "end", "->", ":", "(", ")", "{",
    "}", ",", ";", "int", "str", "bool", "bytes", "unit", "A", "B", "C", "X", "Ping", "\n",
)  # fmt: skip
LOCAL = read_local_types()
LOCAL_TOKENS = ("end", "rec", "X", "A", "B", "!", "?", "{", "}", "(", ")", ".", ",", "int", "Ok")
SOURCE = "fuzz.choreo"


def _check_error(error: ProtocolError, source: str) -> None:
    assert error.source == source
    assert error.line >= 1 and error.column >= 1, error
    assert error.message and "\n" not in error.message
    assert str(error).startswith(f"{source}:{error.line}:{error.column}: ")


def choreo_inputs() -> st.SearchStrategy[str]:
    """Random text, token soup and damaged real protocol files."""
    return st.one_of(
        st.text(max_size=200), token_soup(CHOREO_TOKENS), mutated(CHOREO, CHOREO_TOKENS)
    )


@fuzz_settings()
@given(text=choreo_inputs())
def test_fuzz_parse_protocol_only_located_protocol_errors(text: str) -> None:
    """Any text parses, or fails with a located ProtocolError; a parse round-trips."""
    summary.record("fuzz inputs: parse_protocol")
    try:
        protocol = parse_protocol(text, source=SOURCE)
    except ProtocolError as error:
        _check_error(error, SOURCE)
        return
    again = parse_protocol(format_protocol(protocol), source=SOURCE)
    assert again.global_type == protocol.global_type
    try:
        check_protocol(protocol)
    except ProtocolError as error:
        assert error.source == SOURCE


@fuzz_settings()
@given(
    text=st.one_of(st.text(max_size=120), token_soup(LOCAL_TOKENS), mutated(LOCAL, LOCAL_TOKENS))
)
def test_fuzz_parse_local_only_located_syntax_errors(text: str) -> None:
    """Any text parses as a local type or fails with a located ProtocolSyntaxError."""
    summary.record("fuzz inputs: parse_local")
    try:
        local = parse_local(text, source="fuzz.local")
    except ProtocolSyntaxError as error:
        _check_error(error, "fuzz.local")
        return
    assert parse_local(format_local(local)) == local


def test_fuzz_parse_local_deep_nesting_refused() -> None:
    """A local type nested past MAX_DEPTH is a located syntax error, not a RecursionError."""
    text = "A!m." * (MAX_DEPTH + 1) + "end"
    with pytest.raises(ProtocolSyntaxError) as caught:
        parse_local(text, source="deep")
    _check_error(caught.value, "deep")
    assert parse_local("A!m." * (MAX_DEPTH - 1) + "end") is not None


def test_fuzz_parse_protocol_deep_blocks_refused() -> None:
    """Blocks nested past MAX_NESTING are a located syntax error, not a RecursionError."""
    text = "protocol P(A, B) {" + "rec X {" * (MAX_NESTING + 5) + "}" * (MAX_NESTING + 6)
    with pytest.raises(ProtocolSyntaxError) as caught:
        parse_protocol(text, source=SOURCE)
    _check_error(caught.value, SOURCE)
    assert caught.value.line == 1


def test_fuzz_parse_protocol_long_sequence_refused() -> None:
    """Thousands of messages in a row are refused with a located error, not a crash."""
    text = "protocol P(A, B) {\n" + "A -> B: M(int)\n" * 5000 + "}\n"
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text, source=SOURCE)
    _check_error(caught.value, SOURCE)
    assert "depth" in caught.value.message


def test_fuzz_parse_protocol_choice_blowup_refused() -> None:
    """Sequential choices that would copy the rest 2**40 times are refused at once."""
    choice = "choice at A { A -> B: L } or { A -> B: R }\n"
    text = "protocol P(A, B) {\n" + choice * 40 + "}\n"
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text, source=SOURCE)
    _check_error(caught.value, SOURCE)
    assert "size" in caught.value.message and str(MAX_SIZE) in caught.value.expected


def test_fuzz_parse_protocol_largest_allowed_still_works() -> None:
    """A protocol just inside every limit parses, projects and prints back."""
    body = "A -> B: M(int)\nB -> C: N\n" * ((MAX_DEPTH - 3) // 2)
    text = f"protocol P(A, B, C) {{\nrec X {{\n{body}continue X\n}}\n}}\n"
    protocol = parse_protocol(text, source=SOURCE)
    assert len(check_protocol(protocol)) == 3
    assert parse_protocol(format_protocol(protocol)).global_type == protocol.global_type
