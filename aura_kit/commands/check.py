"""``aura-kit check [--explore] FILE``: parse, check and project every protocol in a file.

Prints one line per role (role, number of automaton states, local type) and exits 0;
on the first problem prints ``file:line:col: error: ErrorClass: message`` to stderr and
exits 1.
"""

from __future__ import annotations

import argparse

from aura_kit.commands.files import read_protocols
from aura_kit.protocol import check_protocol, format_local, local_fsm

HELP = "check a .choreo (or Scribble .scr / .nuscr) file and summarise each role's local type"
EXAMPLES = """\
examples:
  aura-kit check TwoBuyer
  aura-kit check my_protocol.choreo
  aura-kit check module.scr
  aura-kit check --merge plain Streaming
  aura-kit check --explore my_protocol.scr
  cat my.choreo | aura-kit check -

A refused file prints FILE:LINE:COL: error: ErrorClass: message and exits 1."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Register the arguments."""
    parser.add_argument(
        "file", help="a .choreo, .scr or .nuscr file ('-' reads .choreo from standard input)"
    )
    add_merge_option(parser)
    parser.add_argument(
        "--explore",
        action="store_true",
        help="decide by exploring the endpoint automata (no deadlock, no orphan), not by merging",
    )


def add_merge_option(parser: argparse.ArgumentParser) -> None:
    """``--merge full|plain|send-prefix``, shared with ``project``."""
    parser.add_argument(
        "--merge",
        choices=("full", "plain", "send-prefix"),
        default="full",
        help="how a bystander's branches are merged: full (default), plain (identical only) "
        "or send-prefix (full, and equal sends merge their continuations)",
    )


def run(args: argparse.Namespace) -> int:
    """Check every protocol in the file; 0 when all are well formed."""
    for protocol in read_protocols(args.file):
        if args.explore:
            explored = check_protocol(protocol, by="explore")
            print(f"protocol {protocol.name}: ok ({len(protocol.roles)} roles, explored)")
            width = max(len(role) for role in explored)
            for role, fsm in explored.items():
                actions = ", ".join(sorted({tr.action for tr in fsm.transitions}))
                print(f"  {role:<{width}}  {len(fsm.states):>3} states  {actions}")
            continue
        locals_ = check_protocol(protocol, args.merge)
        print(f"protocol {protocol.name}: ok ({len(protocol.roles)} roles, {args.merge} merge)")
        width = max(len(role) for role in locals_)
        for role, local in locals_.items():
            states = len(local_fsm(local).states)
            print(f"  {role:<{width}}  {states:>3} states  {format_local(local)}")
    return 0
