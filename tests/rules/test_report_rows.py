"""A quarter's report rows found by lookup give what merging the tables gives: every measure once,
grey without a figure, "not due" for an annual measure before year end, exception reports written
for the month or for the quarter, last year's figure mid-year, and what changed since last quarter."""

from __future__ import annotations

import pandas as pd
import pytest

from perfsite.rules import report

Q2 = "2026-27-Q2"
STATUSES = ["red", "green", "green", "red", "amber", "red", "red"]


def merged_rows(performance: pd.DataFrame, measures: pd.DataFrame, quarter_id: str) -> pd.DataFrame:
    """The rule as merges (how perfsite first joined the tables), to hold the lookups to."""
    wanted = measures[["measure_id", "frequency"]].copy()
    wanted["period"] = [report.reporting_period(f, quarter_id) for f in wanted["frequency"]]
    rows = wanted.merge(performance, on=["measure_id", "period"], how="left", suffixes=("", "_perf"))
    not_due, missing = rows["period"].isna(), rows["status"].isna()
    rows.loc[missing, ["status", "computed_status", "status_source"]] = ["grey", "grey", "computed"]
    rows.loc[missing & not_due, "status_reason"] = report.NOT_DUE_REASON
    rows.loc[missing & ~not_due, "status_reason"] = "no_value"
    rows["report_period"] = quarter_id
    return measures.drop(columns=["frequency"]).merge(rows, on="measure_id", how="left")


def merged_exceptions(rows: pd.DataFrame, exceptions: pd.DataFrame, quarter_id: str) -> pd.DataFrame:
    own = rows.merge(exceptions, on=["measure_id", "period"], how="left", suffixes=("", "_exc"))
    quarterly = exceptions[exceptions["period"] == quarter_id].drop(columns="period")
    by_quarter = rows[["measure_id"]].merge(quarterly, on="measure_id", how="left")
    lacking = own["overview"].isna().to_numpy()
    for column in [c for c in exceptions.columns if c not in ("measure_id", "period")]:
        own.loc[lacking, column] = by_quarter.loc[lacking, column].to_numpy()
    own["has_exception_report"] = own["overview"].notna() & own["overview"].astype(str).ne("")
    return own


