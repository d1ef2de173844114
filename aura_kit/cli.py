"""The ``aura-kit`` command: one sub-command per module in ``aura_kit.commands``.

Each command module defines ``HELP`` (one line), ``configure(parser)`` and
``run(args) -> int``. Exit codes: 0 success, 1 the input was refused (the
error is printed to stderr), 2 usage errors (argparse).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ("check", "project", "app", "render", "run", "demo")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="aura-kit",
        description="Explore session ownership in multiparty protocols.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"aura_kit.commands.{name}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
