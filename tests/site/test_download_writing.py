"""The downloads cut per-measure files from performance.csv, round numbers for the whole table at
once and neutralise formula text only where a cell can start one: each must give exactly what
the plain way gives, for any text (commas, quotes, line breaks, carriage returns) and any number."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from perfsite.files import archive, archive_figures
from perfsite.files.load import load
from perfsite.site import downloads
from perfsite.standard import periods
from perfsite.standard.formatting import decimal_text, quantise_scalar
from perfsite.validation.checks import safety

from ..conftest import EXAMPLE

# text that exercises the writer: separators, quotes, every kind of line break, formula starts
AWKWARD = st.lists(
    st.one_of(
        st.sampled_from(
            [",", '"', "\n", "\r", "\r\n", " ", "'", "=", "-", "+", "@", "\t", "\x00", "\u00a0", "£"]
        ),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=12,
).map("".join)
MISSING = st.sampled_from([None, float("nan")])
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-0.0, 0.0, 1e-05, 0.1, 1e16, 123456789012.0, 2.5, -1.005]),
)


def pandas_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", na_rep="")


@st.composite
def frames(draw, min_columns: int = 1) -> pd.DataFrame:
    rows = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(["text", "str", "float", "int"]), min_size=min_columns, max_size=4))
    data = {}
    for i, kind in enumerate(kinds):
        if kind in ("text", "str"):
            cells = draw(st.lists(st.one_of(AWKWARD, MISSING), min_size=rows, max_size=rows))
            data[f"c{i}"] = pd.Series(cells, dtype=object if kind == "text" else "str")
        elif kind == "float":
            data[f"c{i}"] = pd.Series(draw(st.lists(NUMBERS, min_size=rows, max_size=rows)), dtype="float64")
        else:
            data[f"c{i}"] = pd.Series(
                draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=rows, max_size=rows)), dtype="int64"
            )
    return pd.DataFrame(data)


@settings(max_examples=200)
@given(frames(min_columns=2), st.lists(st.sampled_from(["M1", "M2", "m10", "M3"]), min_size=6, max_size=6))
def test_each_measures_file_is_its_rows_of_performance_csv(frame, ids):
    tidy = frame.assign(measure_id=ids[: len(frame)])
    measures = pd.DataFrame({"measure_id": ["M3", "M1", "NONE"]})
    expected = {m: pandas_csv(rows) for m, rows in tidy.groupby("measure_id", sort=True)}
    for m in measures["measure_id"]:
        expected.setdefault(m, ",".join(downloads.PERFORMANCE_COLUMNS) + "\n")
    made = downloads.measure_csvs(pd.DataFrame(), measures, tidy)
    assert made == expected and list(made) == list(expected)


def test_a_measures_dates_are_worded_as_in_a_file_of_its_own():
    frame = pd.DataFrame(
        {
            "measure_id": ["M1", "M2", "M1"],
            "when": pd.to_datetime(["2024-01-01", "2024-01-01 10:30", "2024-02-01"], format="ISO8601"),
            "flag": [True, False, True],
            "mixed": [1, "a", 2.5],
        }
    )
    made = downloads.measure_csvs(pd.DataFrame(), pd.DataFrame({"measure_id": ["M1"]}), frame)
    assert made == {m: pandas_csv(rows) for m, rows in frame.groupby("measure_id")}  # dates per file


def reference_neutralise(column: pd.Series) -> pd.Series:
    """The rule as first written, with pandas string methods on every cell."""
    risky = column.str.match(safety.FORMULA, na=False) & ~column.str.match(safety._PLAIN_NUMBER, na=False)
    if not risky.any():
        return column
    return column.where(~risky, "'" + column[risky].astype(str))


@settings(max_examples=300)
@given(
    st.lists(st.one_of(AWKWARD, MISSING, st.sampled_from(["-5", " +1.5e3 ", "-x", "'=1", "\u00a0@a"]))),
    st.booleans(),
)
def test_neutralising_a_column_is_the_rule_as_first_written(cells, as_str):
    column = pd.Series(cells, dtype="str" if as_str else object, index=range(10, 10 + len(cells)))
    made, expected = safety.neutralise_column(column), reference_neutralise(column)
    pd.testing.assert_series_equal(made, expected)
    assert (made is column) == (expected is column)


def test_neutralising_looks_past_no_character_a_formula_can_start_with():
    """Only cells starting with one of a few characters are matched against FORMULA: try every
    character of the Basic Multilingual Plane first, alone and before a formula."""
    starts = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    column = pd.Series([s + tail for s in starts for tail in ("", "=1", " =1", "1")], dtype=object)
    pd.testing.assert_series_equal(safety.neutralise_column(column), reference_neutralise(column))


def test_neutralising_leaves_values_that_are_not_text_alone():
    column = pd.Series(["=1", -5, b"=x", b"\xff", 2.5, None, "-5"], dtype=object)
    assert safety.neutralise_column(column).tolist() == ["'=1", -5, b"=x", b"\xff", 2.5, None, "-5"]


@settings(max_examples=500)
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.floats(-1e9, 1e9, allow_nan=False),
                st.integers(-(10**12), 10**12).map(lambda n: n / 1000),
                st.sampled_from([math.nan, 2.25, -2.25, 1.005, 0.5, -0.5, -0.0, 99999999.5, 152340.0]),
            ),
            st.integers(0, 3),
        ),
        max_size=20,
    )
)
def test_numbers_in_performance_csv_round_as_the_site_does(pairs):
    values = np.array([v for v, _ in pairs], dtype="float64")
    places = np.array([dp for _, dp in pairs], dtype="int64")
    expected = [
        "" if math.isnan(v) else decimal_text(quantise_scalar(v, dp), dp, thousands=False) for v, dp in pairs
    ]
    assert downloads._plain_numbers(values, places) == expected


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["M1", "M2"]),
            st.sampled_from(["2024-25", "2024-25-Q1", "2023-24-Q4", "2024-25-M03", "2023-24"]),
        ),
        max_size=12,
    )
)
def test_tables_are_sorted_in_time_as_before(rows):
    frame = pd.DataFrame(rows, columns=["measure_id", "period"]).assign(n=range(len(rows)))
    keys = ["measure_id", "period"]
    if frame.empty:
        expected = frame
    else:
        order = frame.assign(_k=frame["period"].map(periods.sort_key))
        expected = order.sort_values(["measure_id", "_k"], kind="stable").drop(columns="_k")
    pd.testing.assert_frame_equal(downloads._chronological(frame, keys), expected)


def reference_snapshot_outturns(package, only):
    """The archive read as first written: every file whole, the pairs kept with a MultiIndex."""
    for snapshot in archive.snapshots(package.path):
        frame = pd.read_csv(snapshot / "outturns.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        if only is not None:
            keys = pd.MultiIndex.from_frame(frame[["measure_id", "period"]])
            frame = frame[keys.isin(list(only))] if only else frame.iloc[0:0]
        yield snapshot.name, frame


def test_the_archive_yields_the_same_figures_as_before_for_any_choice_of_figures():
    package = load(EXAMPLE)
    outturns = package.raw["outturns"]
    pairs = set(zip(outturns["measure_id"], outturns["period"], strict=True))
    for only in (None, set(), set(list(sorted(pairs))[::7]), {("NOPE", "2024-25-Q1")}, pairs):
        made = list(archive_figures.snapshot_outturns(package, only))
        expected = list(reference_snapshot_outturns(package, only))
        assert [name for name, _ in made] == [name for name, _ in expected]
        for (_, a), (_, b) in zip(made, expected, strict=True):
            pd.testing.assert_frame_equal(a, b)
