"""Trace files: JSON Lines with a checked header line; damaged files rejected by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aura_kit.machine import (
    CodeImage,
    ProtocolMachine,
    QueuedHandler,
    TraceFormatError,
    load_trace,
    parse_trace,
    save_trace,
)
from aura_kit.machine.trace import KIND
from aura_kit.protocol import load_protocol
from tests.conftest import BUNDLED, DATA

GOLDEN = DATA / "golden" / "traces" / "auth_handshake.jsonl"


def _auth_events() -> tuple[object, ...]:
    image = CodeImage.from_protocol(load_protocol(BUNDLED / "protocols" / "auth_handshake.choreo"))
    m = ProtocolMachine()
    handler = QueuedHandler(["alice", b"\x00\xff", b"sig", "hi", "get", "ok"], ["Welcome"])
    m.load(image, handler=handler)
    m.run()
    return m.events


def test_trace_round_trip(tmp_path: Path) -> None:
    """save_trace then load_trace gives equal events, bytes payloads included."""
    events = _auth_events()
    path = tmp_path / "t.jsonl"
    save_trace(events, path)  # type: ignore[arg-type]
    assert load_trace(path) == events


def test_trace_matches_golden(tmp_path: Path) -> None:
    """The AuthHandshake run is byte-for-byte the golden trace file."""
    path = tmp_path / "t.jsonl"
    save_trace(_auth_events(), path)  # type: ignore[arg-type]
    assert path.read_text() == GOLDEN.read_text()


@pytest.mark.parametrize(
    ("mangle", "line"),
    [
        (lambda ls: ['{"schema": "other"}', *ls[1:]], 1),
        (lambda ls: [*ls[:3], "{not json", *ls[4:]], 4),
        (lambda ls: [*ls[:2], ls[2].replace('"tick": 1', '"tick": "1"'), *ls[3:]], 3),
        (lambda ls: [*ls[:4], ls[4].replace('"sent"', '"teleported"'), *ls[5:]], 5),
        (lambda ls: [*ls[:2], "", *ls[2:]], 3),
        (lambda ls: ls[:-1], 16),  # truncated: the header promises 15 records
        (lambda ls: [ls[0], ls[1].replace('"opened"', '"closed"'), *ls[2:]], 1),  # altered
    ],
)
def test_trace_damaged_file_names_line(tmp_path: Path, mangle: object, line: int) -> None:
    """A damaged line raises TraceFormatError carrying its 1-based line number."""
    lines = GOLDEN.read_text().splitlines()
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(mangle(lines)) + "\n")  # type: ignore[operator]
    with pytest.raises(TraceFormatError) as info:
        load_trace(path)
    assert info.value.line == line and str(path) in str(info.value)


def test_trace_header_counts_records_and_parse_trace_agrees(tmp_path: Path) -> None:
    """The header names kind, version and record count; parse_trace reads the same text."""
    path = tmp_path / "t.jsonl"
    events = _auth_events()
    save_trace(events, path)  # type: ignore[arg-type]
    header = json.loads(path.read_text().splitlines()[0])
    assert (header["schema"], header["version"], header["records"]) == (KIND, 1, len(events))
    assert parse_trace(path.read_text(), "t") == events
    with pytest.raises(TraceFormatError) as info:
        parse_trace('{"schema": "aura_kit.trace", "version": 2}\n', "t")
    assert info.value.line == 1 and info.value.source == "t"
