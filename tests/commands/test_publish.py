"""Publishing has no side doors: `published` needs its snapshot, adoption happens once, a published
figure never vanishes without a recorded withdrawal, and a killed publish leaves the old state or the new."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from perfsite.commands.publish import publish_period
from perfsite.errors import PublishError, ValidationFailed, errors_of, warnings_of
from perfsite.files import archive, archive_writer
from perfsite.files.load import load
from perfsite.validation import history
from perfsite.validation.validate import validate

from ..corpus import EXAMPLE, append_row, read_rows, set_cell, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

NEXT = "2026-27-Q2"  # the example's approved, unpublished quarter (committee 2026-12-03)
LAST = "2026-27-Q1"  # its last published quarter (published 2026-09-15)
TODAY = dt.date(2027, 1, 15)


@pytest.fixture
def pkg(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))


def codes(issues, severity="error"):
    return [(i.code, i.file, i.row, i.field) for i in issues if i.severity == severity]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "perfsite.cli", *args], capture_output=True, text=True, timeout=120
    )


# -- published only through publish -------------------------------------------------------------


def test_the_adopted_example_is_valid_and_every_published_quarter_has_its_snapshot():
    package, issues = validate(EXAMPLE)
    assert errors_of(issues) == [] and warnings_of(issues) == []
    published = [r["period"] for r in read_rows(EXAMPLE, "publications.csv")[1] if r["status"] == "published"]
    assert len(published) == 13
    for period in published:
        manifest = json.loads((EXAMPLE / "archive" / period / "manifest.json").read_text())
        assert manifest["adopted"] is True and manifest["period"] == period


def test_a_published_quarter_without_its_snapshot_is_an_error_naming_the_adopt_command(pkg):
    shutil.rmtree(pkg / "archive" / "2024-25-Q1")
    _, issues = validate(pkg)
    found = [i for i in errors_of(issues) if i.code == "published-without-snapshot"]
    assert [(i.file, i.row, i.field) for i in found] == [("publications.csv", 6, "status")]
    assert f"perfsite publish {pkg.as_posix()} 2024-25-Q1 --adopt" in found[0].hint


def test_marking_a_quarter_published_by_hand_is_refused(pkg):
    set_cell(pkg, "publications.csv", "status", "published", lambda r: r["period"] == NEXT)
    set_cell(pkg, "publications.csv", "published_date", "2026-12-10", lambda r: r["period"] == NEXT)
    _, issues = validate(pkg)
    assert ("published-without-snapshot", "publications.csv", 15, "status") in codes(issues)


def test_deleting_the_archive_is_an_error_for_every_published_quarter(pkg):
    shutil.rmtree(pkg / "archive")
    _, issues = validate(pkg)
    assert sum(i.code == "published-without-snapshot" for i in errors_of(issues)) == 13


def test_adopt_archives_each_earlier_quarter_once_keeping_its_published_date(pkg):
    shutil.rmtree(pkg / "archive")
    before = (pkg / "publications.csv").read_bytes()
    result = run_cli("publish", str(pkg), "2024-25-Q2", "--adopt")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((pkg / "archive" / "2024-25-Q2" / "manifest.json").read_text())
    assert manifest["published_date"] == "2024-11-26" and manifest["adopted"] is True
    outturns = (pkg / "archive" / "2024-25-Q2" / "outturns.csv").read_text()
    assert "2024-25-Q2" in outturns and "2024-25-Q3" not in outturns, "what the site held then, no later"
    assert (pkg / "publications.csv").read_bytes() == before, "adopting changes nothing but the archive"
    again = run_cli("publish", str(pkg), "2024-25-Q2", "--adopt")
    assert again.returncode == 1 and "already archived" in again.stderr and "Traceback" not in again.stderr
    with pytest.raises(PublishError, match="only archives a period that was already published"):
        publish_period(pkg, NEXT, adopt=True, today=TODAY)
    with pytest.raises(PublishError, match="leave out --date"):
        publish_period(pkg, "2024-25-Q3", dt.date(2025, 1, 1), adopt=True, today=TODAY)
    everything = run_cli("publish", str(pkg), "all", "--adopt")
    assert everything.returncode == 0, everything.stderr
    _, issues = validate(pkg)
    assert errors_of(issues) == []


def test_adopt_is_only_for_quarters_published_before_perfsite(pkg):
    publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY)
    # a later quarter marked published by hand, with a figure, is no quarter from before perfsite
    row = next(r for r in read_rows(pkg, "outturns.csv")[1] if r["period"] == NEXT)
    append_row(pkg, "outturns.csv", {**row, "period": "2026-27-Q3"})
    append_row(
        pkg,
        "publications.csv",
        {
            "period": "2026-27-Q3",
            "title": "Q3",
            "committee": "Overview and Scrutiny Committee",
            "committee_date": "2027-01-05",
            "status": "published",
            "published_date": "2027-01-10",
        },
    )
    with pytest.raises(PublishError, match="after perfsite's first publish"):
        publish_period(pkg, "2026-27-Q3", adopt=True, today=TODAY)


def test_adopt_never_recreates_a_snapshot_the_chain_recorded(pkg):
    """A snapshot deleted after a later one recorded it is tampering, not a quarter to adopt."""
    publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY)
    shutil.rmtree(pkg / "archive" / LAST)
    with pytest.raises(ValidationFailed) as failed:
        publish_period(pkg, LAST, adopt=True, today=TODAY)
    assert ("archive-snapshot-missing", f"archive/{LAST}") in [(i.code, i.file) for i in failed.value.issues]
    assert not (pkg / "archive" / LAST).exists()


def test_the_publication_date_is_never_later_than_today_nor_before_committee(pkg):
    with pytest.raises(PublishError, match="later than today"):
        publish_period(pkg, NEXT, dt.date(2027, 1, 16), today=TODAY)
    with pytest.raises(PublishError, match="before the committee date"):
        publish_period(pkg, NEXT, dt.date(2026, 12, 1), today=TODAY)
    assert not (pkg / "archive" / NEXT).exists()
    result = publish_period(pkg, NEXT, today=TODAY)
    assert result.published_date == TODAY.isoformat()


# -- withdrawals -----------------------------------------------------------------------------------


def _remove_outturn(pkg: Path, measure_id: str, period: str) -> None:
    header, rows = read_rows(pkg, "outturns.csv")
    kept = [r for r in rows if (r["measure_id"], r["period"]) != (measure_id, period)]
    assert len(kept) == len(rows) - 1
    write_rows(pkg, "outturns.csv", header, kept)


def test_a_removed_published_figure_is_an_error_until_its_withdrawal_is_recorded(pkg):
    _, rows = read_rows(pkg, "outturns.csv")
    gone = next(r for r in rows if r["period"] == "2025-26-Q3" and r["value"])
    _remove_outturn(pkg, gone["measure_id"], "2025-26-Q3")
    _, issues = validate(pkg)
    removed = [i for i in errors_of(issues) if i.code == "published-figure-removed"]
    assert [(i.file, i.field, i.value) for i in removed] == [
        ("outturns.csv", "measure_id", f"{gone['measure_id']}, 2025-26-Q3")
    ]
    assert "withdrawals.csv" in removed[0].hint
    reason = "Withdrawn: the survey double-counted responses"
    append_row(
        pkg,
        "withdrawals.csv",
        {
            "period": "2025-26-Q3",
            "measure_id": gone["measure_id"],
            "withdrawn_date": "2026-10-01",
            "reason": reason,
        },
    )
    _, issues = validate(pkg)
    assert errors_of(issues) == [] and warnings_of(issues) == []
    frame = history.withdrawals(load(pkg))
    assert frame.to_dict("records") == [
        {
            "measure_id": gone["measure_id"],
            "period": "2025-26-Q3",
            "publication": "2025-26-Q3",
            "published_value": gone["value"],
            "withdrawn_date": "2026-10-01",
            "reason": reason,
            "scope": "figure",
        }
    ]
    # the next publication's snapshot keeps the withdrawal; the first still holds the figure
    snapshot = publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY).snapshot
    assert reason in (snapshot / "withdrawals.csv").read_text()
    assert gone["value"] in (pkg / "archive" / "2025-26-Q3" / "outturns.csv").read_text()


def test_a_withdrawn_figure_still_in_outturns_is_an_error(pkg):
    _, rows = read_rows(pkg, "outturns.csv")
    kept = next(r for r in rows if r["period"] == "2025-26-Q3")
    row = append_row(
        pkg,
        "withdrawals.csv",
        {
            "period": "2025-26-Q3",
            "measure_id": kept["measure_id"],
            "withdrawn_date": "2026-10-01",
            "reason": "x",
        },
    )
    _, issues = validate(pkg)
    assert ("withdrawn-figure-present", "withdrawals.csv", row, "measure_id") in codes(issues)


def test_setting_a_published_quarter_back_is_an_error_unless_the_report_is_withdrawn(pkg):
    set_cell(pkg, "publications.csv", "status", "approved", lambda r: r["period"] == LAST)
    _, issues = validate(pkg)
    assert ("unpublished-without-withdrawal", "publications.csv", None, "status") in codes(issues)
    append_row(
        pkg,
        "withdrawals.csv",
        {"period": LAST, "withdrawn_date": "2026-10-20", "reason": "Report withdrawn: wrong data extract"},
    )
    _, issues = validate(pkg)
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))
    frame = history.withdrawals(load(pkg))
    assert set(frame["scope"]) == {"publication"} and set(frame["publication"]) == {LAST}
    assert len(frame) > 20 and set(frame["reason"]) == {"Report withdrawn: wrong data extract"}


def test_a_withdrawal_of_something_never_published_is_a_warning(pkg):
    row = append_row(
        pkg,
        "withdrawals.csv",
        {"period": "2026-27-Q2", "measure_id": "env-01", "withdrawn_date": "2026-12-01", "reason": "x"},
    )
    _remove_outturn(pkg, "env-01", "2026-27-Q2")
    _, issues = validate(pkg)
    assert ("withdrawal-not-published", "withdrawals.csv", row, "measure_id") in codes(issues, "warning")


# -- a killed publish ------------------------------------------------------------------------------

KILL = textwrap.dedent(
    """
    import datetime as dt, os, sys
    from perfsite.files import archive_writer
    from perfsite.commands.publish import publish_period

    step = sys.argv[2]
    def die(name):
        if name == step:
            os._exit(9)
    archive_writer.after_step = die
    publish_period(sys.argv[1], "{period}", dt.date(2026, 12, 10), today=dt.date(2027, 1, 15))
    """
)
STEPS = [
    "wrote measures.csv",  # half-way through the snapshot's files
    "snapshot written",
    "marked pending",
    "snapshot in place",
    "temp chain.json",  # the chain's head not yet moved to the new snapshot
    "replaced chain.json",
    "temp publications.csv",
    "replaced publications.csv",
]


@pytest.fixture(scope="module")
def published_cleanly(tmp_path_factory):
    """The example after an uninterrupted publish of NEXT: the 'new state' to compare with."""
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path_factory.mktemp("clean") / "pkg"))
    publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY)
    return pkg


def _status_of(pkg: Path, period: str) -> str:
    return next(r["status"] for r in read_rows(pkg, "publications.csv")[1] if r["period"] == period)


@pytest.mark.parametrize("step", STEPS)
def test_a_publish_killed_at_any_step_leaves_the_old_or_new_state_and_rerunning_completes(
    step, pkg, published_cleanly
):
    old_publications = (pkg / "publications.csv").read_bytes()
    new_publications = (published_cleanly / "publications.csv").read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", KILL.format(period=NEXT), str(pkg), step], capture_output=True, text=True
    )
    assert killed.returncode == 9, killed.stderr
    assert (pkg / "publications.csv").read_bytes() in (old_publications, new_publications), "never a part"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))
    if _status_of(pkg, NEXT) == "published":
        assert (pkg / "archive" / NEXT / "manifest.json").is_file()
    else:  # the old state; at most a snapshot waiting for its publish to be finished
        assert {i.code for i in warnings_of(issues)} <= {"publish-interrupted", "archive-leftover"}
        if (pkg / "archive" / NEXT).exists():
            assert "publish-interrupted" in [i.code for i in warnings_of(issues)]
    result = publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY)
    assert result.published_date == "2026-12-10"
    assert (pkg / "publications.csv").read_bytes() == new_publications
    for name in json.loads((published_cleanly / "archive" / NEXT / "manifest.json").read_text())["files"]:
        assert (pkg / "archive" / NEXT / name).read_bytes() == (
            published_cleanly / "archive" / NEXT / name
        ).read_bytes()
    hidden = [p.name for p in (pkg / "archive").iterdir() if p.name.startswith(".")]
    assert hidden in ([], [archive.LOCK]), "leftovers cleaned"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []


def test_rerunning_after_a_kill_before_the_snapshot_says_it_completed_or_publishes(pkg):
    shutil.copytree(EXAMPLE / "archive" / LAST, pkg / "archive" / f"{archive.TEMP_PREFIX}{NEXT}-x")
    result = publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY)
    assert not result.completed and _status_of(pkg, NEXT) == "published"
    assert not (pkg / "archive" / f"{archive.TEMP_PREFIX}{NEXT}-x").exists()


def test_a_withdrawn_figure_is_shown_on_the_site_like_a_revision(tmp_path):
    """The figure leaves the charts, tables and downloads; its measure page and the revisions log
    say what was published, when it was withdrawn and why."""
    from perfsite.commands.build import build

    site_pkg = tmp_path / "council"
    shutil.copytree(EXAMPLE, site_pkg)
    header, rows = read_rows(site_pkg, "outturns.csv")
    gone = next(r for r in rows if r["measure_id"] == "env-01" and r["period"] == "2025-26-Q2")
    write_rows(site_pkg, "outturns.csv", header, [r for r in rows if r is not gone])
    reason = "Tonnage returns for the quarter were found to be double counted"
    append_row(
        site_pkg,
        "withdrawals.csv",
        {"period": "2025-26-Q2", "measure_id": "env-01", "withdrawn_date": "2026-10-01", "reason": reason},
    )
    _, issues = validate(site_pkg)
    assert errors_of(issues) == [], [str(i) for i in errors_of(issues)]
    out = tmp_path / "site"
    build(site_pkg, out=out)
    page = (out / "measures" / "env-01" / "index.html").read_text(encoding="utf-8")
    assert "Withdrawn on 1 October 2026" in page and reason in page
    log = (out / "data" / "revisions" / "index.html").read_text(encoding="utf-8")
    assert "Withdrawn figures" in log and reason in log
    measure_csv = (out / "data" / "measures" / "env-01.csv").read_text(encoding="utf-8-sig")
    assert "2025-26-Q2" not in measure_csv


def test_a_full_disk_during_publish_is_a_plain_message_and_running_again_finishes(pkg, monkeypatch):
    import errno

    before = (pkg / "publications.csv").read_bytes()

    def full(step: str) -> None:
        if step == "wrote outturns.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(pkg / "archive" / "x"))

    monkeypatch.setattr(archive_writer, "after_step", full)
    with pytest.raises(
        PublishError, match=r"while publishing 2026-27-Q2 \(the disk is full\); nothing published"
    ):
        publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY)
    assert (pkg / "publications.csv").read_bytes() == before and not (pkg / "archive" / NEXT).exists()
    monkeypatch.setattr(archive_writer, "after_step", lambda step: None)
    assert publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY).published_date == "2026-12-10"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []


# -- a snapshot left with a pending marker is finished only when a publish would write it ----------------


def _forge(pkg: Path, published_cleanly: Path, edit=None) -> None:
    """Copy a real snapshot of NEXT into ``pkg``'s archive as an interrupted publish would leave it,
    ``edit`` changing its files first (checksums recomputed: a careful forger's copy)."""
    snapshot = Path(shutil.copytree(published_cleanly / "archive" / NEXT, pkg / "archive" / NEXT))
    if edit is not None:
        edit(snapshot)
        manifest = json.loads((snapshot / "manifest.json").read_text())
        manifest["files"] = {n: archive.sha256((snapshot / n).read_bytes()) for n in manifest["files"]}
        (snapshot / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (pkg / "archive" / f"{archive.PENDING_PREFIX}{NEXT}").write_text("2026-12-10\n")


def _unapproved_figure(snapshot: Path) -> None:
    header, rows = read_rows(snapshot, "outturns.csv")
    row = next(r for r in rows if r["period"] == NEXT and r["value"])
    row["value"] = "99"
    write_rows(snapshot, "outturns.csv", header, rows)


def test_a_forged_snapshot_with_a_pending_marker_is_never_finished(pkg, published_cleanly):
    _forge(pkg, published_cleanly, _unapproved_figure)
    told: list[str] = []
    result = publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY, on_report=told.extend)
    assert not result.completed, "the forged snapshot was finished"
    assert any("does not hold what publishing it now would write" in line for line in told), told
    for name in json.loads((published_cleanly / "archive" / NEXT / "manifest.json").read_text())["files"]:
        assert (pkg / "archive" / NEXT / name).read_bytes() == (
            published_cleanly / "archive" / NEXT / name
        ).read_bytes(), name
    aside = pkg / "archive" / f"{archive.SET_ASIDE_PREFIX}{NEXT}-1"
    assert (aside / "outturns.csv").is_file(), "set aside, never deleted"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and [i.code for i in warnings_of(issues)] == ["archive-set-aside"]
    from perfsite.commands.build import build

    out = pkg.parent / "site"
    build(pkg, out=out)
    assert not [p for p in out.rglob("*") if "set-aside" in str(p)]


def test_a_forged_snapshot_of_a_draft_quarter_is_set_aside_by_any_publish(pkg, published_cleanly):
    set_cell(pkg, "publications.csv", "status", "draft", lambda r: r["period"] == NEXT)
    _forge(pkg, published_cleanly)
    before = (pkg / "publications.csv").read_bytes()
    told: list[str] = []
    with pytest.raises(PublishError, match="not approved"):
        publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY, on_report=told.extend)
    assert any(f"{NEXT} is draft, not approved" in line for line in told), told
    assert (pkg / "publications.csv").read_bytes() == before
    assert not (pkg / "archive" / NEXT).exists()
    assert not (pkg / "archive" / "chain.json").exists(), "the example's archive predates the chain"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and [i.code for i in warnings_of(issues)] == ["archive-set-aside"]


