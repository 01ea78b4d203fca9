"""Browser tests: Debian's chromium driven by playwright, axe-core for accessibility.

They run over the example site built once per session (tests/conftest.py). Chromium cannot be
downloaded here: `make test` installs Debian's package and playwright drives it through
`executable_path`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def example_paths(site: Path) -> dict[str, str]:
    """One URL of each page type, picked from the built example."""
    reports = sorted(p.parent.name for p in (site / "reports").glob("*/index.html"))
    red_measure = None
    for candidate in sorted((site / "measures").glob("*/index.html")):
        html = candidate.read_text(encoding="utf-8")
        if "ps-exception" in html and "ps-chart" in html:
            red_measure = candidate.parent.name
            break
    return {
        "home": "",
        "reports": "reports/",
        "report": f"reports/{reports[-1]}/",
        "priority": f"priorities/{sorted(p.parent.name for p in (site / 'priorities').glob('*/index.html'))[0]}/",
        "measures": "measures/",
        "measure": f"measures/{red_measure}/",
        "projects": "projects/",
        "project": f"projects/{sorted(p.parent.name for p in (site / 'projects').glob('*/index.html'))[0]}/",
        "data": "data/",
        "about": "about/",
        "accessibility": "accessibility/",
    }


def wait_for_charts(page) -> None:
    if page.locator(".ps-chart").count():
        page.wait_for_selector(".ps-chart svg.main-svg", timeout=20000)


@pytest.mark.parametrize(
    "kind",
    [
        "home",
        "reports",
        "report",
        "priority",
        "measures",
        "measure",
        "projects",
        "project",
        "data",
        "about",
        "accessibility",
    ],
)
def test_every_page_type_passes_axe(page, example_server, example_site, kind):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci in tests/browser)")
    url = example_server.url + example_paths(example_site[0])[kind]
    page.goto(url)
    wait_for_charts(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
    ]
    assert violations == [], f"{url}\n{json.dumps(violations, indent=2)}"
    assert len(result["passes"]) > 10  # axe really ran


def test_chart_renders_when_loaded_directly(page, example_server, example_site):
    page.goto(example_server.url + example_paths(example_site[0])["measure"])
    page.wait_for_selector(".ps-chart svg.main-svg", timeout=20000)
    assert page.locator(".ps-chart .scatterlayer .trace").count() >= 2


def test_chart_renders_after_instant_navigation(page, example_server, example_site):
    target = example_paths(example_site[0])["measure"]
    page.goto(example_server.url + "measures/")
    page.evaluate("window.__notReloaded = true")
    # Material's instant navigation rewrites links to absolute URLs, so match the end of the href
    page.click(f'#measures-table a[href$="{target.split("/", 1)[1]}"]')
    page.wait_for_url(example_server.url + target)
    page.wait_for_selector(".ps-chart svg.main-svg", timeout=20000)
    assert page.evaluate("window.__notReloaded === true"), (
        "the click reloaded the page instead of navigating instantly"
    )
    plotly_requests = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('plotly'))"
    )
    assert len(set(plotly_requests)) == 1


def test_pages_are_readable_without_javascript(browser, example_server, example_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    paths = example_paths(example_site[0])
    page.goto(example_server.url + paths["measure"])
    assert page.locator(".ps-summary").first.inner_text().strip()
    assert page.locator("table").first.locator("tbody tr").count() >= 4
    page.goto(example_server.url)
    assert page.locator("table tbody tr").count() >= 4
    assert "measures of the Council Plan" in page.locator(".ps-lede").inner_text()
    context.close()


@pytest.mark.parametrize("kind", ["home", "report", "measure"])
def test_no_horizontal_scrolling_at_360px(browser, example_server, example_site, kind):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    page.goto(example_server.url + example_paths(example_site[0])[kind])
    wait_for_charts(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at a 360 px viewport"
    context.close()


def test_measures_table_filters_and_sorts(page, example_server):
    page.goto(example_server.url + "measures/")
    rows = page.locator("#measures-table tbody tr")
    total = rows.count()
    page.fill("#measure-filter", "recycled")
    visible = page.locator("#measures-table tbody tr:not([hidden])").count()
    assert 0 < visible < total
    assert "of" in page.locator(".ps-filter-count").inner_text()
    page.fill("#measure-filter", "")
    header = page.locator("#measures-table thead th").nth(1)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    titles = page.locator("#measures-table tbody th").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"


def test_report_prints_without_navigation(page, example_server, example_site):
    page.goto(example_server.url + example_paths(example_site[0])["report"])
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator("h1").is_visible()


def test_screenshots_for_review(browser, example_server, example_site):
    """Full-page screenshots of the home, a report and a measure page, desktop and 360 px."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    paths = example_paths(example_site[0])
    taken = []
    for width in (1280, 360):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for kind in ("home", "report", "measure"):
            page.goto(example_server.url + paths[kind])
            wait_for_charts(page)
            target = ARTIFACTS / f"{kind}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            taken.append(target)
        context.close()
    assert all(p.stat().st_size > 10_000 for p in taken)
    print(f"\nScreenshots for review: {ARTIFACTS}")


PAYLOAD = "Good quarter <script>window.__pwned = 1; alert('script')</script> <img src=x onerror=\"window.__pwned = 2; alert('img')\"> [more](javascript:alert('link'))"


def test_script_in_commentary_never_runs(browser, tmp_path, monkeypatch):
    """Validation refuses HTML in commentary; this checks the second wall (sanitising at render time)
    by letting the payload through validation and loading the page in a real browser."""
    import csv as csv_module

    from generator import checks

    from ..conftest import SiteServer, build_site, free_port

    pkg = tmp_path / "pkg"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data" / "example", pkg)
    with open(pkg / "outturns.csv", encoding="utf-8", newline="") as fh:
        reader = csv_module.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    target = next(r for r in reversed(rows) if r["measure_id"] == "env-01" and r["period"] == "2026-27-Q1")
    target["commentary"] = PAYLOAD
    with open(pkg / "outturns.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv_module.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(checks, "text_issues", lambda package: [])  # let the payload past the first wall
    port = free_port()
    site, _ = build_site(pkg, tmp_path / "built", port=port)
    server = SiteServer(site, port)
    try:
        context = browser.new_context()
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server.url + "measures/env-01/")
        page.wait_for_timeout(500)
        assert dialogs == []
        assert page.evaluate("window.__pwned === undefined")
        commentary = page.locator(".ps-officer-text").inner_text()
        assert "Good quarter" in commentary and "<script>" in commentary  # shown as text
        hrefs = page.evaluate(
            "Array.from(document.querySelectorAll('.ps-officer-text a')).map(a => a.getAttribute('href'))"
        )
        assert all(h is None or not h.lower().startswith("javascript") for h in hrefs)
        assert page.locator(".ps-officer-text script, .ps-officer-text img").count() == 0
        context.close()
    finally:
        server.stop()
