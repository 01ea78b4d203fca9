"""The quarter as a committee reads it: which outturn of each measure belongs in a quarter's report.

A quarterly report shows, for every measure, the outturn for that quarter:

- a **quarterly** measure: the quarter itself;
- a **monthly** measure: the last month of the quarter (Q2 → September, ``M06``);
- an **annual** measure: the financial year, in the Q4 report only. In Q1–Q3 an annual
  measure is shown grey, "reported at year end" (seed 003: grey covers "annual reporting
  where an outturn is not yet reported").

Pure functions over the performance table; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import rules
from ..standard import periods

NOT_DUE_REASON = "not_due"


def reporting_period(frequency: str, quarter_id: str) -> str | None:
    """The period whose outturn a measure of ``frequency`` contributes to the quarter's report."""
    q = periods.parse(quarter_id)
    if frequency == "quarterly":
        return q.id
    if frequency == "monthly":
        return periods.Period(q.start_year, "month", q.number * 3).id
    if frequency == "annual":
        return q.year_id if q.number == 4 else None
    raise ValueError(f"unknown frequency {frequency!r}")


def compared_period(frequency: str, quarter_id: str) -> str:
    """The period whose figure stands for a measure when "what changed" compares two reports: the
    period the report shows; for an annual measure before Q4, the year before — the figure its
    last Q4 report showed, which the report quotes as its latest. So an annual measure is compared
    year on year in Q4, and is never counted as moving to or from "not due" in Q1."""
    shown = reporting_period(frequency, quarter_id)
    return (
        shown if shown is not None else periods.Period(periods.parse(quarter_id).start_year - 1, "year", 0).id
    )


