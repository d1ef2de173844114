"""What the commands read and write, and the one line every refusal is printed as.

Invariants:
- every refusal is one line, ``PATH[:LINE:COL]: error: message``, naming the path it is
  about: the input for what was read, the output for what cannot be written, and
  ``aura-kit COMMAND`` for what concerns no file (a port, a missing program);
- ``-`` as an input means standard input (shown as ``<stdin>``);
- an input is read whole, at most ``MAX_INPUT_BYTES``, and must be non-empty UTF-8 text
  without NUL bytes; an output path is checked before any work is done.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from aura_kit.data import BundledFile, BundledNameError, find_bundled, is_path
from aura_kit.errors import AuraKitError
from aura_kit.lab.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from aura_kit.ownership import ManifestError
from aura_kit.protocol import Protocol, ProtocolError, parse_protocols, syntax_of
from aura_kit.render import RenderError

STDIN = "-"
STDIN_NAME = "<stdin>"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")  # a bundled name, not a path
MAX_INPUT_BYTES = 8 * 1024 * 1024
PROTOCOL_FILE = "a .choreo protocol file"
SCENARIO_FILE = "a scenario .json file"


class CommandError(AuraKitError):
    """A refused input, output or option: the path it is about, the place, and why."""

    def __init__(self, path: str, message: str, *, line: int = 0, column: int = 0) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(error_line(path, message, line=line, column=column))


def error_line(path: str, message: str, *, line: int = 0, column: int = 0) -> str:
    """``PATH:LINE:COL: error: message`` (without ``:LINE:COL`` when the line is unknown)."""
    place = f"{path}:{line}:{column}" if line > 0 else path
    return f"{place}: error: {message}"


def describe(error: BaseException) -> str | None:
    """The error line of one of the kit's typed errors; None for any other exception."""
    if isinstance(error, CommandError):
        return str(error)
    if isinstance(error, ProtocolError):
        message = f"{type(error).__name__}: {error.message}"
        return error_line(error.source, message, line=error.line, column=error.column)
    if isinstance(error, ScenarioError):
        return error_line(error.source, f"scenario field {error.path}: {error.reason}")
    if isinstance(error, ManifestError):
        return error_line(error.source, f"manifest field {error.path}: {error.reason}")
    if isinstance(error, RenderError):
        return error_line("aura-kit", str(error))
    return None


def display_name(path: str) -> str:
    """How ``path`` is named in messages and error lines."""
    return STDIN_NAME if path == STDIN else path


def read_text(path: str, expected: str) -> str:
    """The text of the input ``path`` (``-``: standard input); ``expected`` names its kind."""
    name = display_name(path)
    data = _read_bytes(path, name)
    if len(data) > MAX_INPUT_BYTES:
        limit = MAX_INPUT_BYTES // (1024 * 1024)
        raise CommandError(name, f"is larger than {limit} MiB; expected {expected}")
    if b"\0" in data:
        raise CommandError(name, f"is a binary file (it holds NUL bytes); expected {expected}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _place(data, error.start)
        message = f"is not UTF-8 text (byte 0x{data[error.start]:02x}); expected {expected}"
        raise CommandError(name, message, line=line, column=column) from None
    if not text.strip():
        raise CommandError(name, f"is empty; expected {expected}")
    return text.removeprefix("\ufeff")


def _read_bytes(path: str, name: str) -> bytes:
    if path == STDIN:
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    file = usable_path(path)
    if file.is_dir():
        raise CommandError(name, "is a directory; expected a file")
    try:
        with file.open("rb") as stream:
            return stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise CommandError(name, f"cannot read the file: {_reason(error)}") from None


def _place(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def usable_path(path: str) -> Path:
    """``path`` as a ``Path``; refused when the operating system could never open it."""
    if "\0" in path:
        raise CommandError(repr(path)[1:-1], "the path holds a NUL byte; expected a file name")
    file = Path(path)
    try:
        file.exists()
    except OSError as error:  # e.g. a name too long for the file system
        raise CommandError(path[:80], f"unusable path: {_reason(error)}") from None
    return file


def read_protocols(path: str) -> list[Protocol]:
    """Every protocol in the ``.choreo`` input ``path``, or in the bundled protocol it names."""
    if _names_bundled(path, "protocols"):
        found = _bundled("protocols", path)
        return protocols_in(found.source, found.read_text())
    return protocols_in(display_name(path), read_text(path, PROTOCOL_FILE))


def protocols_in(name: str, text: str) -> list[Protocol]:
    """Every protocol in ``text``, read from the input called ``name``."""
    return parse_protocols(text, source=name, syntax=syntax_of(name))


def read_scenario(path: str) -> Scenario:
    """The validated scenario in the JSON input ``path``, or the bundled scenario it names."""
    if _names_bundled(path, "scenarios"):
        _bundled("scenarios", path)
        return load_scenario(path)
    return scenario_in(path, read_text(path, SCENARIO_FILE))


def _names_bundled(path: str, kind: str) -> bool:
    """Whether ``path`` is a bundled name (a short identifier that is no file) of ``kind``."""
    return NAME.fullmatch(path) is not None and not is_path(path, kind)


def _bundled(kind: str, name: str) -> BundledFile:
    """The bundled file ``name`` of ``kind``; an unknown name is a one-line error."""
    try:
        return find_bundled(kind, name)
    except BundledNameError as error:
        raise CommandError(name[:80], error.strerror or str(error)) from None


def scenario_in(path: str, text: str) -> Scenario:
    """The validated scenario in ``text``, read from the input ``path`` (``-``: stdin).

    A relative protocol path is looked up beside the file (beside the working folder
    for standard input)."""
    name = display_name(path)
    base = Path.cwd() / STDIN_NAME if path == STDIN else Path(path)
    return parse_scenario(_json(name, text), source=name, base=base.parent)


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg}"
        raise CommandError(name, message, line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise CommandError(name, "invalid JSON: it nests too deeply") from None
    except ValueError as error:  # an integer with more digits than Python converts
        raise CommandError(name, f"invalid JSON: {str(error).split(';', 1)[0]}") from None


def check_output(path: str, suffixes: tuple[str, ...]) -> Path:
    """The output ``path``, refused (naming it) unless a file can be written there."""
    out = usable_path(path)
    if out.suffix.lower() not in suffixes:
        found = out.suffix or "no suffix"
        raise CommandError(path, f"unknown output format {found!r}; expected {', '.join(suffixes)}")
    if out.is_dir():
        raise CommandError(path, "is a directory; expected a file name")
    folder = out.parent
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise CommandError(path, f"cannot write: {str(folder)!r} {problem}")
    if not os.access(out if out.exists() else folder, os.W_OK):
        raise CommandError(path, "cannot write: permission denied")
    return out
