"""JSON Lines files with a schema header, written atomically and read all-or-nothing.

Format: line 1 is a header object
``{"schema": KIND, "version": N, "records": COUNT, "sha256": HEX, ...}``; every following
line is one JSON object (a record). ``sha256`` is the digest of the other header fields and
the record lines, so an edit that keeps the JSON valid is still caught (a digest is not a
signature: whoever edits a file on purpose can recompute it).

Invariants:
- ``write_jsonl`` renders the whole text first (a value that is not JSON fails before any
  file is touched), writes it to a temporary file in the target's directory, fsyncs it and
  ``os.replace``s it over the target: a reader sees the old file or the new one, never a
  mix; a failed write leaves the old file and no temporary file behind; a replaced file keeps
  its permission bits and a new one gets ``0o666`` less the process umask (as ``open`` does);
- ``read_jsonl`` checks every line before returning: bad UTF-8, bad JSON, a non-object, a
  wrong schema or version, a record the caller's ``parse`` refuses, fewer/more records
  than the header promises (truncation), or a digest mismatch (alteration, reported at the
  header line) raise ``JsonlFormatError(path, line, reason)`` and nothing is returned;
  problems are reported in line order;
- lines are split on ``\\n`` only; keys keep the order the caller gave; ``NaN`` and
  infinities are neither written nor read.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from aura_kit.errors import AuraKitError

__all__ = [
    "JsonlDocument",
    "JsonlFormatError",
    "parse_jsonl",
    "read_jsonl",
    "render_jsonl",
    "write_jsonl",
]

T = TypeVar("T")
_RESERVED = frozenset({"schema", "version", "records", "sha256"})


class JsonlFormatError(AuraKitError, ValueError):
    """A JSON Lines file is damaged; ``line`` is 1-based; nothing was loaded."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        self.path = str(path)
        self.source = self.path
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}:{line}: {reason}")


@dataclass(frozen=True, slots=True, kw_only=True)
class JsonlDocument(Generic[T]):
    """A loaded file: its schema kind, version, the whole header, and the parsed records."""

    kind: str
    version: int
    header: dict[str, Any]
    records: tuple[T, ...]


def render_jsonl(
    kind: str,
    records: Iterable[Mapping[str, Any]],
    version: int,
    header: Mapping[str, Any] | None = None,
) -> str:
    """The text ``write_jsonl`` writes (header line, then one line per record)."""
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"version must be an int >= 1, got {version!r}")
    extra = dict(header or {})
    clash = _RESERVED & set(extra)
    if clash:
        raise ValueError(f"header fields may not be named {sorted(clash)}")
    body = [_dump(dict(r)) + "\n" for r in records]
    head: dict[str, Any] = {"schema": kind, "version": version, "records": len(body)}
    digest = _digest({**head, **extra}, [line.encode("utf-8") for line in body])
    return _dump({**head, "sha256": digest, **extra}) + "\n" + "".join(body)


def write_jsonl(
    path: str | Path,
    kind: str,
    records: Iterable[Mapping[str, Any]],
    version: int,
    *,
    header: Mapping[str, Any] | None = None,
) -> Path:
    """Atomically replace ``path`` with a header line and one line per record."""
    target = Path(path)
    data = render_jsonl(kind, records, version, header).encode("utf-8")
    mode = target.stat().st_mode & 0o777 if target.exists() else None
    fd, tmp = _create_temp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:  # a replaced file keeps its mode; a new one gets the umask's
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(target.parent)
    return target


def _create_temp(target: Path) -> tuple[int, str]:
    """A new temp file beside ``target``, created 0o666 so the kernel applies the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(target.parent))


def read_jsonl(
    path: str | Path,
    kind: str,
    *,
    version: int | None = None,
    parse: Callable[[dict[str, Any]], T] | None = None,
) -> JsonlDocument[T]:
    """Load a file written by ``write_jsonl``; see ``parse_jsonl``."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as error:
        raise JsonlFormatError(p, 0, f"cannot read the file: {error.strerror}") from None
    return parse_jsonl(data, kind, source=str(p), version=version, parse=parse)


def parse_jsonl(
    data: bytes | str,
    kind: str,
    *,
    source: str = "<jsonl>",
    version: int | None = None,
    parse: Callable[[dict[str, Any]], T] | None = None,
) -> JsonlDocument[T]:
    """Check and parse JSON Lines text; ``parse`` turns each record into a value.

    ``parse`` raising ``ValueError``, ``TypeError`` or ``KeyError`` marks that record's line
    as damaged. ``version`` (if given) is the only version accepted.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        raise JsonlFormatError(source, 1, "empty file; expected a header line")
    header = _object(lines[0], source, 1)
    found = _check_header(header, kind, version, source)
    records = [
        _record(line, source, number, parse) for number, line in enumerate(lines[1:], start=2)
    ]
    promised = header["records"]
    if promised != len(records):
        reason = f"file has {len(records)} records; header promises {promised} (truncated?)"
        raise JsonlFormatError(source, len(lines) + (promised > len(records)), reason)
    covered = {k: v for k, v in header.items() if k != "sha256"}
    if _digest(covered, [line + b"\n" for line in lines[1:]]) != header["sha256"]:
        raise JsonlFormatError(source, 1, "records do not match the header's sha256 (altered?)")
    return JsonlDocument(kind=kind, version=found, header=header, records=tuple(records))


def _digest(header: Mapping[str, Any], lines: list[bytes]) -> str:
    """SHA-256 over the header fields but ``sha256`` (canonical JSON) and the record lines."""
    digest = hashlib.sha256(json.dumps(header, sort_keys=True).encode("utf-8") + b"\n")
    for line in lines:
        digest.update(line)
    return digest.hexdigest()


def _dump(value: Any) -> str:
    return json.dumps(value, allow_nan=False, ensure_ascii=True)  # key order is the caller's


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _object(line: bytes, source: str, number: int) -> dict[str, Any]:
    try:
        value = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise JsonlFormatError(source, number, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise JsonlFormatError(source, number, f"invalid JSON: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        reason = "JSON nests too deeply" if isinstance(error, RecursionError) else str(error)
        raise JsonlFormatError(source, number, f"invalid JSON: {reason}") from None
    if not isinstance(value, dict):
        raise JsonlFormatError(source, number, "expected a JSON object")
    return value


def _check_header(header: dict[str, Any], kind: str, version: int | None, source: str) -> int:
    if header.get("schema") != kind:
        raise JsonlFormatError(source, 1, f"expected schema {kind!r}, got {header.get('schema')!r}")
    found = header.get("version")
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise JsonlFormatError(source, 1, f"version must be an int >= 1, got {found!r}")
    if version is not None and found != version:
        raise JsonlFormatError(source, 1, f"unsupported version {found!r}; expected {version}")
    count = header.get("records")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise JsonlFormatError(source, 1, f"records must be an int >= 0, got {count!r}")
    if not isinstance(header.get("sha256"), str):
        raise JsonlFormatError(
            source, 1, f"sha256 must be a hex string, got {header.get('sha256')!r}"
        )
    return found


def _record(
    line: bytes, source: str, number: int, parse: Callable[[dict[str, Any]], T] | None
) -> Any:
    value = _object(line, source, number)
    if parse is None:
        return value
    try:
        return parse(value)
    except JsonlFormatError:
        raise
    except (ValueError, TypeError, KeyError) as error:
        raise JsonlFormatError(source, number, str(error)) from None


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