def test_a_package_changed_after_a_killed_publish_is_published_afresh(pkg):
    killed = subprocess.run(
        [sys.executable, "-c", KILL.format(period=NEXT), str(pkg), "replaced chain.json"],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 9, killed.stderr
    assert json.loads((pkg / "archive" / "chain.json").read_text())["latest"] == NEXT
    set_cell(
        pkg,
        "outturns.csv",
        "commentary",
        "Edited after the publish was killed",
        lambda r: r["period"] == NEXT,
    )
    told: list[str] = []
    result = publish_period(pkg, NEXT, dt.date(2026, 12, 10), today=TODAY, on_report=told.extend)
    assert not result.completed and any("set aside" in line for line in told)
    assert "Edited after the publish was killed" in (pkg / "archive" / NEXT / "outturns.csv").read_text()
    assert _status_of(pkg, NEXT) == "published"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and [i.code for i in warnings_of(issues)] == ["archive-set-aside"]


def test_a_publish_killed_after_marking_the_quarter_published_builds_the_quarter_whole(
    pkg, published_cleanly
):
    """Only the pending marker was left to remove: the release is public, its figures shown."""
    from perfsite.commands.build import build

    killed = subprocess.run(
        [sys.executable, "-c", KILL.format(period=NEXT), str(pkg), "replaced publications.csv"],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 9, killed.stderr
    assert (pkg / "archive" / f"{archive.PENDING_PREFIX}{NEXT}").exists()
    sites = {}
    for name, package in (("killed", pkg), ("clean", published_cleanly)):
        build(package, out=pkg.parent / name)
        sites[name] = (pkg.parent / name / "data" / "performance.csv").read_bytes()
    assert sites["killed"] == sites["clean"]


def test_a_different_publish_after_a_killed_one_finishes_it_and_says_so(pkg):
    from perfsite.commands.publish import publish_corrections

    killed = subprocess.run(
        [sys.executable, "-c", KILL.format(period=NEXT), str(pkg), "snapshot in place"],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 9, killed.stderr
    with pytest.raises(PublishError, match=f"the interrupted publish of {NEXT} was finished first") as caught:
        publish_corrections(pkg, dt.date(2026, 12, 11), today=TODAY)
    assert "nothing was changed" not in str(caught.value)
    assert _status_of(pkg, NEXT) == "published"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []


def test_a_release_already_marked_published_is_finished_whatever_changed_since(pkg):
    """Killed after publications.csv said published: the release is public, so a later edit (a
    correction waiting for the next release) never sets it aside."""
    from perfsite.commands.publish import publish_corrections

    killed = subprocess.run(
        [sys.executable, "-c", KILL.format(period=NEXT), str(pkg), "replaced publications.csv"],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 9, killed.stderr
    set_cell(pkg, "outturns.csv", "commentary", "Edited after the kill", lambda r: r["period"] == LAST)
    result = publish_corrections(pkg, dt.date(2026, 12, 11), today=TODAY)
    assert result.finished == (NEXT,) and result.corrections == 1
    assert (pkg / "archive" / NEXT / "manifest.json").is_file()
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []
