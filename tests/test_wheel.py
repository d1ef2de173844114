"""The built wheel carries its data: installed into a bare venv, the demo and the explorer run."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.wheel

MODEL = (
    "import aura_kit\n"
    "from aura_kit.lab import ExplorerModel\n"
    "m = ExplorerModel.for_name('TwoBuyer'); m.open(); m.play()\n"
    "print(aura_kit.__file__); print(m.status_line())\n"
)


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
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


def _bare_venv(folder: Path, wheel: Path) -> Path:
    """A venv without system site-packages, with only the wheel installed; its bin folder."""
    venv = folder / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], folder)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    # the kit from the wheel; its dependencies from the package index (pip caches them)
    done = _run([*install, "--find-links", str(wheel.parent), str(wheel)], folder)
    assert done.returncode == 0, done.stderr[-2000:]
    return venv / "bin"


def test_wheel_installed_in_a_bare_venv_runs_demo_check_and_model() -> None:
    """The wheel has the bundled data: demo, check by name and the explorer model work."""
    with tempfile.TemporaryDirectory(prefix="aura-wheel-") as tmp:
        folder = Path(tmp)
        bin_dir = _bare_venv(folder, _build_wheel(folder))
        demo = _run([str(bin_dir / "aura-kit"), "demo"], folder)
        assert demo.returncode == 0, demo.stderr
        assert "who owned what:" in demo.stdout
        check = _run([str(bin_dir / "aura-kit"), "check", "TwoBuyer"], folder)
        assert check.returncode == 0, check.stderr
        assert check.stdout.startswith("protocol TwoBuyer: ok")
        model = _run([str(bin_dir / "python"), "-c", MODEL], folder)
        assert model.returncode == 0, model.stderr
        where, status = model.stdout.strip().splitlines()
        assert Path(where).is_relative_to(folder / "venv")
        assert status.endswith("complete")
