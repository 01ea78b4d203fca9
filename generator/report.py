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

import pandas as pd

from . import periods

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


def quarter_rows(performance: pd.DataFrame, measures: pd.DataFrame, quarter_id: str) -> pd.DataFrame:
    """One row per measure for the quarter's report: the measure's columns joined to its outturn row.

    Measures with no outturn for the quarter get status grey with reason ``no_value`` (or
    ``not_due`` for an annual measure before Q4), so a report always lists every measure.
    """
    wanted = measures[["measure_id", "frequency"]].copy()
    wanted["period"] = [reporting_period(f, quarter_id) for f in wanted["frequency"]]
    # only the periods this report shows: a small merge instead of one with every period's rows
    shown = performance[performance["period"].isin(set(wanted["period"].dropna()))]
    rows = wanted.merge(shown, on=["measure_id", "period"], how="left", suffixes=("", "_perf"))
    not_due = rows["period"].isna()
    missing = rows["status"].isna()
    rows.loc[missing, "status"] = "grey"
    rows.loc[missing, "computed_status"] = "grey"
    rows.loc[missing, "status_source"] = "computed"
    rows.loc[missing & not_due, "status_reason"] = NOT_DUE_REASON
    rows.loc[missing & ~not_due, "status_reason"] = "no_value"
    rows["report_period"] = quarter_id
    out = measures.drop(columns=["frequency"]).merge(rows, on="measure_id", how="left")
    return out


def status_changes(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Measures whose status differs between two quarters' reports (what changed since last quarter).

    A change to or from grey only because an annual measure is not due in one of the quarters
    is left out: the measure did not get better or worse, it simply was not reported.
    """
    keep = ["measure_id", "status", "status_reason"]
    merged = current[["title", *keep]].merge(
        previous[keep], on="measure_id", how="inner", suffixes=("", "_before")
    )
    changed = merged["status"] != merged["status_before"]
    not_due = (merged["status_reason"] == NOT_DUE_REASON) | (merged["status_reason_before"] == NOT_DUE_REASON)
    return merged[changed & ~not_due].reset_index(drop=True)


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
    out = rows.copy()
    for column in columns.values():
        out[column] = None
    due = out["status_reason"] == NOT_DUE_REASON
    if not due.any():
        return out
    quarter = periods.parse(str(out["report_period"].iloc[0]))
    wanted = set(out.loc[due, "measure_id"])
    annual = annual_figures(performance) if annual is None else annual
    years = annual[annual["measure_id"].isin(wanted) & (annual["start_year"] < quarter.start_year)]
    if years.empty:
        return out
    latest = years.groupby("measure_id").tail(1).set_index("measure_id")
    for source, target in columns.items():
        out.loc[due, target] = out.loc[due, "measure_id"].map(latest[source]).to_numpy()
    return out


def attach_exceptions(rows: pd.DataFrame, exceptions: pd.DataFrame, quarter_id: str) -> pd.DataFrame:
    """Join each report row to its exception report, written for the outturn's own period or for the quarter.

    A monthly measure's exception report is usually written for the quarter (``2026-27-Q2``), not
    for the month whose figure the report shows; both are accepted.
    """
    columns = [c for c in exceptions.columns if c not in ("measure_id", "period")]
    own = rows.merge(exceptions, on=["measure_id", "period"], how="left", suffixes=("", "_exc"))
    quarterly = exceptions[exceptions["period"] == quarter_id].drop(columns="period")
    by_quarter = rows[["measure_id"]].merge(quarterly, on="measure_id", how="left")
    lacking = own["overview"].isna().to_numpy()
    for column in columns:
        own.loc[lacking, column] = by_quarter.loc[lacking, column].to_numpy()
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
