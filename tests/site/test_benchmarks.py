"""Benchmarks on the measure chart, each comparator a trace named with its source."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from perfsite.site import charts

from ..conftest import EXAMPLE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def chart_of(site, measure_id: str) -> dict:
    page = (site / "measures" / measure_id / "index.html").read_text(encoding="utf-8")
    return json.loads(
        html.unescape(re.search(r'class="ps-chart[^"]*" id="[^"]+" data-figure="([^"]+)"', page).group(1))
    )


def test_every_benchmarked_measure_draws_its_comparators_with_their_sources(example_site):
    site = example_site[0]
    benchmarks = pd.read_csv(EXAMPLE / "benchmarks.csv", dtype={"period": str})
    for measure_id, rows in benchmarks.groupby("measure_id"):
        figure = chart_of(site, measure_id)
        outturn_x = set(figure["data"][0]["x"])
        drawn = {
            t["name"]: t for t in figure["data"] if t.get("marker", {}).get("symbol", "").endswith("-open")
        }
        assert set(drawn) == set(rows["comparator"]), measure_id
        for comparator, group in rows.groupby("comparator"):
            trace = drawn[comparator]
            assert set(trace["x"]) <= outturn_x  # on the chart's own periods, no stray categories
            assert trace["y"] and all(any(abs(y - v) < 0.51 for v in group["value"]) for y in trace["y"])
            for source in group["source"].dropna():
                assert source in trace["hovertemplate"]
    plain = set(pd.read_csv(EXAMPLE / "measures.csv")["measure_id"]) - set(benchmarks["measure_id"])
    for measure_id in sorted(plain)[:5]:
        page = (site / "measures" / measure_id / "index.html").read_text(encoding="utf-8")
        if "data-figure" in page:
            assert not any(
                t.get("marker", {}).get("symbol", "").endswith("-open")
                for t in chart_of(site, measure_id)["data"]
            )


def test_a_benchmark_sits_at_the_end_of_the_period_it_covers():
    quarters = ["2023-24-Q3", "2023-24-Q4", "2024-25-Q1"]
    assert charts.benchmark_position("2023-24", quarters) == "2023-24-Q4"
    assert charts.benchmark_position("2024-25-Q1", quarters) == "2024-25-Q1"
    assert charts.benchmark_position("2022-23", quarters) is None
    assert charts.benchmark_position("2023-24-Q2", ["2023-24"]) == "2023-24"
    assert charts.benchmark_position("2023-24", ["2023-24-M11", "2023-24-M12"]) == "2023-24-M12"
    rows = pd.DataFrame(
        {
            "comparator": ["England median", "England median"],
            "period": ["2023-24", "2022-23"],
            "value": [41.74, 40.0],
            "source": ["DEFRA", "DEFRA"],
        }
    )
    [trace] = charts.benchmark_traces(quarters, rows, "%", 1)
    assert (trace["x"], trace["y"], trace["name"]) == (["Q4 2023/24"], [41.7], "England median")
    assert "source: DEFRA" in trace["hovertemplate"]
