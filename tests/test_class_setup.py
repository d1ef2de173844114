"""The files a Binder or repo2docker image is built from agree with pyproject.toml and make lab."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

OVERRIDES = ROOT / "lab-settings" / "overrides.json"
FAKE_PIP = (
    "import sys\nwith open(sys.argv[0] + '.log', 'a') as log:\n    log.write(repr(sys.argv[1:]))\n"
)


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _environment() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _bounds(requirements: list[str]) -> dict[str, SpecifierSet]:
    """Each requirement's canonical name and version bounds."""
    parsed = [Requirement(line) for line in requirements]
    return {canonicalize_name(req.name): req.specifier for req in parsed}


def _conda_and_pip() -> tuple[list[str], list[str]]:
    conda: list[str] = []
    pip: list[str] = []
    for entry in _environment()["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry["pip"])
        else:
            conda.append(str(entry))
    return conda, pip


def test_environment_pip_list_is_pyproject_dependencies_and_lab_extra() -> None:
    """environment.yml pip-installs pyproject's dependencies and [lab], with the same bounds."""
    project = _pyproject()
    expected = _bounds([*project["dependencies"], *project["optional-dependencies"]["lab"]])
    assert _bounds(_conda_and_pip()[1]) == expected


def test_environment_python_satisfies_requires_python() -> None:
    """The conda Python version is one pyproject accepts, and the dot binary comes with it."""
    conda, _ = _conda_and_pip()
    (python,) = (entry for entry in conda if entry.startswith("python="))
    version = python.removeprefix("python=")
    assert version in SpecifierSet(str(_pyproject()["requires-python"]))
    assert "graphviz" in conda


def test_apt_txt_installs_graphviz() -> None:
    """apt.txt beside environment.yml asks for Debian's graphviz (the dot binary)."""
    lines = (ROOT / "apt.txt").read_text(encoding="utf-8").split()
    assert lines == ["graphviz"]


def test_postbuild_installs_the_kit_and_the_lab_overrides(tmp_path: Path) -> None:
    """postBuild pip-installs the repository and puts overrides.json where make lab puts it."""
    postbuild = ROOT / "postBuild"
    assert os.access(postbuild, os.X_OK)
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env_dir], check=True)
    fake = tmp_path / "fake" / "pip"
    fake.mkdir(parents=True)
    (fake / "__main__.py").write_text(FAKE_PIP, encoding="utf-8")
    env = {
        "PATH": f"{env_dir / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "PYTHONPATH": str(fake.parent),
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [postbuild], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    (log,) = fake.glob("*.log")
    assert log.read_text(encoding="utf-8") == repr(["install", "--no-cache-dir", "."])
    settings = env_dir / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert settings.read_text(encoding="utf-8") == OVERRIDES.read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json" in makefile


def test_readme_binder_link_opens_the_first_lesson() -> None:
    """The README's class section links Binder to the first notebook that exists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Run it for a class" in readme
    links = re.findall(r"urlpath=lab/tree/(notebooks/[^\s)&`]+\.ipynb)", readme)
    first = min(p.name for p in (ROOT / "notebooks" / "course").glob("[0-9][0-9]-*.ipynb"))
    assert links
    assert set(links) == {f"notebooks/course/{first}"}
