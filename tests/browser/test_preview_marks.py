"""A preview is marked wherever it is seen, in a real browser: the DRAFT banner on screen at 360 and
1280 px, and a DRAFT mark with the council's name on every printed page (Chromium's own print to
PDF, read back page by page with poppler) — in perfsite's own site and in a council's MkDocs site
with another theme or its own main.html. A public build prints no DRAFT anywhere."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import EXAMPLE, ROOT, SiteServer, build_site, free_port
from .test_browser import ARGS, ARTIFACTS, AXE, CHROMIUM, example_paths, missing, run_axe

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "preview"
COUNCIL = "Northmoor District Council"
# the example's quarter awaiting committee, and its meeting, as every preview page must name them
QUARTER = "Q2 2026/27"
MEETING = "for the Overview and Scrutiny Committee meeting on 3 December 2026"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        missing("Debian's chromium is not installed (make test installs it: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def preview_server(tmp_path_factory):
    port = free_port()
    site, _ = build_site(EXAMPLE, tmp_path_factory.mktemp("preview"), preview=True, port=port)
    server = SiteServer(site, port)
    yield server, site
    server.stop()


def printed_pages(page, pdf: Path) -> list[str]:
    """Print ``page`` to an A4 PDF as Chromium prints it, and read each printed page's text."""
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        missing("pdftotext is not installed (apt-get install -y poppler-utils)")
    count = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(pdf.with_suffix(""))], check=True)
    return [
        " ".join(
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
            ).stdout.split()
        )
        for n in range(1, count + 1)
    ]


def assert_marked_on_screen(browser, url: str, width: int, shot: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(url)
    banner = page.locator(".ps-draft-banner")
    assert banner.count() == 1, f"{url}: {banner.count()} DRAFT banners"
    assert banner.is_visible()
    text = " ".join(banner.inner_text().split())
    assert text.startswith("DRAFT") and COUNCIL in text and QUARTER in text and MEETING in text, text
    box = banner.bounding_box()
    # seen without scrolling, not under a fixed header bar, and never wider than the screen
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800 and box["x"] >= 0, box
    assert box["x"] + box["width"] <= width, box
    hidden = page.evaluate(
        """b => { const r = b.getBoundingClientRect(); const top = document.elementFromPoint(r.left + 5, r.top + 5);
                  return !(top && (b === top || b.contains(top))); }""",
        banner.element_handle(),
    )
    assert not hidden, f"{url} at {width} px: something covers the DRAFT banner"
    assert page.locator('meta[name="robots"][content*="noindex"]').count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shot))
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("kind", ["home", "report", "measure", "accessibility"])
def test_every_preview_page_shows_the_draft_banner(browser, preview_server, width, kind):
    server, site = preview_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = example_paths(site)[kind]
    if kind == "report":
        path = "reports/2026-27-q2/"
    assert_marked_on_screen(browser, server.url + path, width, SHOTS / f"perfsite-{kind}-{width}.png")


def test_the_preview_banner_passes_axe(browser, preview_server):
    if not AXE.exists():
        missing("axe-core is not installed (make test runs npm ci in tests/browser)")
    server, _ = preview_server
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(server.url + "reports/2026-27-q2/")
        violations = run_axe(page)
        context.close()
        assert violations == [], f"at {width} px\n{json.dumps(violations, indent=2)}"


def test_every_printed_page_of_a_preview_report_says_draft_with_the_council(browser, preview_server):
    server, _ = preview_server
    out = SHOTS / "print-perfsite"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url + "reports/2026-27-q2/")
    texts = printed_pages(page, out / "report.pdf")
    context.close()
    assert len(texts) >= 3, len(texts)  # a real report, over several pages
    for number, text in enumerate(texts, 1):
        assert "DRAFT" in text and COUNCIL in text and QUARTER in text, f"printed page {number}: {text[:300]}"
        assert MEETING in text, f"printed page {number}: {text[:300]}"
    assert "not yet published" in texts[0].lower()


def test_a_public_report_prints_without_any_draft_mark(browser, example_server, example_site):
    out = SHOTS / "print-public"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(example_server.url + example_paths(example_site[0])["report"])
    texts = printed_pages(page, out / "report.pdf")
    context.close()
    assert len(texts) >= 3
    assert not [n for n, text in enumerate(texts, 1) if "DRAFT" in text]
    assert "Considered by the Overview and Scrutiny Committee on" in texts[0] and "Published" in texts[0]


# A council's own MkDocs site, previewing: another theme, or Material with the council's own
# main.html (branding, analytics) that does not extend perfsite's
OWN_MAIN = """{% extends "base.html" %}
{% block extrahead %}<script>/* the council's analytics */</script>{% endblock %}
{% block announce %}Council news: bin collections change in January{% endblock %}
"""


def council_preview(where: Path, theme: str) -> Path:
    site = where / "council"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.md").write_text("# Welcome to the council\n\nOur own page.\n")
    if theme == "material-own-main":
        (site / "overrides").mkdir()
        (site / "overrides" / "main.html").write_text(OWN_MAIN)
        theme_yaml = "theme:\n  name: material\n  custom_dir: overrides\n"
    else:
        theme_yaml = f"theme:\n  name: {theme}\n"
    (site / "mkdocs.yml").write_text(
        f"site_name: {COUNCIL}\n{theme_yaml}plugins:\n  - search\n  - perfsite:\n"
        f"      package: {json.dumps(str(EXAMPLE))}\n      prefix: performance/\n      preview: true\n"
    )
    out = where / "built"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(where)},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material-own-main"])
def test_a_preview_in_a_councils_own_theme_is_marked_on_screen_and_in_print(browser, tmp_path, theme):
    out = council_preview(tmp_path, theme)
    port = free_port()
    server = SiteServer(out, port)
    try:
        shots = SHOTS / f"council-{theme}"
        shutil.rmtree(shots, ignore_errors=True)
        shots.mkdir(parents=True)
        for path in ("", "performance/", "performance/reports/2026-27-q2/"):
            for width in (360, 1280):
                name = (path.strip("/").replace("/", "-") or "home") + f"-{width}.png"
                assert_marked_on_screen(browser, server.url + path, width, shots / name)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(server.url + "performance/reports/2026-27-q2/")
        texts = printed_pages(page, shots / "report.pdf")
        context.close()
    finally:
        server.stop()
    assert len(texts) >= 3
    for number, text in enumerate(texts, 1):
        assert "DRAFT" in text and COUNCIL in text and QUARTER in text, f"{theme}, printed page {number}"
