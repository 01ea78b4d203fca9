"""A build writes its output folder and nothing else: refused targets, permissions, leftovers of
killed builds, two builds at once, a killed preview, the checkout untouched, a non-editable install."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfsite.cli import cli
from perfsite.commands import build as build_module
from perfsite.commands.synth import synthesise
from perfsite.files import outdir

from ..conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

MARKER = "ZQXPREVIEWMARKER"


def digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return synthesise(tmp_path_factory.mktemp("pkg") / "council", measures=8, years=2, projects=3, seed=5)


@pytest.fixture(scope="module")
def marked_preview_package(tmp_path_factory) -> Path:
    """A second council whose approved (unpublished) quarter carries a marker text."""
    pkg = synthesise(tmp_path_factory.mktemp("pkgb") / "other", measures=8, years=2, projects=3, seed=9)
    path = pkg / "outturns.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["period"] == "2026-27-Q2":
            row["commentary"] = f"{MARKER} commentary"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return pkg


def refused(args: list[str], cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, args)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, args)
    finally:
        os.chdir(old)


@pytest.mark.parametrize(
    "target",
    [
        "package",
        "package/archive",
        "package_parent",
        "cwd",
        "cwd_parent",
        "home",
        "checkout",
        "foreign",
        "file",
    ],
)
def test_output_folders_perfsite_must_not_write_are_refused_and_nothing_is_touched(
    tmp_path, package, target, monkeypatch
):
    work = tmp_path / "work"
    pkg = work / "council"
    shutil.copytree(package, pkg)
    (pkg / "archive").mkdir(exist_ok=True)
    canary = work / "canary.txt"
    canary.write_text("keep me")
    (work / "foreign").mkdir()
    (work / "foreign" / "notes.txt").write_text("somebody's files")
    (work / "a-file").write_text("a file")
    cwd = work / "here"
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(work / "home"))
    (work / "home").mkdir()
    out = {
        "package": pkg,
        "package/archive": pkg / "archive",
        "package_parent": work,
        "cwd": cwd,
        "cwd_parent": work,
        "home": work / "home",
        "checkout": ROOT,
        "foreign": work / "foreign",
        "file": work / "a-file",
    }[target]
    before = digest(work)
    result = refused(["build", str(pkg), "--out", str(out)], cwd=cwd)
    assert result.exit_code == 2, result.output
    assert "will not build into" in result.output
    assert "Traceback" not in result.output
    assert digest(work) == before
    assert canary.read_text() == "keep me"


def test_a_site_has_ordinary_permissions_a_marker_and_replaces_only_what_perfsite_built(tmp_path, package):
    old_umask = os.umask(0o022)
    try:
        out = tmp_path / "site"
        build_module.build(package, out=out)
    finally:
        os.umask(old_umask)
    assert (out / outdir.MARKER).is_file()
    modes = {p.stat().st_mode & 0o777 for p in [out, *out.rglob("*")] if p.is_dir()}
    assert modes == {0o755}
    modes = {p.stat().st_mode & 0o777 for p in out.rglob("*") if p.is_file()}
    assert modes == {0o644}
    # a second build replaces the first (it carries the marker)
    result = CliRunner().invoke(cli, ["build", str(package), "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_a_file_added_to_a_built_site_is_never_deleted_by_the_next_build(tmp_path, package):
    """A council's CNAME or .htaccess put in the output folder after a build: the next build would
    delete it with the old site, so it is refused and names the file; without it, it builds."""
    out = tmp_path / "site"
    build_module.build(package, out=out)
    (out / "CNAME").write_text("performance.council.example\n")
    (out / "data" / "extra").mkdir()
    (out / "data" / "extra" / "notes.txt").write_text("kept")
    before = digest(out)
    result = CliRunner().invoke(cli, ["build", str(package), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "CNAME, data/extra/notes.txt" in " ".join(result.output.split())
    assert digest(out) == before
    (out / "CNAME").unlink()
    shutil.rmtree(out / "data" / "extra")
    build_module.build(package, out=out)
    assert (out / outdir.MARKER).is_file()


def test_leftovers_of_a_killed_build_are_removed_by_the_next_build(tmp_path, package):
    out = tmp_path / "site"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".site.perfsite-tmp-{dead.pid}-0badf00d"
    (stale / "measures").mkdir(parents=True)
    (stale / "measures" / "index.html").write_text("half a site")
    alive = tmp_path / f".site.perfsite-tmp-{os.getpid()}-0000beef"  # a build under way: left alone
    alive.mkdir()
    build_module.build(package, out=out)
    assert not stale.exists()
    assert alive.exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.") and p != alive]
    assert leftovers == []


# the command line with a large council's two processes switched on for any package
TWO_PROCESSES = (
    "from perfsite.site import plugin, render; render.PARALLEL_MEASURES = 1; plugin.processes.SPLIT_PAGES = 1; "
    "from perfsite.cli import main; main()"
)


def _cli(*args: str, cwd: Path, two_processes: bool = False) -> list[str]:
    if two_processes:
        return [sys.executable, "-c", TWO_PROCESSES, *args]
    return [sys.executable, "-m", "perfsite.cli", *args]


def test_two_builds_at_once_each_produce_what_they_produce_alone(tmp_path, package, marked_preview_package):
    solo = tmp_path / "solo"
    build_module.build(package, out=solo)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    public = subprocess.Popen(
        _cli("build", str(package), "--out", str(tmp_path / "public"), cwd=tmp_path),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    preview = subprocess.Popen(
        _cli(
            "build",
            str(marked_preview_package),
            "--preview",
            "--out",
            str(tmp_path / "preview"),
            cwd=tmp_path,
        ),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert public.wait(timeout=600) == 0, public.stderr.read().decode()[-2000:]
    assert preview.wait(timeout=600) == 0, preview.stderr.read().decode()[-2000:]
    assert digest(tmp_path / "public") == digest(solo)
    assert not [
        p for p in (tmp_path / "public").rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()
    ]
    assert any(MARKER.encode() in p.read_bytes() for p in (tmp_path / "preview").rglob("*.html"))


def _run_until(args: list[str], cwd: Path, moment: str, tmp_glob: Path) -> None:
    """Start a build and kill it (SIGKILL) at a moment of its work: as soon as it started, once it
    rendered its pages, or while MkDocs is writing its temporary folder."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COLUMNS": "200"}
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if moment == "rendered":
        for line in iter(process.stderr.readline, b""):
            if b"Rendered pages" in line:
                break
    elif moment == "writing":
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            if any(p.is_dir() and any(p.rglob("*.html")) for p in tmp_glob.parent.glob(tmp_glob.name)):
                break
            time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


