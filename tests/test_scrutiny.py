"""Scrutiny details: Council Plan order, honest "what changed", annual figures with their year, UK dates."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from generator import report

from .conftest import EXAMPLE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def visible_text(page: str) -> str:
    """The article's text as a reader sees it: no scripts or code, inline tags joined."""
    body = ARTICLE.search(page).group(1)
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S)
    body = re.sub(r"<code\b[^>]*>.*?</code>", "code", body, flags=re.S)
    body = re.sub(r"</?(a|strong|span|em|abbr|time|br)\b[^>]*>", "", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_priorities_follow_the_council_plan_order_in_the_navigation(example_site):
    site = example_site[0]
    priorities = pd.read_csv(EXAMPLE / "priorities.csv").sort_values("sort_order")["priority_id"].tolist()
    assert priorities != sorted(priorities), "the example's plan order differs from alphabetical order"
    page = (site / "priorities" / "index.html").read_text(encoding="utf-8")
    nav = page.split("md-nav--primary", 1)[1].split("md-nav--secondary", 1)[0]
    linked = re.findall(
        r'href="[./]*(?:priorities/)?([a-z0-9._-]+)/"', nav.split("Priorities", 1)[1].split("Measures", 1)[0]
    )
    linked = [p for p in linked if p in priorities]
    assert list(dict.fromkeys(linked)) == priorities


def rows(statuses, reasons, period="2026-27-Q1"):
    return pd.DataFrame(
        {
            "measure_id": ["annual", "quarterly", "monthly"],
            "title": ["Annual survey", "Calls answered", "Missed bins"],
            "status": statuses,
            "status_reason": reasons,
            "report_period": period,
        }
    )


def test_changes_to_grey_only_because_an_annual_figure_is_not_due_are_not_changes():
    q4 = rows(
        ["green", "green", "red"],
        ["on_or_better_than_target", "on_or_better_than_target", "outside_amber_tolerance"],
    )
    q1 = rows(["grey", "red", "grey"], ["not_due", "outside_amber_tolerance", "no_value"])
    changes = report.status_changes(q1, q4)
    assert list(changes["measure_id"]) == ["quarterly", "monthly"]  # a missing figure still counts
    assert list(changes["status_before"]) == ["green", "red"]


def test_an_annual_measure_mid_year_carries_its_latest_published_figure_and_year():
    performance = pd.DataFrame(
        {
            "measure_id": ["annual", "annual", "annual"],
            "period": ["2024-25", "2025-26", "2026-27"],
            "value": [70.0, 72.5, 80.0],
            "status": ["red", "green", "green"],
        }
    )
    q1 = rows(["grey", "red", "grey"], ["not_due", "outside_amber_tolerance", "no_value"])
    out = report.latest_annual(q1, performance).set_index("measure_id")
    assert out.loc["annual", ["latest_year_period", "latest_year_value", "latest_year_status"]].tolist() == [
        "2025-26",
        72.5,
        "green",
    ]
    assert out.loc["quarterly", "latest_year_period"] is None


def test_reports_show_what_changed_and_annual_figures_with_their_year(example_site):
    site = example_site[0]
    home = visible_text((site / "index.html").read_text(encoding="utf-8"))
    latest = sorted((site / "reports").glob("*/index.html"))[-1]
    page = visible_text(latest.read_text(encoding="utf-8"))
    assert "What changed since last quarter" in page
    section = page.split("What changed since last quarter", 1)[1].split("Measures by priority", 1)[0]
    assert section.split("Annual measures")[0].strip() in home  # the same list as the home page
    assert re.search(
        r"reported at year end; latest figure \S+.* in \d{4}/\d\d \((green|amber|red|grey)\)", page
    )
    assert re.search(r"Reported once a year: the latest figure, for \d{4}/\d\d, was ", home)
    perf = pd.read_csv(site / "data" / "performance.csv", dtype=str, keep_default_na=False)
    annual = perf[perf["frequency"] == "annual"]["measure_id"].unique()
    for measure_id in annual:  # no annual measure appears as a change in a Q1-Q3 report because it is not due
        title = perf.loc[perf["measure_id"] == measure_id, "title"].iloc[0]
        for q in (site / "reports").glob("*-q[123]/index.html"):
            text = visible_text(q.read_text(encoding="utf-8"))
            changes = text.split("What changed since last quarter", 1)[1].split("Measures by priority", 1)[0]
            assert f"{title}: " not in changes or "Grey to" not in changes.split(f"{title}: ", 1)[1][:12], (
                q,
                title,
            )


def test_every_page_writes_dates_the_uk_way_and_punctuates_cleanly(example_site):
    site = example_site[0]
    problems = []
    for path in sorted(site.rglob("index.html")):
        page = path.read_text(encoding="utf-8")
        if not ARTICLE.search(page):
            continue
        text = visible_text(page)
        for pattern in (
            r"\b\d{4}-\d{2}-\d{2}\b",
            "`",  # Markdown code marks shown literally
            r"\.\s*\.(?!\.)",
            r",\s*[.,]",
            r"\s[,.;:](?=\s|$)",
            r"\(\s*\)",
        ):
            for hit in re.finditer(pattern, text):
                problems.append(
                    (path.relative_to(site).as_posix(), text[max(0, hit.start() - 40) : hit.end() + 20])
                )
    assert problems == []


def test_confidence_in_the_data_is_told_in_words_not_rag_colours(example_site):
    site = example_site[0]
    methodology = pd.read_csv(EXAMPLE / "methodology.csv", dtype=str, keep_default_na=False)
    words = {"green": "High:", "amber": "Medium:", "red": "Low:"}
    for row in methodology.itertuples():
        page = (site / "measures" / row.measure_id.lower() / "index.html").read_text(encoding="utf-8")
        part = page.split("Confidence in the data</dt><dd>", 1)[1].split("</dd>", 1)[0]
        assert f'class="ps-confidence ps-confidence--{row.confidence}">{words[row.confidence]}' in part
        assert "ps-status" not in part


def test_resident_text_has_no_doubled_punctuation(example_site):
    """Sentences assembled from parts must not read "Q1 2025/26 (April to June 2025))" or "report.."."""
    import re as _re

    site = example_site[0]
    found = []
    for page in sorted(site.rglob("index.html")):
        article = page.read_text(encoding="utf-8").split('<article class="md-content__inner md-typeset">')[-1]
        text = _re.sub(
            r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", "", article.split("</article>")[0], flags=_re.S
        )
        for bad in ("))", "..", " :", " ."):
            if bad in " ".join(text.split()):
                found.append((page.relative_to(site).as_posix(), bad))
    assert found == []
