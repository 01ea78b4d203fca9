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

from . import periods

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


def restrict(frames: dict[str, pd.DataFrame], publications: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Frames holding only data released by the given publications."""
    released = set(publications["period"])  # quarters: validation refuses a report for a month or a year
    released_years = {periods.parse(p).year_id for p in released}
    out = dict(frames)
    for name in ("outturns", "exceptions", "project_updates", "benchmarks"):
        frame = frames[name]
        out[name] = frame[_released(frame["period"], released)].reset_index(drop=True)
    targets = frames["targets"]
    keep = pd.Series(
        [
            (periods.parse(p).kind == "year" and p in released_years) or releasing_publication(p) in released
            for p in targets["period"]
        ],
        index=targets.index,
        dtype=bool,
    )
    out["targets"] = targets[keep].reset_index(drop=True)
    pubs = frames["publications"]
    out["publications"] = pubs[pubs["period"].isin(set(publications["period"]))].reset_index(drop=True)
    return out
