"""What readers reach for next, in a real browser: the measures filter, with and without JavaScript."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_browser import ARGS, AXE, CHROMIUM, WCAG, make_live

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def open_page(browser, url: str, width: int = 1280, javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(url)
    return context, page


def shown_rows(page) -> list[str]:
    return page.locator("#measures-table tbody tr:not([hidden]) td[data-label='ID']").all_inner_texts()


def test_the_word_filter_matches_whole_words_and_facets_narrow_the_table(browser, example_server):
    context, page = open_page(browser, example_server.url + "measures/")
    total = page.locator("#measures-table tbody tr").count()
    page.fill("#measure-filter", "red")
    reds = shown_rows(page)
    for measure_id in reds:  # every match is rated red or has "red" as a word, never "answered"
        row = page.locator(f"#measures-table tbody tr:has(td[data-label='ID']:text-is('{measure_id}'))")
        assert (
            "red" in row.inner_text().lower().replace("answered", "").split()
            or row.get_attribute("data-status") == "red"
        )
    assert len(reds) == page.locator("#measures-table tbody tr[data-status='red']").count()
    page.fill("#measure-filter", "")
    page.select_option("#filter-status", "green")
    greens = shown_rows(page)
    assert 0 < len(greens) < total
    assert page.locator("#measures-table tbody tr:not([hidden])[data-status='green']").count() == len(greens)
    assert f"{len(greens)} of {total} measures shown" == page.locator(".ps-filter-count").inner_text()
    committee = page.locator("#filter-committee option").nth(1).get_attribute("value")
    page.select_option("#filter-committee", committee)
    both = shown_rows(page)
    assert set(both) <= set(greens)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "measures-filters-1280.png"), full_page=False)
    context.close()
    context, page = open_page(browser, example_server.url + "measures/?status=red")
    assert page.locator("#filter-status").input_value() == "red"
    assert len(shown_rows(page)) == page.locator("#measures-table tbody tr[data-status='red']").count()
    context.close()


def test_without_javascript_the_filters_are_plain_links(browser, example_server):
    context, page = open_page(browser, example_server.url + "measures/", javascript=False)
    assert not page.locator("form.ps-facets").is_visible()
    page.click(".ps-facet-links a[href='by-status/red/']")
    assert page.url.endswith("/measures/by-status/red/")
    statuses = page.locator("#measures-table tbody td[data-label='Status']").all_inner_texts()
    assert statuses and all(s.startswith("Red") for s in statuses)
    context.close()


@pytest.mark.parametrize("path", ["measures/", "measures/by-status/red/", "data/revisions/"])
def test_new_pages_pass_axe(browser, example_server, path):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make test runs npm ci in tests/browser)")
    context, page = open_page(browser, example_server.url + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    violations = [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=2)
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_quarter_at_a_glance_fits_a_phone_and_prints(browser, example_server, width):
    context, page = open_page(browser, example_server.url, width=width)
    glance = page.locator("section.ps-glance")
    box = glance.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    tiles = page.locator(".ps-glance__tile")
    assert tiles.count() >= 3
    if width == 1280:  # tiles sit side by side on a wide screen, one under another on a phone
        assert tiles.nth(0).bounding_box()["y"] == tiles.nth(1).bounding_box()["y"]
    else:
        assert tiles.nth(1).bounding_box()["y"] > tiles.nth(0).bounding_box()["y"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    glance.screenshot(path=str(SHOTS / f"infographic-{width}.png"))
    page.emulate_media(media="print")
    assert glance.is_visible() and not page.locator(".ps-glance__download").is_visible()
    context.close()


def test_reports_index_trend_for_review(browser, example_server):
    context, page = open_page(browser, example_server.url + "reports/")
    # first paint: the static drawing; then the interactive chart once the reader reaches for it
    assert page.locator("#chart-status-by-quarter .ps-chart__svg").first.is_visible()
    make_live(page)
    assert page.locator("#chart-status-by-quarter .barlayer .trace").count() >= 3
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "reports-index-1280.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_report_pager_shows_separate_labelled_links(browser, example_server, example_site, width):
    reports = sorted(p.parent.name for p in (example_site[0] / "reports").glob("*/index.html"))
    context, page = open_page(browser, example_server.url + f"reports/{reports[-2]}/", width=width)
    links = page.locator(".ps-pager a")
    texts = [t.strip() for t in links.all_inner_texts()]
    assert texts[0].startswith("Previous: Q") and texts[1] == "All reports" and texts[2].startswith("Next: Q")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    for left, right in zip(boxes, boxes[1:], strict=False):  # apart on one line, or on lines of their own
        assert left["x"] + left["width"] + 8 <= right["x"] or right["y"] >= left["y"] + left["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_status_counts_are_a_plain_list_with_their_badges_at_the_margin(
    browser, example_server, example_site, width
):
    """The counts by status read as a key (badge, number, words), not as a bulleted list."""
    reports = sorted(p.parent.name for p in (example_site[0] / "reports").glob("*/index.html"))
    for path in ("", f"reports/{reports[-1]}/"):
        context, page = open_page(browser, example_server.url + path, width=width)
        counts = page.locator("ul.ps-counts").first
        items = counts.locator("li")
        assert items.count() == 4
        styles = items.evaluate_all("items => items.map(li => getComputedStyle(li).listStyleType)")
        assert styles == ["none"] * 4, (path, styles)
        left = counts.bounding_box()["x"]
        for i in range(4):
            badge = items.nth(i).locator(".ps-status").bounding_box()
            assert badge["x"] - left < 4, (path, i, badge["x"], left)  # no indent left for a bullet
        context.close()
