"""Rows the site would never show, and figures typed before their period ended.

Every data row reaches the site through the publication that releases it (:mod:`perfsite.rules.gate`):
a quarter's rows through its own report, a month's through its quarter's, a financial year's
through its Q4 report; a year's targets also with any report of that year. A row whose releasing report has no row in ``publications.csv`` — not even a draft —
and ends before the latest report there (in a gap between reports, or before the first) will
never appear, not in a preview either, so validation says so. Rows after the latest report are
waiting for theirs (a quarter's figures are collected before its report is added, and targets
are set in advance): they appear when it is added, and are not warned about.

A figure (an outturn's or a benchmark's value) for a period that has not ended by the day
validation runs cannot be an actual: it is a warning, with the day the period ends. So is a
``published_date`` after that day (a warning, not an error: the officer's clock and a server's may
be a time zone apart).

Checks over the package's text frames, like :mod:`perfsite.validation.checks`: rows whose period cannot be
read are left to the errors that say so.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from ...errors import WARNING, Issue
from ...files.load import Package
from ...rules import gate
from ...standard import periods
from .cells import flagged_rows

#: the resources whose rows a report releases, and what a row of each is called
RELEASED = {
    "outturns": "figure",
    "targets": "target",
    "exceptions": "exception report",
    "project_updates": "project update",
    "benchmarks": "benchmark",
}
#: the resources whose values are figures for their period
FIGURES = (("outturns", "value"), ("benchmarks", "value"))


def _periods(frame: pd.DataFrame) -> dict[str, periods.Period | None]:
    """Each distinct period of a frame's ``period`` column, parsed (None when it cannot be)."""
    return {text: periods.try_parse(text) for text in dict.fromkeys(frame["period"].tolist())}


def unreleased_row_issues(package: Package) -> list[Issue]:
    """Rows for a period no report in ``publications.csv`` releases, before its latest report: they
    never appear on the site."""
    pubs = package.raw.get("publications")
    if pubs is None or "period" not in pubs.columns:
        return []  # publications.csv could not be read: its own error says so
    # a report for a month or a year is an error of its own (checks.period_issues): left out here,
    # so that it adds no warning that only follows from it
    known = [p.id for p in _periods(pubs).values() if p is not None and p.kind == "quarter"]
    if not known:
        return []  # a new package with no report yet: nothing is released, and nothing is expected to be
    released = set(known)
    years = {periods.parse(p).year_id for p in known}
    latest = max(periods.parse(p).end_key() for p in known)
    issues = []
    for resource, what in RELEASED.items():
        frame = package.raw.get(resource)
        if frame is None or "period" not in frame.columns:
            continue
        parsed = _periods(frame)
        missing = {}  # period → the report that would release it
        for text, p in parsed.items():
            if p is None:
                continue
            report = gate.releasing_publication(p.id)
            if report in released or periods.parse(report).end_key() >= latest:
                continue  # released, or waiting for a report still to be added
            if resource == "targets" and p.kind == "year" and p.year_id in years:
                continue  # a year's target shows with any report of the year
            missing[text] = report
        if not missing:
            continue
        text = frame["period"].tolist()
        for position, row in flagged_rows(frame, [t in missing for t in text]):
            report = missing[text[position]]
            issues.append(
                Issue(
                    "period-not-released",
                    f"no report releases this {what}: publications.csv has no row for {report}, "
                    f"so the {text[position]} {what} never appears on the site (not in a preview either)",
                    file=package.file_of(resource),
                    row=row,
                    field="period",
                    value=text[position],
                    hint=f"add {report} to publications.csv (status draft until it is approved), or check the period",
                    severity=WARNING,
                )
            )
    return issues


def unended_figure_issues(package: Package, today: datetime.date) -> list[Issue]:
    """A figure for a period that has not ended by ``today``: it cannot be the period's actual."""
    issues = []
    for resource, column in FIGURES:
        frame = package.raw.get(resource)
        if frame is None or "period" not in frame.columns or column not in frame.columns:
            continue
        ends = {text: p.dates()[1] for text, p in _periods(frame).items() if p is not None}
        future = {text for text, end in ends.items() if end >= today}
        if not future:
            continue
        text = frame["period"].tolist()
        has_figure = frame[column].str.strip().ne("").to_numpy()
        flagged = np.logical_and([t in future for t in text], has_figure)
        for position, row in flagged_rows(frame, flagged):
            end = ends[text[position]]
            issues.append(
                Issue(
                    "period-not-ended",
                    f"this figure is for {text[position]}, which ends on {end.isoformat()}: "
                    f"the period has not ended yet (today is {today.isoformat()})",
                    file=package.file_of(resource),
                    row=row,
                    field="period",
                    value=text[position],
                    hint="check the period; a figure is entered once its period is over (leave the row out until then)",
                    severity=WARNING,
                )
            )
    return issues


def future_publication_issues(package: Package, today: datetime.date) -> list[Issue]:
    """A ``published_date`` after today: ``perfsite publish`` never writes one, so it was typed by hand,
    and the site would say the report was published on a day still to come."""
    frame = package.raw.get("publications")
    if frame is None or "published_date" not in frame.columns:
        return []
    dates = pd.to_datetime(frame["published_date"].str.strip(), errors="coerce", format="%Y-%m-%d")
    values = frame["published_date"].tolist()
    return [
        Issue(
            "published-date-in-future",
            f"published_date is after today ({today.isoformat()}): the site would say the report was "
            "published on a day still to come",
            file=package.file_of("publications"),
            row=row,
            field="published_date",
            value=values[position],
            hint="check the date; `perfsite publish` sets it on the day of publishing",
            severity=WARNING,
        )
        for position, row in flagged_rows(frame, (dates > pd.Timestamp(today)).to_numpy())
    ]


def release_issues(package: Package, today: datetime.date) -> list[Issue]:
    """Rows no report releases, figures for periods not yet ended, reports published in the future."""
    return [
        *unreleased_row_issues(package),
        *unended_figure_issues(package, today),
        *future_publication_issues(package, today),
    ]
