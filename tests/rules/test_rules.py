"""The performance rules (perfsite.rules): applicable target, status, direction, counts, exceptions."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfsite import rules
from perfsite.standard.formatting import quantise, quantise_scalar

from ..rows import measure_row, outturn_row

RANK = {"red": 0, "amber": 1, "green": 2}
MIRROR = {"higher_is_better": "lower_is_better", "lower_is_better": "higher_is_better"}


# -- helpers: small frames built in the tests ---------------------------------------------------------
def measure(measure_id: str = "m1", **fields) -> dict:
    return measure_row(measure_id, **fields)


def outturn(measure_id: str, period: str, value: float, **fields) -> dict:
    fields.setdefault("missing_reason", "" if value == value else "Not yet available")
    return outturn_row(measure_id, period, value, **fields)


def frames(measures: list[dict], targets: list[tuple], outturns: list[dict]):
    m = pd.DataFrame(measures)
    t = pd.DataFrame(targets, columns=["measure_id", "period", "target"]).assign(note="")
    o = pd.DataFrame(outturns)
    return m, t, o


def table(measures, targets, outturns, rag=None) -> pd.DataFrame:
    return rules.performance_table(*frames(measures, targets, outturns), rag or {})


def statuses(
    values, targets, polarity="higher_is_better", dp=2, green=np.nan, amber=np.nan, rag=None, **extra
):
    """Computed (status, reason) for many value/target pairs of one kind of measure."""
    rows = pd.DataFrame(
        {
            "value": np.asarray(values, dtype="float64"),
            "target": np.asarray(targets, dtype="float64"),
            "polarity": polarity,
            "decimal_places": dp,
            "monitoring_only": extra.get("monitoring_only", False),
            "green_tolerance": green,
            "amber_tolerance": amber,
        }
    )
    out = rules.compute_status(rows, rag or {})
    return list(zip(out["computed_status"], out["status_reason"], strict=True))


def status_of(value, target, **kwargs) -> str:
    return statuses([value], [target], **kwargs)[0][0]


def reason_of(value, target, **kwargs) -> str:
    return statuses([value], [target], **kwargs)[0][1]


polarities = st.sampled_from(["higher_is_better", "lower_is_better"])
places = st.integers(min_value=0, max_value=4)
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
tolerance_settings = st.fixed_dictionaries(
    {
        "green_tolerance": st.sampled_from([0, 0.01, 0.02, 0.05, 0.1, 1, 2.5]),
        "amber_tolerance": st.sampled_from([0, 0.05, 0.1, 0.125, 0.2, 3, 10]),
        "tolerance_type": st.sampled_from(["relative", "absolute"]),
    }
)


def decimal_at(draw_int: int, dp: int) -> Decimal:
    return Decimal(draw_int).scaleb(-dp)


# -- rounding -----------------------------------------------------------------------------------------
@given(st.integers(min_value=-(10**11), max_value=10**11), places, st.integers(min_value=0, max_value=4))
def test_quantise_agrees_with_decimal_half_up(digits, dp, extra):
    """Numbers written with a few more decimals than the precision round as Decimal ROUND_HALF_UP does."""
    written = Decimal(digits).scaleb(-(dp + extra))
    expected = int(written.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP).scaleb(dp))
    assert quantise_scalar(float(written), dp) == expected
    assert quantise(np.array([float(written)]), dp)[0] == expected


@given(numbers, places)
def test_quantise_vector_and_scalar_agree_and_are_odd(value, dp):
    assert quantise(np.array([value, -value]), dp).tolist() == [
        quantise_scalar(value, dp),
        -quantise_scalar(value, dp),
    ]


def test_quantise_reads_floats_as_written():
    assert quantise_scalar(1.005, 2) == 101  # the float is 1.00499999999999989…
    assert quantise_scalar(2.5, 0) == 3 and quantise_scalar(-2.5, 0) == -3
    assert quantise_scalar(0.1 + 0.2, 1) == 3
    with pytest.raises(ValueError):
        quantise_scalar(1e20, 2)


# -- status: properties -----------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(polarities, places, numbers, numbers, numbers, tolerance_settings)
def test_status_never_improves_when_the_value_gets_worse(polarity, dp, target, a, b, rag):
    better, worse = (max(a, b), min(a, b)) if polarity == "higher_is_better" else (min(a, b), max(a, b))
    (s_better, _), (s_worse, _) = statuses([better, worse], [target, target], polarity, dp, rag=rag)
    assert RANK[s_worse] <= RANK[s_better]


@settings(max_examples=300, deadline=None)
@given(polarities, places, numbers, numbers, tolerance_settings)
def test_mirroring_polarity_and_values_mirrors_the_status(polarity, dp, value, target, rag):
    original = statuses([value], [target], polarity, dp, rag=rag)
    mirrored = statuses([-value], [-target], MIRROR[polarity], dp, rag=rag)
    assert original == mirrored


@given(polarities, places, st.integers(-(10**8), 10**8), tolerance_settings)
def test_exactly_on_target_is_green(polarity, dp, digits, rag):
    target = float(decimal_at(digits, dp))
    assert statuses([target], [target], polarity, dp, rag=rag) == [("green", "on_or_better_than_target")]


@settings(max_examples=300, deadline=None)
@given(
    polarities,
    places,
    st.integers(-(10**5), 10**5).filter(bool),
    st.sampled_from(["0.01", "0.025", "0.05", "0.1", "0.15", "0.5"]),
    st.integers(1, 10**4),
    st.sampled_from(["relative", "absolute"]),
)
def test_exactly_on_the_amber_edge_is_amber_and_one_step_beyond_is_red(
    polarity, dp, digits, tol, steps, kind
):
    # targets are multiples of 1000 steps, so that every tolerance edge is a figure at this precision
    step = Decimal(1).scaleb(-dp)
    target = Decimal(digits * 1000).scaleb(-dp)
    tolerance = Decimal(tol) if kind == "relative" else steps * step
    allowance = abs(target) * tolerance if kind == "relative" else tolerance
    assert allowance == allowance.quantize(step)
    sign = 1 if polarity == "lower_is_better" else -1
    edge, beyond = target + sign * allowance, target + sign * (allowance + step)
    rag = {"green_tolerance": 0, "amber_tolerance": float(tolerance), "tolerance_type": kind}
    got = statuses([float(edge), float(beyond)], [float(target)] * 2, polarity, dp, rag=rag)
    assert got == [("amber", "within_amber_tolerance"), ("red", "outside_amber_tolerance")]


@given(
    polarities, places, st.integers(-(10**5), 10**5).filter(bool), st.sampled_from(["0.02", "0.05", "0.1"])
)
def test_exactly_on_the_green_edge_is_green(polarity, dp, digits, tol):
    step = Decimal(1).scaleb(-dp)
    target, tolerance = Decimal(digits * 1000).scaleb(-dp), Decimal(tol)
    allowance = abs(target) * tolerance
    sign = 1 if polarity == "lower_is_better" else -1
    rag = {"green_tolerance": float(tolerance), "amber_tolerance": 0.5, "tolerance_type": "relative"}
    values = [float(target + sign * allowance), float(target + sign * (allowance + step))]
    got = statuses(values, [float(target)] * 2, polarity, dp, rag=rag)
    assert got == [("green", "within_green_tolerance"), ("amber", "within_amber_tolerance")]


@given(polarities, places, st.integers(1, 10**6))
def test_zero_target_with_relative_tolerance_any_worse_value_is_red(polarity, dp, digits):
    worse = float(decimal_at(digits, dp)) * (1 if polarity == "lower_is_better" else -1)
    assert statuses([worse, -worse, 0.0], [0.0] * 3, polarity, dp, rag={"amber_tolerance": 0.5}) == [
        ("red", "outside_amber_tolerance"),
        ("green", "on_or_better_than_target"),
        ("green", "on_or_better_than_target"),
    ]


@given(st.sampled_from(list(rules.STATUSES)), polarities, numbers, numbers, st.booleans())
def test_overrides_always_win_and_keep_the_computed_status(override, polarity, value, target, monitoring):
    m = measure(polarity=polarity, monitoring_only=monitoring, unit="number")
    o = outturn("m1", "2024-25-Q2", value, status_override=override, override_reason="One-off event")
    computed = table([m], [("m1", "2024-25-Q2", target)], [{**o, "status_override": ""}]).iloc[0]
    got = table([m], [("m1", "2024-25-Q2", target)], [o]).iloc[0]
    assert (got.status, got.status_source, got.override_reason) == (override, "override", "One-off event")
    assert (got.computed_status, got.status_reason) == (computed.status, computed.status_reason)
    assert computed.status_source == "computed" and computed.override_reason == ""


# -- status: worked examples ------------------------------------------------------------------------
def test_the_issue_example_lower_is_better_target_10_6():
    got = statuses([11.13, 11.14, 10.6, 10.0], [10.6] * 4, "lower_is_better", dp=2)
    assert [s for s, _ in got] == ["amber", "red", "green", "green"]
    assert 10.6 + 10.6 * 0.05 < 11.13  # why decimal arithmetic is needed


def test_figures_and_targets_are_rounded_to_the_measure_precision_first():
    # target 10.6 at 1 dp; 11.13 shows as 11.1 (amber); 11.15 shows as 11.2, beyond 11.13 (red)
    assert [s for s, _ in statuses([11.13, 11.15], [10.6] * 2, "lower_is_better", dp=1)] == ["amber", "red"]
    # 49.96 shows as 50.0 at 1 dp: on target, so green
    assert status_of(49.96, 50, dp=1) == "green"


def test_negative_values_where_the_unit_allows_them():
    # a percentage change: target -2.0, higher is better; 5% of |-2.0| = 0.1
    got = statuses([-2.1, -2.2, -1.5, -2.0], [-2.0] * 4, "higher_is_better", dp=1)
    assert [s for s, _ in got] == ["amber", "red", "green", "green"]
    got = statuses([-1.9, -1.8, -2.5], [-2.0] * 3, "lower_is_better", dp=1)
    assert [s for s, _ in got] == ["amber", "red", "green"]


def test_absolute_tolerances_are_in_the_measure_units():
    rag = {"green_tolerance": 1, "amber_tolerance": 2.5, "tolerance_type": "absolute"}
    got = statuses([49.0, 48.9, 47.5, 47.4], [50] * 4, dp=1, rag=rag)
    assert [r for _, r in got] == [
        "within_green_tolerance",
        "within_amber_tolerance",
        "within_amber_tolerance",
        "outside_amber_tolerance",
    ]
    # absolute tolerances with a zero target work as usual
    assert status_of(2, 0, polarity="lower_is_better", dp=0, rag={**rag, "amber_tolerance": 2}) == "amber"


def test_measure_tolerances_override_the_package_settings():
    assert status_of(45, 50, dp=0) == "red"  # package default: 5%
    assert status_of(45, 50, dp=0, amber=0.1) == "amber"
    assert status_of(49, 50, dp=0, green=0.02) == "green"
    assert reason_of(49, 50, dp=0, green=0.02) == "within_green_tolerance"
    assert status_of(45, 50, dp=0, rag={"amber_tolerance": 0.1}) == "amber"


def test_a_green_tolerance_wider_than_amber_leaves_no_amber_band():
    got = statuses([45, 44], [50, 50], dp=0, green=0.1, amber=0.05)
    assert [s for s, _ in got] == ["green", "red"]


def test_grey_cases_and_their_reasons():
    assert reason_of(50, 50, monitoring_only=True) == "monitoring_only"
    assert reason_of(50, 50, polarity="none") == "no_polarity"
    assert reason_of(np.nan, 50) == "no_value"
    assert reason_of(50, np.nan) == "no_target"
    assert reason_of(np.nan, np.nan) == "no_value"
    assert {status_of(50, 50, monitoring_only=True), status_of(np.nan, 50)} == {"grey"}


def test_unknown_tolerance_type_is_refused():
    with pytest.raises(ValueError, match="tolerance_type"):
        statuses([1], [1], rag={"tolerance_type": "percent"})


def test_reason_codes_are_the_documented_ones():
    doc = rules.__doc__
    assert doc.startswith("## How we rate performance")
    assert "``" not in doc and ":func:" not in doc  # Markdown for residents, not reStructuredText
    for code in [*rules.REASONS, "not_due"]:
        assert f"`{code}`" in doc
    assert "11.13" in doc and "11.14" in doc


# -- applicable target --------------------------------------------------------------------------------
def targets_used(aggregation, targets, periods, frequency="quarterly"):
    m = pd.DataFrame([measure(aggregation=aggregation, frequency=frequency)])
    t = pd.DataFrame(targets, columns=["measure_id", "period", "target"]).assign(note="")
    o = pd.DataFrame([outturn("m1", p, 1.0) for p in periods])
    got = rules.applicable_targets(m, t, o)
    return [
        (None if math.isnan(v) else v, p) for v, p in zip(got["target"], got["target_period"], strict=True)
    ]


def test_the_period_own_target_is_used_first():
    targets = [("m1", "2024-25", 50.0), ("m1", "2024-25-Q2", 45.0)]
    got = targets_used("snapshot", targets, ["2024-25-Q1", "2024-25-Q2"])
    assert got == [(50.0, "2024-25"), (45.0, "2024-25-Q2")]


def test_snapshot_falls_back_to_the_quarter_then_the_year():
    targets = [("m1", "2024-25", 50.0), ("m1", "2024-25-Q2", 45.0)]
    got = targets_used(
        "snapshot", targets, ["2024-25-M05", "2024-25-M03", "2025-26-M01"], frequency="monthly"
    )
    assert got == [(45.0, "2024-25-Q2"), (50.0, "2024-25"), (None, "")]


def test_cumulative_with_only_an_annual_target_has_none_until_the_year_end():
    targets = [("m1", "2024-25", 300.0)]
    got = targets_used("cumulative", targets, ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4"])
    assert got == [(None, "")] * 3 + [(300.0, "2024-25")]
    got = targets_used("cumulative", targets, ["2024-25-M06", "2024-25-M12"], frequency="monthly")
    assert got == [(None, ""), (300.0, "2024-25")]


def test_cumulative_with_profiled_quarter_targets_uses_them():
    targets = [("m1", "2024-25", 300.0), ("m1", "2024-25-Q1", 60.0), ("m1", "2024-25-Q2", 140.0)]
    got = targets_used("cumulative", targets, ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3"])
    assert got == [(60.0, "2024-25-Q1"), (140.0, "2024-25-Q2"), (None, "")]
    # a monthly running total meets a quarter's profiled target at the quarter's last month only
    got = targets_used("cumulative", targets, ["2024-25-M05", "2024-25-M06"], frequency="monthly")
    assert got == [(None, ""), (140.0, "2024-25-Q2")]


def test_cumulative_without_a_target_is_grey_no_target():
    t = table(
        [measure(aggregation="cumulative")], [("m1", "2024-25", 300)], [outturn("m1", "2024-25-Q2", 150)]
    )
    assert (t.status[0], t.status_reason[0], t.target_period[0]) == ("grey", "no_target", "")
    assert math.isnan(t.target[0])


# -- direction of travel ------------------------------------------------------------------------------
def directions(
    values: dict[str, float], polarity="higher_is_better", aggregation="snapshot", dp=1, frequency="quarterly"
):
    m = measure(polarity=polarity, aggregation=aggregation, decimal_places=dp, frequency=frequency)
    t = table([m], [], [outturn("m1", p, v) for p, v in values.items()])
    return {
        p: (a, b) for p, a, b in zip(t.period, t.direction_vs_previous, t.direction_vs_last_year, strict=True)
    }


def test_direction_follows_polarity():
    values = {"2023-24-Q2": 40.0, "2024-25-Q1": 45.0, "2024-25-Q2": 47.3}
    assert directions(values)["2024-25-Q2"] == ("improving", "improving")
    assert directions(values, "lower_is_better")["2024-25-Q2"] == ("worsening", "worsening")
    # neither higher nor lower is better: the figures still compare, in words only
    assert directions(values, "none")["2024-25-Q2"] == ("higher", "higher")
    assert directions({"2024-25-Q1": 5.0, "2024-25-Q2": 4.0}, "none")["2024-25-Q2"][0] == "lower"
    assert directions({"2024-25-Q1": 5.0, "2024-25-Q2": 5.0}, "none")["2024-25-Q2"][0] == "unchanged"
    assert directions({"2024-25-Q2": 5.0}, "none")["2024-25-Q2"] == ("not_comparable", "not_comparable")


def test_direction_uses_the_measure_decimal_places():
    values = {"2024-25-Q1": 47.26, "2024-25-Q2": 47.34}
    assert directions(values, dp=1)["2024-25-Q2"][0] == "unchanged"  # both show as 47.3
    assert directions(values, dp=2)["2024-25-Q2"][0] == "improving"


def test_previous_of_q1_is_q4_and_of_m01_is_m12_of_the_year_before():
    assert directions({"2023-24-Q4": 10.0, "2024-25-Q1": 9.0})["2024-25-Q1"][0] == "worsening"
    got = directions({"2023-24-M12": 10.0, "2024-25-M01": 11.0}, frequency="monthly")
    assert got["2024-25-M01"][0] == "improving"


def test_a_missing_value_is_not_comparable_and_we_do_not_skip_back():
    values = {"2024-25-Q1": 40.0, "2024-25-Q2": float("nan"), "2024-25-Q3": 50.0}
    got = directions(values)
    assert got["2024-25-Q3"][0] == "not_comparable"  # not compared with Q1
    assert got["2024-25-Q2"] == ("not_comparable", "not_comparable")
    assert directions({"2024-25-Q1": 40.0, "2024-25-Q3": 50.0})["2024-25-Q3"][0] == "not_comparable"


def test_cumulative_is_only_compared_with_the_same_point_last_year():
    values = {"2023-24-Q2": 100.0, "2024-25-Q1": 60.0, "2024-25-Q2": 120.0}
    assert directions(values, aggregation="cumulative")["2024-25-Q2"] == ("not_comparable", "improving")


def test_annual_measures_compare_with_the_previous_year():
    got = directions({"2023-24": 10.0, "2024-25": 12.0}, frequency="annual")
    assert got["2024-25"] == ("improving", "improving")


# -- the performance table ----------------------------------------------------------------------------
def test_performance_table_columns_order_and_sorting():
    ms = [measure("b"), measure("a", frequency="annual")]
    os_ = [
        outturn("b", "2024-25-Q1", 1.0),
        outturn("b", "2023-24-Q4", 2.0),
        outturn("a", "2024-25", 3.0),
        outturn("a", "2023-24", 4.0),
    ]
    t = table(ms, [], os_)
    assert list(t.columns) == [*rules.PERFORMANCE_COLUMNS, *rules.COMPARED_COLUMNS]
    # the figures each direction compared with: b's Q4 before its Q1; a's 2023-24 a year before 2024-25
    assert t.previous_value.tolist()[-1] == 2.0 and t.year_earlier_value.tolist()[1] == 4.0
    assert list(zip(t.measure_id, t.period, strict=True)) == [
        ("a", "2023-24"),
        ("a", "2024-25"),
        ("b", "2023-24-Q4"),
        ("b", "2024-25-Q1"),
    ]
    assert set(t.status) <= set(rules.STATUSES) and set(t.status_source) == {"computed"}
    assert all(isinstance(s, str) and s for s in t.summary)


def test_performance_table_refuses_outturns_of_unknown_measures():
    with pytest.raises(ValueError, match="unknown measures: zz"):
        table([measure()], [], [outturn("zz", "2024-25-Q1", 1.0)])


# -- headline counts and exceptions -------------------------------------------------------------------
def counted():
    ms = [
        measure("g1", objective_id="o1", directorate="Place"),
        measure("g2", objective_id="o2", directorate="People"),
        measure("a1", objective_id="o2", directorate="People"),
        measure("r1", objective_id="o3", directorate="People"),
        measure("x1", objective_id="o3", directorate="Place", monitoring_only=True),
    ]
    targets = [(m["measure_id"], "2024-25", 50.0) for m in ms]
    values = {"g1": 55, "g2": 50, "a1": 48, "r1": 30, "x1": 10}
    os_ = [outturn(k, "2024-25-Q2", v) for k, v in values.items()] + [outturn("r1", "2024-25-Q1", 30)]
    objectives = pd.DataFrame({"objective_id": ["o1", "o2", "o3"], "priority_id": ["p1", "p1", "p2"]})
    return table(ms, targets, os_), pd.DataFrame(ms), objectives


def test_headline_counts_overall_and_both_on_target_groupings():
    perf, ms, objectives = counted()
    c = rules.headline_counts(perf, ms, objectives, "2024-25-Q2")
    assert len(c) == 1
    assert c.iloc[0][["red", "amber", "green", "grey", "total"]].tolist() == [1, 1, 2, 1, 5]
    # the monitoring-only measure has a figure but is not rated: never on target, in either grouping
    assert c.iloc[0][["with_figure", "rated", "not_rated", "no_figure"]].tolist() == [5, 4, 1, 0]
    assert c.iloc[0]["on_target_green_only"] == 2 and c.iloc[0]["on_target_green_or_amber"] == 3
    assert {f"on_target_{g}" for g in rules.ON_TARGET_GROUPINGS} <= set(c.columns)
    assert all(label for label in rules.ON_TARGET_GROUPINGS.values())


def test_a_measure_without_a_figure_is_never_rated_or_on_target():
    kinds = [
        rules.headline_kind("green", True, "on_or_better_than_target"),
        rules.headline_kind("green", False, "no_value"),  # an officer's green on a missing figure
        rules.headline_kind("grey", False, "not_due"),
        rules.headline_kind("grey", False, "no_value"),
        rules.headline_kind("grey", True, "no_target"),
        rules.headline_kind("grey", True, "monitoring_only"),
        rules.headline_kind("amber", True, "within_amber_tolerance"),
    ]
    assert kinds == ["green", "missing", "not_due", "missing", "not_rated", "not_rated", "amber"]
    h = rules.headline(kinds)
    assert (h.measures, h.with_figure, h.no_figure, h.rated, h.not_rated) == (7, 4, 3, 2, 2)
    assert (h.green, h.amber, h.red, h.grey) == (1, 1, 0, 5)
    assert {g: h.on_target_by(g) for g in rules.ON_TARGET_GROUPINGS} == {"green_only": 1, "green_or_amber": 2}
    assert h.on_target == 1 and h.share == 50 and h.grouping == rules.HEADLINE_GROUPING
    counts = h.counts()
    assert list(counts) == rules.HEADLINE_COLUMNS
    assert counts["with_figure"] + counts["no_figure"] == counts["measures"] == counts["total"]


def test_a_quarter_with_nothing_rated_has_no_share_never_zero():
    h = rules.headline(["not_due"] * 20 + ["not_rated"] * 2)
    assert h.rated == 0 and h.share is None and h.on_target == 0
    assert rules.headline(["red", "not_due"]).share == 0  # rated, none on target: a real 0%
    assert rules.Headline().share is None


@given(st.lists(st.sampled_from(rules.HEADLINE_KINDS), max_size=60))
def test_headline_parts_always_add_up(kinds):
    h = rules.headline(kinds)
    assert h.measures == len(kinds) == h.with_figure + h.no_figure == h.rated + h.grey
    assert h.rated == h.green + h.amber + h.red and h.no_figure == h.not_due + h.missing
    assert h.on_target_by("green_only") <= h.on_target_by("green_or_amber") <= h.rated
    assert (h.share is None) == (h.rated == 0)
    assert h.share is None or 0 <= h.share <= 100
    by = rules.headlines_by(kinds, [str(i % 3) for i in range(len(kinds))])
    assert sum(x.measures for x in by.values()) == h.measures
    assert sum(x.on_target for x in by.values()) == h.on_target


def test_unknown_headline_kinds_are_refused():
    with pytest.raises(ValueError, match="not a headline kind: purple"):
        rules.headline(["green", "purple"])


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("priority_id", {"p1": [0, 1, 2, 0, 3], "p2": [1, 0, 0, 1, 2]}),
        ("objective_id", {"o1": [0, 0, 1, 0, 1], "o2": [0, 1, 1, 0, 2], "o3": [1, 0, 0, 1, 2]}),
        ("directorate", {"People": [1, 1, 1, 0, 3], "Place": [0, 0, 1, 1, 2]}),
    ],
)
def test_headline_counts_by_group(by, expected):
    perf, ms, objectives = counted()
    c = rules.headline_counts(perf, ms, objectives, "2024-25-Q2", by=by)
    assert list(c.columns) == [by, *rules.HEADLINE_COLUMNS]
    got = {
        row[by]: [row[s] for s in ("red", "amber", "green", "grey", "total")] for row in c.to_dict("records")
    }
    assert got == expected


def test_headline_counts_of_an_empty_period_are_zero():
    perf, ms, objectives = counted()
    c = rules.headline_counts(perf, ms, objectives, "2030-31-Q1")
    assert c.iloc[0][["total", "on_target_green_only"]].tolist() == [0, 0]
    assert rules.headline_counts(perf, ms, objectives, "2030-31-Q1", by="priority_id").empty


def test_missing_exception_reports():
    perf, _, _ = counted()
    exceptions = pd.DataFrame(
        {"measure_id": ["r1"], "period": ["2024-25-Q1"], "overview": ["x"], "actions": ["y"]}
    )
    got = rules.missing_exception_reports(perf, exceptions)
    assert list(zip(got.measure_id, got.period, strict=True)) == [("r1", "2024-25-Q2")]
    assert rules.missing_exception_reports(perf, exceptions, period="2024-25-Q1").empty


def test_exception_check_uses_the_status_shown_after_overrides():
    ms = [measure("a"), measure("b")]
    os_ = [
        outturn("a", "2024-25-Q1", 10, status_override="amber", override_reason="One-off"),
        outturn(
            "b", "2024-25-Q1", 49.9, status_override="red", override_reason="Data known to be overstated"
        ),
    ]
    perf = table(ms, [("a", "2024-25", 50), ("b", "2024-25", 50)], os_)
    got = rules.missing_exception_reports(perf, pd.DataFrame({"measure_id": [], "period": []}))
    assert got.measure_id.tolist() == ["b"]


def test_empty_inputs_give_empty_frames_with_the_right_columns():
    m, t, o = frames([measure()], [], [outturn("m1", "2024-25-Q1", 1.0)])
    perf = rules.performance_table(m, t, o.iloc[0:0], {})
    assert perf.empty and list(perf.columns) == [*rules.PERFORMANCE_COLUMNS, *rules.COMPARED_COLUMNS]
    objectives = pd.DataFrame({"objective_id": ["o1"], "priority_id": ["p1"]})
    assert rules.headline_counts(perf, m, objectives, "2024-25-Q1").iloc[0]["total"] == 0
    none = pd.DataFrame({"measure_id": [], "period": []})
    assert rules.missing_exception_reports(perf, none).empty


def test_property_tests_have_no_deadline():
    """Speed lives in ``make bench``; a slow example on a shared machine is not a failure."""
    assert settings.default.deadline is None