def tables(text: str | type = object) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Measures (one of each frequency, one with no figure), their outturns and exception reports;
    ``text``: the type of the id columns, as loaded (object) or as pandas makes them (str)."""
    measures = pd.DataFrame(
        {
            "measure_id": pd.Series(["m4", "m1", "m2", "m3", "m5"], dtype=text),
            "title": ["Survey", "Calls", "Bins", "Nothing yet", "Repairs"],
            "frequency": ["annual", "quarterly", "monthly", "quarterly", "quarterly"],
            "decimal_places": [0, 1, 0, 0, 1],
        }
    )
    performance = pd.DataFrame(
        {
            "measure_id": pd.Series(["m4", "m4", "m1", "m1", "m2", "m2", "m5"], dtype=text),
            "period": pd.Series(
                ["2024-25", "2025-26", "2026-27-Q1", Q2, "2026-27-M05", "2026-27-M06", Q2], dtype=text
            ),
            "value": [70.0, 72.5, 10.0, 12.0, 3.0, 4.0, 8.0],
            "status": pd.Series(STATUSES, dtype="str"),
            "computed_status": pd.Series(STATUSES, dtype="str"),
            "status_source": pd.Series(["computed"] * 7, dtype="str"),
            "status_reason": pd.Series(["x"] * 7, dtype="str"),
        }
    )
    exceptions = pd.DataFrame(
        {
            "measure_id": pd.Series(["m1", "m2", "m2", "m5", "m5"], dtype=text),
            "period": pd.Series([Q2, "2026-27-M06", Q2, Q2, "2026-27-M06"], dtype=text),
            "overview": ["Calls fell", None, "Bins missed", None, "unused"],
            "actions": ["More staff", "Month's plan", "New rounds", "Repairs plan", None],
        }
    )
    return measures, performance, exceptions


@pytest.mark.parametrize("text", [object, "str"])
@pytest.mark.parametrize("quarter_id", ["2026-27-Q1", Q2, "2026-27-Q4"])
def test_quarter_rows_by_lookup_are_the_merged_rows(text, quarter_id):
    measures, performance, _ = tables(text)
    expected = merged_rows(performance, measures, quarter_id)
    pd.testing.assert_frame_equal(report.quarter_rows(performance, measures, quarter_id), expected)
    positions = report.row_positions(performance)
    pd.testing.assert_frame_equal(report.quarter_rows(performance, measures, quarter_id, positions), expected)


def test_every_measure_once_grey_without_a_figure_and_not_due_before_year_end():
    measures, performance, _ = tables()
    rows = report.quarter_rows(performance, measures, Q2, report.row_positions(performance)).set_index(
        "measure_id"
    )
    assert list(rows.index) == ["m4", "m1", "m2", "m3", "m5"]  # the measures' order
    assert rows.loc["m4", ["status", "status_reason"]].tolist() == ["grey", report.NOT_DUE_REASON]
    assert pd.isna(rows.loc["m4", "period"])
    assert rows.loc["m3", ["status", "status_reason"]].tolist() == ["grey", "no_value"]
    assert rows.loc["m2", ["period", "value", "status"]].tolist() == ["2026-27-M06", 4.0, "red"]
    assert rows.loc["m1", "status_reason"] == "x"  # a figure keeps its own reason


@pytest.mark.parametrize("text", [object, "str"])
def test_exception_reports_for_the_month_or_the_quarter_are_the_merged_ones(text):
    measures, performance, exceptions = tables(text)
    rows = report.quarter_rows(performance, measures, Q2)
    expected = merged_exceptions(rows, exceptions, Q2)
    pd.testing.assert_frame_equal(report.attach_exceptions(rows, exceptions, Q2), expected)
    reds = rows[rows["status"] == "red"]  # a filtered frame's index is not 0, 1, 2…
    positions = report.row_positions(exceptions)
    pd.testing.assert_frame_equal(
        report.attach_exceptions(reds, exceptions, Q2, positions), merged_exceptions(reds, exceptions, Q2)
    )
    out = report.attach_exceptions(rows, exceptions, Q2, positions).set_index("measure_id")
    # the month's report has no overview: the quarter's is shown, every column of it
    assert out.loc["m2", ["overview", "actions"]].tolist() == ["Bins missed", "New rounds"]
    # a report for the month without an overview gives way to the quarter's, even a blank one
    assert pd.isna(out.loc["m5", "overview"]) and out.loc["m5", "actions"] == "Repairs plan"
    assert out["has_exception_report"].tolist() == [False, True, True, False, False]
    empty = report.attach_exceptions(rows.iloc[0:0], exceptions, Q2, positions)
    assert list(empty.columns) == list(expected.columns) and empty.empty


def test_an_annual_measure_mid_year_carries_its_latest_figure_and_none_is_blank():
    measures, performance, _ = tables()
    q1 = report.latest_annual(report.quarter_rows(performance, measures, "2026-27-Q1"), performance)
    latest = q1.set_index("measure_id")[["latest_year_period", "latest_year_value", "latest_year_status"]]
    assert latest.loc["m4"].tolist() == ["2025-26", 72.5, "green"]
    assert latest.loc["m1"].tolist() == [None, None, None]  # not an annual measure: nothing to show
    assert all(dtype is pd.api.types.pandas_dtype(object) for dtype in q1[latest.columns].dtypes)
    # the first year of figures: no earlier year published
    first = report.latest_annual(report.quarter_rows(performance, measures, "2024-25-Q2"), performance)
    assert first.loc[first["measure_id"] == "m4", "latest_year_period"].tolist() == [None]
    # an annual measure with an earlier year beside one without: the one without is blank (NaN)
    two = pd.concat([measures, measures.iloc[[0]].assign(measure_id="m6")], ignore_index=True)
    rows = report.latest_annual(report.quarter_rows(performance, two, "2026-27-Q1"), performance)
    assert pd.isna(rows.loc[rows["measure_id"] == "m6", "latest_year_value"]).all()
    q4 = report.latest_annual(report.quarter_rows(performance, measures, "2026-27-Q4"), performance)
    assert q4["latest_year_period"].isna().all()  # at year end every annual measure is due


def test_changes_side_by_side_are_the_merged_changes_whatever_the_order():
    measures, performance, _ = tables()
    q1 = report.quarter_rows(performance, measures, "2026-27-Q1")
    q2 = report.quarter_rows(performance, measures, Q2)
    same_order = report.status_changes(q2, q1)
    assert same_order["measure_id"].tolist() == ["m1", "m2", "m5"]  # m4 not due: not a change
    assert same_order["status_before"].tolist() == ["green", "grey", "grey"]
    shuffled = report.status_changes(q2, q1.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(same_order, shuffled)


def test_a_reports_red_rows_as_records_are_the_converted_attached_frame(tmp_path):
    """The report's red rows, made from its converted rows: the same records as converting
    :func:`report.attach_exceptions` of the red rows, with reports missing, blank or only for the quarter."""
    from perfsite.site import render
    from perfsite.site.page import template_rows

    from ..site.test_golden_pages import site_data

    data = site_data(tmp_path)
    exceptions = data.frames["exceptions"]
    assert len(exceptions) > 6, "the synthetic council writes exception reports"
    changed = exceptions.drop(index=exceptions.index[::3]).reset_index(drop=True)
    changed.loc[changed.index[::4], "overview"] = None  # gives way to the quarter's report, if any
    changed.loc[changed.index[1::5], "overview"] = ""  # written, but says nothing
    data.frames["exceptions"] = changed
    renderer = render.Renderer(data)
    shown = {"with": 0, "without": 0}
    for quarter_id in renderer.quarters:
        rows = renderer.quarter(quarter_id)
        expected = template_rows(report.attach_exceptions(rows[rows["status"] == "red"], changed, quarter_id))
        got = renderer.red_records(quarter_id, template_rows(rows))
        assert got == expected and [list(r) for r in got] == [list(r) for r in expected]
        for record in got:
            shown["with" if record["has_exception_report"] else "without"] += 1
    assert shown["with"] and shown["without"]
