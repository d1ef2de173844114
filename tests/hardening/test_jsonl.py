"""Trace and event-log files: atomic writes, schema header, damaged files refused by line."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.jsonl import JsonlFormatError, parse_jsonl, read_jsonl, write_jsonl
from aura_kit.machine import (
    CodeImage,
    ProtocolMachine,
    QueuedHandler,
    SeededRandom,
    load_trace,
    replay,
    save_trace,
)
from aura_kit.ownership import Scope
from aura_kit.protocol import load_protocol
from aura_kit.runtime import EffectSystem, EventLog, EventLogFormatError
from tests.conftest import BUNDLED
from tests.hardening import summary
from tests.hardening.fuzzing import fuzz_settings
from tests.ownership.support import roles_for

RECORDS = [{"n": i, "text": f"line {i}", "nested": {"ok": True}} for i in range(5)]


def _busy_log() -> EventLog:
    effects = EffectSystem("alice")
    with effects.task("cell"):
        owner = effects.start_owned_choreography_session(
            "alice:1", uuid.uuid4(), roles_for(effects)
        )
        owner = effects.transfer_owned_choreography_session_owner(
            owner, "alice:2", Scope.fragments({"bundle:x"})
        )
        effects.cancel_session(owner.session_id)
    return effects.event_log


def test_jsonl_round_trip_with_header(tmp_path: Path) -> None:
    """write_jsonl then read_jsonl gives the records, kind, version and extra header fields."""
    path = write_jsonl(tmp_path / "r.jsonl", "demo", RECORDS, 3, header={"who": "me"})
    doc = read_jsonl(path, "demo", version=3)
    assert doc.records == tuple(RECORDS) and doc.version == 3 and doc.header["who"] == "me"
    first = path.read_text().splitlines()[0]
    assert first.startswith('{"schema": "demo", "version": 3, "records": 5, "sha256": "')


def test_jsonl_unserialisable_record_leaves_old_file(tmp_path: Path) -> None:
    """A record that is not JSON fails before the file is touched; no temp file remains."""
    path = write_jsonl(tmp_path / "r.jsonl", "demo", RECORDS, 1)
    before = path.read_bytes()
    with pytest.raises((TypeError, ValueError)):
        write_jsonl(path, "demo", [{"x": object()}], 1)
    with pytest.raises(ValueError):
        write_jsonl(path, "demo", [{"x": float("nan")}], 1)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["r.jsonl"]


def test_jsonl_write_is_fsync_then_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data is fsynced in a temp file of the same directory, then renamed over the target."""
    calls: list[tuple[str, Any]] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(("fsync", fd)), real_fsync(fd))[1])

    def replace(src: str, dst: Path) -> None:
        calls.append(("replace", (Path(src).parent, Path(src).read_bytes() != b"")))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    write_jsonl(tmp_path / "r.jsonl", "demo", RECORDS, 1)
    kinds = [c[0] for c in calls]
    assert kinds[:2] == ["fsync", "replace"] and calls[1][1] == (tmp_path, True)


