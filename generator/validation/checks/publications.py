"""Publications: each quarter's approval and publication rows."""

from __future__ import annotations

import pandas as pd

from ...errors import Issue
from ...files.load import Package
from ...standard import periods
from .cells import _col, _has, flagged_rows


def publication_issues(package: Package) -> list[Issue]:
    """Published periods need outturns and a publication date no earlier than the committee."""
    frame = package.raw.get("publications")
    if not _has(frame, "period", "status"):
        return []
    file = package.file_of("publications")
    issues = []
    outturns = package.raw.get("outturns")
    reported = set()
    if _has(outturns, "period"):
        for value in outturns["period"].unique():
            p = periods.try_parse(value)
            if p:
                reported.add(p.id)
                if p.quarter():
                    reported.add(p.quarter().id)
    status = _col(frame, "status")
    published = status.eq("published")
    # outturns.csv unread, or without its period column: its own error says so
    lacking = ~frame["period"].isin(reported) & _has(outturns, "period")
    for position, row in flagged_rows(frame, published & lacking):
        issues.append(
            Issue(
                "published-without-outturns",
                "the period is published but outturns.csv has no outturns for it",
                file=file,
                row=row,
                field="period",
                value=frame["period"].iloc[position],
                hint="add the period's outturns, or set the status back to approved",
            )
        )
    no_date = _col(frame, "published_date").str.strip().eq("") & _has(frame, "published_date")
    for _, row in flagged_rows(frame, published & no_date):
        issues.append(
            Issue(
                "published-date-missing",
                "a published period needs its published_date",
                file=file,
                row=row,
                field="published_date",
                value="",
                hint="use `perfsite publish PACKAGE PERIOD`, which sets it",
            )
        )
    committee = pd.to_datetime(_col(frame, "committee_date"), errors="coerce", format="%Y-%m-%d")
    published_on = pd.to_datetime(_col(frame, "published_date"), errors="coerce", format="%Y-%m-%d")
    for position, row in flagged_rows(
        frame, committee.notna() & published_on.notna() & (committee > published_on)
    ):
        issues.append(
            Issue(
                "published-before-committee",
                "published_date is before the committee considered the report",
                file=file,
                row=row,
                field="committee_date",
                value=frame["committee_date"].iloc[position],
                hint="nothing is published before committee: check both dates",
            )
        )
    return issues
