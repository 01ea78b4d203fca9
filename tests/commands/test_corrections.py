"""A considered report stays as considered, and a correction becomes public with a release.

Until a release carries it (the next quarter's publish, or ``publish --corrections``), a
corrected published figure stays as last released on the public site; a preview shows it,
marked as not yet public. Once released, the quarter's report still shows the figure as
published, with a "Revised" mark giving the corrected value, the release and date, and the note;
the measure page and the revisions log name the release and its date.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from perfsite.commands.build import build
from perfsite.commands.publish import publish_corrections, publish_period
from perfsite.commands.status import status
from perfsite.commands.synth import synthesise
from perfsite.errors import PublishError, errors_of, warnings_of
from perfsite.files import archive
from perfsite.validation.validate import validate

from ..corpus import EXAMPLE, read_rows, set_cell, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

QUARTER = "2026-27-Q2"  # synth's approved quarter, published here on 20 November 2026
MEASURE = "m0002"
NOTE = "Revised after late returns from the county council"
TODAY = dt.date(2027, 1, 15)


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """A package whose published figure was corrected after publication: (package, first, now)."""
    pkg = synthesise(tmp_path_factory.mktemp("c") / "pkg", measures=14, years=2, projects=4, seed=3)
    publish_period(pkg, QUARTER, dt.date(2026, 11, 20), today=TODAY)
    header, rows = read_rows(pkg, "outturns.csv")
    row = next(r for r in rows if (r["measure_id"], r["period"]) == (MEASURE, QUARTER))
    first = row["value"]
    row.update(value="987654", revision_note=NOTE)
    write_rows(pkg, "outturns.csv", header, rows)
    return pkg, first, "987,654"


def _copy(pkg: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pkg, tmp_path / "pkg"))


def _site_text(out: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".csv", ".json", ".xml", ".svg") and "assets" not in p.parts
    )


def test_a_correction_is_not_public_until_a_release_carries_it(corrected, tmp_path):
    pkg, first, _ = corrected
    out = tmp_path / "public"
    build(pkg, out=out)
    assert "987654" not in _site_text(out), "the corrected value leaked before its release"
    report = (out / "reports" / QUARTER.lower() / "index.html").read_text(encoding="utf-8")
    assert "ps-revised" not in report
    measure = pd.read_csv(out / "data" / "measures" / f"{MEASURE}.csv", dtype=str, keep_default_na=False)
    assert measure.loc[measure["period"] == QUARTER, "value"].map(float).tolist() == [float(first)]
    assert len(pd.read_csv(out / "data" / "revisions.csv")) == 0


def test_a_preview_shows_the_correction_marked_as_not_yet_public(corrected, tmp_path):
    pkg, first, shown = corrected
    out = tmp_path / "preview"
    build(pkg, out=out, preview=True)
    report = (out / "reports" / QUARTER.lower() / "index.html").read_text(encoding="utf-8")
    # the published figure was red; the corrected one is green, and the mark says so
    assert f"corrected to {shown} (green), not yet public" in report and NOTE in report
    log = pd.read_csv(out / "data" / "revisions.csv", dtype=str, keep_default_na=False)
    assert log[["measure_id", "revised_in", "revised_published_date"]].values.tolist() == [[MEASURE, "", ""]]


def test_status_lists_the_correction_the_next_publish_makes_public(corrected):
    pkg, first, _ = corrected
    r = status(pkg, QUARTER)
    assert [(c["measure_id"], c["period"], c["kind"], c["released_value"]) for c in r.corrections] == [
        (MEASURE, QUARTER, "corrected", first)
    ]
    result = subprocess.run(
        [sys.executable, "-m", "perfsite.cli", "status", str(pkg), QUARTER],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Corrections not yet public" in result.stdout and f"{first} → 987654" in result.stdout


def test_publish_corrections_releases_them_and_the_report_stays_as_considered(corrected, tmp_path):
    pkg = _copy(corrected[0], tmp_path)
    first, shown = corrected[1], corrected[2]
    result = publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY)
    name = "corrections-2026-12-01"
    assert (result.period, result.corrections) == (name, 1)
    manifest = json.loads((pkg / "archive" / name / "manifest.json").read_text())
    assert manifest["release"] == "corrections" and manifest["published_date"] == "2026-12-01"
    assert manifest["corrections"] == [{"measure_id": MEASURE, "period": QUARTER, "kind": "corrected"}]
    assert QUARTER in manifest["chain"]
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []
    with pytest.raises(PublishError, match="no correction is waiting"):
        publish_corrections(pkg, dt.date(2026, 12, 2), today=TODAY)

    out = tmp_path / "site"
    build(pkg, out=out)
    log = pd.read_csv(out / "data" / "revisions.csv", dtype=str, keep_default_na=False)
    assert log[["measure_id", "period", "first_published_in", "first_published_date"]].values.tolist() == [
        [MEASURE, QUARTER, QUARTER, "2026-11-20"]
    ]
    assert (log.at[0, "revised_in"], log.at[0, "revised_published_date"]) == (name, "2026-12-01")
    assert float(log.at[0, "first_published_value"]) == float(first) and float(log.at[0, "value"]) == 987654
    # the report shows the figure as published, marked, with the correction beside it
    report = (out / "reports" / QUARTER.lower() / "index.html").read_text(encoding="utf-8")
    row = report[report.index(f'measures/{MEASURE}/"') :].split("</tr>")[0]
    assert f">{first}<br>" in row.replace(",", "")
    assert (
        f"Revised</a> to {shown} in the corrections release of 1 December 2026; the corrected figure is green. {NOTE}."
        in row
    )
    # wherever the quarter is shown as considered, the figure carries its mark
    mark = f"to {shown} in the corrections release of 1 December 2026; the corrected figure is green. {NOTE}."
    for where in ("measures/index.html", "priorities/p01/index.html"):
        assert mark in (out / where).read_text(encoding="utf-8"), where
    assert report.count(mark) == 2, "the measures table and the exception report of a red as published"
    page = (out / "measures" / MEASURE / "index.html").read_text(encoding="utf-8")
    assert "corrected in the corrections release of 1 December 2026" in page
    revisions = (out / "data" / "revisions" / "index.html").read_text(encoding="utf-8")
    assert "the corrections release of 1 December 2026" in revisions and "revisions-policy" in revisions
    measure = pd.read_csv(out / "data" / "measures" / f"{MEASURE}.csv", dtype=str, keep_default_na=False)
    assert measure.loc[measure["period"] == QUARTER, "value"].map(float).tolist() == [987654.0]
    assert (out / "data" / "archive" / name / "manifest.json").is_file()
    data_page = (out / "data" / "index.html").read_text(encoding="utf-8")
    assert f'href="archive/{name}/manifest.json"' in data_page
    assert "of the corrections release of 1 December 2026" in data_page


def test_a_corrections_release_is_dated_in_order_and_named_apart_on_one_day(corrected, tmp_path):
    pkg = _copy(corrected[0], tmp_path)
    with pytest.raises(PublishError, match="before the latest release"):
        publish_corrections(pkg, dt.date(2026, 11, 19), today=TODAY)
    with pytest.raises(PublishError, match="later than today"):
        publish_corrections(pkg, dt.date(2027, 1, 16), today=TODAY)
    publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY)
    set_cell(
        pkg, "outturns.csv", "value", "987655", lambda r: (r["measure_id"], r["period"]) == (MEASURE, QUARTER)
    )
    second = publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY)
    assert second.period == "corrections-2026-12-01-2"
    assert [r.name for r in archive.releases(pkg)][-2:] == [
        "corrections-2026-12-01",
        "corrections-2026-12-01-2",
    ]
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == []


KILL = textwrap.dedent(
    """
    import datetime as dt, os, sys
    from perfsite.files import archive_writer
    from perfsite.commands.publish import publish_corrections

    def die(name):
        if name == sys.argv[2]:
            os._exit(9)
    archive_writer.after_step = die
    publish_corrections(sys.argv[1], dt.date(2026, 12, 1), today=dt.date(2027, 1, 15))
    """
)


@pytest.mark.parametrize("step", ["snapshot in place", "temp chain.json"])
def test_an_interrupted_corrections_release_is_finished_by_running_it_again(corrected, tmp_path, step):
    pkg = _copy(corrected[0], tmp_path)
    killed = subprocess.run([sys.executable, "-c", KILL, str(pkg), step], capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and "publish-interrupted" in {i.code for i in warnings_of(issues)}
    result = publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY)
    assert result.completed and result.period == "corrections-2026-12-01"
    assert json.loads((pkg / "archive" / "chain.json").read_text())["latest"] == "corrections-2026-12-01"
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []


def test_the_next_quarters_publish_makes_a_correction_public(tmp_path):
    """The other route: a correction to Q1 made before Q2 is published becomes public with Q2."""
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    header, rows = read_rows(pkg, "outturns.csv")
    row = next(r for r in rows if r["period"] == "2026-27-Q1" and r["value"] and "." not in r["value"])
    measure_id, first = row["measure_id"], row["value"]
    row.update(value=str(int(first) + 3), revision_note="Late returns")
    write_rows(pkg, "outturns.csv", header, rows)
    publish_period(pkg, "2026-27-Q2", dt.date(2026, 12, 10), today=TODAY)
    with open(pkg / "archive" / "2026-27-Q2" / "outturns.csv", encoding="utf-8") as fh:
        carried = {(r["measure_id"], r["period"]): r["value"] for r in csv.DictReader(fh)}
    assert carried[(measure_id, "2026-27-Q1")] == str(int(first) + 3)
    out = tmp_path / "site"
    build(pkg, out=out)
    log = pd.read_csv(out / "data" / "revisions.csv", dtype=str, keep_default_na=False)
    assert log[["measure_id", "period", "revised_in", "revised_published_date"]].values.tolist() == [
        [measure_id, "2026-27-Q1", "2026-27-Q2", "2026-12-10"]
    ]
    report = (out / "reports" / "2026-27-q1" / "index.html").read_text(encoding="utf-8")
    # (and, when the correction changes the rating, the corrected figure's status)
    assert re.search(
        r"in the Q2 2026/27 release of 10 December 2026(?:; the corrected figure is \w+)?\. Late returns\.",
        report,
    )


# -- what publish says before it archives ---------------------------------------------------------------


def test_publish_prints_what_becomes_public_that_needs_a_second_look(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    red = status(pkg).reds_with_report[0]
    header, rows = read_rows(pkg, "exceptions.csv")
    write_rows(
        pkg,
        "exceptions.csv",
        header,
        [e for e in rows if (e["measure_id"], e["period"]) != (red, "2026-27-Q2")],
    )
    header, rows = read_rows(pkg, "outturns.csv")
    quarterly = next(r for r in rows if r["period"] == "2026-27-Q2" and r["measure_id"] != red)
    quarterly.update(value="", missing_reason="System outage")
    corrected = next(r for r in rows if r["period"] == "2026-27-Q1" and r["value"] and "." not in r["value"])
    corrected.update(value=str(int(corrected["value"]) + 1), revision_note="Late returns")
    write_rows(pkg, "outturns.csv", header, rows)
    script = textwrap.dedent(
        """
        import datetime as dt, sys
        from perfsite.cli import cli
        from perfsite.commands import publish
        real = publish.publish_period
        publish.publish_period = lambda *a, **k: real(*a, **{**k, "today": dt.date(2027, 1, 15)})
        cli(sys.argv[1:])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "publish", str(pkg), "2026-27-Q2", "--date", "2026-12-10"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (
        f"red measure(s) without an exception report (the site will say none was published): {red}"
        in result.stderr
    )
    assert f"{quarterly['measure_id']} (System outage)" in result.stderr
    assert (
        f"{corrected['measure_id']} 2026-27-Q1:" in result.stderr
        and "become public with this publish" in result.stderr
    )
    assert "✓ 2026-27-Q2 is published" in result.stdout


