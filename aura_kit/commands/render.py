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

from aura_kit.commands.check import load_or_report, report
from aura_kit.lab.scenario import load_scenario
from aura_kit.lab.scenario_run import run_scenario
from aura_kit.machine import CodeImage, explore
from aura_kit.protocol import Protocol, ProtocolError
from aura_kit.render import (
    Figure,
    automata_figure,
    ownership_figure,
    render_to_file,
    sequence_figure,
    state_graph_figure,
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
    except ProtocolError as error:  # located already: file:line:col, as check prints it
        report(error)
        return 1
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
    if args.kind == "ownership":
        raise ValueError("an ownership graph needs a scenario .json, not a protocol")
    return _protocol_figure(protocols[0], args.kind or "sequence")


def _scenario_figure(path: Path, kind: str) -> Figure:
    """Run the scenario headless, then draw its ownership graph (or the protocol)."""
    world = run_scenario(load_scenario(path)).world
    if kind == "ownership":
        title = f"ownership after {path.name}"
        return ownership_figure(*world.systems.values(), stale=world.stale_handles(), title=title)
    return _protocol_figure(world.protocol, kind)


def _protocol_figure(protocol: Protocol, kind: str) -> Figure:
    """The protocol's ``automata``, explored ``states`` or (otherwise) ``sequence`` picture."""
    if kind == "automata":
        return automata_figure(protocol)
    if kind == "states":
        return state_graph_figure(explore(CodeImage.from_protocol(protocol)))
    return sequence_figure(protocol)
