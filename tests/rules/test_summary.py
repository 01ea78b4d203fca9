"""Plain-English summaries (perfsite.rules.summary) and unit-aware formatting (perfsite.standard.formatting).

The sentences are golden-tested: ``tests/golden/summaries.json`` holds the reviewed sentence of
each case below. After a deliberate change to the wording, regenerate it with

    PERFSITE_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/rules/test_summary.py

and read every changed sentence in the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfsite import rules
from perfsite.rules import summary
from perfsite.standard.formatting import format_difference, format_value

from ..rows import measure_row, outturn_row

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "summaries.json"
REGENERATE = os.environ.get("PERFSITE_REGENERATE_GOLDEN") == "1"

NAN = float("nan")


def measure(**fields) -> dict:
    return measure_row(**fields)


def outturn(period: str, value: float, **fields) -> dict:
    return outturn_row("m1", period, value, **fields)


def case(measure_fields: dict, targets: dict, values: dict, period: str, rag=None, **outturn_fields) -> dict:
    """One golden case: a measure, its targets and values by period; the sentence for ``period``."""
    return dict(
        measure=measure(**measure_fields),
        targets=targets,
        outturns=[outturn(p, v, **(outturn_fields if p == period else {})) for p, v in values.items()],
        period=period,
        rag=rag or {},
    )


CASES = {
    "percent_amber_with_both_comparisons": case(
        {"amber_tolerance": 0.1},
        {"2026-27": 50.0},
        {"2025-26-Q2": 48.2, "2026-27-Q1": 45.1, "2026-27-Q2": 47.3},
        "2026-27-Q2",
    ),
    "percent_exactly_on_target": case({}, {"2026-27": 50.0}, {"2026-27-Q3": 50.04}, "2026-27-Q3"),
    "percent_lower_is_better_red_unchanged": case(
        {"title": "Current tenant rent arrears", "polarity": "lower_is_better", "decimal_places": 2},
        {"2026-27": 2.5},
        {"2026-27-Q1": 3.4, "2026-27-Q2": 3.4},
        "2026-27-Q2",
    ),
    "percent_absolute_tolerance": case(
        {"title": "Calls answered within 60 seconds", "frequency": "monthly"},
        {"2026-27": 80.0},
        {"2026-27-M05": 79.0, "2026-27-M06": 78.5},
        "2026-27-M06",
        rag={"amber_tolerance": 2, "tolerance_type": "absolute"},
    ),
    "percent_change_negative_red": case(
        {"title": "Growth in the business rates base", "unit": "percent_change"},
        {"2026-27": 0.5},
        {"2025-26-Q3": 0.3, "2026-27-Q3": -1.2},
        "2026-27-Q3",
    ),
    "count_cumulative_only_annual_target": case(
        {
            "title": "New homes delivered",
            "unit": "count",
            "unit_label": "homes",
            "decimal_places": 0,
            "aggregation": "cumulative",
        },
        {"2026-27": 300},
        {"2025-26-Q2": 100, "2026-27-Q1": 55, "2026-27-Q2": 120},
        "2026-27-Q2",
    ),
    "count_cumulative_year_end_against_annual_target": case(
        {
            "title": "New homes delivered",
            "unit": "count",
            "unit_label": "homes",
            "decimal_places": 0,
            "aggregation": "cumulative",
        },
        {"2026-27": 300},
        {"2025-26-Q4": 310, "2026-27-Q4": 290},
        "2026-27-Q4",
    ),
    "count_cumulative_profiled_target_green": case(
        {
            "title": "Affordable homes delivered",
            "unit": "count",
            "decimal_places": 0,
            "aggregation": "cumulative",
        },
        {"2026-27": 300, "2026-27-Q2": 140},
        {"2026-27-Q2": 150},
        "2026-27-Q2",
    ),
    "count_zero_target_lower_is_better": case(
        {
            "title": "Data breaches reported to the Information Commissioner",
            "unit": "count",
            "polarity": "lower_is_better",
            "decimal_places": 0,
        },
        {"2026-27": 0},
        {"2026-27-Q1": 0, "2026-27-Q2": 2},
        "2026-27-Q2",
    ),
    "currency_millions_lower_is_better": case(
        {
            "title": "Business rates arrears",
            "unit": "currency_gbp",
            "polarity": "lower_is_better",
            "decimal_places": 0,
        },
        {"2026-27": 1_000_000},
        {"2026-27-Q1": 1_250_000, "2026-27-Q2": 1_234_567},
        "2026-27-Q2",
    ),
    "currency_millions_too_close_for_the_short_form": case(
        {
            "title": "Council tax collected",
            "unit": "currency_gbp",
            "decimal_places": 0,
            "aggregation": "cumulative",
        },
        {"2026-27-Q3": 12_300_000},
        {"2025-26-Q3": 11_900_000, "2026-27-Q3": 12_345_678},
        "2026-27-Q3",
    ),
    "currency_pence_amber": case(
        {
            "title": "Cost per household of waste collection",
            "unit": "currency_gbp",
            "polarity": "lower_is_better",
            "decimal_places": 2,
            "frequency": "annual",
        },
        {"2026-27": 48.00},
        {"2025-26": 49.10, "2026-27": 50.4},
        "2026-27",
    ),
    "days_the_issue_example": case(
        {
            "title": "Average days to process new Housing Benefit claims",
            "unit": "days",
            "polarity": "lower_is_better",
            "decimal_places": 2,
        },
        {"2026-27-Q2": 10.6},
        {"2026-27-Q1": 11.14, "2026-27-Q2": 11.13},
        "2026-27-Q2",
    ),
    "days_with_unit_label_within_green_tolerance": case(
        {
            "title": "Working days lost to sickness absence",
            "unit": "days",
            "unit_label": "days per FTE",
            "polarity": "lower_is_better",
            "decimal_places": 1,
            "green_tolerance": 0.05,
            "amber_tolerance": 0.1,
        },
        {"2026-27": 8.0},
        {"2025-26-Q2": 8.9, "2026-27-Q2": 8.4},
        "2026-27-Q2",
    ),
    "weeks_green_better_than_target": case(
        {"title": "Average time to re-let council homes", "unit": "weeks", "polarity": "lower_is_better"},
        {"2026-27": 4.0},
        {"2026-27-Q1": 3.6, "2026-27-Q2": 3.2},
        "2026-27-Q2",
    ),
    "minutes_singular_on_target": case(
        {
            "title": "Average wait for a call to be answered",
            "unit": "minutes",
            "polarity": "lower_is_better",
            "decimal_places": 0,
        },
        {"2026-27": 1},
        {"2026-27-Q2": 1},
        "2026-27-Q2",
    ),
    "rate_with_unit_label": case(
        {
            "title": "Recorded crimes",
            "unit": "rate",
            "unit_label": "per 1,000 population",
            "polarity": "lower_is_better",
        },
        {"2026-27": 48.0},
        {"2025-26-Q2": 50.3, "2026-27-Q2": 45.2},
        "2026-27-Q2",
    ),
    "ratio_no_polarity": case(
        {
            "title": "Ratio of house prices to earnings",
            "unit": "ratio",
            "polarity": "none",
            "decimal_places": 2,
            "frequency": "annual",
        },
        {},
        {"2025-26": 8.71, "2026-27": 8.94},
        "2026-27",
    ),
    "score_between_green_and_amber_tolerances": case(
        {
            "title": "Resident satisfaction with the council",
            "unit": "score",
            "unit_label": "out of 10",
            "green_tolerance": 0.02,
            "amber_tolerance": 0.1,
        },
        {"2026-27": 7.5},
        {"2026-27-Q1": 7.1, "2026-27-Q2": 7.1},
        "2026-27-Q2",
    ),
    "number_monitoring_only": case(
        {
            "title": "Net change in businesses registered in the district",
            "unit": "number",
            "decimal_places": 0,
            "monitoring_only": True,
        },
        {"2026-27": 10},
        {"2026-27-Q1": 12, "2026-27-Q2": -5},
        "2026-27-Q2",
    ),
    "no_target_for_the_period": case(
        {"title": "Visits to leisure centres", "unit": "count", "decimal_places": 0},
        {"2025-26": 250_000},
        {"2026-27-Q1": 61_250},
        "2026-27-Q1",
    ),
    "missing_value_with_reason": case(
        {"title": "Residents satisfied with their local area"},
        {"2026-27": 80.0},
        {"2026-27-Q2": NAN},
        "2026-27-Q2",
        missing_reason="annual survey, reported in Q4",
    ),
    "override_amber_to_green": case(
        {},
        {"2026-27": 50.0},
        {"2026-27-Q1": 49.0, "2026-27-Q2": 48.9},
        "2026-27-Q2",
        status_override="green",
        override_reason="The fall is due to a one-off change in how garden waste is weighed.",
    ),
    "override_on_a_missing_value": case(
        {"title": "Major planning applications decided on time"},
        {"2026-27": 60.0},
        {"2026-27-Q3": NAN},
        "2026-27-Q3",
        missing_reason="System migration: figures not yet available",
        status_override="red",
        override_reason="Officers know from case records that most decisions were late",
    ),
    "revision_note": case(
        {
            "title": "Fly-tipping incidents cleared within two working days",
            "decimal_places": 0,
            "frequency": "monthly",
        },
        {"2026-27": 90},
        {"2025-26-M07": 92, "2026-27-M06": 94, "2026-27-M07": 95},
        "2026-27-M07",
        revision_note="Revised from 93% after late returns from a contractor",
    ),
}


def sentence(spec: dict) -> str:
    targets = pd.DataFrame(
        [("m1", p, t, "") for p, t in spec["targets"].items()],
        columns=["measure_id", "period", "target", "note"],
    )
    m = pd.DataFrame([spec["measure"]])
    table = rules.performance_table(m, targets, pd.DataFrame(spec["outturns"]), spec["rag"])
    return table.set_index("period").loc[spec["period"], "summary"]


def test_golden_sentences():
    got = {name: sentence(spec) for name, spec in CASES.items()}
    if REGENERATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run with PERFSITE_REGENERATE_GOLDEN=1 and review it"
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == expected


def test_golden_cases_cover_every_unit_status_and_situation():
    units = {spec["measure"]["unit"] for spec in CASES.values()}
    assert units == {
        "percent",
        "percent_change",
        "count",
        "currency_gbp",
        "days",
        "weeks",
        "minutes",
        "rate",
        "ratio",
        "score",
        "number",
    }
    assert {spec["measure"]["polarity"] for spec in CASES.values()} == {
        "higher_is_better",
        "lower_is_better",
        "none",
    }
    text = " ".join(json.loads(GOLDEN.read_text(encoding="utf-8")).values())
    for phrase in [
        "rated red",
        "rated amber",
        "rated green",
        "not rated (grey)",
        "An officer rated it",
        "Revision note:",
        "Reason given:",
        "year to date",
        "monitored only",
        "(lower is better)",
    ]:
        assert phrase in text


def test_sentences_are_tidy():
    for name, text in json.loads(GOLDEN.read_text(encoding="utf-8")).items():
        assert text.endswith("."), name
        assert (
            "  " not in text
            and ".." not in text
            and " ," not in text
            and not re.search(r"\bnan\b", text, re.I)
        ), name
        assert text[0].isupper(), name


def test_summary_of_a_bare_row_without_precomputed_figures():
    row = {name: "" for name in summary.FIELDS}
    row.update(
        title="Household waste recycled or composted",
        unit="percent",
        polarity="higher_is_better",
        decimal_places=1,
        aggregation="snapshot",
        period="2026-27-Q2",
        value=52.06,
        target=50.0,
        year_target=50.0,
        status="green",
        computed_status="green",
        status_source="computed",
        status_reason="on_or_better_than_target",
        green_tolerance_used=0.0,
        amber_tolerance_used=0.05,
        tolerance_type="relative",
        previous_value=NAN,
        year_earlier_value=NAN,
        direction_vs_previous="not_comparable",
        direction_vs_last_year="not_comparable",
    )
    assert summary.describe(row) == (
        "Household waste recycled or composted: 52.1% in Q2 2026/27 (July to September 2026). "
        "That is 2.1 percentage points above the target of 50.0%, so it is rated green."
    )


# -- formatting -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "unit", "dp", "label", "compact", "expected"),
    [
        (47.25, "percent", 1, "", False, "47.3%"),
        (-47.25, "percent_change", 1, "", False, "-47.3%"),
        (2.5, "percent_change", 1, "", False, "+2.5%"),
        (0, "percent_change", 1, "", False, "0.0%"),
        (1234, "count", 0, "", False, "1,234"),
        (1234, "count", 0, "households", False, "1,234 households"),
        (1234.5, "currency_gbp", 0, "", False, "£1,235"),
        (-1234.5, "currency_gbp", 2, "", False, "-£1,234.50"),
        (1_234_567, "currency_gbp", 0, "", True, "£1.2m"),
        (1_234_567, "currency_gbp", 0, "", False, "£1,234,567"),
        (949_999, "currency_gbp", 0, "", True, "£949,999"),
        (999_999, "currency_gbp", 0, "", True, "£1.0m"),
        (2_345_000_000, "currency_gbp", 0, "", True, "£2.3bn"),
        (-3_050_000, "currency_gbp", 0, "", True, "-£3.1m"),
        (1, "days", 0, "", False, "1 day"),
        (1, "days", 1, "", False, "1.0 days"),
        (8.44, "days", 1, "days per FTE", False, "8.4 days per FTE"),
        (3, "weeks", 0, "", False, "3 weeks"),
        (1, "minutes", 0, "", False, "1 minute"),
        (45.2, "rate", 1, "per 1,000 population", False, "45.2 per 1,000 population"),
        (8.944, "ratio", 2, "", False, "8.94"),
        (7.1, "score", 1, "out of 10", False, "7.1 out of 10"),
        (1234567.891, "number", 2, "", False, "1,234,567.89"),
        (NAN, "number", 2, "", False, "—"),
    ],
)
def test_format_value(value, unit, dp, label, compact, expected):
    assert format_value(value, unit, dp, label, compact=compact) == expected


@pytest.mark.parametrize(
    ("q", "unit", "dp", "expected"),
    [
        (27, "percent", 1, "2.7 percentage points"),
        (-1, "percent", 0, "1 percentage point"),
        (10, "percent_change", 1, "1.0 percentage points"),
        (12, "count", 0, "12"),
        (-50, "currency_gbp", 2, "£0.50"),
        (53, "days", 2, "0.53 days"),
        (1, "weeks", 0, "1 week"),
    ],
)
def test_format_difference(q, unit, dp, expected):
    assert format_difference(q, unit, dp) == expected


def test_summaries_of_many_rows_are_vectorised_and_match_describe():
    ms = pd.DataFrame([measure(measure_id=f"m{i}", decimal_places=i % 3) for i in range(5)])
    os_ = pd.DataFrame(
        [
            dict(outturn(f"2026-27-Q{q}", 40 + i + q / 3), measure_id=f"m{i}")
            for i in range(5)
            for q in (1, 2, 3)
        ]
    )
    targets = pd.DataFrame({"measure_id": ms.measure_id, "period": "2026-27", "target": 42.0, "note": ""})
    table = rules.performance_table(ms, targets, os_, {})
    assert table.summary.str.len().gt(50).all()
    assert np.all(table.summary.str.contains("rated"))


units = st.sampled_from(
    [
        "percent",
        "percent_change",
        "count",
        "currency_gbp",
        "days",
        "weeks",
        "minutes",
        "rate",
        "ratio",
        "score",
    ]
)
maybe_number = st.one_of(st.just(NAN), st.floats(min_value=-1e7, max_value=1e7, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(
    units,
    st.sampled_from(["higher_is_better", "lower_is_better", "none"]),
    st.sampled_from(["snapshot", "cumulative"]),
    st.integers(0, 4),
    maybe_number,
    maybe_number,
    maybe_number,
    st.sampled_from(["", "red", "green"]),
)
def test_every_sentence_states_the_status_the_rules_gave(
    unit, polarity, aggregation, dp, value, previous, target, override
):
    m = pd.DataFrame([measure(unit=unit, polarity=polarity, aggregation=aggregation, decimal_places=dp)])
    os_ = pd.DataFrame(
        [
            outturn("2026-27-Q1", previous),
            outturn(
                "2026-27-Q2", value, status_override=override, override_reason="A reason" if override else ""
            ),
        ]
    )
    targets = pd.DataFrame({"measure_id": ["m1"], "period": ["2026-27-Q2"], "target": [target], "note": [""]})
    targets = targets.dropna()
    row = rules.performance_table(m, targets, os_, {}).iloc[1]
    text = row.summary
    if row.status_source == "override":
        assert (
            f"The rules rate it {row.computed_status}" in text
            or f"the rules rate it {row.computed_status}" in text
        )
        assert f"An officer rated it {row.status} instead. Reason given: A reason." in text
    elif row.computed_status == "grey":
        assert "not rated (grey)" in text
    else:
        assert f"it is rated {row.computed_status}." in text
    if row.direction_vs_previous == "improving":
        assert "previous quarter (better)" in text
    if row.direction_vs_previous == "worsening":
        assert "previous quarter (worse)" in text
    assert "nan" not in text.split() and "None" not in text


def test_a_measure_where_neither_direction_is_better_still_compares_in_words():
    m = pd.DataFrame(
        [
            measure(
                unit="count", unit_label="incidents", decimal_places=0, polarity="none", monitoring_only=True
            )
        ]
    )
    os_ = pd.DataFrame([outturn("2025-26-Q1", 688), outturn("2025-26-Q4", 602), outturn("2026-27-Q1", 705)])
    row = rules.performance_table(
        m, pd.DataFrame(columns=["measure_id", "period", "target", "note"]), os_, {}
    )
    last = row.iloc[-1]
    assert (last.direction_vs_previous, last.direction_vs_last_year) == ("higher", "higher")
    assert last.summary.endswith(
        "It is up from 602 incidents in the previous quarter and up from 688 incidents in the same "
        "quarter last year; neither higher nor lower is better."
    )
    # not said twice when the status itself is grey because neither direction is better
    m.loc[0, "monitoring_only"] = False
    row = rules.performance_table(
        m, pd.DataFrame(columns=["measure_id", "period", "target", "note"]), os_, {}
    )
    assert "; neither higher nor lower is better" not in row.iloc[-1].summary
    assert row.iloc[-1].summary.count("Neither a higher nor a lower figure is better") == 1
