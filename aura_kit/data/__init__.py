"""The data shipped inside the package: protocols, manifests and scenarios, found by name.

Files live in ``aura_kit/data/<kind>/`` and are read with ``importlib.resources``, so they are
found the same way from a source tree and from an installed wheel.

The lookup rule (one for every loader that takes a name or a path):
- a ``Path``, or a string that names an existing file, contains a path separator, or ends in
  the kind's suffix (``.choreo``, ``.json``), is a path and is read as it is;
- any other string is a name: first a bundled file's stem (``two_buyer``; protocols also look
  in ``protocols/bad/`` and scenarios in ``scenarios/compare/``, whose stems are distinct),
  then, for protocols, the name a well-formed bundled file declares
  (``protocol TwoBuyer(...)`` is found as ``TwoBuyer``);
- an unknown name is a ``BundledNameError`` (a ``FileNotFoundError``) that lists the known names;
- a path with a NUL character is an ``UnreadableFileError`` (an ``OSError``) and a file that is
  not UTF-8 text a ``NotUtf8Error`` (a ``UnicodeDecodeError``), each naming the file; one
  leading UTF-8 byte order mark is dropped;
- text read from a bundled file names it ``aura_kit/data/<kind>/<file>`` in error locations,
  the same on every machine.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from aura_kit.errors import AuraKitError

__all__ = [
    "KINDS",
    "BundledFile",
    "BundledNameError",
    "NotUtf8Error",
    "UnreadableFileError",
    "bundled_names",
    "find_bundled",
    "is_path",
    "read_text",
]

# kind -> file suffix
KINDS = {"protocols": ".choreo", "manifests": ".json", "scenarios": ".json"}
BAD = "bad"
COMPARE = "compare"  # scenarios/compare/: one scenario per difference from the seed
_DECLARED = re.compile(r"^\s*protocol\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(", re.MULTILINE)


class BundledNameError(AuraKitError, FileNotFoundError):
    """A name that is neither a path nor a bundled file (``known`` lists the names)."""

    def __init__(self, kind: str, name: str, known: tuple[str, ...]) -> None:
        self.kind = kind
        self.name = name
        self.known = known
        examples = " (and the examples in protocols/bad)" if kind == "protocols" else ""
        reason = f"no such file or bundled {kind[:-1]}; known names: {', '.join(known)}{examples}"
        super().__init__(errno.ENOENT, reason, name)


class UnreadableFileError(AuraKitError, OSError):
    """A path that cannot name a file (a NUL character in it)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(errno.EINVAL, reason, path)


class NotUtf8Error(AuraKitError, UnicodeDecodeError):
    """A file whose bytes are not UTF-8 text; ``source`` names it, ``start`` is the bad byte."""

    def __init__(self, source: str, error: UnicodeDecodeError) -> None:
        self.source = source
        reason = f"{error.reason} in {source}"
        super().__init__(error.encoding, error.object, error.start, error.end, reason)


@dataclass(frozen=True, slots=True)
class BundledFile:
    """One bundled file: where it is, the label errors show, and (protocols) a declared name."""

    kind: str
    resource: Traversable
    bad: bool = False
    declared: tuple[str, ...] = ()
    folder: str = ""  # the subfolder inside the kind's folder ("bad", "compare"), if any

    @property
    def source(self) -> str:
        """``aura_kit/data/protocols/two_buyer.choreo`` (the same on every machine)."""
        inner = f"{self.folder}/{self.resource.name}" if self.folder else self.resource.name
        return f"aura_kit/data/{self.kind}/{inner}"

    @property
    def stem(self) -> str:
        """The file name without its suffix."""
        return self.resource.name.removesuffix(KINDS[self.kind])

    def read_text(self) -> str:
        """The file's text (UTF-8)."""
        return _decode(self.resource.read_bytes(), self.source)

    def path(self) -> Path:
        """The file as a filesystem path (bundled data is always unpacked on disk)."""
        return Path(str(self.resource))


def is_path(ref: str | os.PathLike[str], kind: str) -> bool:
    """Whether ``ref`` is a path (see the lookup rule) rather than a bundled name."""
    if not isinstance(ref, str):
        return True
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    if any(s in ref for s in separators) or ref.endswith(KINDS[kind]):
        return True
    try:
        return Path(ref).is_file()
    except (OSError, ValueError):  # a name too long for the filesystem, a NUL: not a file
        return False


@cache
def _files(kind: str) -> tuple[BundledFile, ...]:
    suffix = KINDS[kind]
    folder = files(__name__).joinpath(kind)
    extra = {"protocols": BAD, "scenarios": COMPARE}.get(kind)
    folders = [folder] if extra is None else [folder, folder.joinpath(extra)]
    found = []
    for where in folders:
        if not where.is_dir():
            continue
        sub = "" if where is folder else str(extra)
        bad = sub == BAD
        for item in sorted(where.iterdir(), key=lambda t: t.name):
            if item.is_file() and item.name.endswith(suffix):
                declared = () if bad else _declared(kind, item)
                found.append(BundledFile(kind, item, bad, declared, sub))
    return tuple(found)


def _declared(kind: str, item: Traversable) -> tuple[str, ...]:
    if kind != "protocols":
        return ()
    return tuple(_DECLARED.findall(item.read_text(encoding="utf-8")))


def bundled_names(kind: str, *, bad: bool = False) -> tuple[str, ...]:
    """Stems of the bundled files of ``kind``, sorted (``bad=True``: also ``protocols/bad``)."""
    good = sorted(f.stem for f in _files(kind) if not f.bad)
    return tuple(good + (sorted(f.stem for f in _files(kind) if f.bad) if bad else []))


def find_bundled(kind: str, name: str) -> BundledFile:
    """The bundled file called ``name`` (a stem, or a declared protocol name)."""
    candidates = _files(kind)
    found = next((f for f in candidates if f.stem == name), None)
    found = found or next((f for f in candidates if name in f.declared), None)
    if found is not None:
        return found
    good = [f for f in candidates if not f.bad]
    known = sorted({f.stem for f in good} | {d for f in good for d in f.declared})
    raise BundledNameError(kind, name, tuple(known))


def read_text(kind: str, ref: str | os.PathLike[str]) -> tuple[str, str, str | None]:
    """``(text, source, declared name)`` for a path or a bundled name of ``kind``.

    The declared name is set only when ``ref`` named a protocol by the name its file declares.
    """
    if is_path(ref, kind):
        source = str(ref)
        if "\0" in source:
            raise UnreadableFileError(source[:80], "the path contains a NUL character")
        return _decode(Path(ref).read_bytes(), source), source, None
    found = find_bundled(kind, str(ref))
    return found.read_text(), found.source, None if found.stem == ref else str(ref)


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text without a leading byte order mark, or ``UnreadableFileError``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8Error(source, error) from None