def test_publish_tells_the_officer_before_anything_is_archived(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    set_cell(pkg, "outturns.csv", "value", "", lambda r: r["period"] == "2026-27-Q2")
    set_cell(
        pkg,
        "outturns.csv",
        "missing_reason",
        "Late",
        lambda r: r["period"] == "2026-27-Q2" and not r["value"],
    )
    told = []

    def report(lines: list[str]) -> None:
        assert not (pkg / "archive" / "2026-27-Q2").exists(), "told after archiving"
        told.extend(lines)

    publish_period(pkg, "2026-27-Q2", dt.date(2026, 12, 10), today=TODAY, on_report=report)
    assert any("without a figure for 2026-27-Q2" in line for line in told)


def test_publish_needs_a_period_or_corrections_but_not_both(corrected):
    pkg = corrected[0]
    for args in ([], ["2026-27-Q2", "--corrections"], ["--corrections", "--adopt"]):
        result = subprocess.run(
            [sys.executable, "-m", "perfsite.cli", "publish", str(pkg), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)


def test_a_period_is_published_only_after_it_has_ended(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    set_cell(pkg, "publications.csv", "committee_date", "2026-09-20", lambda r: r["period"] == "2026-27-Q2")
    before = (pkg / "publications.csv").read_bytes()
    with pytest.raises(
        PublishError, match="2026-27-Q2 ends on 30 September 2026: a period is published only after"
    ):
        publish_period(pkg, "2026-27-Q2", dt.date(2026, 9, 30), today=TODAY)
    assert (pkg / "publications.csv").read_bytes() == before and not (pkg / "archive" / "2026-27-Q2").exists()
    assert publish_period(pkg, "2026-27-Q2", dt.date(2026, 10, 1), today=TODAY).published_date == "2026-10-01"


# -- every field of a published row is public as a release carried it -----------------------------------

OTHER = "m0003"  # a second figure of the quarter, whose commentary is edited after publication


@pytest.fixture(scope="module")
def amended(tmp_path_factory):
    """A published quarter whose rows were edited after publication without changing a figure:
    MEASURE gets a status override (with its reason and a revision note), OTHER new commentary.
    Returns (package, the status MEASURE was published with)."""
    pkg = synthesise(tmp_path_factory.mktemp("a") / "pkg", measures=14, years=2, projects=4, seed=3)
    publish_period(pkg, QUARTER, dt.date(2026, 11, 20), today=TODAY)
    out = tmp_path_factory.mktemp("first") / "site"
    build(pkg, out=out)
    performance = pd.read_csv(out / "data" / "performance.csv", dtype=str, keep_default_na=False)
    published = performance.set_index(["measure_id", "period"]).at[(MEASURE, QUARTER), "status"]
    override = "green" if published != "green" else "red"
    header, rows = read_rows(pkg, "outturns.csv")
    for r in rows:
        if (r["measure_id"], r["period"]) == (MEASURE, QUARTER):
            r.update(
                status_override=override, override_reason="Unapproved reason", revision_note="Status reset"
            )
        if (r["measure_id"], r["period"]) == (OTHER, QUARTER):
            r.update(commentary="Unapproved commentary")
    write_rows(pkg, "outturns.csv", header, rows)
    return pkg, published, override


def test_an_edited_published_row_stays_as_released_until_a_release_carries_it(amended, tmp_path):
    pkg, published, _ = amended
    out = tmp_path / "public"
    build(pkg, out=out)
    text = _site_text(out)
    assert "Unapproved" not in text and "Status reset" not in text, "an edit leaked before its release"
    performance = pd.read_csv(out / "data" / "performance.csv", dtype=str, keep_default_na=False)
    assert performance.set_index(["measure_id", "period"]).at[(MEASURE, QUARTER), "status"] == published
    preview = tmp_path / "preview"
    build(pkg, out=preview, preview=True)
    assert "Unapproved commentary" in _site_text(preview)


def test_status_and_publish_corrections_list_an_edited_published_row(amended, tmp_path):
    pkg = _copy(amended[0], tmp_path)
    r = status(pkg, QUARTER)
    kinds = {(c["measure_id"], c["kind"], c["fields"]) for c in r.corrections}
    assert kinds == {
        (MEASURE, "amended", "status_override, override_reason, revision_note"),
        (OTHER, "amended", "commentary"),
    }
    told: list[str] = []
    result = publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY, on_report=told.extend)
    assert result.corrections == 2
    assert any(f"{OTHER} {QUARTER}: commentary changed" in line for line in told), told


def test_a_changed_status_override_of_a_published_figure_needs_a_revision_note(amended, tmp_path):
    pkg = _copy(amended[0], tmp_path)
    row = set_cell(
        pkg,
        "outturns.csv",
        "revision_note",
        "",
        lambda r: (r["measure_id"], r["period"]) == (MEASURE, QUARTER),
    )
    _, issues = validate(pkg, today=TODAY)
    found = [(i.code, i.row, i.field) for i in errors_of(issues)]
    assert found == [("revision-note-required", row, "revision_note")], issues
    assert "status_override" in errors_of(issues)[0].message


def test_once_released_the_report_keeps_the_status_the_committee_considered(amended, tmp_path):
    pkg, published, override = amended
    pkg = _copy(pkg, tmp_path)
    publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY)
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []
    out = tmp_path / "site"
    build(pkg, out=out)
    assert "Unapproved commentary" in _site_text(out)
    performance = pd.read_csv(out / "data" / "performance.csv", dtype=str, keep_default_na=False)
    assert performance.set_index(["measure_id", "period"]).at[(MEASURE, QUARTER), "status"] == override
    report = (out / "reports" / QUARTER.lower() / "index.html").read_text(encoding="utf-8")
    row = report[report.index(f'measures/{MEASURE}/"') :].split("</tr>")[0]
    assert f"ps-status--{published}" in row and f"ps-status--{override}" not in row
    assert f"rated {override}, in the corrections release of 1 December 2026. Status reset." in row
    log = pd.read_csv(out / "data" / "revisions.csv", dtype=str, keep_default_na=False)
    assert log[["measure_id", "revised_in", "revision_note"]].values.tolist() == [
        [MEASURE, "corrections-2026-12-01", "Status reset"]
    ]


def test_a_corrections_release_has_its_entry_in_the_feed(corrected, tmp_path):
    from xml.etree import ElementTree

    pkg = _copy(corrected[0], tmp_path)
    publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY)
    out = tmp_path / "site"
    build(pkg, out=out)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(out / "feed.xml").getroot()
    entries = [
        (e.findtext(f"{atom}title"), e.findtext(f"{atom}updated"), e.find(f"{atom}link").get("href"))
        for e in feed.iter(f"{atom}entry")
    ]
    assert entries[0][:2] == ("Corrections to published figures, 1 December 2026", "2026-12-01T00:00:00Z")
    assert entries[0][2].endswith("data/revisions/")
    assert "The council corrected 1 published figure on 1 December 2026" in ElementTree.tostring(
        feed, encoding="unicode"
    )
    assert feed.findtext(f"{atom}updated") == "2026-12-01T00:00:00Z"
    assert len({e.findtext(f"{atom}id") for e in feed.iter(f"{atom}entry")}) == len(entries)