def row_positions(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Each row's position in ``frame`` (the performance table, exceptions) by ``(measure_id, period)``.

    Made once for a build, it lets every quarter's report find its rows by lookup instead of
    merging the whole table again for each quarter."""
    return {key: i for i, key in enumerate(zip(frame["measure_id"], frame["period"], strict=True))}


def _merged_key(column: pd.Series, other: pd.Series) -> pd.Series:
    # a merge's key column keeps its type only when both sides share it; otherwise it is object
    return column if column.dtype == other.dtype else column.astype(object)


def quarter_rows(
    performance: pd.DataFrame,
    measures: pd.DataFrame,
    quarter_id: str,
    positions: dict[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """One row per measure for the quarter's report: the measure's columns joined to its outturn row.

    Measures with no outturn for the quarter get status grey with reason ``no_value`` (or
    ``not_due`` for an annual measure before Q4), so a report always lists every measure.
    ``positions``: :func:`row_positions` of ``performance``, when already made.
    """
    # a handful of frequencies: each one's reporting period worked out once, not per measure
    period_of = {f: reporting_period(f, quarter_id) for f in set(measures["frequency"])}
    shown = [period_of[f] for f in measures["frequency"]]
    if positions is None:
        # only the periods this report shows are looked up
        performance = performance[performance["period"].isin({p for p in shown if p is not None})]
        positions = row_positions(performance)
    found = [
        -1 if period is None else positions.get((measure_id, period), -1)
        for measure_id, period in zip(measures["measure_id"], shown, strict=True)
    ]
    # each measure's outturn row by position; a measure without one gets a row of blanks, as a
    # left merge gives it (a blank number or text is NaN)
    columns = [c for c in performance.columns if c not in ("measure_id", "period")]
    outturns = performance.reset_index(drop=True).reindex(index=found, columns=columns)
    outturns.index = pd.RangeIndex(len(found))
    missing = outturns["status"].isna()
    if missing.any():
        not_due = pd.Series([period is None for period in shown])
        outturns["status"] = outturns["status"].mask(missing, "grey")
        outturns["computed_status"] = outturns["computed_status"].mask(missing, "grey")
        outturns["status_source"] = outturns["status_source"].mask(missing, "computed")
        reason = outturns["status_reason"].mask(missing & not_due, NOT_DUE_REASON)
        outturns["status_reason"] = reason.mask(missing & ~not_due, "no_value")
    if "frequency" in outturns:
        outturns = outturns.rename(columns={"frequency": "frequency_perf"})
    own = measures.drop(columns=["frequency"]).reset_index(drop=True)
    if own["measure_id"].dtype != performance["measure_id"].dtype:
        own["measure_id"] = own["measure_id"].astype(object)
    wanted = measures[["frequency"]].reset_index(drop=True)
    wanted["period"] = _merged_key(pd.Series(shown), performance["period"])
    # one row per measure, in the measures' order: what merging on measure_id gives, without the merge
    clash = set(own.columns) & {*wanted.columns, *outturns.columns}
    if clash:
        own = own.rename(columns={c: f"{c}_x" for c in clash})
        wanted = wanted.rename(columns={c: f"{c}_y" for c in clash})
        outturns = outturns.rename(columns={c: f"{c}_y" for c in clash})
    rows = pd.concat([own, wanted, outturns], axis=1)
    rows["report_period"] = quarter_id
    return rows


#: a better status ranks lower; grey is not rated, so a move to or from grey is neither better nor worse
RANK = {"green": 0, "amber": 1, "red": 2}
#: the kinds of change since last quarter, in the order they are listed
CHANGE_KINDS = ("better", "worse", "grey")


def shown_status(kind: str) -> str:
    """The status a headline counts a row as (:func:`rules.headline_kind`): a rated status, else grey."""
    return kind if kind in rules.RATED else "grey"


def change_kind(now: str, before: str) -> str | None:
    """How a measure's counted status moved between two reports: ``better``, ``worse``, ``grey``
    (to or from grey: no figure, not due or not rated) or None when it did not move. An annual
    measure only not due is compared by :func:`compared_period`, so it does not move."""
    if now == before:
        return None
    if now not in RANK or before not in RANK:
        return "grey"
    return "better" if RANK[now] < RANK[before] else "worse"


def change_kinds(now: list[str], before: list[str]) -> list[str | None]:
    """:func:`change_kind` of each measure, from its headline kinds (:func:`rules.headline_kind`)
    in two reports of the same measures."""
    return [change_kind(shown_status(a), shown_status(b)) for a, b in zip(now, before, strict=True)]


#: the columns of a report's rows that "what changed" reads (:func:`status_changes`)
_COMPARED_COLUMNS = [
    "title",
    "measure_id",
    "status",
    "status_reason",
    "value",
    "period",
    "priority_id",
    "report_period",
]


def compared_rows(
    rows: pd.DataFrame, performance: pd.DataFrame, positions: dict[tuple[str, str], int] | None = None
) -> pd.DataFrame:
    """A quarter's report rows (:func:`quarter_rows`) as "what changed" compares them: an annual
    measure not due this quarter stands as its figure for the year before (:func:`compared_period`:
    ``status``, ``status_reason``, ``value`` and ``period`` of that row), or stays not due when it
    has none. ``positions``: :func:`row_positions` of ``performance``, when already made."""
    # only what status_changes reads: a report's rows have dozens of columns
    rows = rows[[c for c in _COMPARED_COLUMNS if c in rows.columns]]
    due = (rows["status_reason"] == NOT_DUE_REASON).to_numpy()
    if not due.any():
        return rows
    positions = row_positions(performance) if positions is None else positions
    quarter = str(rows["report_period"].iloc[0])
    year = compared_period("annual", quarter)
    found = [positions.get((measure_id, year), -1) for measure_id in rows["measure_id"].to_numpy()[due]]
    columns = ["status", "status_reason", "value"]
    earlier = performance.reset_index(drop=True).reindex(index=found, columns=columns)
    had = np.asarray(found) >= 0
    out = rows.copy()
    at = np.flatnonzero(due)[had]
    for column in columns:
        values = out[column].astype(object).to_numpy(copy=True)
        values[at] = earlier[column].to_numpy(object)[had]
        out[column] = values
    period = out["period"].astype(object).to_numpy(copy=True)
    period[at] = year
    out["period"] = period
    return out


def status_changes(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """What changed since last quarter: one row per measure in both reports whose status, as the
    headlines count it (:func:`shown_status`), differs, with the kind of change (``change``:
    :data:`CHANGE_KINDS`). Every count of changes on the site is a count of these rows. Pass each
    report's :func:`compared_rows`, so that an annual measure is compared year on year.

    Columns: ``title``, ``measure_id``, ``status``, ``status_reason``, ``period`` (the period
    compared; and ``priority_id`` when ``current`` has it), the same with ``_before``, ``shown`` /
    ``shown_before`` (the counted statuses) and ``change``; ordered better, worse, then grey, in
    report order within each.
    """
    named = "period" in current and "period" in previous
    keep = ["measure_id", "status", "status_reason", "value", *(["period"] if named else [])]
    own = ["title", *keep, *(["priority_id"] if "priority_id" in current else [])]
    ids = current["measure_id"]
    if ids.equals(previous["measure_id"]) and ids.is_unique:
        # two reports of the same measures in the same order (the renderer's): side by side
        merged = pd.concat(
            [
                current[own].reset_index(drop=True),
                previous[keep[1:]].reset_index(drop=True).add_suffix("_before"),
            ],
            axis=1,
        )
    else:
        merged = current[own].merge(previous[keep], on="measure_id", how="inner", suffixes=("", "_before"))
    if "period" not in merged:  # rows without their periods (a test's own): nothing to name
        merged = merged.assign(period=None, period_before=None)
    now = rules.row_kinds(merged)
    before = rules.row_kinds(
        merged[["status_before", "value_before", "status_reason_before"]].set_axis(
            ["status", "value", "status_reason"], axis=1
        )
    )
    merged = merged.assign(
        shown=[shown_status(kind) for kind in now],
        shown_before=[shown_status(kind) for kind in before],
        change=change_kinds(now, before),
    )
    changed = merged[merged["change"].notna()]
    order = changed["change"].map({kind: n for n, kind in enumerate(CHANGE_KINDS)})
    changed = changed.assign(_k=order).sort_values("_k", kind="stable").drop(columns=["_k"])
    return changed.drop(columns=["value", "value_before"]).reset_index(drop=True)


def annual_figures(performance: pd.DataFrame) -> pd.DataFrame:
    """Published annual figures (``measure_id``, ``period``, ``value``, ``status``, ``start_year``),
    oldest first: what :func:`latest_annual` looks back through, gathered once for every report."""
    is_year = performance["period"].map(lambda p: periods.parse(p).kind == "year").astype(bool)
    years = performance.loc[
        is_year & performance["value"].notna(), ["measure_id", "period", "value", "status"]
    ]
    years = years.assign(
        start_year=years["period"].map(lambda p: periods.parse(p).start_year),
        _k=years["period"].map(periods.sort_key),
    )
    return years.sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)


def latest_annual(
    rows: pd.DataFrame, performance: pd.DataFrame, annual: pd.DataFrame | None = None
) -> pd.DataFrame:
    """For report rows of annual measures not due this quarter: the latest annual figure already
    published (``latest_year_period``, ``latest_year_value``, ``latest_year_status``), so a
    mid-year report can show last year's figure with its year instead of a bare grey.
    ``annual``: :func:`annual_figures` of ``performance``, when already made."""
    columns = {"period": "latest_year_period", "value": "latest_year_value", "status": "latest_year_status"}
    due = (rows["status_reason"] == NOT_DUE_REASON).to_numpy()
    if not due.any():
        return rows.assign(**{column: None for column in columns.values()})
    quarter = periods.parse(str(rows["report_period"].iloc[0]))
    ids = rows["measure_id"].to_numpy()[due]
    wanted = set(ids)
    annual = annual_figures(performance) if annual is None else annual
    years = annual[annual["start_year"] < quarter.start_year]
    # oldest first, so each measure's last figure is its latest
    latest = {
        measure_id: figure
        for measure_id, *figure in zip(
            years["measure_id"].tolist(), *(years[c].tolist() for c in columns), strict=True
        )
        if measure_id in wanted
    }
    out = {}
    blank = [float("nan")] * len(columns)  # no earlier year: what a lookup of a missing key gives
    found = [latest.get(measure_id, blank) for measure_id in ids]
    for n, column in enumerate(columns.values()):
        values = np.full(len(rows), None, dtype=object)
        if latest:
            values[due] = [figure[n] for figure in found]
        # object, as before: text is not inferred as a string column
        out[column] = pd.Series(values, index=rows.index, dtype=object)
    return rows.assign(**out)


def exception_report_rows(
    measure_ids: Iterable[str],
    shown_periods: Iterable[str | None],
    exceptions: pd.DataFrame,
    quarter_id: str,
    positions: dict[tuple[str, str], int] | None = None,
) -> list[int]:
    """The exception report each report row shows (its position in ``exceptions``; -1 for none):
    the one written for the outturn's own period if it has an overview, else the quarter's.
    ``positions``: :func:`row_positions` of ``exceptions``, when already made."""
    positions = row_positions(exceptions) if positions is None else positions
    written = exceptions["overview"].notna().to_numpy()
    chosen = []
    for measure_id, period in zip(measure_ids, shown_periods, strict=True):
        at = positions.get((measure_id, period), -1)
        if at < 0 or not written[at]:  # no overview for the outturn's period: the quarter's report
            at = positions.get((measure_id, quarter_id), -1)
        chosen.append(at)
    return chosen


def attach_exceptions(
    rows: pd.DataFrame,
    exceptions: pd.DataFrame,
    quarter_id: str,
    positions: dict[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """Join each report row to its exception report, written for the outturn's own period or for the quarter.

    A monthly measure's exception report is usually written for the quarter (``2026-27-Q2``), not
    for the month whose figure the report shows; both are accepted. ``positions``:
    :func:`row_positions` of ``exceptions``, when already made.
    """
    chosen = exception_report_rows(rows["measure_id"], rows["period"], exceptions, quarter_id, positions)
    # each row's exception report by position; a row without one gets blanks, as a left merge gives
    columns = [c for c in exceptions.columns if c not in ("measure_id", "period")]
    reports = exceptions.reset_index(drop=True).reindex(index=chosen, columns=columns)
    reports.index = pd.RangeIndex(len(chosen))
    clash = [c for c in columns if c in rows.columns]
    if clash:
        reports = reports.rename(columns={c: f"{c}_exc" for c in clash})
    own = pd.concat([rows.reset_index(drop=True), reports], axis=1)
    for key in ("measure_id", "period"):
        if own[key].dtype != exceptions[key].dtype:
            own[key] = own[key].astype(object)
    own["has_exception_report"] = own["overview"].notna() & own["overview"].astype(str).ne("")
    return own


def missing_exception_reports(
    performance: pd.DataFrame, measures: pd.DataFrame, exceptions: pd.DataFrame, quarters: list[str]
) -> pd.DataFrame:
    """Measures shown red in a quarter's report that have no exception report (measure_id, period, quarter).

    The same rule as :func:`quarter_rows` and :func:`attach_exceptions`, for many quarters at once:
    every (measure, quarter) pair is joined to its reporting period's status in one merge.
    """
    columns = ["measure_id", "period", "quarter"]
    if not quarters or measures.empty:
        return pd.DataFrame(columns=columns)
    frequency = dict(zip(measures["measure_id"], measures["frequency"], strict=True))
    pairs = pd.DataFrame(
        [(m, reporting_period(f, q), q) for q in quarters for m, f in frequency.items()], columns=columns
    ).dropna(subset=["period"])
    shown = pairs.merge(
        performance[["measure_id", "period", "status"]], on=["measure_id", "period"], how="inner"
    )
    reds = shown[shown["status"] == "red"]
    keys = set(zip(exceptions["measure_id"], exceptions["period"], strict=True))
    covered = [
        (m, p) in keys or (m, q) in keys
        for m, p, q in zip(reds["measure_id"], reds["period"], reds["quarter"], strict=True)
    ]
    lacking = reds.loc[[not c for c in covered], columns]
    return lacking.drop_duplicates(["measure_id", "period"]).reset_index(drop=True)
