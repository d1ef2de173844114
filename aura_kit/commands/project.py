"""``aura-kit project FILE [--role R] [--merge plain|full]``: print local types.

One ``Role: local type`` line per role in declared order (or only ``--role``). Errors go
to stderr as ``file:line:col: error: ErrorClass: message`` with exit code 1.
"""

from __future__ import annotations

import argparse

from aura_kit.commands.check import add_merge_option
from aura_kit.commands.files import CommandError, display_name, read_protocols
from aura_kit.protocol import format_local, project_all

HELP = "print the local type of each role (projection of the global type)"
EXAMPLES = """\
examples:
  aura-kit project RingChoice
  aura-kit project Adder --role Server
  cat my.choreo | aura-kit project -"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Register the arguments."""
    parser.add_argument(
        "file", help="a .choreo, .scr or .nuscr file ('-' reads .choreo from standard input)"
    )
    parser.add_argument("--role", help="print only this role's local type")
    add_merge_option(parser)


def run(args: argparse.Namespace) -> int:
    """Print projections; 1 when the file or the projection is refused."""
    protocols = read_protocols(args.file)
    for protocol in protocols:
        if args.role is not None and args.role not in protocol.roles:
            expected = ", ".join(protocol.roles)
            raise CommandError(
                display_name(args.file),
                f"unknown role {args.role!r} in {protocol.name}, expected one of {expected}",
            )
        locals_ = project_all(protocol, args.merge)
        if len(protocols) > 1:
            print(f"# {protocol.name}")
        for role, local in locals_.items():
            if args.role in (None, role):
                print(f"{role}: {format_local(local)}")
    return 0
