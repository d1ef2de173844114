"""The ``aura-kit app`` command without starting Voila (the browser test starts it)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

import nbformat
import pytest

from aura_kit.cli import build_parser, main
from aura_kit.commands import app


def test_app_notebook_is_valid_nbformat(tmp_path: Path) -> None:
    """The generated app notebook validates and shows the requested protocol."""
    path = app.write_app_notebook(tmp_path, "PingPong")
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[0].source.endswith("explorer('PingPong')")


def test_app_notebook_default_protocol(tmp_path: Path) -> None:
    """Without a protocol the cell calls ``explorer()`` with no argument."""
    path = app.write_app_notebook(tmp_path, None)
    cell = json.loads(path.read_text())["cells"][0]
    assert cell["source"].endswith("explorer()")


def test_app_voila_argv_binds_loopback() -> None:
    """Voila is told to listen on 127.0.0.1 at the given port, without a browser."""
    argv = app.voila_argv(Path("x.ipynb"), 9123, "t0ken", 3)
    assert "--Voila.ip=127.0.0.1" in argv
    assert "--port=9123" in argv
    assert "--no-browser" in argv


def test_app_cli_parses_port() -> None:
    """``aura-kit app --port N`` is registered and parses the port as an int."""
    args = build_parser().parse_args(["app", "--port", "9001"])
    assert args.port == 9001
    assert args.handler is app.run


def test_app_refuses_bad_port(capsys: object) -> None:
    """A port outside 1..65535 exits with code 1 before anything starts."""
    assert main(["app", "--port", "0"]) == 1


def test_app_voila_argv_sets_token_host_check_and_culling() -> None:
    """Voila gets the token, a Host allow-list and idle-kernel culling."""
    argv = app.voila_argv(Path("x.ipynb"), 9123, "t0ken", 3)
    assert "--Voila.token=t0ken" in argv
    assert any("allow_remote_access': False" in arg for arg in argv)
    assert f"--MappingKernelManager.cull_idle_timeout={app.CULL_IDLE_SECONDS}" in argv


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, path: str, host: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@contextmanager
def _voila(tmp_path: Path, max_kernels: int) -> Iterator[int]:
    """Real Voila serving a one-cell notebook with token ``t0ken``; yields its port."""
    notebook = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), notebook)
    port = _free_port()
    process = subprocess.Popen(
        app.voila_argv(notebook, port, "t0ken", max_kernels),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            assert process.poll() is None, "Voila stopped before serving"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.skipif(find_spec("voila") is None, reason="needs Voila")
def test_app_voila_refuses_missing_token_and_foreign_host(tmp_path: Path) -> None:
    """Over real HTTP: no token or a foreign Host is refused; token and local Host served."""
    with _voila(tmp_path, 2) as port:
        local = f"127.0.0.1:{port}"
        assert _get(port, "/", local)[0] in (302, 401, 403)
        assert _get(port, "/?token=t0ken", f"evil.example:{port}")[0] == 403
        assert _get(port, "/?token=t0ken", local)[0] == 200


@pytest.mark.skipif(find_spec("voila") is None, reason="needs Voila")
def test_app_voila_serves_at_most_max_kernels_pages(tmp_path: Path) -> None:
    """Over real HTTP with --max-kernels 2: two page loads get a kernel each, the third a 503
    that says why and what to do."""
    with _voila(tmp_path, 2) as port:
        local = f"127.0.0.1:{port}"
        assert [_get(port, "/?token=t0ken", local)[0] for _ in range(2)] == [200, 200]
        status, body = _get(port, "/?token=t0ken", local)
        assert status == 503
        assert "the most this app serves at once (--max-kernels 2)" in body
        assert "Close a tab that shows the explorer" in body


def test_app_refuses_zero_max_kernels() -> None:
    """``--max-kernels 0`` exits with code 1 before anything starts."""
    assert main(["app", "--max-kernels", "0", "--check"]) == 1
