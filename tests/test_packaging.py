"""perfsite installs as `perfsite`: the import name, the command, `python -m perfsite` and the MkDocs
plugin's entry point, with every folder of the package listed for setuptools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from .conftest import EXAMPLE

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
        [sys.executable, "-m", "perfsite", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "build" in result.stdout and "validate" in result.stdout
    # nothing called `generator` is importable outside the checkout
    probe = subprocess.run(
        [sys.executable, "-c", "import generator"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode != 0 and "No module named 'generator'" in probe.stderr


@pytest.mark.slow
def test_the_wheel_installs_perfsite_and_builds_from_another_folder(tmp_path):
    """pip wheel, then pip install of that wheel into a fresh virtual environment: its perfsite finds
    its templates, theme, hand-written pages and mkdocs.yml as package data, builds the example,
    and its plugin builds a council's own MkDocs site; nothing named generator is installed."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # the dependencies come from this environment; perfsite itself is installed from the wheel
    site_packages = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    venv_site = next((venv / "lib").glob("python*/site-packages"))
    (venv_site / "perfsite-test-deps.pth").write_text(str(site_packages) + "\n")
    source = tmp_path / "source"
    top = {".git", ".venv", "site", "site-preview", "build", "bench"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in ("node_modules", "__pycache__") or n.endswith(".egg-info")}
        return skip | (top & set(names) if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, source, ignore=ignore)
    wheels = tmp_path / "wheels"
    made = subprocess.run(
        [str(python), "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(wheels)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr[-3000:]
    (wheel,) = wheels.glob("perfsite-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert {n.split("/")[0] for n in names} == {"perfsite", wheel.name.split("-py")[0] + ".dist-info"}
    for shipped in (
        "perfsite/__main__.py",
        "perfsite/standard/schemas/measures.json",
        "perfsite/standard/schemas/published/performance.json",
        "perfsite/site/plugin/__init__.py",
        "perfsite/site/plugin/processes.py",
        "perfsite/validation/checks/cells.py",
        "perfsite/site/render/templating.py",
        "perfsite/templates/pages/measure.html.j2",
        "perfsite/templates/theme/main.html",
        "perfsite/site_src/accessibility/index.md",
        "perfsite/site_src/assets/perfsite.css",
        "perfsite/standalone/mkdocs.yml",
    ):
        assert shipped in names, shipped
    assert [n for n in names if n.startswith("perfsite/standalone/")] == ["perfsite/standalone/mkdocs.yml"]
    assert "perfsite = perfsite.cli:main" in entry_points
    assert "perfsite = perfsite." in entry_points.split("[mkdocs.plugins]")[1]

    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    shutil.rmtree(source)  # nothing may be read from a source tree any more
    assert not (venv_site / "generator").exists()
    assert (venv_site / "perfsite" / "standalone" / "mkdocs.yml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copytree(EXAMPLE, elsewhere / "council")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [str(venv / "bin" / "perfsite"), "build", "council", "--out", "public"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    located = subprocess.run(
        [str(python), "-c", "import perfsite; print(perfsite.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    ).stdout
    assert str(venv) in located
    assert (elsewhere / "public" / "measures" / "index.html").exists()
    assert (elsewhere / "public" / "accessibility" / "index.html").exists()
    assert (elsewhere / "public" / "assets" / "perfsite.css").exists()
    assert "DRAFT" not in (elsewhere / "public" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["council", "public"]

    # a council's own MkDocs site with the plugin, built by MkDocs itself
    own = elsewhere / "own-site"
    shutil.copytree(ROOT / "examples" / "council-mkdocs-site", own)
    settings = own / "mkdocs.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("../../data/example", "../council"), encoding="utf-8"
    )
    mkdocs = subprocess.run(
        [str(python), "-m", "mkdocs", "build", "-q", "-f", str(settings), "-d", str(elsewhere / "own-out")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert mkdocs.returncode == 0, mkdocs.stderr[-3000:]
    assert (elsewhere / "own-out" / "contact" / "index.html").exists()
    assert (elsewhere / "own-out" / "performance" / "measures" / "index.html").exists()
    assert (elsewhere / "own-out" / "performance" / "assets" / "perfsite.css").exists()


@pytest.mark.slow
def test_mkdocs_at_the_top_of_the_checkout_builds_the_example(tmp_path):
    """The top-level mkdocs.yml is a MkDocs project of its own: the plugin adds the example
    council's pages to the hand-written ones in site_src/, which are read, never written."""
    before = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "site_src").rglob("*"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(tmp_path / "out"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for page in ("index.html", "measures/index.html", "accessibility/index.html", "assets/perfsite.css"):
        assert (tmp_path / "out" / page).is_file(), page
    assert sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "site_src").rglob("*")) == before
