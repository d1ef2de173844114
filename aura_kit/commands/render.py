"""``aura-kit render FILE|SCENARIO --out PATH [--kind ...]``: draw a picture to a file.

A ``.choreo`` file draws its (first) protocol: ``sequence`` (default) or ``automata``.
A scenario ``.json`` is run headless first with the runtime's scenario runner, then its
``ownership`` graph (default), or its protocol's ``sequence``, ``automata`` or ``states``, is
drawn. The output format comes from the suffix of ``--out`` (.svg, .png, .dot, .gv, .txt).
Exit 1 on refused input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aura_kit.commands.check import load_or_report
from aura_kit.machine import CodeImage, explore
from aura_kit.render import figure_of_view, render_to_file
from aura_kit.render.figure import Figure
from aura_kit.runtime.scenario import load_scenario
from aura_kit.runtime.scenario_run import run_scenario
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
        return figure_of_view(state_graph_view(explore(CodeImage.from_protocol(protocol))))
    if kind == "ownership":
        raise ValueError("an ownership graph needs a scenario .json, not a protocol")
    return figure_of_view(protocol_sequence_view(protocol))


def _scenario_figure(path: Path, kind: str) -> Figure:
    """Run the scenario headless, then draw its ownership graph (or the protocol)."""
    world = run_scenario(load_scenario(path)).world
    if kind == "ownership":
        title = f"ownership after {path.name}"
        view = ownership_view(*world.systems.values(), stale=world.stale_handles(), title=title)
        return figure_of_view(view)
    if kind == "automata":
        return figure_of_view(protocol_automata_view(world.protocol))
    if kind == "states":
        return figure_of_view(state_graph_view(explore(CodeImage.from_protocol(world.protocol))))
    return figure_of_view(protocol_sequence_view(world.protocol))
