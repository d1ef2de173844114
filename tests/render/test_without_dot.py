"""Every figure kind works where no ``dot`` binary exists: its text form and its DOT, no error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

KINDS = ("sequence", "automata", "ownership", "machine", "states", "run")
# Runs in a fresh interpreter whose PATH holds only a python symlink, so graphviz's own
# lookup of `dot` fails for real. It prints one JSON record per figure.
SCRIPT = """
import json, shutil, sys
from pathlib import Path
from aura_kit.machine import CodeImage, ProtocolMachine
from aura_kit.render import (
    RenderError, automata_figure, figure_for, machine_figure, ownership_figure, run_figure,
    sequence_figure, state_graph_figure,
)
from aura_kit.render.figure import DOT_MIME
from tests.view.samples import deadlocking_result, ownership_world, two_buyer

assert shutil.which("dot") is None, shutil.which("dot")
protocol = two_buyer()
machine = ProtocolMachine()
machine.load(CodeImage.from_protocol(protocol))
machine.run(50)
alice, bob, stale = ownership_world()
figures = {
    "sequence": sequence_figure(protocol),
    "automata": automata_figure(protocol),
    "ownership": ownership_figure(alice, bob, stale=tuple(stale.values())),
    "machine": machine_figure(machine),
    "states": state_graph_figure(deadlocking_result()),
    "run": run_figure(list(machine.events)),
}
out = Path(sys.argv[1])
records = []
for kind, fig in figures.items():
    try:
        fig.svg()
        svg_error = None
    except RenderError as error:
        svg_error = error.what
    records.append({
        "kind": kind, "figure_kind": fig.kind, "text": fig.text, "dot": fig.dot,
        "bundle": fig._repr_mimebundle_(), "svg_error": svg_error,
        "saved_dot": fig.save(out / f"{kind}.dot").read_text(encoding="utf-8"),
        "saved_txt": fig.save(out / f"{kind}.txt").read_text(encoding="utf-8"),
    })
records.append({"kind": "protocol hook", "bundle": protocol._repr_mimebundle_(),
                 "dot": figure_for(protocol).dot, "text": figure_for(protocol).text})
print(json.dumps(records))
"""


def _run_without_dot(tmp_path: Path) -> list[dict[str, object]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.update({k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "SYSTEMROOT")})
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    records: list[dict[str, object]] = json.loads(done.stdout)
    return records


def test_every_figure_gives_text_and_dot_without_the_dot_binary(tmp_path: Path) -> None:
    """With no dot on PATH each figure kind shows its text with a hint and offers its DOT."""
    records = _run_without_dot(tmp_path)
    assert [record["kind"] for record in records] == [*KINDS, "protocol hook"]
    for record in records:
        bundle = record["bundle"]
        assert isinstance(bundle, dict)
        assert set(bundle) == {"text/plain", "text/vnd.graphviz"}, record["kind"]
        text, dot = str(record["text"]), str(record["dot"])
        assert text.strip() and dot.startswith("digraph"), record["kind"]
        assert bundle["text/plain"].startswith(text + "\n\n(no picture: dot binary not found")
        assert bundle["text/vnd.graphviz"] == dot
    for record in records[: len(KINDS)]:
        assert record["svg_error"] == "dot binary not found"
        assert record["saved_dot"] == record["dot"]
        assert record["saved_txt"] == f"{record['text']}\n"
    kinds = {record["kind"]: record["figure_kind"] for record in records[: len(KINDS)]}
    assert kinds == {**{kind: kind for kind in KINDS}, "run": "sequence"}