@pytest.mark.parametrize("processes", ["one process", "two processes"])
@pytest.mark.parametrize("moment", ["started", "rendered", "writing"])
def test_a_killed_build_leaves_the_previous_site_whole_and_leaks_nothing(
    tmp_path, package, marked_preview_package, moment, processes
):
    site = tmp_path / "site"
    build_module.build(package, out=site)
    before = digest(site)
    # a preview of another council killed half-way, into its own folder, then into the public one
    for out in (tmp_path / "preview", site):
        _run_until(
            _cli(
                "build",
                str(marked_preview_package),
                "--preview",
                "--out",
                str(out),
                cwd=tmp_path,
                two_processes=processes == "two processes",
            ),
            tmp_path,
            moment,
            out.parent / f".{out.name}.perfsite-tmp-*",
        )
    assert digest(site) == before
    build_module.build(package, out=site)
    assert digest(site) == before
    assert not [p for p in site.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_build_outside_the_checkout_leaves_the_checkout_untouched(tmp_path, package):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    before = _git_status()
    result = subprocess.run(
        _cli("build", str(package), "--out", str(tmp_path / "site"), cwd=tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert _git_status() == before


def test_a_preview_build_says_what_publishing_would_make_public(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--preview", "--out", str(tmp_path / "preview")])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "Next to publish" in x)
    assert "2026-27-Q2 (approved)" in line and "red" in line and "publish would release" in line
