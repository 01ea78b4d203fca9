"""Every value a person passes is checked, and nothing a person can do ends in a traceback:
--site-url (the rule of the package's site_url), --port, files where folders are expected and the
reverse, symbolic link loops, odd files in the package, a full disk."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from perfsite import standard
from perfsite.cli import cli
from perfsite.commands import build as build_module
from perfsite.commands.synth import synthesise
from perfsite.errors import errors_of
from perfsite.files import guard
from perfsite.validation.validate import validate

from ..conftest import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

HOSTILE_SITE_URLS = {
    "quote and script": 'https://x.example/"><script>alert(1)</script>',
    "angle brackets": "https://x.example/<b>",
    "javascript": "javascript:alert(1)",
    "space": "https://x.example/a b",
    "newline": "https://x.example/\nfoo",
    "tab": "https://x.example/\tfoo",
    "very long": "https://" + "a" * 300 + ".example/",
    "single quote": "https://x.example/'onmouseover='alert(1)",
    "ampersand": "https://x.example/?a=1&b=2",
    "fragment": "https://x.example/#top",
    "user and password": "https://user:secret@x.example/",
    "no host": "https://",
    "ftp": "ftp://x.example/",
    "bad port": "https://x.example:99999/",
    "bidi control": "https://x.example/\u202egnp.exe",
    "empty": "",
}


def run(args: list, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return synthesise(tmp_path_factory.mktemp("pkg") / "council", measures=5, years=2, projects=2, seed=8)


@pytest.mark.parametrize("value", list(HOSTILE_SITE_URLS.values()), ids=list(HOSTILE_SITE_URLS))
def test_a_hostile_site_url_is_refused_by_build_and_by_validate_alike(tmp_path, package, value):
    out = tmp_path / "site"
    result = run(["build", package, "--out", out, "--site-url", value])
    assert result.exit_code == 2, result.output
    assert "--site-url" in result.output and "Traceback" not in result.output
    assert not out.exists()
    with pytest.raises(build_module.SiteUrlRefused):
        build_module.build(package, out=out, site_url=value)
    assert not out.exists()
    # the same value in datapackage.json is refused by validate: one rule
    pkg = shutil.copytree(package, tmp_path / "pkg")
    descriptor = json.loads((pkg / "datapackage.json").read_text())
    descriptor["site_url"] = value
    (pkg / "datapackage.json").write_text(json.dumps(descriptor))
    _, issues = validate(pkg)
    if value:  # an empty site_url in the package means "not set"
        assert "site-url-invalid" in {i.code for i in errors_of(issues)}
    assert standard.site_url(descriptor) is None


@pytest.mark.parametrize(
    "value",
    [
        "https://performance.example.gov.uk/",
        "http://127.0.0.1:8000/",
        "https://a.example/perf",
        " https://x.example/ ",
    ],
)
def test_ordinary_site_addresses_pass_the_one_rule(value):
    assert standard.site_url_problem(value) is None
    assert standard.normal_site_url(value).endswith("/") and standard.normal_site_url(
        value
    ) == value.strip() + ("" if value.strip().endswith("/") else "/")


def test_a_site_url_given_on_the_command_line_reaches_the_feed_as_a_well_formed_address(tmp_path, package):
    result = run(["build", package, "--out", tmp_path / "site", "--site-url", "https://perf.example/reports"])
    assert result.exit_code == 0, result.output
    feed = ElementTree.parse(tmp_path / "site" / "feed.xml").getroot()
    links = [e.get("href") for e in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert links[0] == "https://perf.example/reports/"
    assert all(link.startswith("https://perf.example/reports/") for link in links)


@pytest.mark.parametrize("port", ["0", "70000", "-1", "eighty"])
def test_serve_refuses_a_port_that_is_not_one(tmp_path, package, port, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(["serve", package, "--port", port])
    assert result.exit_code == 2, result.output
    assert "--port" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_serve_on_a_busy_port_says_so_before_building_anything(tmp_path, package, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(["serve", package, "--port", port])
    assert result.exit_code == 2, result.output
    assert f"cannot serve on port {port}" in result.output and "--port" in result.output
    assert list(tmp_path.iterdir()) == []  # nothing built for nothing


def _loop(path: Path) -> None:
    os.symlink(path.name, path)


@pytest.mark.parametrize(
    "where", ["a link to itself", "two links to each other", "a resource", "datapackage.json", "the package"]
)
def test_a_symbolic_link_loop_is_reported_plainly(tmp_path, package, where):
    pkg = shutil.copytree(package, tmp_path / "pkg")
    if where == "a link to itself":
        _loop(pkg / "self")
    elif where == "two links to each other":
        os.symlink("b", pkg / "a")
        os.symlink("a", pkg / "b")
    elif where == "a resource":
        (pkg / "benchmarks.csv").unlink()
        _loop(pkg / "benchmarks.csv")
    elif where == "datapackage.json":
        (pkg / "datapackage.json").unlink()
        _loop(pkg / "datapackage.json")
    else:
        shutil.rmtree(pkg)
        _loop(pkg)
    _, issues = validate(pkg)
    assert errors_of(issues), where
    codes = {i.code for i in errors_of(issues)}
    assert codes & {"symlink-loop", "descriptor-unreadable", "package-not-found"}, codes
    for args in (["validate", pkg], ["build", pkg, "--out", tmp_path / "site"], ["status", pkg]):
        result = run(args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert isinstance(result.exception, SystemExit | None), (args, result.exception)
        assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("odd", ["a folder", "a pipe", "unreadable"])
def test_a_resource_that_is_not_an_ordinary_readable_file_is_an_error_not_a_crash(
    tmp_path, package, odd, monkeypatch
):
    pkg = shutil.copytree(package, tmp_path / "pkg")
    path = pkg / "targets.csv"
    if odd == "a folder":
        path.unlink()
        path.mkdir()
    elif odd == "a pipe":
        path.unlink()
        os.mkfifo(path)
    else:  # chmod 000 does not stop root (the test may run as root): refuse the read instead
        real = Path.read_bytes

        def refused(self):
            if self == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", refused)
    _, issues = validate(pkg)
    found = [(i.code, i.file) for i in errors_of(issues) if i.file == "targets.csv"]
    assert found and found[0][0] in ("file-not-regular", "file-unreadable"), found
    result = run(["validate", pkg])
    assert result.exit_code == 1 and "targets.csv" in result.output


def test_a_package_folder_that_is_a_file_is_said_plainly(tmp_path):
    (tmp_path / "council").write_text("not a folder")
    for args in (["validate", tmp_path / "council"], ["status", tmp_path / "council"]):
        result = run(args)
        assert result.exit_code == 1, result.output
        assert "is a file, not a folder" in result.output


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "somewhere")


def test_a_full_disk_during_a_build_leaves_the_previous_site_and_says_why(tmp_path, package, monkeypatch):
    out = tmp_path / "site"
    assert run(["build", package, "--out", out]).exit_code == 0
    before = sorted((p.relative_to(out), p.stat().st_size) for p in out.rglob("*"))
    real = build_module.run_mkdocs

    def half_then_full(site, site_dir):
        real(site, site_dir)  # the new site is half written when the disk fills
        raise OSError(errno.ENOSPC, "No space left on device", str(site_dir / "index.html"))

    monkeypatch.setattr(build_module, "run_mkdocs", half_then_full)
    result = run(["build", package, "--out", out])
    assert result.exit_code == 1, result.output
    assert "the disk is full" in result.output and "previous site is left as it was" in result.output
    assert "Traceback" not in result.output
    assert sorted((p.relative_to(out), p.stat().st_size) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES])
def test_every_disk_refusal_becomes_a_plain_message(code):
    with pytest.raises(guard.WriteFailed) as caught, guard.writing("/srv/site", "nothing was changed"):
        raise OSError(code, os.strerror(code), "/srv/site/index.html")
    assert "/srv/site/index.html" in str(caught.value) and "nothing was changed" in str(caught.value)
    with pytest.raises(ZeroDivisionError), guard.writing("/srv/site"):
        raise ZeroDivisionError  # a bug keeps its traceback


def test_a_full_disk_during_synth_init_and_template_leaves_nothing_half_written(tmp_path, monkeypatch):
    from perfsite.commands import synth as synth_module
    from perfsite.files import workbook

    real = synth_module._synthesise

    def half_then_full(out, *args):
        real(out, *args)
        _full_disk()

    monkeypatch.setattr(synth_module, "_synthesise", half_then_full)
    result = run(["synth", tmp_path / "s", "--measures", "3", "--years", "1", "--projects", "1"])
    assert result.exit_code == 1 and "the disk is full" in result.output, result.output
    monkeypatch.setattr(shutil, "copyfile", _full_disk)
    result = run(["init", tmp_path / "i"])
    assert result.exit_code == 1 and "the disk is full" in result.output, result.output
    monkeypatch.setattr(workbook.Workbook, "save", _full_disk)
    (tmp_path / "old.xlsx").write_bytes(b"PK\x03\x04 an old workbook")
    result = run(["template", tmp_path / "old.xlsx", "--force"])
    assert result.exit_code == 1 and "old workbook is kept" in result.output, result.output
    assert (tmp_path / "old.xlsx").read_bytes() == b"PK\x03\x04 an old workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.xlsx"]


def test_nothing_a_person_types_ends_in_a_traceback_in_the_real_command(tmp_path):
    """The installed command, as a person runs it: each mistake gets a message and exit 1 or 2."""
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "folder").mkdir()
    _loop(tmp_path / "loop")
    example = ROOT / "data" / "example"
    tries = [
        ["template", tmp_path / "folder"],
        ["template", tmp_path / "missing" / "book.xlsx"],
        ["import", tmp_path / "a-file", tmp_path / "pkg"],
        ["import", tmp_path / "folder", tmp_path / "pkg"],
        ["serve", example, "--port", "70000"],
        ["validate", tmp_path / "loop"],
        ["build", example, "--out", tmp_path / "a-file"],
        ["build", example, "--site-url", 'https://x.example/"><script>alert(1)</script>'],
        ["synth", tmp_path / "a-file"],
        ["init", tmp_path / "a-file"],
        ["status", example, "2024-25-Q9"],
        ["publish", tmp_path / "folder", "2024-25-Q1", "--date", "31/12/2024"],
        ["validate", "y" * 300],  # a name longer than the system allows
        ["status", "y" * 300],
        ["publish", "y" * 300, "2024-25-Q1"],
        ["build", example, "--out", "y" * 300],
    ]
    for args in tries:
        result = subprocess.run(
            [sys.executable, "-m", "perfsite.cli", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        assert result.returncode in (1, 2), (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert result.stderr.strip(), args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "folder", "loop"]


@pytest.mark.parametrize("where", ["a file", "nowhere", "a pipe"])
def test_validate_json_on_an_odd_path_is_still_a_json_report(tmp_path, where):
    path = tmp_path / "x"
    if where == "a file":
        path.write_text("x")
    elif where == "a pipe":
        os.mkfifo(path)
    result = run(["validate", "--json", path])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False and report["errors"][0]["code"] == "package-not-found"


@pytest.mark.parametrize(
    ("command", "period", "said"),
    [
        ("status", "garbage", "'garbage' is not a period: a report's period is written like 2026-27-Q2"),
        ("status", "2026-27-q2", "write 2026-27-Q2"),
        ("status", "2026-28-Q1", "the second year must follow the first (2026-27)"),
        (
            "status",
            "2026-27-M03",
            "2026-27-M03 is a month: a report is for a quarter (this month is in 2026-27-Q1)",
        ),
        ("publish", "garbage", "'garbage' is not a period"),
        ("publish", "2026-27-q2", "write 2026-27-Q2"),
    ],
)
def test_a_period_argument_that_is_not_a_reports_period_is_said_to_be_one(package, command, period, said):
    before = sorted(p.name for p in package.iterdir())
    result = run([command, package, period])
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split()) and "publications.csv has no row" not in result.output
    assert sorted(p.name for p in package.iterdir()) == before


def test_serve_never_replaces_the_site_built_for_upload(tmp_path, package, monkeypatch):
    """serve builds with a 127.0.0.1 address: into a folder of its own, never over ./site."""
    import http.server

    monkeypatch.chdir(tmp_path)
    build_module.build(package, out=tmp_path / "site", site_url="https://perf.example/")
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    served = []
    monkeypatch.setattr(
        http.server.ThreadingHTTPServer,
        "serve_forever",
        lambda self: served.append(Path(self.RequestHandlerClass.keywords["directory"])),
    )
    real_build = build_module.build

    def build_then_look(*args, **kwargs):
        result = real_build(*args, **kwargs)
        served.append((result.out / "index.html").is_file())
        return result

    monkeypatch.setattr(build_module, "build", build_then_look)
    result = run(["serve", package, "--port", str(_free_port())])
    assert result.exit_code == 0, result.output
    built, where = served
    assert built and not where.is_relative_to(tmp_path)
    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert not where.exists(), "the served copy is removed afterwards"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
