"""Trends: status counts quarter by quarter on the reports index; a status history strip per measure."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def report_counts(site, period: str) -> dict[str, int]:
    page = (site / "reports" / period.lower() / "index.html").read_text(encoding="utf-8")
    summary = page.split('<ul class="ps-counts">', 1)[1].split("</ul>", 1)[0]
    return {s: int(n) for s, n in re.findall(r"ps-count--(\w+)\">.*?<strong>(\d+)</strong>", summary)}


def test_reports_index_counts_each_quarter_in_a_table_and_a_chart_that_agree(example_site):
    site = example_site[0]
    page = (site / "reports" / "index.html").read_text(encoding="utf-8")
    table = page.split('class="ps-table ps-table--trend"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<a href="([^/]+)/">[^<]+</a></th><td data-label="Green">(\d+)</td><td data-label="Amber">(\d+)</td>'
        r'<td data-label="Red">(\d+)</td><td data-label="Grey">(\d+)</td>',
        table,
    )
    quarters = sorted(p.parent.name for p in (site / "reports").glob("*/index.html"))
    assert sorted(r[0] for r in rows) == quarters and len(quarters) >= 4
    for period, green, amber, red, grey in rows:
        assert report_counts(site, period) == {
            "green": int(green),
            "amber": int(amber),
            "red": int(red),
            "grey": int(grey),
        }
    figure = json.loads(
        html.unescape(re.search(r'id="chart-status-by-quarter" data-figure="([^"]+)"', page).group(1))
    )
    by_name = {t["name"]: t["x"] for t in figure["data"]}  # one horizontal bar per quarter
    oldest_first = list(reversed(rows))
    assert by_name["Red"] == [int(r[3]) for r in oldest_first]
    assert by_name["Green"] == [int(r[1]) for r in oldest_first]


def test_each_measure_page_shows_its_last_eight_statuses_in_words(example_site):
    site = example_site[0]
    perf = pd.read_csv(site / "data" / "performance.csv", dtype=str, keep_default_na=False)
    for measure_id, rows in perf.groupby("measure_id"):
        page = (site / "measures" / measure_id.lower() / "index.html").read_text(encoding="utf-8")
        strip = page.split('<ol class="ps-strip"', 1)[1].split("</ol>", 1)[0]
        shown = re.findall(
            r'ps-strip__item--(\w+)"><span class="ps-strip__period">[^<]+</span> <span class="ps-status ps-status--\w+">(\w+)',
            strip,
        )
        expected = list(rows["status"])[-8:]
        assert [s for s, _ in shown] == expected, measure_id
        assert [word.lower() for _, word in shown] == expected  # a word for every colour