def test_targets_exception_reports_and_updates_of_a_published_quarter_wait_for_a_release(tmp_path):
    """A published quarter's target, exception report and project update edited afterwards: the
    public site keeps them as released (the status the report gave stays) until a release carries
    them; status and publish --corrections say what will change."""
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    publish_period(pkg, QUARTER, dt.date(2026, 11, 20), today=TODAY)
    before = tmp_path / "before"
    build(pkg, out=before)
    in_quarter = lambda r: r["period"] == QUARTER  # noqa: E731
    set_cell(pkg, "targets.csv", "target", "1", lambda r: in_quarter(r) and r["measure_id"] == MEASURE)
    exception = set_cell(pkg, "exceptions.csv", "actions", "Unreleased actions", in_quarter)
    set_cell(pkg, "project_updates.csv", "update", "Unreleased update", in_quarter)
    _, rows = read_rows(pkg, "exceptions.csv")
    red = rows[exception - 2]["measure_id"]
    after = tmp_path / "after"
    build(pkg, out=after)
    for path in before.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (after / path.relative_to(before)).read_bytes(), path
    lines = [c for c in status(pkg, QUARTER).corrections if c["resource"] != "outturns"]
    assert {(c["resource"], c["key"], c["fields"]) for c in lines} == {
        ("targets", f"{MEASURE} {QUARTER}", "target"),
        ("exceptions", f"{red} {QUARTER}", "actions"),
        ("project_updates", f"pr0001 {QUARTER}", "update"),
    }
    result = publish_corrections(pkg, dt.date(2026, 12, 1), today=TODAY)
    assert result.corrections == 3
    build(pkg, out=after)
    text = _site_text(after)
    assert "Unreleased actions" in text and "Unreleased update" in text


