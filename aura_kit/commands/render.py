"""``aura-kit render FILE|SCENARIO --out PATH [--kind ...]``: draw a picture to a file.

A ``.choreo`` file draws its (first) protocol: ``sequence`` (default) or ``automata``.
A scenario ``.json`` is run headless first with the runtime's scenario runner, then its
``ownership`` graph (default), or its protocol's ``sequence``, ``automata`` or ``states``, is
drawn. The output format comes from the suffix of ``--out`` (.svg, .png, .dot, .gv, .txt).

The output path (and, for .svg and .png, the ``dot`` binary) is checked before anything
runs; a scenario whose expectations fail is not drawn. Exit 1 on refused input or output.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from aura_kit.commands.files import (
    STDIN,
    CommandError,
    check_output,
    display_name,
    protocols_in,
    read_protocols,
    read_scenario,
    read_text,
    scenario_in,
)
from aura_kit.commands.run import run_loaded
from aura_kit.lab.scenario_report import ScenarioReport
from aura_kit.machine import CodeImage, ExploreResult, TooManyRoles, explore
from aura_kit.protocol import Protocol
from aura_kit.render import (
    Figure,
    RenderError,
    automata_figure,
    ownership_figure,
    render_to_file,
    sequence_figure,
    sequence_mermaid,
    state_graph_figure,
)
from aura_kit.view import protocol_sequence_view

HELP = "draw a protocol or a scenario's ownership graph to an SVG, PNG, DOT or text file"
KINDS = ("sequence", "automata", "ownership", "states")
MAX_DRAWN_STATES = 2_000  # --kind states: a bigger graph takes dot minutes and is unreadable
FORMATS = (".svg", ".png", ".dot", ".gv", ".txt", ".mmd")
NEEDS_DOT = (".svg", ".png")
INSTALL_DOT = "apt-get install graphviz (or conda install graphviz, or brew install graphviz)"
EXAMPLES = f"""\
examples:
  aura-kit render aura_kit/data/protocols/two_buyer.choreo --out two_buyer.svg
  aura-kit render aura_kit/data/protocols/two_buyer.choreo --kind automata --out automata.txt
  aura-kit render aura_kit/data/scenarios/stale_handle.json --out ownership.dot
  aura-kit render aura_kit/data/protocols/two_buyer.choreo --out two_buyer.mmd
  aura-kit render aura_kit/data/scenarios/stale_handle.json --kind states --out states.png

.svg and .png need the Graphviz dot binary ({INSTALL_DOT});
.dot, .gv, .txt and .mmd (a Mermaid sequence diagram of a protocol) never do.
A scenario input ('-' reads it from standard input) is recognised by its .json suffix or,
on standard input, by a leading '{{'."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Register the arguments."""
    parser.add_argument("source", help="a .choreo file or a scenario .json ('-': standard input)")
    parser.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="output file: .svg, .png, .dot, .gv, .txt or .mmd",
    )
    parser.add_argument(
        "--kind",
        choices=KINDS,
        help="which picture (default: sequence for a protocol, ownership for a scenario)",
    )


def run(args: argparse.Namespace) -> int:
    """Draw and write; 1 when the input or the output is refused."""
    out = check_output(args.out, FORMATS)
    if out.suffix.lower() in NEEDS_DOT and shutil.which("dot") is None:
        raise CommandError(
            args.out,
            f"the Graphviz dot binary is not on PATH; install it with {INSTALL_DOT},"
            f" or write {out.with_suffix('.dot').name} or {out.with_suffix('.txt').name} meanwhile",
        )
    if out.suffix.lower() == ".mmd":
        return _write_mermaid(args, out)
    figure = _figure(args)
    try:
        render_to_file(figure, out)
    except RenderError as error:
        raise CommandError(args.out, str(error)) from None
    except OSError as error:
        raise CommandError(args.out, f"cannot write: {error.strerror or error}") from None
    print(args.out)
    return 0


def _write_mermaid(args: argparse.Namespace, out: Path) -> int:
    """A protocol's sequence diagram as Mermaid text (no scenario, no other kind)."""
    name = display_name(args.source)
    if Path(args.source).suffix.lower() == ".json" or args.kind not in (None, "sequence"):
        raise CommandError(args.out, "a .mmd file holds a protocol's sequence diagram only")
    protocols = read_protocols(args.source)
    if not protocols:
        raise CommandError(name, "no protocol to draw")
    try:
        out.write_text(sequence_mermaid(protocol_sequence_view(protocols[0])), encoding="utf-8")
    except OSError as error:
        raise CommandError(args.out, f"cannot write: {error.strerror or error}") from None
    print(args.out)
    return 0


def _figure(args: argparse.Namespace) -> Figure:
    """The picture of the input: a scenario (``.json``, or ``{`` on stdin) or a protocol."""
    name = display_name(args.source)
    if args.source == STDIN:
        text = read_text(STDIN, "a .choreo protocol or a scenario .json")
        is_scenario = text.lstrip().startswith("{")
    else:
        text = None
        is_scenario = Path(args.source).suffix.lower() == ".json"
    if is_scenario:
        scenario = read_scenario(args.source) if text is None else scenario_in(STDIN, text)
        return _scenario_figure(run_loaded(scenario), args.kind or "ownership")
    if args.kind == "ownership":
        raise CommandError(name, "an ownership graph needs a scenario .json, not a protocol")
    protocols = read_protocols(args.source) if text is None else protocols_in(name, text)
    return _protocol_figure(protocols[0], args.kind or "sequence")


def _scenario_figure(report: ScenarioReport, kind: str) -> Figure:
    """The ownership graph after a scenario run (or its protocol's picture)."""
    if report.failure is not None:
        raise CommandError(
            report.scenario.source,
            f"scenario failed at {report.failure}; nothing drawn (aura-kit run shows the steps)",
        )
    world = report.world
    if kind == "ownership":
        title = f"ownership after {Path(report.scenario.source).name}"
        return ownership_figure(*world.systems.values(), stale=world.stale_handles(), title=title)
    return _protocol_figure(world.protocol, kind)


def _protocol_figure(protocol: Protocol, kind: str) -> Figure:
    """The protocol's ``automata``, explored ``states`` or (otherwise) ``sequence`` picture."""
    if kind == "automata":
        return automata_figure(protocol)
    if kind == "states":
        return state_graph_figure(_bounded_states(protocol))
    return sequence_figure(protocol)


def _bounded_states(protocol: Protocol) -> ExploreResult:
    """The explored state graph, refused when it has more than ``MAX_DRAWN_STATES`` states."""
    try:
        image = CodeImage.from_protocol(protocol)
    except TooManyRoles as error:
        raise CommandError(protocol.source, str(error)) from None
    result = explore(image, max_states=MAX_DRAWN_STATES + 1)
    if not result.complete or result.state_count > MAX_DRAWN_STATES:
        raise CommandError(
            protocol.source,
            f"protocol {protocol.name} has more than {MAX_DRAWN_STATES:,} joint states, too many"
            " to draw; draw --kind automata (one small automaton per role) instead",
        )
    return result
