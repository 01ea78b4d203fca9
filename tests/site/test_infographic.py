"""The quarter at a glance: tiles per priority, headlines, eight-quarter trend, key projects — on the
home page, atop each report, and as a self-contained SVG drawn from the same numbers."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from perfsite import rules
from perfsite.site import infographic

from ..conftest import EXAMPLE
from ..headline_reader import figures_words_of

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
SVG = "{http://www.w3.org/2000/svg}"


def glance_text(page: str) -> str:
    section = re.search(r'<section class="ps-glance".*?</section>', page, re.S).group(0)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def svg_text(path) -> tuple[ET.Element, str]:
    root = ET.parse(path).getroot()
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    return root, " ".join(" ".join(texts).split())


def test_home_and_every_report_open_with_the_quarter_at_a_glance(example_site):
    site = example_site[0]
    plan_order = pd.read_csv(EXAMPLE / "priorities.csv").sort_values("sort_order")["title"].tolist()
    reports = sorted((site / "reports").glob("*/index.html"))
    for path in [site / "index.html", *reports]:
        page = path.read_text(encoding="utf-8")
        first_section = ">Measures by priority</h2>" if path.parent == site else ">Summary</h2>"
        assert page.index('class="ps-glance"') < page.index(first_section), path  # at the top
        text = glance_text(page)
        assert "at a glance" in text and "measures on target (green)" in text
        titles = re.findall(r'class="ps-glance__title"><a [^>]+>([^<]+)</a>', page)
        assert [html.unescape(t) for t in titles] == [
            t for t in plan_order if t in map(html.unescape, titles)
        ]
        # the big numbers are text, and each tile's colour bar is repeated in words
        for big, total, green in re.findall(
            r"<strong>(\d+)</strong> of (\d+) <span>.*?</span>.*?ps-glance__counts\">(\d+) green", page, re.S
        ):
            assert big == green and int(big) <= int(total)
    latest = reports[-1].read_text(encoding="utf-8")
    assert glance_text(latest) == glance_text((site / "index.html").read_text(encoding="utf-8"))


def test_tiles_count_what_the_report_tables_count(example_site):
    site = example_site[0]
    home = (site / "index.html").read_text(encoding="utf-8")
    table = home.split("<caption>Measures by status and priority", 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<a href="priorities/([^/]+)/">[^<]*</a></th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>'
        r"<td>\d+</td><td>(\d+)</td><td>(\d+)</td>",
        table,
    )
    # green of rated (green + amber + red), and how many had a figure of the total
    expected = {(p, int(g), int(g) + int(a) + int(r), (int(f), int(t))) for p, g, a, r, t, f in rows}
    tiles = re.findall(
        r'<a href="priorities/([^/]+)/">[^<]*</a></h3>\s*<p class="ps-glance__big"><strong>(\d+)</strong> of (\d+)'
        r'.*?<p class="ps-glance__figures">([^<]+)</p>',
        home,
        re.S,
    )
    got = {(p, int(g), int(r), figures_words_of(f)) for p, g, r, f in tiles}
    assert tiles and got == expected


def test_the_downloadable_image_is_self_contained_and_says_what_the_page_says(example_site):
    site = example_site[0]
    reports = sorted((site / "reports").glob("*/index.html"))
    for path in reports:
        quarter = path.parent.name
        image = site / "data" / f"infographic-{quarter}.svg"
        page = path.read_text(encoding="utf-8")
        assert f'href="../../data/infographic-{quarter}.svg"' in page
        root, text = svg_text(image)
        raw = image.read_text(encoding="utf-8")
        assert not re.search(r"<(image|script|use|foreignObject)\b|href=|url\(|@import", raw)
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
        shown = glance_text(page)
        for headline in re.findall(
            r"<li>([^<]+)</li>", page.split('class="ps-glance__headlines"', 1)[1].split("</ul>", 1)[0]
        ):
            assert html.unescape(headline) in text
        tiles = re.findall(r"<strong>(\d+)</strong> of (\d+) <span>rated measures? on target", page)
        assert tiles
        for big, total in tiles:
            assert f"{big} of {total}" in text
        for share in re.findall(r"<strong>(\d+%)</strong> <span>", page):
            assert share in text and share in shown
    assert len(list((site / "data").glob("infographic-*.svg"))) == len(reports)


def test_numbers_for_a_quarter():
    priorities = pd.DataFrame({"priority_id": ["b", "a"], "title": ["Second by id", "First by id"]})
    by_priority = {
        "a": rules.headline(["green", "green", "amber", "not_due"]),
        "b": rules.headline(["green", "red", "red"]),
    }
    overall = rules.headline(["green", "green", "amber", "not_due", "green", "red", "red"])
    changes = pd.DataFrame({"priority_id": ["a", "b", "b"], "change": ["better", "worse", "grey"]})
    trend = [infographic.trend_point("2025-26-Q4", None), infographic.trend_point("2026-27-Q1", overall)]
    projects = pd.DataFrame(
        {"title": ["Depot", "Pool"], "status": ["on_track", "at_risk"], "percent_complete": [50, None]}
    )
    n = infographic.quarter_numbers(
        "2026-27-Q1", "2025-26-Q4", priorities, overall, by_priority, changes, trend, projects,
        ("Q3 2025/26", rules.headline(["green", "red", "amber", "green"])),
    )  # fmt: skip
    assert [t["priority_id"] for t in n["tiles"]] == ["b", "a"]  # Council Plan order, not by id
    assert [(t["on_target"], t["rated"], t["total"], t["change"]) for t in n["tiles"]] == [
        (1, 3, 3, "Since Q4 2025/26: 1 worse, 1 to or from grey"),
        (2, 3, 4, "Since Q4 2025/26: 1 better"),
    ]
    assert n["headlines"] == [
        "6 of 7 measures had a figure for Q1 2026/27; 1 had no figure yet, as it is reported at the end of the year.",
        "3 of the 6 rated measures (50%) were on or better than target (green), the same as the 50% (2 of 4) "
        "in Q3 2025/26.",
        "2 measures were red: off target by more than the tolerance.",
        "Since Q4 2025/26, 3 measures changed status: 1 to a better status, 1 to a worse one and "
        "1 to or from grey (no figure yet, or not rated).",
        "1 of 2 key projects are on track or completed.",
    ]
    assert n["projects"][1]["percent"] is None
    assert [infographic.trend_words(t) for t in n["trend"]] == ["no report", "50%"]
    assert n["trend_title"] == "Share of rated measures on target (green), Q4 2025/26 to Q1 2026/27"
    first = infographic.quarter_numbers(
        "2026-27-Q1", None, priorities, overall, by_priority, None, trend[1:], projects.iloc[0:0]
    )
    assert all(t["change"] == "" for t in first["tiles"]) and len(first["headlines"]) == 3


def test_the_words_of_a_quarter_with_nothing_rated():
    h = rules.headline(["not_due"] * 20 + ["not_rated"] * 2 + ["missing"] * 5)
    assert infographic.figures_sentence(h, "Q2 2026/27") == (
        "2 of 27 measures had a figure for Q2 2026/27; 25 had no figure yet "
        "(20 of them reported at the end of the year)."
    )
    earlier = ("Q1 2026/27", rules.headline(["green", "green", "red", "red", "amber"]))
    assert infographic.on_target_sentence(h, earlier) == (
        "No measure could be rated, so none is counted as on target. "
        "2 measures with a figure are not rated against a target."
    )
    point = infographic.trend_point("2026-27-Q2", h)
    assert point["share"] is None and infographic.trend_words(point) == "none rated"
    assert infographic.in_brief(h) == "no measure could be rated, and 2 of 27 measures had a figure"
    assert infographic.share_change(None, earlier) == ""
    assert infographic.share_change(60, earlier) == "up from 40% (2 of 5) in Q1 2026/27"
