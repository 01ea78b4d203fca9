"""No command destroys what it did not make: one guard for build, synth, init, import and template.

Each place a person could mistype is tried with each command, with and without --force; a
refused command exits 2 with a plain message and leaves every file as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfsite.cli import cli
from perfsite.commands.synth import synthesise
from perfsite.files import guard
from perfsite.files.workbook import write_template

from ..conftest import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture(scope="module")
def small_package(tmp_path_factory) -> Path:
    return synthesise(tmp_path_factory.mktemp("small") / "council", measures=4, years=2, projects=2, seed=3)


@pytest.fixture(scope="module")
def small_book(tmp_path_factory, small_package) -> Path:
    return write_template(tmp_path_factory.mktemp("book") / "book.xlsx", small_package)


@pytest.fixture
def work(tmp_path, small_package, monkeypatch) -> Path:
    """A council's working folder: the package, somebody's files, a file, a home and a current folder."""
    work = tmp_path / "work"
    shutil.copytree(small_package, work / "council")
    (work / "council" / guard.SYNTH_MARKER).unlink()  # a council's own package, not one synth made
    (work / "foreign").mkdir()
    (work / "foreign" / "notes.txt").write_text("somebody's files")
    (work / "a-file").write_text("a file")
    (work / "here").mkdir()
    (work / "here" / "minutes.txt").write_text("the current folder's own files")
    (work / "home").mkdir()
    (work / "home" / ".profile").write_text("home")
    monkeypatch.setenv("HOME", str(work / "home"))
    monkeypatch.chdir(work / "here")
    return work


PLACES = {
    "package": lambda w: w / "council",
    "inside the package": lambda w: w / "council" / "archive" / "new",
    "parent of the package": lambda w: w,
    "current folder": lambda w: w / "here",
    "parent of the current folder": lambda w: w,
    "home": lambda w: w / "home",
    "checkout": lambda w: ROOT,
    "a file": lambda w: w / "a-file",
    "somebody's folder": lambda w: w / "foreign",
}


def run(args: list[str]):
    return CliRunner().invoke(cli, [str(a) for a in args])


def commands(place: Path, book: Path, force: bool) -> dict[str, list]:
    flag = ["--force"] if force else []
    return {
        "synth": ["synth", place, "--measures", "3", "--years", "1", "--projects", "1", *flag],
        "init": ["init", place],
        "import": ["import", book, place, *(["--force-draft"] if force else [])],
    }


# import may write into the package folder itself: that is what it is for
ALLOWED = {("import", "package")}
# synth --force may write beside somebody's files, never over them (tested below)
ALLOWED_WITH_FORCE = {("synth", "somebody's folder")}


REFUSED = [
    (place, command, force)
    for place in PLACES
    for command in ("synth", "init", "import")
    for force in (False, True)
    if (command, place) not in ALLOWED and not (force and (command, place) in ALLOWED_WITH_FORCE)
]


@pytest.mark.parametrize(("place", "command", "force"), REFUSED)
def test_a_command_never_writes_where_it_must_not(work, small_book, command, place, force):
    target = PLACES[place](work)
    before = digest(work)
    checkout = sorted(p.name for p in ROOT.iterdir())
    result = run(commands(target, small_book, force)[command])
    assert result.exit_code == 2, result.output
    assert "✗ will not" in result.output and "Traceback" not in result.output
    assert digest(work) == before
    assert sorted(p.name for p in ROOT.iterdir()) == checkout


def test_synth_force_writes_beside_somebodys_files_never_over_them(work):
    foreign = work / "foreign"
    assert run(["synth", foreign, "--measures", "3", "--years", "1", "--projects", "1"]).exit_code == 2
    result = run(["synth", foreign, "--measures", "3", "--years", "1", "--projects", "1", "--force"])
    assert result.exit_code == 0, result.output
    assert (foreign / "notes.txt").read_text() == "somebody's files"
    assert (foreign / "datapackage.json").is_file()
    # a file synth would write, made by somebody else, is never replaced, even with --force
    other = work / "other"
    other.mkdir()
    (other / "outturns.csv").write_text("somebody's outturns")
    result = run(["synth", other, "--measures", "3", "--years", "1", "--projects", "1", "--force"])
    assert result.exit_code == 2 and "outturns.csv" in result.output, result.output
    assert sorted(p.name for p in other.iterdir()) == ["outturns.csv"]
    assert (other / "outturns.csv").read_text() == "somebody's outturns"


def test_synth_run_from_a_subfolder_on_its_parent_deletes_nothing(work):
    """The reported case: `synth ..` from a subfolder emptied the parent, the current folder included."""
    sub = work / "foreign" / "sub"
    sub.mkdir()
    os.chdir(sub)
    before = digest(work)
    for args in (["synth", ".."], ["synth", "..", "--force"], ["synth", "."], ["synth", ".", "--force"]):
        result = run([*args, "--measures", "3", "--years", "1", "--projects", "1"])
        assert result.exit_code == 2, (args, result.output)
        assert "current folder" in result.output
    assert digest(work) == before


def test_synth_force_replaces_only_what_synth_made(work):
    target = work / "synthetic"
    assert run(["synth", target, "--measures", "3", "--years", "1", "--projects", "1"]).exit_code == 0
    (target / "my-notes.txt").write_text("mine")
    made = sorted(p.name for p in target.iterdir())
    result = run(["synth", target, "--measures", "5", "--years", "1", "--projects", "1"])
    assert result.exit_code == 2 and "synthetic package made earlier" in result.output
    result = run(["synth", target, "--measures", "5", "--years", "1", "--projects", "1", "--force"])
    assert result.exit_code == 0, result.output
    assert (target / "my-notes.txt").read_text() == "mine"
    assert sorted(p.name for p in target.iterdir()) == made
    assert (target / "measures.csv").read_text().count("\n") == 6  # header + 5 measures
    assert not [p for p in work.iterdir() if ".perfsite-tmp-" in p.name]


@pytest.mark.parametrize("change", ["a file edited", "a snapshot added", "a file deleted"])
def test_synth_force_never_replaces_a_synthetic_package_that_was_changed_since(work, change):
    """A package started with synth and then used (a figure typed, a quarter published) is no
    longer synth's to replace: --force would destroy the council's work."""
    target = work / "synthetic"
    assert run(["synth", target, "--measures", "3", "--years", "1", "--projects", "1"]).exit_code == 0
    if change == "a file edited":
        (target / "outturns.csv").write_text((target / "outturns.csv").read_text() + "\n")
    elif change == "a snapshot added":
        snapshot = next(p for p in (target / "archive").iterdir() if p.is_dir())
        shutil.copytree(snapshot, target / "archive" / "2099-00-Q1")
    else:
        (target / "methodology.csv").unlink()
    before = digest(work)
    result = run(["synth", target, "--measures", "5", "--years", "1", "--projects", "1", "--force"])
    assert result.exit_code == 2 and "has changed since" in result.output, result.output
    assert digest(work) == before


def test_init_refuses_a_folder_that_holds_anything_and_writes_an_empty_one(work):
    empty = work / "empty"
    empty.mkdir()
    assert run(["init", empty]).exit_code == 0
    assert (empty / "datapackage.json").is_file()
    result = run(["init", empty])
    assert result.exit_code == 2 and "already holds a package" in result.output
    os.chdir(work / "home")
    (work / "home" / "new").mkdir()
    os.chdir(work / "home" / "new")
    assert run(["init", "."]).exit_code == 0  # an empty current folder is where a person starts


def test_import_into_the_package_or_a_new_folder_but_not_somewhere_else(work, small_book):
    assert run(["import", small_book, work / "council"]).exit_code == 0
    assert run(["import", small_book, work / "new-package"]).exit_code == 0
    os.chdir(work / "council")
    assert run(["import", small_book, "."]).exit_code == 0
    result = run(["import", small_book, work / "a-file"])
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    result = run(["import", small_book, work / "foreign"])
    assert result.exit_code == 2 and "not a package" in result.output


@pytest.mark.parametrize(
    ("where", "force", "why"),
    [
        ("folder", False, "it is a folder"),
        ("folder", True, "it is a folder"),
        ("package csv", True, "does not end .xlsx"),
        ("package new xlsx", True, "inside the package"),
        ("csv named xlsx", True, "not an Excel workbook"),
        ("text file", True, "does not end .xlsx"),
        ("missing folder", False, "does not exist"),
        ("existing workbook", False, "already exists"),
    ],
)
def test_template_refuses_to_write_over_anything_but_a_workbook(work, small_book, where, force, why):
    (work / "fake.xlsx").write_text("measure_id,period\n")
    shutil.copyfile(small_book, work / "old.xlsx")
    out = {
        "folder": work / "foreign",
        "package csv": work / "council" / "outturns.csv",
        "package new xlsx": work / "council" / "book.xlsx",
        "csv named xlsx": work / "fake.xlsx",
        "text file": work / "a-file",
        "missing folder": work / "no" / "such" / "book.xlsx",
        "existing workbook": work / "old.xlsx",
    }[where]
    before = digest(work)
    result = run(["template", out, *(["--force"] if force else [])])
    assert result.exit_code == 2, result.output
    assert why in result.output and "Traceback" not in result.output
    assert digest(work) == before
    assert not (work / "no").exists()


def test_template_force_replaces_a_workbook(work, small_book):
    shutil.copyfile(small_book, work / "old.xlsx")
    result = run(["template", work / "old.xlsx", "--force"])
    assert result.exit_code == 0, result.output
    assert (work / "old.xlsx").read_bytes() != small_book.read_bytes()  # an empty template now
    assert not [p for p in work.iterdir() if ".perfsite-tmp-" in p.name]


def test_template_from_a_package_it_cannot_read_whole_writes_nothing(work):
    (work / "council" / "targets.csv").write_bytes(b"measure_id,period,target\n\xff\xfe,1,2\n")
    result = run(["template", work / "book.xlsx", "--from", work / "council"])
    assert result.exit_code == 1 and "not UTF-8" in result.output, result.output
    assert not (work / "book.xlsx").exists()
    result = run(["template", work / "book.xlsx", "--from", work / "a-file"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_the_guard_is_one_rule_for_every_kind():
    """A place refused to a build is refused to every command that writes a folder."""
    home = Path.home().resolve()
    for kind in (guard.SITE, guard.SYNTH, guard.INIT, guard.IMPORT):
        for place in (home, home.parent, ROOT):
            with pytest.raises(guard.WriteRefused):
                guard.guard_write_target(place, kind, force=True, reading=ROOT / "data" / "example")


@pytest.mark.parametrize("command", ["build", "synth", "init", "import", "template"])
def test_a_path_through_a_file_is_refused_plainly(work, small_book, command):
    below = work / "a-file" / "below"
    args = {
        "build": ["build", work / "council", "--out", below],
        "synth": ["synth", below, "--measures", "3", "--years", "1", "--projects", "1"],
        "init": ["init", below],
        "import": ["import", small_book, below],
        "template": ["template", below.with_suffix(".xlsx")],
    }[command]
    before = digest(work)
    result = run(args)
    assert result.exit_code == 2, result.output
    assert "a-file is a file, not a folder" in result.output
    assert digest(work) == before


@pytest.mark.parametrize("council", ["Northmoor\u202e District", "", "   "])
def test_init_checks_the_council_name_as_validate_checks_the_package(work, council):
    result = run(["init", work / "new", "--council", council])
    assert result.exit_code == 2, result.output
    assert "--council" in result.output and "Traceback" not in result.output
    assert not (work / "new").exists()
    assert not [p for p in work.iterdir() if ".perfsite-tmp-" in p.name]
