"""The approval gate: nothing reaches any output before the committee has considered it.

A public build includes only periods whose publication status is ``published``; a preview
adds ``approved`` and ``draft`` ones. Every data row is tied to the publication that
releases it: a quarter to itself, a month to its quarter, a financial year to its Q4
report. Targets for a financial year are released with the first published quarter of that
year. Everything downstream (pages, search, charts, CSVs, zip, feed, sitemap) is made from
the frames this module returns, so the gate is in one place.
"""

from __future__ import annotations

import pandas as pd

from ..standard import periods

PUBLIC_STATUSES = ("published",)
PREVIEW_STATUSES = ("published", "approved", "draft")


def included_publications(publications: pd.DataFrame, preview: bool = False) -> pd.DataFrame:
    """The publication rows a build may show, oldest first."""
    statuses = PREVIEW_STATUSES if preview else PUBLIC_STATUSES
    rows = publications[publications["status"].isin(statuses)].copy()
    rows["_key"] = rows["period"].map(periods.sort_key)
    return rows.sort_values("_key").drop(columns="_key").reset_index(drop=True)


def releasing_publication(period_id: str) -> str:
    """The publication period that releases data for ``period_id``."""
    p = periods.parse(period_id)
    if p.kind == "year":
        return periods.Period(p.start_year, "quarter", 4).id
    return p.quarter().id


def _released(column: pd.Series, released: set[str]) -> pd.Series:
    lookup = {value: releasing_publication(value) in released for value in column.unique()}
    return column.map(lookup).astype(bool)


def _released_set(publications: pd.DataFrame) -> tuple[set[str], set[str]]:
    """The publication periods that release rows (a year publication also releases its Q4's), and
    the financial years they fall in."""
    released = set(publications["period"])
    released_years = {periods.parse(p).year_id for p in released}
    # a year publication (rare) releases itself as well as the quarter scheme above
    released |= {
        periods.Period(periods.parse(p).start_year, "quarter", 4).id
        for p in released
        if periods.parse(p).kind == "year"
    }
    return released, released_years


#: the resources whose rows a publication releases, by their period
PERIOD_RESOURCES = ("outturns", "exceptions", "project_updates", "benchmarks", "targets")


def released_rows(name: str, frame: pd.DataFrame, publications: pd.DataFrame) -> pd.Series:
    """Which rows of ``frame`` (the resource ``name``, one of :data:`PERIOD_RESOURCES`) the given
    publications release: a year's targets with any publication of that year."""
    released, released_years = _released_set(publications)
    if name != "targets":
        return _released(frame["period"], released)
    return pd.Series(
        [
            (periods.parse(p).kind == "year" and p in released_years) or releasing_publication(p) in released
            for p in frame["period"]
        ],
        index=frame.index,
        dtype=bool,
    )


def restrict(frames: dict[str, pd.DataFrame], publications: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Frames holding only data released by the given publications."""
    out = dict(frames)
    for name in PERIOD_RESOURCES:
        frame = frames[name]
        out[name] = frame[released_rows(name, frame, publications)].reset_index(drop=True)
    pubs = frames["publications"]
    out["publications"] = pubs[pubs["period"].isin(set(publications["period"]))].reset_index(drop=True)
    return out
