"""The archive publishes only what it recorded, and any change to it is reported.

Every snapshot's manifest lists its files and records the SHA-256 of every earlier snapshot's
manifest (the chain; ``chain.json`` names the newest). ``validate`` refuses anything else under
``archive/`` — extra files and folders, links, hard links to live files, manifest edits, a
snapshot removed with its records — and a build copies exactly the files manifests list.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfsite.commands.build import build
from perfsite.commands.publish import publish_period
from perfsite.commands.synth import synthesise
from perfsite.errors import BuildError, errors_of, warnings_of
from perfsite.files import archive, archive_writer
from perfsite.files.load import load
from perfsite.site.figures import public_releases
from perfsite.site.sitegen import archive_downloads
from perfsite.validation.checks.archivecheck import archive_issues
from perfsite.validation.checks.record import record_issues
from perfsite.validation.validate import validate

from ..corpus import EXAMPLE, read_rows, set_cell, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TODAY = dt.date(2027, 1, 15)
HEAD_PERIOD = "2026-27-Q2"  # synth's approved quarter, published by the fixture: the chain's head
EARLIER = "2025-26-Q3"  # an adopted snapshot in the middle of the chain


@pytest.fixture(scope="module")
def chained(tmp_path_factory) -> Path:
    """A small package whose every snapshot is chained: synth adopts its published quarters,
    then its approved quarter is published."""
    pkg = synthesise(tmp_path_factory.mktemp("chained") / "pkg", measures=6, years=2, projects=2, seed=5)
    publish_period(pkg, HEAD_PERIOD, dt.date(2026, 12, 10), today=TODAY)
    return pkg


@pytest.fixture
def pkg(chained, tmp_path) -> Path:
    return Path(shutil.copytree(chained, tmp_path / "pkg", symlinks=True))


def codes(issues, severity="error") -> set[str]:
    return {i.code for i in issues if i.severity == severity}


def manifest_of(pkg: Path, name: str) -> dict:
    return json.loads((pkg / "archive" / name / "manifest.json").read_text())


def write_manifest(pkg: Path, name: str, manifest: dict) -> None:
    (pkg / "archive" / name / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def site_archive(out: Path) -> dict[str, set[str]]:
    root = out / "data" / "archive"
    return {d.name: {f.name for f in d.iterdir()} for d in root.iterdir()}


# -- what a publish writes ---------------------------------------------------------------------------


def test_each_manifest_lists_every_resource_and_records_every_earlier_snapshot(chained):
    names = [r.name for r in archive.releases(chained)]
    assert names[-1] == HEAD_PERIOD and len(names) == 6
    head = manifest_of(chained, HEAD_PERIOD)
    assert head["resources"] == list(archive_standard_resources())
    assert set(head["files"]) == {f"{r}.csv" for r in head["resources"]}
    assert sorted(head["chain"]) == sorted(names[:-1])
    for name in names[:-1]:
        data = (chained / "archive" / name / "manifest.json").read_bytes()
        assert head["chain"][name] == archive.sha256(data)
    assert json.loads((chained / "archive" / "chain.json").read_text()) == {
        "latest": HEAD_PERIOD,
        "manifest_sha256": archive.sha256((chained / "archive" / HEAD_PERIOD / "manifest.json").read_bytes()),
    }
    _, issues = validate(chained, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []


def archive_standard_resources():
    from perfsite import standard

    return standard.RESOURCES


def test_an_archive_made_before_the_chain_stays_valid_and_the_first_publish_chains_it(tmp_path):
    """The example's snapshots have no chain (adopted before perfsite kept one): still valid; the
    next publish records every one of them, so from then on their removal is reported."""
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    assert not (pkg / "archive" / "chain.json").exists()
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == []
    publish_period(pkg, "2026-27-Q2", dt.date(2026, 12, 10), today=TODAY)
    chain = manifest_of(pkg, "2026-27-Q2")["chain"]
    assert len(chain) == 13 and "2023-24-Q1" in chain
    shutil.rmtree(pkg / "archive" / "2023-24-Q1")
    set_cell(pkg, "publications.csv", "status", "approved", lambda r: r["period"] == "2023-24-Q1")
    append_withdrawal(pkg, "2023-24-Q1")
    _, issues = validate(pkg, today=TODAY)
    assert ("archive-snapshot-missing", "archive/2023-24-Q1") in [(i.code, i.file) for i in errors_of(issues)]


def append_withdrawal(pkg: Path, period: str) -> None:
    from ..corpus import append_row

    append_row(pkg, "withdrawals.csv", {"period": period, "withdrawn_date": "2027-01-02", "reason": "x"})


# -- the site copies exactly what manifests list ------------------------------------------------------


def test_the_site_holds_exactly_each_public_snapshots_manifest_files(pkg, tmp_path):
    (pkg / "archive" / ".DS_Store").write_bytes(b"\0")  # left by a Mac: a warning, never published
    shutil.copytree(pkg / "archive" / EARLIER, pkg / "archive" / f"{archive.TEMP_PREFIX}{EARLIER}-x")
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == []
    assert codes(issues, "warning") == {"archive-system-file", "archive-leftover"}
    out = tmp_path / "site"
    build(pkg, out=out)
    expected = {
        r.name.lower(): {*manifest_of(pkg, r.name)["files"], "manifest.json"} for r in archive.releases(pkg)
    }
    assert site_archive(out) == expected
    for folder in (out / "data" / "archive").iterdir():
        for f in folder.iterdir():
            assert (
                not f.is_symlink()
                and f.read_bytes() == (pkg / "archive" / folder.name.upper() / f.name).read_bytes()
            )


# -- what validate refuses ----------------------------------------------------------------------------


def test_a_file_removed_with_its_manifest_line_is_reported_and_cannot_hide_a_revision(pkg):
    """The major: deleting outturns.csv from a snapshot and its line from manifest.json went
    unnoticed, and the figures it had published could then change with no revision note."""
    snapshot = pkg / "archive" / EARLIER
    (snapshot / "outturns.csv").unlink()
    manifest = manifest_of(pkg, EARLIER)
    del manifest["files"]["outturns.csv"]
    manifest["resources"].remove("outturns")
    write_manifest(pkg, EARLIER, manifest)
    header, rows = read_rows(pkg, "outturns.csv")
    changed = next(r for r in rows if r["period"] == EARLIER and r["value"])
    changed["value"] = str(float(changed["value"]) + 1)
    write_rows(pkg, "outturns.csv", header, rows)
    _, issues = validate(pkg, today=TODAY)
    found = {(i.code, i.file) for i in errors_of(issues)}
    assert ("archive-chain-broken", f"archive/{EARLIER}/manifest.json") in found
    assert ("archive-resource-missing", f"archive/{EARLIER}/manifest.json") in found


def test_the_newest_snapshot_is_held_by_chain_json(pkg):
    """Nothing later records the newest snapshot: chain.json does, so a file removed from it with
    its line (and its resources entry) is reported too."""
    manifest = manifest_of(pkg, HEAD_PERIOD)
    del manifest["files"]["withdrawals.csv"]
    manifest["resources"].remove("withdrawals")
    (pkg / "archive" / HEAD_PERIOD / "withdrawals.csv").unlink()
    write_manifest(pkg, HEAD_PERIOD, manifest)
    _, issues = validate(pkg, today=TODAY)
    assert "archive-chain-head" in codes(issues)


@pytest.mark.parametrize("which", [EARLIER, HEAD_PERIOD])
def test_a_whole_snapshot_removed_with_its_publications_row_set_back_is_reported(pkg, which):
    shutil.rmtree(pkg / "archive" / which)
    set_cell(pkg, "publications.csv", "status", "approved", lambda r: r["period"] == which)
    set_cell(pkg, "publications.csv", "published_date", "", lambda r: r["period"] == which)
    _, issues = validate(pkg, today=TODAY)
    expected = "archive-snapshot-missing" if which == EARLIER else "archive-chain-head"
    assert expected in codes(issues)


def test_a_whole_snapshot_removed_with_its_publications_row_deleted_is_reported(pkg):
    shutil.rmtree(pkg / "archive" / EARLIER)
    header, rows = read_rows(pkg, "publications.csv")
    write_rows(pkg, "publications.csv", header, [r for r in rows if r["period"] != EARLIER])
    _, issues = validate(pkg, today=TODAY)
    assert "archive-snapshot-missing" in codes(issues)


def test_links_anywhere_in_the_archive_are_refused_and_never_followed(pkg, tmp_path):
    """A link to the live outturns.csv published every unpublished figure: now no link is read."""
    snapshot = pkg / "archive" / EARLIER
    (snapshot / "live.csv").symlink_to(pkg / "outturns.csv")
    (snapshot / "outturns.csv").unlink()
    (snapshot / "outturns.csv").symlink_to("../../outturns.csv")
    elsewhere = Path(shutil.copytree(pkg / "archive" / "2025-26-Q4", tmp_path / "elsewhere"))
    shutil.rmtree(pkg / "archive" / "2025-26-Q4")
    (pkg / "archive" / "2025-26-Q4").symlink_to(elsewhere, target_is_directory=True)
    package, issues = validate(pkg, today=TODAY)
    found = {(i.code, i.file) for i in errors_of(issues)}
    assert ("archive-link", f"archive/{EARLIER}/live.csv") in found
    assert ("archive-link", f"archive/{EARLIER}/outturns.csv") in found
    assert ("archive-link", "archive/2025-26-Q4") in found
    assert ("archive-snapshot-missing", "archive/2025-26-Q4") in found  # a linked folder is no snapshot
    releases = archive.releases(pkg)
    assert "2025-26-Q4" not in {r.name for r in releases}
    with pytest.raises(BuildError):
        archive_downloads(package, releases)


def test_the_whole_archive_folder_as_a_link_is_refused(pkg, tmp_path):
    moved = Path(shutil.move(pkg / "archive", tmp_path / "moved-archive"))
    (pkg / "archive").symlink_to(moved, target_is_directory=True)
    _, issues = validate(pkg, today=TODAY)
    assert ("archive-link", "archive") in [(i.code, i.file) for i in errors_of(issues)]
    assert archive.releases(pkg) == []


def test_a_hard_link_to_a_live_file_is_refused(pkg):
    listed = pkg / "archive" / HEAD_PERIOD / "measures.csv"
    listed.unlink()
    os.link(pkg / "measures.csv", listed)  # same bytes today: the checksum still matches
    _, issues = validate(pkg, today=TODAY)
    assert [(i.code, i.file) for i in errors_of(issues)] == [
        ("archive-hard-link", f"archive/{HEAD_PERIOD}/measures.csv")
    ]


def test_manifest_names_that_are_paths_or_case_variants_are_refused(pkg):
    manifest = manifest_of(pkg, EARLIER)
    manifest["files"]["../outturns.csv"] = manifest["files"]["outturns.csv"]
    write_manifest(pkg, EARLIER, manifest)
    (pkg / "archive" / EARLIER / "Outturns.csv").write_text("x")
    (pkg / "archive" / "2025-26-q4").mkdir()
    _, issues = validate(pkg, today=TODAY)
    found = {(i.code, i.file) for i in errors_of(issues)}
    assert ("archive-manifest", f"archive/{EARLIER}/manifest.json") in found
    assert ("archive-unexpected", "archive/2025-26-q4") in found


def test_a_huge_manifest_is_refused_without_being_read(pkg):
    path = pkg / "archive" / EARLIER / "manifest.json"
    with open(path, "ab") as fh:
        fh.truncate(archive.MAX_MANIFEST_BYTES + 1)
    _, issues = validate(pkg, today=TODAY)
    assert ("archive-manifest", f"archive/{EARLIER}/manifest.json") in {
        (i.code, i.file) for i in errors_of(issues)
    }


# -- the property -------------------------------------------------------------------------------------


def _outside(pkg: Path) -> Path:
    target = pkg.parent / "outside.csv"
    target.write_text("measure_id,period,value\nm0001,2026-27-Q3,1\n")
    return target


def _listed(pkg: Path, name: str) -> str:
    return sorted(manifest_of(pkg, name)["files"])[0]


# each change: (what it does, whether validate must report an error)
CHANGES = {
    "extra file": (lambda p, s: (p / "archive" / s / "extra.csv").write_text("a,b\n1,2\n"), True),
    "case variant": (lambda p, s: (p / "archive" / s / "OUTTURNS.csv").write_text("x\n"), True),
    "hidden file": (lambda p, s: (p / "archive" / s / ".secret.csv").write_text("x\n"), True),
    "extra folder": (lambda p, s: (p / "archive" / s / "more").mkdir(), True),
    "folder at the root": (lambda p, s: (p / "archive" / "drafts").mkdir(), True),
    "file at the root": (lambda p, s: (p / "archive" / "notes.csv").write_text("x\n"), True),
    "link to the live outturns": (
        lambda p, s: (p / "archive" / s / "o.csv").symlink_to(p / "outturns.csv"),
        True,
    ),
    "link outside the package": (lambda p, s: (p / "archive" / s / "x.csv").symlink_to(_outside(p)), True),
    "link to another snapshot's file": (
        lambda p, s: (p / "archive" / s / "y.csv").symlink_to(p / "archive" / HEAD_PERIOD / "outturns.csv"),
        True,
    ),
    "listed file replaced by a link": (
        lambda p, s: (
            (p / "archive" / s / "outturns.csv").unlink(),
            (p / "archive" / s / "outturns.csv").symlink_to(p / "outturns.csv"),
        ),
        True,
    ),
    "line removed with its file": (
        lambda p, s: (
            (p / "archive" / s / _listed(p, s)).unlink(),
            write_manifest(p, s, _without(manifest_of(p, s), _listed(p, s))),
        ),
        True,
    ),
    "checksum changed": (lambda p, s: write_manifest(p, s, _bumped(manifest_of(p, s))), True),
    "file changed": (
        lambda p, s: (p / "archive" / s / "outturns.csv").write_text("measure_id,period,value\n"),
        True,
    ),
    "snapshot removed with its row": (
        lambda p, s: (
            shutil.rmtree(p / "archive" / s),
            set_cell(p, "publications.csv", "status", "approved", lambda r: r["period"] == s),
        ),
        True,
    ),
    "chain.json removed": (lambda p, s: (p / "archive" / "chain.json").unlink(missing_ok=True), True),
    "system file": (lambda p, s: (p / "archive" / s / "Thumbs.db").write_bytes(b"\0"), False),
    "leftover temporary folder": (
        lambda p, s: (p / "archive" / ".tmp-2026-27-Q3-abc").mkdir(exist_ok=True),
        False,
    ),
}


def _without(manifest: dict, name: str) -> dict:
    manifest["files"].pop(name)
    manifest["resources"] = [r for r in manifest["resources"] if f"{r}.csv" != name]
    return manifest


def _bumped(manifest: dict) -> dict:
    name = sorted(manifest["files"])[-1]
    manifest["files"][name] = ("0" if manifest["files"][name][0] != "0" else "1") + manifest["files"][name][
        1:
    ]
    return manifest


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(st.sampled_from(sorted(CHANGES)), min_size=1, max_size=3, unique=True),
    where=st.sampled_from(["2025-26-Q1", EARLIER, HEAD_PERIOD]),
)
def test_any_change_to_the_archive_is_refused_or_leaves_nothing_of_it_in_the_site(
    chained, tmp_path_factory, changes, where
):
    pkg = Path(shutil.copytree(chained, tmp_path_factory.mktemp("p") / "pkg", symlinks=True))
    for change in changes:
        if (pkg / "archive" / where).is_dir() and not (pkg / "archive" / where).is_symlink():
            CHANGES[change][0](pkg, where)
    # validate's own archive and publication checks (the focused tests above run all of validate)
    package = load(pkg)
    issues = record_issues(package)
    if any(CHANGES[c][1] for c in changes):
        assert errors_of(issues), f"{changes} in {where} went unnoticed"
    else:
        assert errors_of(issues) == []
    # whatever validate says, the site's copies are only manifest files, regular, inside the package
    releases = public_releases(package, {r["period"] for r in read_rows(pkg, "publications.csv")[1]})
    try:
        copies = archive_downloads(package, releases)
    except BuildError:
        assert errors_of(issues), "a build refused what validate passed"
        return
    inside = pkg.resolve()
    for rel, path in copies.items():
        name = rel.split("/")[-1]
        release = next(r for r in releases if r.name.lower() == rel.split("/")[2])
        assert name == "manifest.json" or name in release.manifest["files"]
        assert not path.is_symlink() and path.resolve().is_relative_to(inside)


def test_archive_issues_is_silent_on_an_archive_perfsite_wrote(chained):
    assert archive_issues(load(chained)) == []


def test_a_corrections_release_dropped_into_an_unchained_archive_is_refused(tmp_path):
    """Corrections releases began with the chain: one without is not perfsite's, even where the
    archive is too old to have a chain (its figures would otherwise become the public ones)."""
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    fake = pkg / "archive" / "corrections-2026-10-01"
    shutil.copytree(pkg / "archive" / "2026-27-Q1", fake)
    manifest = manifest_of(pkg, fake.name)
    manifest.update(release="corrections", published_date="2026-10-01")
    del manifest["period"]
    write_manifest(pkg, fake.name, manifest)
    _, issues = validate(pkg, today=TODAY)
    assert ("archive-unrecorded", f"archive/{fake.name}/manifest.json") in {
        (i.code, i.file) for i in errors_of(issues)
    }


def test_publish_never_follows_a_lock_file_that_is_a_link(pkg):
    from perfsite.errors import PublishError

    (pkg / "archive" / archive.LOCK).unlink(missing_ok=True)
    (pkg / "archive" / archive.LOCK).symlink_to(pkg / "outturns.csv")
    before = (pkg / "outturns.csv").read_bytes()
    with pytest.raises(PublishError, match="is a link"):
        publish_period(pkg, "2026-27-Q3", dt.date(2027, 1, 10), today=TODAY)
    assert (pkg / "outturns.csv").read_bytes() == before
    _, issues = validate(pkg, today=TODAY)
    assert ("archive-link", "archive/.lock") in {(i.code, i.file) for i in errors_of(issues)}


def test_a_release_is_never_dated_before_the_latest_one(tmp_path):
    """The site shows each figure as the newest release carried it: releases are dated in order."""
    from perfsite.commands.publish import publish_corrections
    from perfsite.errors import PublishError

    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    env02 = lambda r: (r["measure_id"], r["period"]) == ("env-02", "2026-27-Q1")  # noqa: E731
    set_cell(pkg, "outturns.csv", "value", "101", env02)
    set_cell(pkg, "outturns.csv", "revision_note", "Late returns", env02)
    publish_corrections(pkg, dt.date(2026, 12, 20), today=TODAY)
    with pytest.raises(
        PublishError, match=r"before the latest release \(corrections-2026-12-20, 2026-12-20\)"
    ):
        publish_period(pkg, "2026-27-Q2", dt.date(2026, 12, 10), today=TODAY)
    assert (
        publish_period(pkg, "2026-27-Q2", dt.date(2026, 12, 20), today=TODAY).published_date == "2026-12-20"
    )
    assert [r.name for r in archive.releases(pkg)][-2:] == ["corrections-2026-12-20", "2026-27-Q2"]


# -- what cannot be read is a validation error, not a crash ------------------------------------------------

_VALIDATE_AS_NOBODY = """
import json, os, sys
from perfsite.validation.validate import validate
validate(sys.argv[2])  # everything imported (Python itself may live where nobody can read)
os.setgid(65534); os.setgroups([]); os.setuid(65534)
_, issues = validate(sys.argv[1])
print(json.dumps([(i.code, i.file) for i in issues if i.severity == "error"]))
"""


def _errors_when_unreadable(pkg: Path, where: str, tmp_path: Path) -> list[tuple[str, str]]:
    """Validate ``pkg`` as a person who cannot read ``archive/<where>`` (permissions 000). As root
    (who reads everything) the check runs in a process that has become the user nobody."""
    import subprocess
    import sys
    import tempfile

    if os.geteuid() != 0:
        target = pkg / "archive" / where
        target.chmod(0)
        try:
            _, issues = validate(pkg)
        finally:
            target.chmod(0o755)
        return [(i.code, i.file) for i in errors_of(issues)]
    shared = Path(tempfile.mkdtemp(dir=tmp_path.anchor + "tmp"))
    try:
        shared.chmod(0o755)
        copy = Path(shutil.copytree(pkg, shared / "pkg"))
        for path in [copy, *copy.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (copy / "archive" / where).chmod(0)
        result = subprocess.run(
            [sys.executable, "-c", _VALIDATE_AS_NOBODY, str(copy), str(pkg)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return [tuple(x) for x in json.loads(result.stdout)]
    finally:
        shutil.rmtree(shared)


@pytest.mark.parametrize(
    ("where", "reported"),
    [
        (f"{HEAD_PERIOD}/targets.csv", f"archive/{HEAD_PERIOD}/targets.csv"),
        (f"{HEAD_PERIOD}/manifest.json", f"archive/{HEAD_PERIOD}/manifest.json"),
        (HEAD_PERIOD, f"archive/{HEAD_PERIOD}"),
        ("", "archive"),
    ],
    ids=["a snapshot file", "a manifest", "a snapshot folder", "the archive folder"],
)
def test_an_unreadable_part_of_the_archive_is_one_plain_error(pkg, tmp_path, where, reported):
    assert _errors_when_unreadable(pkg, where, tmp_path) == [("archive-unreadable", reported)]


def test_a_publish_cleans_only_its_own_leftovers(pkg):
    """A killed publish's temporary files go; a council's own look-alike files stay."""
    (pkg / ".notes.tmp").write_text("the council's own")
    (pkg / ".budget.abcd1234.tmp").write_text("no budget file beside it: not a leftover of perfsite's")
    (pkg / ".publications.csv.k2j4_x9q.tmp").write_text("left by a killed replace")
    with archive_writer.publishing_lock(pkg):
        removed = archive_writer.clean_leftovers(pkg)
    assert removed == [".publications.csv.k2j4_x9q.tmp"]
    assert (pkg / ".notes.tmp").exists() and (pkg / ".budget.abcd1234.tmp").exists()


@pytest.mark.parametrize("column", ["published_date", "committee_date"])
def test_a_published_reports_date_edited_by_hand_is_reported(pkg, column):
    recorded = manifest_of(pkg, HEAD_PERIOD)[column]
    row = set_cell(pkg, "publications.csv", column, "2026-12-11", lambda r: r["period"] == HEAD_PERIOD)
    _, issues = validate(pkg, today=TODAY)
    found = [i for i in errors_of(issues) if i.code == "publication-date-changed"]
    assert [(i.file, i.row, i.field, i.value) for i in found] == [
        ("publications.csv", row, column, "2026-12-11")
    ]
    assert f"set it back to {recorded}" in found[0].hint
    set_cell(pkg, "publications.csv", column, recorded, lambda r: r["period"] == HEAD_PERIOD)
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == []


def test_a_folder_named_like_perfsites_lock_is_refused(pkg):
    (pkg / "archive" / archive.LOCK).unlink(missing_ok=True)  # the publish's own lock file
    (pkg / "archive" / archive.LOCK).mkdir()
    (pkg / "archive" / archive.LOCK / "outturns.csv").write_text("hidden")
    _, issues = validate(pkg, today=TODAY)
    assert ("archive-unexpected", f"archive/{archive.LOCK}") in [(i.code, i.file) for i in errors_of(issues)]
