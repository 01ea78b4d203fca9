"""Rows no report releases (they would never appear), and figures for periods not yet ended."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from perfsite.errors import errors_of
from perfsite.validation.validate import validate

from ..corpus import EXAMPLE, TODAY, append_row, read_rows, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def pkg(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))


def unreleased(pkg: Path, today: datetime.date = TODAY) -> list[tuple[str, int, str]]:
    _, issues = validate(pkg, today=today)
    return [(i.file, i.row, i.value) for i in issues if i.code == "period-not-released"]


def drop_publication(pkg: Path, period: str) -> None:
    """Take a report out of publications.csv (and its snapshot: as if it had never been published)."""
    header, rows = read_rows(pkg, "publications.csv")
    write_rows(pkg, "publications.csv", header, [r for r in rows if r["period"] != period])
    if (pkg / "archive" / period).exists():
        shutil.move(pkg / "archive" / period, pkg.parent / f"{pkg.name}-{period}")


def rows_of(pkg: Path, file: str, *periods: str) -> list[tuple[str, int, str]]:
    _, rows = read_rows(pkg, file)
    return [(file, n + 2, r["period"]) for n, r in enumerate(rows) if r["period"] in periods]


def test_months_of_a_reported_quarter_and_targets_set_ahead_are_released(pkg):
    """The example has monthly figures (released by their quarter's report), annual figures (by Q4),
    a year's targets and the targets of quarters still to come: none is warned about."""
    assert rows_of(pkg, "outturns.csv", "2026-27-M04") and rows_of(pkg, "targets.csv", "2026-27-Q4")
    assert unreleased(pkg) == []


def test_a_quarter_missing_between_reports_names_every_row_it_would_release(pkg):
    drop_publication(pkg, "2025-26-Q3")
    months = ("2025-26-M07", "2025-26-M08", "2025-26-M09")
    expected = [
        *rows_of(pkg, "outturns.csv", "2025-26-Q3", *months),
        *rows_of(pkg, "targets.csv", "2025-26-Q3"),
        *rows_of(pkg, "exceptions.csv", "2025-26-Q3"),
        *rows_of(pkg, "project_updates.csv", "2025-26-Q3"),
    ]
    assert len(expected) > 20
    assert sorted(unreleased(pkg)) == sorted(expected)
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == []


def test_a_missing_q4_leaves_the_years_figures_unreleased_but_not_its_targets(pkg):
    drop_publication(pkg, "2025-26-Q4")
    found = unreleased(pkg)
    assert rows_of(pkg, "outturns.csv", "2025-26")[0] in found
    assert not [r for r in found if r[0] == "targets.csv" and r[2] == "2025-26"]  # shown with Q1–Q3


def test_a_report_for_a_year_is_refused_and_adds_no_warning_of_its_own(pkg):
    """A year's figures are released by its Q4 report: a row for the year is an error (the reports
    list would link to a page no build makes), and nothing that only follows from it is said."""
    before = unreleased(pkg)
    row = append_row(
        pkg,
        "publications.csv",
        {"period": "2026-27", "title": "Annual report", "status": "draft", "committee_date": "2027-06-18"},
    )
    _, issues = validate(pkg, today=TODAY)
    assert [(i.code, i.row, i.field) for i in errors_of(issues)] == [
        ("publication-for-a-year", row, "period")
    ]
    assert "write the quarter, 2026-27-Q4" in errors_of(issues)[0].hint
    # the targets of 2026-27-Q3 and Q4 still wait for their reports: not "never released"
    assert unreleased(pkg) == before


def test_rows_after_the_latest_report_wait_for_theirs(pkg):
    """A quarter's rows are collected before its report is added: no warning until then."""
    _, updates = read_rows(pkg, "project_updates.csv")
    append_row(pkg, "project_updates.csv", {**updates[0], "period": "2026-27-Q3"})
    _, outturns = read_rows(pkg, "outturns.csv")
    append_row(pkg, "outturns.csv", {**outturns[-1], "period": "2026-27-Q3", "revision_note": ""})
    assert unreleased(pkg, today=datetime.date(2027, 1, 31)) == []


def test_rows_before_the_first_report_are_named(pkg):
    _, benchmarks = read_rows(pkg, "benchmarks.csv")
    row = append_row(pkg, "benchmarks.csv", {**benchmarks[0], "period": "2021-22"})
    _, issues = validate(pkg, today=TODAY)
    (issue,) = [i for i in issues if i.code == "period-not-released"]
    assert (issue.file, issue.row, issue.field, issue.value) == ("benchmarks.csv", row, "period", "2021-22")
    assert "publications.csv has no row for 2021-22-Q4" in issue.message


def test_a_package_with_no_report_yet_is_not_warned(pkg):
    header, _ = read_rows(pkg, "publications.csv")
    write_rows(pkg, "publications.csv", header, [])
    shutil.rmtree(pkg / "archive")
    header, rows = read_rows(pkg, "withdrawals.csv")
    write_rows(pkg, "withdrawals.csv", header, [])
    assert unreleased(pkg) == []


def test_a_benchmark_for_a_year_not_ended_is_a_figure_not_yet_possible(pkg):
    _, benchmarks = read_rows(pkg, "benchmarks.csv")
    row = append_row(pkg, "benchmarks.csv", {**benchmarks[0], "period": "2026-27"})
    _, issues = validate(pkg, today=TODAY)
    (issue,) = [i for i in issues if i.code == "period-not-ended"]
    assert (issue.file, issue.row, issue.field, issue.value) == ("benchmarks.csv", row, "period", "2026-27")
    assert "ends on 2027-03-31" in issue.message and "today is 2026-12-03" in issue.message
    _, later = validate(pkg, today=datetime.date(2027, 4, 1))
    assert not [i for i in later if i.code == "period-not-ended"]


def test_a_missing_figure_for_a_period_not_ended_is_not_a_figure(pkg):
    _, outturns = read_rows(pkg, "outturns.csv")
    quarterly = next(r for r in outturns if r["period"] == "2026-27-Q2")
    append_row(
        pkg,
        "outturns.csv",
        {
            **quarterly,
            "period": "2026-27-Q3",
            "value": "",
            "missing_reason": "Not due yet",
            "revision_note": "",
        },
    )
    _, issues = validate(pkg, today=TODAY)
    assert not [i for i in issues if i.code == "period-not-ended"]
