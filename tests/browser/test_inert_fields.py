"""Every string from a package is inert on the page, not only officer text: the council's name
(the site name, printed raw by the theme), titles (page header, nav, <title>), URL fields and the
committee's name. Validation refuses these payloads; this test checks the second wall by letting
them past validation and loading the pages in real chromium: no script runs, no request leaves
the site, and each payload is shown as text."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from .test_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.browser

NAME = "Northmoor <img src=x onerror=\"window.__pwned='name'\"> Council"
TITLE = r"Fly-tipping \x3cimg src=x \x6fnerror=window.__pwned='title'\x3e cleared"
URL = "javascript:window.__pwned='url'"
COMMITTEE = '![x](http://192.0.2.1/pixel.png){: style="position:fixed;inset:0"} Cabinet'


def _rewrite(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        change(row)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from perfsite.site import sitegen

    from ..conftest import EXAMPLE, SiteServer, build_site, free_port

    work = tmp_path_factory.mktemp("hostile")
    pkg = work / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["council"]["name"] = NAME
    descriptor["council"]["website"] = URL
    descriptor["licenses"][0]["path"] = URL
    (pkg / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    _rewrite(pkg / "measures.csv", lambda r: r.update(title=TITLE) if r["measure_id"] == "env-01" else None)
    _rewrite(pkg / "publications.csv", lambda r: r.update(report_url=URL, committee=COMMITTEE))
    _rewrite(pkg / "benchmarks.csv", lambda r: r.update(source_url=URL))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            sitegen, "validate_package", lambda package, meanwhile=None: []
        )  # past the first wall on purpose
        port = free_port()
        site, _ = build_site(pkg, work / "built", port=port)
    server = SiteServer(site, port)
    yield server, site
    server.stop()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (make test installs it: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("path", ["", "measures/env-01/", "data/", "about/", "reports/"])
def test_package_strings_never_run_and_never_call_out(browser, hostile_site, path):
    server, site = hostile_site
    context = browser.new_context()
    page = context.new_page()
    dialogs, outside = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
    page.goto(server.url + path)
    page.wait_for_load_state("networkidle")
    # click every link that came from the package: none may run script
    for link in page.locator("a[href^='javascript' i]").all():
        link.click()
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert dialogs == [] and page.evaluate("window.__pwned === undefined")
    assert outside == []
    header = page.locator(".md-header__topic").first.inner_text()
    assert "<img" in header  # the council's name, shown as the text it is
    assert page.locator("img[src='x'], .md-header img").count() == 0
    context.close()


def test_titles_with_yaml_escapes_are_shown_as_typed(browser, hostile_site):
    server, _ = hostile_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "measures/env-01/")
    assert page.locator("h1").first.inner_text() == TITLE
    assert page.title().startswith(TITLE)
    assert page.evaluate("window.__pwned === undefined")
    report = server.url + "reports/"
    page.goto(report)
    committee = page.locator("table").first.inner_text()
    assert "![x](http://192.0.2.1/pixel.png)" in committee  # plain text, never Markdown
    context.close()