def test_jsonl_failed_rename_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash at the rename leaves the old file whole and removes the temp file."""
    path = write_jsonl(tmp_path / "r.jsonl", "demo", RECORDS, 1)
    before = path.read_bytes()

    def broken(src: str, dst: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_jsonl(path, "demo", RECORDS[:1], 1)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["r.jsonl"]


def test_jsonl_every_truncation_refused_with_line(tmp_path: Path) -> None:
    """Every proper prefix of a file (cut anywhere) is refused with a line in range."""
    path = tmp_path / "events.jsonl"
    _busy_log().save_jsonl(path)
    data = path.read_bytes()
    total = data.count(b"\n")
    cuts = 0
    for cut in range(len(data) - 1):
        with pytest.raises(EventLogFormatError) as caught:
            EventLog.from_jsonl(data[:cut].decode("utf-8", "replace"), source="cut")
        assert 1 <= caught.value.line <= total + 1
        cuts += 1
    summary.record("truncated event logs refused", cuts)
    assert EventLog.from_jsonl(data[:-1].decode()).records == EventLog.load_jsonl(path).records


@fuzz_settings()
@given(data=st.data())
def test_jsonl_altered_event_log_refused_or_loaded(data: st.DataObject) -> None:
    """Any byte flip, deletion or duplication is refused with a line, or loads a whole log."""
    text = _EVENTS_TEXT.encode()
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i, min(len(text), i + 30)))
    op = data.draw(st.sampled_from(["flip", "delete", "duplicate"]))
    if op == "flip":
        text = text[:i] + bytes([data.draw(st.integers(0, 255))]) + text[i + 1 :]
    elif op == "delete":
        text = text[:i] + text[j:]
    else:
        text = text[:j] + text[i:j] + text[j:]
    summary.record("altered event logs tried")
    try:
        doc = parse_jsonl(text, "aura_kit.event_log", source="alt")
    except JsonlFormatError as error:
        assert 1 <= error.line <= text.count(b"\n") + 2
        with pytest.raises(EventLogFormatError):
            EventLog.from_jsonl(text.decode("utf-8", "replace") + "\x00")
        return
    original = parse_jsonl(_EVENTS_TEXT, "aura_kit.event_log")
    assert doc.records == original.records and doc.header == original.header
    summary.record("altered event logs that still verify")


_EVENTS_TEXT = _busy_log().to_jsonl()


def test_jsonl_damaged_line_loads_nothing(tmp_path: Path) -> None:
    """A damaged middle line names its number; the valid lines before it are not returned."""
    path = write_jsonl(tmp_path / "r.jsonl", "demo", RECORDS, 1)
    lines = path.read_bytes().split(b"\n")
    lines[3] = b'{"n": 2, "text": "line 2", "nested": {"ok": tru'
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(JsonlFormatError) as caught:
        read_jsonl(path, "demo")
    assert caught.value.line == 4 and caught.value.path == str(path)
    for bad, line in ((b"\xff\xfe", 2), (b"NaN", 2), (b"[" * 100_000, 2)):
        path.write_bytes(b"\n".join([lines[0], bad, *lines[2:]]))
        with pytest.raises(JsonlFormatError) as caught:
            read_jsonl(path, "demo")
        assert caught.value.line == line


def test_jsonl_wrong_schema_version_or_count_refused(tmp_path: Path) -> None:
    """Header checks: kind, version and the promised record count."""
    path = write_jsonl(tmp_path / "r.jsonl", "demo", RECORDS, 2)
    for kind, version in (("other", None), ("demo", 1)):
        with pytest.raises(JsonlFormatError) as caught:
            read_jsonl(path, kind, version=version)
        assert caught.value.line == 1
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(JsonlFormatError, match="truncated") as caught:
        read_jsonl(path, "demo")
    assert caught.value.line == len(lines)


def test_jsonl_event_log_save_is_atomic_and_round_trips(tmp_path: Path) -> None:
    """EventLog.save_jsonl uses the atomic writer: header with version and record count."""
    log = _busy_log()
    path = tmp_path / "events.jsonl"
    path.write_text("old")
    log.save_jsonl(path)
    header = read_jsonl(path, "aura_kit.event_log").header
    assert header["version"] == 1 and header["records"] == len(log) and header["authority"]
    assert EventLog.load_jsonl(path).records == log.records
    assert os.listdir(tmp_path) == ["events.jsonl"]


def _run(seed: int) -> tuple[ProtocolMachine, CodeImage]:
    image = CodeImage.from_protocol(load_protocol(BUNDLED / "protocols" / "two_buyer.choreo"))
    machine = ProtocolMachine(scheduler=SeededRandom(seed))
    handler = QueuedHandler(["War and Peace", 40, 90, 90, "5 Main St", "2025-06-01"], ["Accept"])
    machine.load(image, handler=handler)
    machine.run()
    return machine, image


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_jsonl_trace_save_load_replay_same_final_state(tmp_path: Path, seed: int) -> None:
    """A saved trace loads equal, replays without divergence, and re-runs to the same state."""
    machine, image = _run(seed)
    path = tmp_path / "trace.jsonl"
    save_trace(machine.events, path)
    loaded = load_trace(path)
    assert loaded == machine.events
    result = replay(image, loaded)
    assert result.ok, result.divergence
    again, _ = _run(seed)
    assert again.views() == machine.views() and again.events == loaded


@pytest.mark.parametrize("umask", [0o077, 0o027, 0o022, 0o002])
def test_jsonl_new_file_respects_the_umask(tmp_path: Path, umask: int) -> None:
    """A new trace file gets 0o666 less the umask (0o600 under umask 077), not always 0o644."""
    old = os.umask(umask)
    try:
        path = write_jsonl(tmp_path / "new.jsonl", "k", [{"a": 1}], 1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_jsonl_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    """Saving over an existing file keeps that file's permission bits."""
    path = tmp_path / "kept.jsonl"
    path.write_text("")
    path.chmod(0o640)
    write_jsonl(path, "k", [{"a": 1}], 1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["kept.jsonl"]