def test_changing_how_a_published_measure_is_rated_is_warned_about(corrected, tmp_path):
    pkg = _copy(corrected[0], tmp_path)
    _, rows = read_rows(pkg, "measures.csv")
    polarity = next(r["polarity"] for r in rows if r["measure_id"] == MEASURE)
    flipped = "lower" if polarity == "higher" else "higher"
    row = set_cell(pkg, "measures.csv", "polarity", flipped, lambda r: r["measure_id"] == MEASURE)
    _, issues = validate(pkg, today=TODAY)
    found = [(i.code, i.row, i.field) for i in warnings_of(issues) if i.code == "published-rating-changed"]
    assert found == [("published-rating-changed", row, "polarity")]


def test_changing_the_packages_tolerances_after_a_release_is_warned_about(corrected, tmp_path):
    from ..corpus import edit_descriptor

    pkg = _copy(corrected[0], tmp_path)
    recorded = json.loads((pkg / "archive" / QUARTER / "manifest.json").read_text())["rag"]
    edit_descriptor(pkg, lambda d: d.setdefault("rag", {}).update(amber_tolerance=0.5))
    _, issues = validate(pkg, today=TODAY)
    found = [(i.code, i.file, i.field) for i in warnings_of(issues) if i.code == "published-rating-changed"]
    assert found == [("published-rating-changed", "datapackage.json", "rag.amber_tolerance")]
    assert recorded["amber_tolerance"] != 0.5
