"""Layering: core packages never load pandas, graphviz, ipywidgets or IPython; the edges
core <- lab <- view/render <- widgets, commands hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

FORBIDDEN = ("pandas", "graphviz", "ipywidgets", "IPython")
CORE = ("protocol", "machine", "ownership", "runtime", "view")
ONLY_IN = {"graphviz": "render", "ipywidgets": "widgets"}

SESSION = r"""
import sys, uuid
from aura_kit.protocol import parse_protocol, project_all, format_local, local_fsm
from aura_kit.machine import CodeImage, ProtocolMachine, StepResult, explore
from aura_kit.ownership import ChoreographicRole, CompositionManifest, Scope
from aura_kit.runtime import EffectSystem
from aura_kit.view import ownership_view, protocol_sequence_view, run_sequence_view
p = parse_protocol('''protocol P(A, B) { A -> B: Hi(int)
  B -> A: Bye }''')
for role, local in project_all(p.global_type).items():
    format_local(local); local_fsm(local)
m = ProtocolMachine()
m.load(CodeImage.from_protocol(p))
while m.step() is StepResult.CONTINUE:
    pass
explore(CodeImage.from_protocol(p))
es = EffectSystem("alice")
with es.task("t"):
    roles = [ChoreographicRole("alice", 0)]
    o = es.start_owned_choreography_session("cell:1:1", uuid.uuid4(), roles)
    es.claim_vm_fragments_for_manifest(o, CompositionManifest.for_protocol(p, "p"))
    o = es.transfer_owned_choreography_session_owner(o, "next", Scope.SESSION)
    es.end_owned_choreography_session(o)
try:
    from aura_kit.lab.world import World
    w = World(p, {"alice": "A", "bob": "B"})
    w.open_all()
    w.queue("A", [7])
    w.run()
except ImportError:
    pass
ownership_view(es); protocol_sequence_view(p); run_sequence_view(m.events)
print(",".join(sorted(n for n in sys.modules if n.split(".")[0] in %r)))
"""


def test_layering_full_session_loads_no_display_packages() -> None:
    """A whole session (parse, machine, ownership, ingress, views) imports none of them."""
    code = SESSION % (FORBIDDEN,)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_layering_static_imports() -> None:
    """Only render/ imports graphviz, only widgets/ ipywidgets; core imports neither nor IPython."""
    package = ROOT / "aura_kit"
    problems = []
    for path in sorted(package.rglob("*.py")):
        layer = path.relative_to(package).parts[0]
        for name in _imports(path) & set(FORBIDDEN):
            allowed = ONLY_IN.get(name)
            core_clash = layer in CORE and name != "pandas"
            if core_clash or (allowed is not None and layer != allowed):
                problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert problems == []


def test_layering_core_pandas_only_inside_functions() -> None:
    """Core modules import pandas only inside a function body (lazily)."""
    problems = []
    for layer in CORE:
        for path in sorted((ROOT / "aura_kit" / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                names = _imports_of(node)
                if "pandas" in names:
                    problems.append(str(path.relative_to(ROOT)))
    assert problems == []


def _imports_of(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name.split(".")[0] for a in node.names}
    if isinstance(node, ast.ImportFrom) and node.module:
        return {node.module.split(".")[0]}
    return set()


# layer -> the aura_kit packages it must never import (statically, anywhere in a module)
LAYERS = ("protocol", "machine", "ownership", "runtime")
NEVER = {
    **{core: {"lab", "teach", "view", "render", "widgets", "commands", "cli"} for core in LAYERS},
    "data": {"protocol", "machine", "ownership", "runtime", "lab", "view", "render", "widgets"},
    "lab": {"teach", "view", "render", "widgets", "commands", "cli"},
    "teach": {"view", "render", "widgets", "commands", "cli"},
    "view": {"teach", "widgets", "commands", "cli"},
    "render": {"teach", "widgets", "commands", "cli"},
}
LAB_FORBIDDEN = {"pandas", "graphviz", "ipywidgets", "IPython"}


def _aura_layers(path: Path, package: Path) -> set[str]:
    """The ``aura_kit`` packages a module imports (absolute and relative imports)."""
    here = path.relative_to(package).parts
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            base = ("aura_kit", *here[: len(here) - node.level])
            names = [".".join((*base, *(node.module or "").split(".")))]
        for name in names:
            parts = name.split(".")
            if parts[0] == "aura_kit" and len(parts) > 1 and parts[1]:
                found.add(parts[1])
    return found


def test_layering_edges_between_layers() -> None:
    """The core never imports the lab; the lab never view, render or widgets; and so on up."""
    package = ROOT / "aura_kit"
    problems = []
    for path in sorted(package.rglob("*.py")):
        layer = path.relative_to(package).parts[0]
        for name in sorted(_aura_layers(path, package) & NEVER.get(layer, set())):
            problems.append(f"{path.relative_to(ROOT)} imports aura_kit.{name}")
    assert problems == []


def test_layering_lab_imports_no_display_packages() -> None:
    """No lab or teach module imports pandas, graphviz, ipywidgets or IPython, even lazily."""
    problems = [
        f"{path.relative_to(ROOT)} imports {name}"
        for layer in ("lab", "teach")
        for path in sorted((ROOT / "aura_kit" / layer).rglob("*.py"))
        for name in sorted(_imports(path) & LAB_FORBIDDEN)
    ]
    assert problems == []


TEACH_SESSION = r"""
import sys
from aura_kit.protocol import load_protocol
from aura_kit.teach import Exercise, Prediction, explain_projection, local_type_of
p = load_protocol("TwoBuyer")
Exercise("x", local_type_of(p, "Seller"), ["h"]).check("end")
Prediction("q", "?", choices=("a", "b"), key="a").guess("b").reveal("a")
str(explain_projection(p, "Buyer2"))
loaded = {n.split(".")[0] for n in sys.modules} | {".".join(n.split(".")[:2]) for n in sys.modules}
print(",".join(sorted(loaded & %r)))
"""


def test_layering_teach_session_loads_no_upper_layer() -> None:
    """Exercises, predictions and explanations load no view, render, widget or display library."""
    upper = {"aura_kit.view", "aura_kit.render", "aura_kit.widgets", *LAB_FORBIDDEN}
    code = TEACH_SESSION % (upper,)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


LAB_SESSION = r"""
import sys
from aura_kit.lab import AttackKind, ExplorerModel, load_scenario, run_scenario
assert run_scenario(load_scenario("two_buyer_delegation")).ok
m = ExplorerModel.for_name("TwoBuyer"); m.open(); m.play(); m.transfer("Seller")
m.attack(AttackKind.STALE_HANDLE, "Seller"); m.event_rows(); m.buffers_text(); m.status_line()
loaded = {n.split(".")[0] for n in sys.modules} | {".".join(n.split(".")[:2]) for n in sys.modules}
print(",".join(sorted(loaded & %r)))
"""


def test_layering_lab_session_loads_no_upper_layer() -> None:
    """A scenario run and an explorer session load no upper layer and no display library."""
    upper = {"aura_kit.view", "aura_kit.render", "aura_kit.widgets", *LAB_FORBIDDEN}
    code = LAB_SESSION % (upper,)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
