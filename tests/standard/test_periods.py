"""Periods of the financial year (perfsite.standard.periods): parsing, labels, shifting and sorting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfsite.standard import periods
from perfsite.standard.periods import Period

any_period = st.one_of(
    st.builds(Period, st.integers(1990, 2090), st.just("year"), st.just(0)),
    st.builds(Period, st.integers(1990, 2090), st.just("quarter"), st.integers(1, 4)),
    st.builds(Period, st.integers(1990, 2090), st.just("month"), st.integers(1, 12)),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-25", Period(2024, "year", 0)),
        ("2024-25-Q2", Period(2024, "quarter", 2)),
        ("2024-25-M01", Period(2024, "month", 1)),
        ("2024-25-M12", Period(2024, "month", 12)),
        ("1999-00", Period(1999, "year", 0)),
    ],
)
def test_parse(text, expected):
    assert periods.parse(text) == expected
    assert expected.id == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024",
        "2024-26",
        "2024-25-Q5",
        "2024-25-Q0",
        "2024-25-M13",
        "2024-25-M1",
        "2024/25",
        " 2024-25",
        None,
    ],
)
def test_parse_errors(text):
    with pytest.raises(periods.PeriodError):
        periods.parse(text)
    assert periods.try_parse(text) is None


def test_parse_error_suggests_the_right_year():
    with pytest.raises(periods.PeriodError, match="did you mean 2024-25"):
        periods.parse("2024-26")


@pytest.mark.parametrize(
    ("text", "label", "span", "short"),
    [
        (
            "2026-27-Q2",
            "Q2 2026/27 (July to September 2026)",
            "between July and September 2026",
            "Q2 2026/27",
        ),
        ("2026-27-Q4", "Q4 2026/27 (January to March 2027)", "between January and March 2027", "Q4 2026/27"),
        ("2026-27-M01", "April 2026", "in April 2026", "Apr 2026"),
        ("2026-27-M10", "January 2027", "in January 2027", "Jan 2027"),
        ("2026-27", "2026/27 (April 2026 to March 2027)", "between April 2026 and March 2027", "2026/27"),
        (
            "1999-00-Q3",
            "Q3 1999/00 (October to December 1999)",
            "between October and December 1999",
            "Q3 1999/00",
        ),
    ],
)
def test_labels(text, label, span, short):
    p = periods.parse(text)
    assert (p.label(), p.span(), p.short_label()) == (label, span, short)
    assert periods.label(text) == label


@pytest.mark.parametrize(
    ("text", "steps", "expected"),
    [
        ("2024-25-Q1", -1, "2023-24-Q4"),
        ("2024-25-Q4", 1, "2025-26-Q1"),
        ("2024-25-M01", -1, "2023-24-M12"),
        ("2024-25-M12", 1, "2025-26-M01"),
        ("2024-25", -1, "2023-24"),
        ("2024-25-Q2", -8, "2022-23-Q2"),
    ],
)
def test_shift(text, steps, expected):
    assert periods.shift(periods.parse(text), steps).id == expected


@given(any_period, st.integers(-100, 100))
def test_shift_round_trips_and_keeps_the_kind(p, steps):
    moved = periods.shift(p, steps)
    assert moved.kind == p.kind
    assert periods.shift(moved, -steps) == p
    assert moved.ordinal - p.ordinal == steps
    assert periods.parse(moved.id) == moved


@given(any_period)
def test_year_earlier_and_previous(p):
    assert p.year_earlier() == periods.shift(p, -{"year": 1, "quarter": 4, "month": 12}[p.kind])
    assert p.previous() == periods.shift(p, -1)
    assert p.year_earlier().year_id == periods.Period(p.start_year - 1, "year", 0).id


def test_quarter_of_a_month():
    assert periods.parse("2024-25-M06").quarter().id == "2024-25-Q2"
    assert periods.parse("2024-25-M07").quarter().id == "2024-25-Q3"
    assert periods.parse("2024-25-Q3").quarter().id == "2024-25-Q3"
    assert periods.parse("2024-25").quarter() is None


def test_sort_key_is_chronological_with_years_after_their_last_quarter():
    ids = ["2025-26-Q1", "2024-25", "2024-25-Q4", "2024-25-M12", "2023-24-Q2", "2024-25-M01", "2024-25-Q1"]
    assert sorted(ids, key=periods.sort_key) == [
        "2023-24-Q2",
        "2024-25-M01",
        "2024-25-Q1",
        "2024-25-M12",
        "2024-25-Q4",
        "2024-25",
        "2025-26-Q1",
    ]


@given(any_period, any_period)
def test_sort_key_orders_periods_of_one_kind_like_their_ordinal(a, b):
    if a.kind == b.kind:
        assert (periods.sort_key(a.id) < periods.sort_key(b.id)) == (a.ordinal < b.ordinal)


def test_frequency_kinds():
    assert periods.FREQUENCY_KIND == {"annual": "year", "quarterly": "quarter", "monthly": "month"}
