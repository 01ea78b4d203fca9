"""The built example site: every page there, searchable, light, linked, and its downloads honest."""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pandas as pd
import pytest

from ..conftest import EXAMPLE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def ids(resource: str, column: str, where=lambda r: True) -> list[str]:
    with open(EXAMPLE / f"{resource}.csv", encoding="utf-8") as fh:
        return [r[column] for r in csv.DictReader(fh) if where(r)]


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_entity_and_published_quarter_has_its_page(example_site):
    site = example_site[0]
    for measure_id in ids("measures", "measure_id"):
        assert (site / "measures" / measure_id.lower() / "index.html").exists(), measure_id
    for priority_id in ids("priorities", "priority_id"):
        assert (site / "priorities" / priority_id.lower() / "index.html").exists(), priority_id
    for project_id in ids("projects", "project_id"):
        assert (site / "projects" / project_id.lower() / "index.html").exists(), project_id
    for period in ids("publications", "period", lambda r: r["status"] == "published"):
        assert (site / "reports" / period.lower() / "index.html").exists(), period
    for period in ids("publications", "period", lambda r: r["status"] != "published"):
        assert not (site / "reports" / period.lower()).exists(), f"unpublished {period} has a page"
    for page in (
        "index.html",
        "measures/index.html",
        "projects/index.html",
        "data/index.html",
        "about/index.html",
        "accessibility/index.html",
        "feed.xml",
    ):
        assert (site / page).exists(), page


def test_every_page_is_in_the_search_index_and_measures_are_findable(example_site):
    site = example_site[0]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        assert rel.removesuffix("index.html") in locations, rel
    for resource, key in (("measures", "measure_id"), ("projects", "project_id")):
        with open(EXAMPLE / f"{resource}.csv", encoding="utf-8") as fh:
            for entity in csv.DictReader(fh):
                page = f"{resource}/{entity[key].lower()}/"
                docs = [d for d in index["docs"] if d["location"] == page]
                text = " ".join(d["text"] for d in docs)
                # findable by id, by title and by a word of its description
                assert docs and docs[0]["title"] == html.escape(entity["title"]), page
                assert entity[key] in text and entity["title"] in html.unescape(text), page
                words = [w for w in re.findall(r"[A-Za-z]{6,}", entity.get("description") or "")]
                assert not words or words[-1] in text, page
    # compact: the index no longer carries every table of every page
    assert (site / "search" / "search_index.json").stat().st_size < 150_000


def test_pages_are_light_and_plotly_comes_from_one_url(example_site):
    site = example_site[0]
    plotly_refs = set()
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        assert page.stat().st_size <= 200 * 1024, f"{page} is {page.stat().st_size} bytes"
        assert "plotly.js v" not in html and "Plotly.newPlot" not in html, f"{page} inlines plotly"
        for src in re.findall(r'<script[^>]+src="([^"]+)"', html):
            assert not src.startswith(("http:", "https:", "//")), f"{page} loads a third-party script {src}"
        plotly_refs |= set(re.findall(r'[^"\']*plotly[^"\']*\.js', html))
    assert plotly_refs == set(), "pages never reference plotly.js directly; perfsite.js loads it"
    script = (site / "assets" / "perfsite.js").read_text(encoding="utf-8")
    assert script.count('"plotly.min.js"') == 1
    assert (site / "assets" / "plotly.min.js").stat().st_size > 1_000_000


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_no_broken_internal_links_or_downloads(example_site):
    site = example_site[0]
    broken = []
    for page in html_pages(site):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "file:///" + page.relative_to(site).as_posix()
        for link in parser.links:
            if link.startswith(("http:", "https:", "mailto:", "#", "data:", "javascript:")):
                continue
            target = urlparse(urljoin(base, link)).path.lstrip("/")
            path = site / target
            if target.endswith("/") or target == "":
                path = path / "index.html"
            if not path.exists():
                broken.append((page.relative_to(site).as_posix(), link))
    assert broken == []


def test_performance_csv_round_trips_to_the_statuses_on_the_pages(example_site):
    site = example_site[0]
    performance = pd.read_csv(site / "data" / "performance.csv", dtype={"period": str})
    assert list(performance.columns)[:3] == ["measure_id", "title", "period"]
    assert {"value", "unit", "target", "status", "summary"} <= set(performance.columns)
    for measure_id, rows in performance.groupby("measure_id"):
        html = (site / "measures" / measure_id.lower() / "index.html").read_text(encoding="utf-8")
        headline = html.split('class="ps-headline"', 1)[1].split("</div>", 1)[0]
        shown = re.search(r"ps-status--(\w+)", headline).group(1)
        assert shown == rows.iloc[-1]["status"], measure_id
        own = pd.read_csv(site / "data" / "measures" / f"{measure_id.lower()}.csv", dtype={"period": str})
        assert list(own["status"]) == list(rows["status"]), measure_id


def test_downloadable_package_is_valid_and_holds_published_periods_only(example_site):
    site = example_site[0]
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(site / "data" / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    unpublished = set(ids("publications", "period", lambda r: r["status"] != "published"))
    for name in ("outturns", "performance", "project_updates", "exceptions"):
        periods = set(pd.read_csv(site / "data" / f"{name}.csv", dtype=str)["period"])
        assert not periods & unpublished, name
        assert not {p for p in periods if p.startswith("2026-27-M0") and p[-1] in "456"}, name


def test_the_rules_page_shows_its_reason_codes_as_a_table(example_site):
    """The rules' reason codes are a Markdown table in rules/__init__.py: the about page (and the
    pack's annex) must show a table, not lines of pipes."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cell, self.cells = None, []

        def handle_starttag(self, tag, attrs):
            if tag in ("td", "th"):
                self.cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.cells.append(self.cell.strip())
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

    html = (example_site[0] / "about" / "index.html").read_text(encoding="utf-8")
    parser = Cells()
    parser.feed(html)
    assert "Reason code" in parser.cells and "on_or_better_than_target" in parser.cells
    assert "| Reason code |" not in html
