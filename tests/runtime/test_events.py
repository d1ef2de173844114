"""Structured events: names, logger ``aura_kit``, EventLog tables and JSON Lines files."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from aura_kit.ownership import Scope
from aura_kit.runtime import (
    EffectSystem,
    EventLog,
    EventLogFormatError,
    EventRecord,
    OwnerTransferError,
    RuntimeSessionEvent,
)
from tests.conftest import ROOT
from tests.ownership.support import roles_for, sid


def _busy_log() -> EffectSystem:
    fx = EffectSystem("alice")
    owner = fx.start_owned_choreography_session("a", sid(1), roles_for(fx))
    owner = fx.transfer_owned_choreography_session_owner(owner, "b", Scope.SESSION)
    with pytest.raises(OwnerTransferError):
        fx.transfer_owned_choreography_session_owner(owner, "c", "bad")  # type: ignore[arg-type]
    fx.end_owned_choreography_session(owner)
    return fx


def test_events_names_match_the_seed() -> None:
    """Event names are the seed's dotted names."""
    assert [e.as_event_name() for e in RuntimeSessionEvent][:6] == [
        "runtime.session.owner.assigned",
        "runtime.session.owner.rejected",
        "runtime.session.owner.transferred",
        "runtime.session.owner.transfer_rejected",
        "runtime.session.ingress.received",
        "runtime.session.ingress.dropped",
    ]


def test_events_go_to_logger_with_fields_in_extra(caplog: pytest.LogCaptureFixture) -> None:
    """Each event is a record on logger ``aura_kit`` with its fields as attributes."""
    with caplog.at_level(logging.DEBUG, logger="aura_kit"):
        fx = EffectSystem("alice")
        fx.start_owned_choreography_session("a", sid(2), roles_for(fx))
    (record,) = [r for r in caplog.records if r.name == "aura_kit"]
    assert record.getMessage() == "Assigned runtime session owner"
    assert record.levelno == logging.DEBUG
    assert record.event == "runtime.session.owner.assigned"  # type: ignore[attr-defined]
    assert record.capability_generation == 1  # type: ignore[attr-defined]
    assert record.context == "start_owned_choreography_session"  # type: ignore[attr-defined]


def test_events_log_records_in_order_with_seed_fields() -> None:
    """The EventLog keeps every event in order with JSON-safe fields."""
    rows = _busy_log().event_log.to_records()
    assert [r["event"] for r in rows] == [
        "runtime.session.owner.assigned",
        "runtime.session.owner.transferred",
        "runtime.session.owner.transfer_rejected",
        "runtime.session.ended",
    ]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["authority"] == "alice" and rows[0]["session_id"] == str(sid(1))
    assert rows[2]["error_kind"] == "owner_transfer" and rows[2]["level"] == "warning"


def test_events_core_never_imports_pandas() -> None:
    """No module of the core layers imports pandas, not even inside a function."""
    problems = []
    for layer in ("protocol", "machine", "ownership", "runtime"):
        for path in sorted((ROOT / "aura_kit" / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(n.split(".")[0] == "pandas" for n in names):
                    problems.append(str(path.relative_to(ROOT)))
    assert problems == []


def test_events_records_are_the_one_record_type() -> None:
    """Every record of a busy log is an EventRecord; its rows are plain dicts."""
    log = _busy_log().event_log
    assert all(type(r) is EventRecord for r in log.records)
    assert all(type(row) is dict for row in log.to_records())


def test_events_jsonl_round_trip(tmp_path: Path) -> None:
    """A saved log loads back with equal records, and keeps counting after them."""
    log = _busy_log().event_log
    path = tmp_path / "events.jsonl"
    log.save_jsonl(path)
    loaded = EventLog.load_jsonl(path)
    assert loaded.records == log.records and loaded.authority == "alice"
    assert loaded.emit("x.y", "info", "more").seq == 5


@pytest.mark.parametrize(
    ("damage", "line", "reason"),
    [
        (lambda ls: [*ls[:2], "{not json", *ls[3:]], 3, "invalid JSON"),
        (lambda ls: [*ls[:1], '{"seq": "1"}', *ls[2:]], 2, "field 'seq' must be a int"),
        (lambda ls: ['{"schema": "aura_kit.event_log", "version": 99}', *ls[1:]], 1, "version"),
        (lambda ls: [*ls[:4], "[1, 2]"], 5, "expected a JSON object"),
        (lambda ls: [], 1, "empty file"),
    ],
)
def test_events_damaged_jsonl_is_refused_with_line(
    tmp_path: Path, damage: object, line: int, reason: str
) -> None:
    """A damaged file names its line and loads nothing."""
    lines = _busy_log().event_log.to_jsonl().splitlines()
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(damage(lines)))  # type: ignore[operator]
    with pytest.raises(EventLogFormatError) as info:
        EventLog.load_jsonl(path)
    assert info.value.line == line and reason in info.value.reason
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_events_emit_rejects_bad_level_and_reserved_fields() -> None:
    """Levels are checked and fields may not shadow base columns."""
    log = EventLog()
    with pytest.raises(ValueError, match="level"):
        log.emit("x", "loud", "m")
    with pytest.raises(ValueError, match="seq"):
        log.emit("x", "info", "m", seq=3)
    assert len(log) == 0


def test_events_reserved_logging_names_are_prefixed(caplog: pytest.LogCaptureFixture) -> None:
    """A field named like a LogRecord attribute is passed as ``aura_<name>``."""
    with caplog.at_level(logging.INFO, logger="aura_kit"):
        EventLog().emit("x", "info", "m", name="n", lineno=3)
    (record,) = caplog.records
    assert record.aura_name == "n" and record.aura_lineno == 3  # type: ignore[attr-defined]
