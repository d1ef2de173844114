"""The glossary is true: its names exist, its lessons exist, and the lessons use its words."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import pytest

import aura_kit
from aura_kit import lab, machine, ownership, protocol, runtime
from aura_kit.lab import ExplorerModel, World
from aura_kit.runtime.events import RuntimeSessionEvent
from tests.conftest import ROOT

GLOSSARY = ROOT / "docs" / "glossary.md"
COURSE = sorted((ROOT / "notebooks" / "course").glob("[0-9][0-9]-*.ipynb"))
NOTEBOOKS = sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"))  # the lessons, solved
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\(([a-z_]*)\))?$")
# Words the vocabulary replaces; none may appear in a lesson, the README or the docs.
RETIRED = ("stale copy", "stale copies", "old copy", "stale capability", "round by round")


def _table(heading: str) -> list[list[str]]:
    """The rows of the first table under ``## heading``, as lists of cell texts."""
    section = GLOSSARY.read_text().split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows[2:]]


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _namespace() -> dict[str, Any]:
    """Live objects the glossary's names are looked up in (instances for instance fields)."""
    world = World(protocol.load_protocol("PingPong"), {"a": "Client", "b": "Server"})
    space: dict[str, Any] = {}
    for module in (aura_kit, protocol, machine, ownership, runtime, lab):
        space.update({n: getattr(module, n) for n in dir(module) if not n.startswith("_")})
    space.update(World=world, ExplorerModel=ExplorerModel)
    return space


def _resolve(token: str, space: dict[str, Any]) -> bool:
    """Whether ``A.b(c)`` names a real object (and ``c`` a real parameter of it)."""
    match = NAME.match(token)
    if match is None:
        return False
    path, param = token.split("(")[0].split("."), match.group(3)
    owners = [space[path[0]]] if path[0] in space else []
    if not owners and len(path) == 1:  # a bare method name: a method of a class named nearby
        owners = [space[c] for c in ("ProtocolMachine", "OwnedVmSession", "EffectSystem")]
        path = ["", *path]
    for obj in owners:
        found = True
        for part in path[1:]:
            if not hasattr(obj, part):
                found = False
                break
            obj = getattr(obj, part)
        if found and (not param or param in inspect.signature(obj).parameters):
            return True
    return False


def test_glossary_defines_the_three_units_of_time() -> None:
    """The time table defines tick, round and pass, in that order."""
    assert [row[0] for row in _table("Three units of time")] == [
        "**tick**",
        "**round**",
        "**pass**",
    ]


def test_glossary_time_names_exist() -> None:
    """Every name the time table gives as its place in the code is a real name there."""
    space = _namespace()
    tokens = [t for row in _table("Three units of time") for t in _ticked(row[2])]
    assert len(tokens) > 10
    missing = [t for t in tokens if not _resolve(t, space)]
    assert not missing


def test_glossary_kit_names_exist() -> None:
    """Every kit name of the seed table (or the seed name, when it is the same) is real."""
    space = _namespace()
    events = {e.value for e in RuntimeSessionEvent}
    missing = []
    for seed, kit, _concept, _lessons in _table("Seed names"):
        for token in _ticked(seed if kit == "same" else kit):
            if token.startswith("runtime.session."):
                ok = token in events
            elif token.startswith(("...", "protocol:", "bundle:")):
                continue
            else:
                ok = _resolve(token, space)
            if not ok:
                missing.append(token)
    assert not missing


def test_glossary_lessons_exist() -> None:
    """Every lesson number in the glossary names a notebook that exists."""
    numbers = {p.name[:2] for p in NOTEBOOKS}
    cited = set()
    for heading in ("Three units of time", "Seed names", "The kit's own words"):
        for row in _table(heading):
            cited |= set(re.findall(r"\b\d\d\b", row[-1]))
    assert cited and cited <= numbers, cited - numbers


def _lesson_text(path: Any) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells)


@pytest.mark.parametrize("word", RETIRED)
def test_glossary_retired_words_are_gone(word: str) -> None:
    """Lessons, README and docs say "stale handle" and "tick", never the words they replaced."""
    lessons = [*NOTEBOOKS, *COURSE, ROOT / "notebooks" / "explorer.ipynb"]
    texts = {str(p.relative_to(ROOT)): _lesson_text(p) for p in lessons}
    texts["README.md"] = (ROOT / "README.md").read_text()
    for doc in (ROOT / "docs").glob("*.md"):
        texts[doc.name] = doc.read_text()
    assert [name for name, text in texts.items() if word in text.lower()] == []
