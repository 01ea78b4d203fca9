"""Scrutiny details: Council Plan order, honest "what changed", annual figures with their year, UK dates."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from perfsite.rules import report

from ..conftest import EXAMPLE

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


def rows(statuses, reasons, period="2026-27-Q1", values=None):
    return pd.DataFrame(
        {
            "measure_id": ["annual", "quarterly", "monthly"],
            "title": ["Annual survey", "Calls answered", "Missed bins"],
            "status": statuses,
            "status_reason": reasons,
            "value": values or [float("nan") if r in ("not_due", "no_value") else 1.0 for r in reasons],
            "report_period": period,
        }
    )


def test_a_move_to_or_from_grey_is_a_change_of_its_own_kind_never_better_or_worse():
    q4 = rows(
        ["green", "green", "red"],
        ["on_or_better_than_target", "on_or_better_than_target", "outside_amber_tolerance"],
    )
    q1 = rows(["grey", "red", "grey"], ["not_due", "outside_amber_tolerance", "no_value"])
    changes = report.status_changes(q1, q4)
    # worse first, then the moves to grey: an annual measure not due and a missing figure alike
    assert list(changes["measure_id"]) == ["quarterly", "annual", "monthly"]
    assert list(changes["change"]) == ["worse", "grey", "grey"]
    assert list(changes["status_before"]) == ["green", "green", "red"]
    # merged by measure when the two reports list their measures differently: the same answer
    reordered = report.status_changes(q1.iloc[::-1], q4)
    assert sorted(zip(reordered["measure_id"], reordered["change"], strict=True)) == sorted(
        zip(changes["measure_id"], changes["change"], strict=True)
    )


def test_a_status_given_to_a_missing_figure_is_grey_in_every_count():
    # an officer's green on a quarter with no figure: the headline counts it as no figure, so
    # staying without a figure is no change, and gaining one is a move from grey
    before = rows(["green", "green", "green"], ["no_value", "no_value", "on_or_better_than_target"])
    now = rows(["grey", "green", "green"], ["no_value", "on_or_better_than_target", "no_value"])
    changes = report.status_changes(now, before)
    assert list(zip(changes["measure_id"], changes["change"], strict=True)) == [
        ("quarterly", "grey"),
        ("monthly", "grey"),
    ]
    assert list(changes["shown_before"]) == ["grey", "green"] and list(changes["shown"]) == ["green", "grey"]


def _annual_and_quarterly():
    """An annual measure (green for 2024/25, red for 2025/26) and a quarterly one, always green."""
    measures = pd.DataFrame(
        {
            "measure_id": ["annual", "quarterly"],
            "title": ["Survey", "Calls"],
            "frequency": ["annual", "quarterly"],
        }
    )
    quarters = [f"{y}-Q{q}" for y in ("2024-25", "2025-26") for q in (1, 2, 3, 4)]
    performance = pd.DataFrame(
        [
            {"measure_id": "annual", "period": "2024-25", "value": 80.0, "status": "green"},
            {"measure_id": "annual", "period": "2025-26", "value": 60.0, "status": "red"},
            *[{"measure_id": "quarterly", "period": q, "value": 90.0, "status": "green"} for q in quarters],
        ]
    ).assign(
        computed_status=lambda f: f["status"],
        status_source="computed",
        status_reason=lambda f: f["status"].map(
            {"green": "on_or_better_than_target", "red": "outside_amber_tolerance"}
        ),
    )
    return measures, performance


def _changes(measures, performance, now: str, before: str) -> pd.DataFrame:
    rows = {q: report.quarter_rows(performance, measures, q) for q in (now, before)}
    return report.status_changes(
        report.compared_rows(rows[now], performance), report.compared_rows(rows[before], performance)
    )


def test_an_annual_measure_not_due_is_no_change_and_is_compared_year_on_year_in_q4():
    measures, performance = _annual_and_quarterly()
    # Q4 2024/25 → Q1 2025/26: the annual measure is only not due: not a change of any kind
    assert _changes(measures, performance, "2025-26-Q1", "2024-25-Q4").empty
    assert _changes(measures, performance, "2025-26-Q3", "2025-26-Q2").empty
    # Q3 → Q4 2025/26: the year's figure against the year before's, named with their years
    changed = _changes(measures, performance, "2025-26-Q4", "2025-26-Q3")
    assert changed[["measure_id", "change", "shown_before", "shown"]].values.tolist() == [
        ["annual", "worse", "green", "red"]
    ]
    assert (changed.at[0, "period_before"], changed.at[0, "period"]) == ("2024-25", "2025-26")
    # a first annual figure, with none the year before: a move from grey, never better or worse
    first = _changes(measures, performance, "2024-25-Q4", "2024-25-Q3")
    assert first[["measure_id", "change", "status_reason_before"]].values.tolist() == [
        ["annual", "grey", "not_due"]
    ]
    assert report.compared_period("annual", "2025-26-Q2") == "2024-25"
    assert report.compared_period("annual", "2025-26-Q4") == "2025-26"
    assert report.compared_period("monthly", "2025-26-Q2") == "2025-26-M06"


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
    for q in (site / "reports").glob("*-q[123]/index.html"):
        page = ARTICLE.search(q.read_text(encoding="utf-8")).group(1)
        for kind in ("better", "worse"):  # an annual measure not due is never better or worse
            block = re.search(rf'data-change="{kind}">(.*?)</ul>', page, re.S)
            listed = re.findall(r"measures/([^/]+)/", block.group(1)) if block else []
            assert not {m.lower() for m in annual} & set(listed), (q, kind)


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
