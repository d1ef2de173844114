"""No module reaches into another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import aura_kit

PACKAGE = Path(aura_kit.__file__).parent

# ``x._name`` on something other than self/cls, allowed where the name is the same class's own
# (or a protocol another library defines), with the reason.
ALLOWED = {
    ("machine/explore_result.py", "graph._data"): "StateGraph.deferred fills its own new graph",
    ("machine/explore_result.py", "graph._build"): "StateGraph.deferred fills its own new graph",
    ("machine/explore_result.py", "other._get"): "StateGraph.__eq__ on another StateGraph",
    ("runtime/events.py", "log._records"): "EventLog._from_document fills its own new log",
    ("runtime/events.py", "log._seq"): "EventLog._from_document fills its own new log",
    ("runtime/tasks.py", "task._owner"): "HostTask is defined in tasks.py",
    ("runtime/admission.py", "sys._getframe"): "the caller's location for the owner label",
}


def _reaches() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                found += [
                    (rel, node.lineno, f"import {a.name}")
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
            elif (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id not in ("self", "cls")
            ):
                found.append((rel, node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def test_no_module_imports_or_reads_another_modules_private_names() -> None:
    """Every private-name access is on the module's own class or an allowed protocol."""
    unexpected = [hit for hit in _reaches() if (hit[0], hit[2]) not in ALLOWED]
    assert unexpected == []


def test_the_allow_list_has_no_stale_entries() -> None:
    """Each allowed access still exists, so the list cannot hide a new one under an old name."""
    present = {(rel, what) for rel, _, what in _reaches()}
    assert set(ALLOWED) <= present
