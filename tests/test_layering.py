"""Layering: core packages never load pandas, graphviz, ipywidgets or IPython."""

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
    es.claim_vm_fragments_for_manifest("cell:1:1", CompositionManifest.for_protocol(p, "p"))
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
