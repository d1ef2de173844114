"""``aura-kit app``: the protocol explorer as a standalone page served by Voila.

The command writes a one-cell notebook that shows the explorer into a temporary
folder, serves it with Voila on 127.0.0.1 only, prints the URL and waits until
Voila exits (Ctrl-C stops it). The temporary folder is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HELP = "serve the protocol explorer as a standalone page (Voila) on 127.0.0.1"
HOST = "127.0.0.1"
DEFAULT_PORT = 8866
APP_NOTEBOOK = "aura-explorer.ipynb"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options: the port and, optionally, the protocol shown first."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default 8866)")
    parser.add_argument("--protocol", default=None, help="name of the protocol shown first")


def app_source(protocol: str | None) -> str:
    """The code of the app notebook's only cell."""
    argument = "" if protocol is None else repr(protocol)
    return f"from aura_kit.widgets import explorer\n\nexplorer({argument})"


def write_app_notebook(folder: Path, protocol: str | None) -> Path:
    """Write the app notebook (nbformat 4, no outputs) into ``folder``; return its path."""
    cell: dict[str, object] = {
        "cell_type": "code",
        "execution_count": None,
        "id": "aura-explorer",
        "metadata": {},
        "outputs": [],
        "source": app_source(protocol),
    }
    notebook = {
        "cells": [cell],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / APP_NOTEBOOK
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


def voila_argv(notebook: Path, port: int) -> list[str]:
    """The Voila command line: loopback only, no browser, the given port."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",
    ]


def run(args: argparse.Namespace) -> int:
    """Serve the explorer until Voila exits or the user presses Ctrl-C."""
    if not 0 < args.port < 65536:
        print(f"aura-kit app: port {args.port} is out of range; expected 1..65535", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="aura-app-") as folder:
        notebook = write_app_notebook(Path(folder), args.protocol)
        print(f"aura-kit app: the explorer is at http://{HOST}:{args.port}/", flush=True)
        process = subprocess.Popen(voila_argv(notebook, args.port), cwd=folder)
        try:
            return process.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            _stop(process)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """Turn SIGTERM into ``SystemExit`` so Voila is stopped and the folder removed."""
    raise SystemExit(0)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Voila (and so its kernels) if it still runs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
