"""``aura-kit check FILE``: parse, check and project every protocol in a file.

``FILE`` may also name a bundled protocol (``TwoBuyer`` or ``two_buyer``).

Prints one line per role (role, number of automaton states, local type) and exits 0;
on the first problem prints ``file:line:col: ErrorClass: message`` to stderr and exits 1.
"""

from __future__ import annotations

import argparse
import sys

from aura_kit.protocol import (
    Protocol,
    ProtocolError,
    check_protocol,
    format_local,
    load_protocols,
    local_fsm,
)

HELP = "check a .choreo file and summarise each role's local type"


def configure(parser: argparse.ArgumentParser) -> None:
    """Register the arguments."""
    parser.add_argument("file", help="a .choreo file, or a bundled protocol's name (TwoBuyer)")
    parser.add_argument("--merge", choices=("full", "plain"), default="full", help="merge rule")


def load_or_report(path: str) -> list[Protocol] | None:
    """The protocols in ``path``, or ``None`` after printing why they cannot be read."""
    try:
        return load_protocols(path)
    except ProtocolError as error:
        report(error)
    except OSError as error:
        print(f"{path}: error: {error.strerror or error}", file=sys.stderr)
    return None


def report(error: ProtocolError) -> None:
    """Print ``file:line:col: ErrorClass: message`` to stderr."""
    print(f"{error.location}: {type(error).__name__}: {error.message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Check every protocol in the file; 0 when all are well formed."""
    protocols = load_or_report(args.file)
    if protocols is None:
        return 1
    for protocol in protocols:
        try:
            locals_ = check_protocol(protocol, args.merge)
        except ProtocolError as error:
            report(error)
            return 1
        print(f"protocol {protocol.name}: ok ({len(protocol.roles)} roles, {args.merge} merge)")
        width = max(len(role) for role in locals_)
        for role, local in locals_.items():
            states = len(local_fsm(local).states)
            print(f"  {role:<{width}}  {states:>3} states  {format_local(local)}")
    return 0
