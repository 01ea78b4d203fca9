"""The quarter at a glance: tiles per priority, headlines, eight-quarter trend, key projects — on the
home page, atop each report, and as a self-contained SVG drawn from the same numbers."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from generator import infographic

from .conftest import EXAMPLE

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
        r'<a href="priorities/([^/]+)/">[^<]*</a></th><td>(\d+)</td>(?:<td>\d+</td>){3}<td>(\d+)</td>', table
    )
    tiles = re.findall(
        r'<a href="priorities/([^/]+)/">[^<]*</a></h3>\s*<p class="ps-glance__big"><strong>(\d+)</strong> of (\d+)',
        home,
    )
    assert tiles and set(tiles) == set(rows)


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
        for big, total in re.findall(r"<strong>(\d+)</strong> of (\d+) <span>measures on target", page):
            assert f"{big} of {total}" in text
        for share in re.findall(r"<strong>(\d+%)</strong> <span>", page):
            assert share in text and share in shown
    assert len(list((site / "data").glob("infographic-*.svg"))) == len(reports)


def test_numbers_for_a_quarter():
    priorities = pd.DataFrame({"priority_id": ["b", "a"], "title": ["Second by id", "First by id"]})
    counts = pd.DataFrame(
        {"priority_id": ["a", "b"], "green": [2, 1], "amber": [1, 0], "red": [0, 2], "grey": [1, 0]}
    )
    before = counts.assign(green=[3, 1])
    changes = pd.DataFrame({"status": ["green", "red", "grey"], "status_before": ["amber", "green", "green"]})
    trend = pd.DataFrame(
        {
            "period": ["2026-27-Q1"],
            "label": ["Q1 2026/27"],
            "green": [3],
            "total": [7],
            "share_on_target": [43],
        }
    )
    projects = pd.DataFrame(
        {"title": ["Depot", "Pool"], "status": ["on_track", "at_risk"], "percent_complete": [50, None]}
    )
    n = infographic.quarter_numbers(
        "2026-27-Q1", "2025-26-Q4", priorities, counts, before, changes, trend, projects
    )
    assert [t["priority_id"] for t in n["tiles"]] == ["b", "a"]  # Council Plan order, not by id
    assert [(t["on_target"], t["total"], t["change"]) for t in n["tiles"]] == [
        (1, 3, "no change since Q4 2025/26"),
        (2, 4, "down 1 since Q4 2025/26"),
    ]
    assert n["headlines"] == [
        "3 of 7 measures (43%) were on or better than target (green).",
        "2 measures were red: off target by more than the tolerance.",
        "Since Q4 2025/26, 1 measure moved to a better status and 1 to a worse one.",
        "1 of 2 key projects are on track or completed.",
    ]
    assert n["projects"][1]["percent"] is None
    first = infographic.quarter_numbers(
        "2026-27-Q1", None, priorities, counts, None, changes.iloc[0:0], trend, projects.iloc[0:0]
    )
    assert all(t["change"] == "" for t in first["tiles"]) and len(first["headlines"]) == 2
