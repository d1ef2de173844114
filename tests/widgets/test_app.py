"""The ``aura-kit app`` command without starting Voila (the browser test starts it)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

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
    argv = app.voila_argv(Path("x.ipynb"), 9123)
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
