"""Which target a figure is compared with: the measure's target for the figure's own period, or the
year's target for a cumulative figure (see the rules page)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..standard import periods


# -- periods ---------------------------------------------------------------------------------
def _period_info(period_ids) -> pd.DataFrame:
    """Facts about each distinct period identifier (a loop over distinct periods, not rows)."""
    records = {}
    for pid in pd.unique(np.asarray(period_ids, dtype=object)):
        p = periods.parse(pid)
        quarter = p.quarter()
        records[pid] = {
            "year_id": p.year_id,
            "quarter_id": quarter.id if p.kind == "month" else "",
            "ends_quarter": p.kind == "month" and p.number % 3 == 0,
            "ends_year": (p.kind, p.number) in {("quarter", 4), ("month", 12)},
            "previous": p.previous().id,
            "year_earlier": p.year_earlier().id,
            "sort_end": p.end_key(),
            "start": p.dates()[0].isoformat(),
            "end": p.dates()[1].isoformat(),
            "sort_kind": periods.sort_key(pid)[1],
        }
    columns = ["year_id", "quarter_id", "ends_quarter", "ends_year", "previous", "year_earlier"]
    extra = ["sort_end", "sort_kind", "start", "end"]
    return pd.DataFrame.from_dict(records, orient="index", columns=[*columns, *extra])


def _lookup(table: pd.DataFrame, column: str):
    """A function (measure_ids, period_ids) → values of ``column`` for those keys (NaN when absent)."""
    series = table.drop_duplicates(["measure_id", "period"]).set_index(["measure_id", "period"])[column]

    def fetch(measure_ids, period_ids) -> np.ndarray:
        index = pd.MultiIndex.from_arrays([np.asarray(measure_ids, object), np.asarray(period_ids, object)])
        return series.reindex(index).to_numpy()

    return fetch


# -- applicable target ---------------------------------------------------------------------
def _targets_for(measure_ids, period_ids, cumulative: np.ndarray, targets: pd.DataFrame, info: pd.DataFrame):
    fetch = _lookup(targets, "target")
    ids = np.asarray(measure_ids, object)
    own = np.asarray(period_ids, object)
    facts = info.loc[own]
    quarter = np.where(
        cumulative, np.where(facts["ends_quarter"], facts["quarter_id"], ""), facts["quarter_id"]
    )
    is_year = facts["year_id"].to_numpy() == own
    year = np.where(is_year | (cumulative & ~facts["ends_year"].to_numpy(bool)), "", facts["year_id"])
    target = np.full(len(own), np.nan)
    target_period = np.full(len(own), "", dtype=object)
    for candidate in (own, quarter, year):  # three vectorised look-ups, in order of preference
        found = fetch(ids, candidate).astype("float64")
        use = np.isnan(target) & ~np.isnan(found) & (candidate != "")
        target = np.where(use, found, target)
        target_period = np.where(use, candidate, target_period)
    return target, target_period


def applicable_targets(measures: pd.DataFrame, targets: pd.DataFrame, outturns: pd.DataFrame) -> pd.DataFrame:
    """The outturn rows with the ``target`` that applies to each and the ``target_period`` it was set for.

    The period's own target; else, for a snapshot measure, its quarter's (for a month) and then its
    financial year's; for a cumulative measure only a target for a period ending at the same time
    (the quarter a quarter-end month closes, or the year at Q4/M12). No target: NaN and ``""``.
    """
    rows = outturns.copy()
    aggregation = rows["measure_id"].map(measures.set_index("measure_id")["aggregation"])
    info = _period_info(rows["period"])
    rows["target"], rows["target_period"] = _targets_for(
        rows["measure_id"], rows["period"], (aggregation == "cumulative").to_numpy(), targets, info
    )
    return rows
