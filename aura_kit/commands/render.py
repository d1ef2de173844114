"""``aura-kit render FILE|SCENARIO --out PATH [--kind ...]``: draw a picture to a file.

A ``.choreo`` file draws its (first) protocol: ``sequence`` (default) or ``automata``.
A scenario ``.json`` is run headless first (the runtime's scenario runner when present,
else a plain ``World`` run of ``{"protocol": FILE, "authorities": {AUTH: ROLE}}`` with its
``queue`` steps), then
its ``ownership`` graph (default) or explored ``states`` are drawn. The output format comes
from the suffix of ``--out`` (.svg, .png, .dot, .gv, .txt). Exit 1 on refused input.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from aura_kit.commands.check import load_or_report
from aura_kit.render import figure_of_view, render_to_file
from aura_kit.render.figure import Figure
from aura_kit.view import (
    ownership_view,
    protocol_automata_view,
    protocol_sequence_view,
    state_graph_view,
)

HELP = "draw a protocol or a scenario's ownership graph to an SVG, PNG, DOT or text file"
KINDS = ("sequence", "automata", "ownership", "states")


def configure(parser: argparse.ArgumentParser) -> None:
    """Register the arguments."""
    parser.add_argument("source", help="a .choreo file or a scenario .json")
    parser.add_argument("--out", required=True, help="output file (.svg, .png, .dot, .txt)")
    parser.add_argument("--kind", choices=KINDS, help="which picture (default by input)")


def run(args: argparse.Namespace) -> int:
    """Draw and write; 1 when the input or the output is refused."""
    try:
        figure = _figure(args)
        if figure is None:
            return 1
        render_to_file(figure, args.out)
    except Exception as error:  # the command's boundary: report any refusal in one line
        print(f"{args.source}: error: {error}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


def _figure(args: argparse.Namespace) -> Figure | None:
    if Path(args.source).suffix == ".json":
        return _scenario_figure(Path(args.source), args.kind or "ownership")
    protocols = load_or_report(args.source)
    if protocols is None:
        return None
    protocol = protocols[0]
    kind = args.kind or "sequence"
    if kind == "automata":
        return figure_of_view(protocol_automata_view(protocol))
    if kind == "states":
        from aura_kit.machine import CodeImage, explore

        return figure_of_view(state_graph_view(explore(CodeImage.from_protocol(protocol))))
    if kind == "ownership":
        raise ValueError("an ownership graph needs a scenario .json, not a protocol")
    return figure_of_view(protocol_sequence_view(protocol))


def _scenario_figure(path: Path, kind: str) -> Figure:
    result = _run_scenario(path)
    world = getattr(result, "world", result)
    if kind == "ownership":
        systems = getattr(world, "systems", {})
        values = systems.values() if isinstance(systems, dict) else systems
        stale = getattr(result, "stale", None) or {}
        title = f"ownership after {path.name}"
        return figure_of_view(ownership_view(*values, stale=stale, title=title))
    protocol = getattr(world, "protocol", None)
    if protocol is None:
        raise ValueError(f"scenario {path.name} has no protocol to draw as {kind}")
    if kind == "automata":
        return figure_of_view(protocol_automata_view(protocol))
    return figure_of_view(protocol_sequence_view(protocol))


def _run_scenario(path: Path) -> Any:
    """Run a scenario headless with the runtime's runner when it exists, else a plain World."""
    try:
        runner = importlib.import_module("aura_kit.runtime.scenario")
    except ImportError:
        runner = None
    if runner is not None and hasattr(runner, "run_scenario"):
        return runner.run_scenario(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "protocol" not in data or "authorities" not in data:
        raise ValueError(f"{path}: $: expected an object with 'protocol' and 'authorities'")
    from aura_kit.protocol import load_protocol
    from aura_kit.runtime.world import World

    protocol = load_protocol(path.parent / data["protocol"])
    world = World(protocol, data["authorities"], session_id=data.get("session_id"))
    world.open_all()
    for step in data.get("steps", []):
        if step.get("do") == "queue":
            world.queue(step["role"], step.get("payloads", ()), step.get("choices", ()))
    world.run()
    return world
