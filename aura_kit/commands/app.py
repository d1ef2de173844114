"""``aura-kit app``: the protocol explorer as a standalone page served by Voila.

The command first checks everything it can (the port is in range and free, the
protocol is bundled, Voila and ipywidgets are installed), then writes a one-cell
notebook that shows the explorer into a temporary folder, serves it with Voila on
127.0.0.1 only (with a fresh token, a Host check and idle kernels culled), prints
the URL with its token once Voila accepts connections, and waits until Voila
exits (Ctrl-C stops it). The temporary folder is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

from aura_kit.commands.files import CommandError

HELP = "serve the protocol explorer as a standalone page (Voila) on 127.0.0.1"
HOST = "127.0.0.1"
DEFAULT_PORT = 8866
APP_NOTEBOOK = "aura-explorer.ipynb"
WHERE = "aura-kit app"
START_TIMEOUT = 180.0  # seconds Voila may take to accept connections
INSTALL_LAB = "pip install 'aura_kit[lab]'"
CULL_IDLE_SECONDS = 600  # a kernel idle this long is shut down
CULL_INTERVAL_SECONDS = 60  # how often idle kernels are looked for
DEFAULT_MAX_KERNELS = 8  # explorer pages served at once (one kernel, about 100 MB, each)
# Voila imports the kernel manager by this name (jupyter_server is only there with Voila).
KERNEL_MANAGER = "aura_kit.commands.app_kernels.CappedKernelManager"
# Only these Host headers are served (a foreign Host, as in DNS rebinding, gets 403).
TORNADO_SETTINGS = "{'allow_remote_access': False, 'local_hostnames': ['localhost']}"
EXAMPLES = f"""\
examples:
  aura-kit app
  aura-kit app --port 9000 --protocol PingPong
  aura-kit app --check        (only the checks: exit 0 when the app could serve)

Needs Voila ({INSTALL_LAB}). Without it the same explorer runs in any
Jupyter notebook: from aura_kit.widgets import explorer; explorer()"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Options: the port and, optionally, the protocol shown first."""
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--protocol",
        default=None,
        metavar="NAME",
        help="name of the bundled protocol shown first (e.g. TwoBuyer, PingPong)",
    )
    parser.add_argument(
        "--max-kernels",
        type=int,
        default=DEFAULT_MAX_KERNELS,
        metavar="N",
        help=f"most explorer pages served at once, one kernel each (default {DEFAULT_MAX_KERNELS})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="run the checks only (port, protocol, Voila, ipywidgets); serve nothing",
    )


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


def voila_argv(notebook: Path, port: int, token: str, max_kernels: int) -> list[str]:
    """The Voila command line: loopback only, a token, a Host check, idle kernels culled,
    at most ``max_kernels`` kernels at once."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        f"--Voila.tornado_settings={TORNADO_SETTINGS}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=True",
        f"--VoilaConfiguration.multi_kernel_manager_class={KERNEL_MANAGER}",
        f"--CappedKernelManager.max_kernels={max_kernels}",
    ]


def run(args: argparse.Namespace) -> int:
    """Check, then (unless ``--check``) serve until Voila exits or the user presses Ctrl-C."""
    preflight(args.port, args.protocol, args.max_kernels)
    if args.check:
        print(f"{WHERE}: ready to serve on http://{HOST}:{args.port}/ (--check: not started)")
        return 0
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="aura-app-") as folder:
        notebook = write_app_notebook(Path(folder), args.protocol)
        token = secrets.token_urlsafe(24)
        process = subprocess.Popen(
            voila_argv(notebook, args.port, token, args.max_kernels), cwd=folder
        )
        try:
            _wait_until_serving(process, args.port)
            url = f"http://{HOST}:{args.port}/?token={token}"
            print(f"{WHERE}: the explorer is at {url}", flush=True)
            return process.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            _stop(process)


def preflight(port: int, protocol: str | None, max_kernels: int = DEFAULT_MAX_KERNELS) -> None:
    """Refuse, before anything starts, what would stop the app from serving."""
    if not 0 < port < 65536:
        raise CommandError(WHERE, f"port {port} is out of range; expected 1..65535")
    if max_kernels < 1:
        raise CommandError(WHERE, f"--max-kernels {max_kernels} is too small; expected 1 or more")
    for module in ("voila", "ipywidgets"):
        if find_spec(module) is None:
            raise CommandError(
                WHERE,
                f"{module} is not installed; install it with {INSTALL_LAB}. Meanwhile the"
                " explorer runs in Jupyter: from aura_kit.widgets import explorer; explorer()",
            )
    if protocol is not None:
        from aura_kit.lab.catalog import bundled_protocols

        known = bundled_protocols()
        if protocol not in known:
            raise CommandError(
                WHERE, f"unknown --protocol {protocol!r}; expected one of {', '.join(known)}"
            )
    _check_port_free(port)


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            reason = error.strerror or "cannot bind"
            raise CommandError(
                WHERE, f"port {port} on {HOST} is not free ({reason}); try --port {port + 1}"
            ) from None


def _wait_until_serving(process: subprocess.Popen[bytes], port: int) -> None:
    """Return once Voila accepts connections; refuse when it stops or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            raise CommandError(WHERE, f"Voila stopped (exit code {code}) before serving")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise CommandError(WHERE, f"Voila did not serve on port {port} within {START_TIMEOUT:.0f} s")


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
