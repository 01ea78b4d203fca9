"""perfsite installs as `perfsite`: the import name, the command, `python -m perfsite` and the MkDocs
plugin's entry point, with every folder of the package listed for setuptools."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generator"


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_folder_of_the_package_is_listed_for_setuptools():
    """A sub-package missing from pyproject's list would be left out of the wheel."""
    folders = {
        ".".join(("perfsite", *init.parent.relative_to(SOURCE).parts))
        for init in SOURCE.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    listed = set(_setuptools()["packages"])
    assert folders <= listed, f"add to [tool.setuptools] packages: {sorted(folders - listed)}"
    assert _setuptools()["package-dir"]["perfsite"] == "generator"
    assert not any(name == "generator" or name.startswith("generator.") for name in listed)


def test_the_command_and_the_plugin_are_perfsites():
    scripts = {e.name: e.value for e in metadata.entry_points(group="console_scripts")}
    assert scripts["perfsite"] == "perfsite.cli:main"
    (plugin,) = [e for e in metadata.entry_points(group="mkdocs.plugins") if e.name == "perfsite"]
    assert plugin.value.startswith("perfsite.")
    assert plugin.load().__name__ == "PerfsitePlugin"


def test_python_m_perfsite_runs_the_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "perfsite", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "build" in result.stdout and "validate" in result.stdout
    # nothing called `generator` is importable outside the checkout
    probe = subprocess.run(
        [sys.executable, "-c", "import generator"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode != 0 and "No module named 'generator'" in probe.stderr
