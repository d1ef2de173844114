"""``aura-kit project FILE [--role R] [--merge plain|full]``: print local types.

One ``Role: local type`` line per role in declared order (or only ``--role``). Errors go
to stderr as ``file:line:col: ErrorClass: message`` with exit code 1.
"""

from __future__ import annotations

import argparse
import sys

from aura_kit.commands.check import load_or_report, report
from aura_kit.protocol import ProtocolError, format_local, project_all

HELP = "print the local type of each role (projection of the global type)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Register the arguments."""
    parser.add_argument("file", help="a .choreo file, or a bundled protocol's name (TwoBuyer)")
    parser.add_argument("--role", help="only this role")
    parser.add_argument("--merge", choices=("full", "plain"), default="full", help="merge rule")


def run(args: argparse.Namespace) -> int:
    """Print projections; 1 when the file or the projection is refused."""
    protocols = load_or_report(args.file)
    if protocols is None:
        return 1
    for protocol in protocols:
        if args.role is not None and args.role not in protocol.roles:
            expected = ", ".join(protocol.roles)
            print(
                f"{args.file}: error: unknown role {args.role!r} in {protocol.name}, "
                f"expected one of {expected}",
                file=sys.stderr,
            )
            return 1
        try:
            locals_ = project_all(protocol, args.merge)
        except ProtocolError as error:
            report(error)
            return 1
        if len(protocols) > 1:
            print(f"# {protocol.name}")
        for role, local in locals_.items():
            if args.role in (None, role):
                print(f"{role}: {format_local(local)}")
    return 0
