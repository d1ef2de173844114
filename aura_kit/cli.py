"""The ``aura-kit`` command: one sub-command per module in ``aura_kit.commands``.

Each command module defines ``HELP`` (one line), ``EXAMPLES`` (the end of its
``--help``), ``configure(parser)`` and ``run(args) -> int``. Exit codes: 0 success,
1 the input was refused or a scenario failed, 2 usage errors (argparse), 130
interrupted (Ctrl-C).

Every refusal is one line on stderr, ``PATH[:LINE:COL]: error: message``; no input of
any kind shows a traceback: the kit's typed errors are described by
``aura_kit.commands.files.describe`` and anything else is reported in one line too.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from aura_kit.commands.files import describe

COMMANDS = ("check", "project", "app", "render", "run", "demo", "grade")
EPILOG = (
    "Errors are printed as PATH[:LINE:COL]: error: message. Where a command reads a file,"
    " '-' reads standard input. Exit codes: 0 ok, 1 refused input or failed scenario,"
    " 2 usage error, 130 interrupted."
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="aura-kit",
        description="Explore session ownership in multiparty protocols.",
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"aura_kit.commands.{name}")
        command = sub.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=module.EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print(f"aura-kit {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `aura-kit run x.json | head`: stop quietly
        _silence_stdout()
        return 1
    except Exception as error:  # the command boundary: one line, never a traceback
        line = describe(error)
        if line is None:
            line = f"aura-kit {args.command}: error: {type(error).__name__}: {error}"
        print(line, file=sys.stderr)
        return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
