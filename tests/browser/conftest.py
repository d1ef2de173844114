"""Fixtures that start a real JupyterLab (or Voila) server and a real Chromium.

Each server binds to 127.0.0.1 on a free port with a random token, runs from a
scratch copy of ``notebooks/`` so tests never touch the checked-in files, and
is stopped (with its kernels) when the test session ends.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@dataclass(frozen=True, slots=True)
class Server:
    """A running notebook server: where it listens and which folder it serves."""

    url: str
    token: str
    root: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers, failing early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise TimeoutError(f"server at {url} not ready after {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and every process it started (its kernels)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def start_server(
    argv: list[str], root: Path, probe_path: str, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``argv`` in its own process group, logging to ``log``; return it and its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*argv, f"--port={port}"],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        wait_until_up(base + probe_path, process)
    except BaseException:
        stop(process)
        raise
    return process, base


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and server logs (kept after the run)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def notebook_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of notebooks/ (and data/) that the servers may modify."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data", root / "data")
    return root / "notebooks"


@pytest.fixture(scope="session")
def jupyter_lab(notebook_copy: Path, artifacts: Path) -> Iterator[Server]:
    """A real JupyterLab on 127.0.0.1 with a random token, stopped afterwards."""
    token = secrets.token_hex(16)
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--allow-root",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--notebook-dir={notebook_copy}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    process, base = start_server(
        argv, notebook_copy, f"/api/status?token={token}", artifacts / "jupyterlab.log"
    )
    try:
        yield Server(url=base, token=token, root=notebook_copy)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian chromium is missing: run `make test` (it installs it) "
            "or apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=str(CHROMIUM), chromium_sandbox=False, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


def app_token(log: Path, timeout: float = 60.0) -> str:
    """The token in the app's own URL line (Voila's banner prints a masked one first)."""
    deadline = time.monotonic() + timeout
    marker = "the explorer is at "
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if marker in line and "?token=" in line:
                return line.rsplit("?token=", 1)[1].split()[0]
        time.sleep(0.2)
    raise TimeoutError(f"no app URL with a token in {log} after {timeout} s")


@pytest.fixture(scope="session")
def voila_app(notebook_copy: Path, artifacts: Path) -> Iterator[Server]:
    """``aura-kit app`` (the explorer under Voila) on 127.0.0.1, stopped afterwards.

    Readiness is probed on a Voila static file: a GET of ``/`` would start a kernel.
    """
    argv = [sys.executable, "-m", "aura_kit.cli", "app"]
    process, base = start_server(
        argv, notebook_copy, "/voila/static/voila.js", artifacts / "voila.log"
    )
    try:
        token = app_token(artifacts / "voila.log")
        yield Server(url=base, token=token, root=notebook_copy)
    finally:
        stop(process)
