"""The built wheel is the whole kit: installed into bare venvs, every command runs there.

The wheel is built once per test session. One venv gets the wheel alone (its ordinary
dependencies come from the package index, which pip caches), a second one gets
``aura_kit[lab]``. Nothing is skipped: when the index cannot be reached the install fails
and so does the test, with pip's own message.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from aura_kit.commands.app import INSTALL_LAB
from aura_kit.commands.render import FORMATS, KINDS
from tests.conftest import ROOT

pytestmark = pytest.mark.wheel

MODEL = (
    "import aura_kit\n"
    "from aura_kit.lab import ExplorerModel\n"
    "m = ExplorerModel.for_name('TwoBuyer'); m.open(); m.play()\n"
    "print(aura_kit.__file__); print(m.status_line())\n"
)
PROTOCOL = "two_buyer.choreo"
SCENARIO = "stale_handle.json"
# the first bytes of each output format
MAGIC = {
    ".svg": b"<?xml",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".dot": b"digraph",
    ".gv": b"digraph",
    ".txt": b"",
    ".mmd": b"sequenceDiagram",
}


def _run(argv: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(part) for part in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _build_here() -> bool:
    """Whether this interpreter can build the wheel itself (no isolated build environment)."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _source_copy(folder: Path) -> Path:
    """The files a wheel is built from, copied so the build leaves the checkout untouched."""
    source = folder / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "aura_kit", source / "aura_kit", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    return source


def _build_wheel(folder: Path) -> Path:
    dist = folder / "dist"
    isolation = ["--no-build-isolation"] if _build_here() else []
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", str(dist), "."]
    built = _run(pip, _source_copy(folder))
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("aura_kit-*.whl")
    return wheel


def _venv(folder: Path, requirement: str) -> Path:
    """A venv without system site-packages holding ``requirement``; its bin folder."""
    made = _run([sys.executable, "-m", "venv", "--without-pip", folder], folder.parent)
    assert made.returncode == 0, made.stderr
    pip = [sys.executable, "-m", "pip", "--python", folder / "bin" / "python", "install"]
    # the kit from the wheel; its dependencies from the package index (pip caches them)
    done = _run([*pip, "-q", "--no-compile", requirement], folder.parent)
    assert done.returncode == 0, f"pip install {requirement} failed:\n{done.stderr[-3000:]}"
    return folder / "bin"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built once from a copy of the sources."""
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def bare(wheel: Path) -> Path:
    """The bin folder of a venv with the wheel and its ordinary dependencies only."""
    return _venv(wheel.parent.parent / "bare", str(wheel))


@pytest.fixture(scope="session")
def with_lab(wheel: Path) -> Path:
    """The bin folder of a venv with ``aura_kit[lab]`` from the wheel."""
    return _venv(wheel.parent.parent / "lab", f"aura_kit[lab] @ {wheel.as_uri()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _kit(bin_dir: Path, *argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = _run([bin_dir / "aura-kit", *argv], cwd)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def test_wheel_bare_venv_has_no_lab_extra(bare: Path) -> None:
    """Without the extra the kit's own dependencies are there and Voila is not."""
    probe = "import graphviz, ipywidgets, pandas, importlib.util as u; print(u.find_spec('voila'))"
    result = _run([bare / "python", "-c", probe], bare)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_wheel_check_project_run_and_demo(bare: Path, tmp_path: Path) -> None:
    """check, project, run and demo work from the installed wheel on its bundled data."""
    check = _kit(bare, "check", "TwoBuyer", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("protocol TwoBuyer: ok")
    project = _kit(bare, "project", "TwoBuyer", "--role", "Seller", cwd=tmp_path)
    assert project.returncode == 0, project.stderr
    assert "Buyer1?Title(str)" in project.stdout.replace(" ", "")
    run = _kit(bare, "run", "stale_handle", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    demo = _kit(bare, "demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "who owned what:" in demo.stdout


def _bundled(bare: Path, folder: str, name: str) -> Path:
    """The path of one bundled data file inside the installed package."""
    where = "import aura_kit.data as d, pathlib; print(pathlib.Path(d.__file__).parent)"
    result = _run([bare / "python", "-c", where], bare)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip()) / folder / name


@pytest.mark.parametrize("suffix", FORMATS)
def test_wheel_render_every_format(bare: Path, tmp_path: Path, suffix: str) -> None:
    """render writes each output format it supports from the installed wheel."""
    out = tmp_path / f"picture{suffix}"
    result = _kit(bare, "render", _bundled(bare, "protocols", PROTOCOL), "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.lstrip().startswith(MAGIC[suffix])
    assert len(data) > 100


@pytest.mark.parametrize("kind", KINDS)
def test_wheel_render_every_kind_of_a_scenario(bare: Path, tmp_path: Path, kind: str) -> None:
    """render draws each picture kind of a bundled scenario from the installed wheel."""
    scenario = _bundled(bare, "scenarios", SCENARIO)
    result = _kit(
        bare, "render", scenario, "--kind", kind, "--out", tmp_path / "p.txt", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p.txt").read_text(encoding="utf-8").strip()


def test_wheel_explorer_model_runs_two_buyer(bare: Path, tmp_path: Path) -> None:
    """ExplorerModel.for_name('TwoBuyer') plays to completion from the installed package."""
    model = _run([bare / "python", "-c", MODEL], tmp_path)
    assert model.returncode == 0, model.stderr
    where, status = model.stdout.strip().splitlines()
    assert Path(where).is_relative_to(bare.parent)
    assert status.endswith("complete")


def test_wheel_app_check_without_lab_names_the_pip_command(bare: Path, tmp_path: Path) -> None:
    """Without [lab], app --check exits 1 saying Voila is missing and how to install it."""
    result = _kit(bare, "app", "--check", "--port", str(_free_port()), cwd=tmp_path)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("aura-kit app: error: voila is not installed;")
    assert f"install it with {INSTALL_LAB}" in first
    assert result.stdout == ""


def test_wheel_app_check_with_lab_passes(with_lab: Path, tmp_path: Path) -> None:
    """With [lab], app --check passes and serves nothing."""
    port = _free_port()
    result = _kit(
        with_lab, "app", "--check", "--port", str(port), "--protocol", "PingPong", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"aura-kit app: ready to serve on http://127.0.0.1:{port}/ (--check: not started)"
    )
