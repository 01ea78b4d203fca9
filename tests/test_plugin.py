"""perfsite as a plugin in a council's own MkDocs site (examples/council-mkdocs-site)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

EXAMPLE_SITE = ROOT / "examples" / "council-mkdocs-site"


def mkdocs_build(config: Path, out: Path, home: Path, **env: str) -> subprocess.CompletedProcess:
    """`mkdocs build` of a council's own site, as the council runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(home), **env},
    )


@pytest.fixture(scope="module")
def council_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("council")
    shutil.copytree(EXAMPLE_SITE, work / "examples" / "council-mkdocs-site")
    shutil.copytree(ROOT / "data" / "example", work / "data" / "example")
    before = sorted(p.relative_to(work).as_posix() for p in work.rglob("*"))
    out = work / "built"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            "examples/council-mkdocs-site/mkdocs.yml",
            "-d",
            str(out),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(work)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    after = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if not p.is_relative_to(out))
    assert after == before, "the build wrote outside its output folder"
    return out


def test_the_performance_pages_sit_beside_the_councils_own_pages(council_site):
    home = (council_site / "index.html").read_text(encoding="utf-8")
    assert "Welcome to the council" in home
    assert 'href="performance/"' in home  # the council's nav has a Performance section
    assert (council_site / "contact" / "index.html").exists()
    perf = (council_site / "performance" / "index.html").read_text(encoding="utf-8")
    assert "How is Northmoor District Council doing?" in perf
    for page in ("measures/index.html", "reports/index.html", "data/performance.csv", "feed.xml"):
        assert (council_site / "performance" / page).exists(), page
    assert 'src="assets/perfsite.js"' in perf  # performance/assets/perfsite.js
    assert (council_site / "performance" / "assets" / "plotly.min.js").exists()
    # the council keeps its own name; perfsite does not rename the site
    assert "<title>How is Northmoor District Council doing? - Northmoor District Council</title>" in perf


def test_links_between_performance_pages_resolve_under_the_prefix(council_site):
    missing = []
    for page in (council_site / "performance").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a href="([^"#:?]+)"', html):
            target = (page.parent / href).resolve()
            if not (target.is_file() or (target / "index.html").is_file()):
                missing.append((page.relative_to(council_site).as_posix(), href))
    assert missing == []


def test_a_docs_page_at_a_performance_path_is_a_clear_error_not_an_overwrite(tmp_path):
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.md").write_text("# Our council\n")
    (site / "mkdocs.yml").write_text(
        f"site_name: A council\nplugins:\n  - perfsite:\n      package: {ROOT / 'data' / 'example'}\n"
    )
    result = mkdocs_build(site / "mkdocs.yml", tmp_path / "out", home=tmp_path)
    assert result.returncode != 0
    assert "already has index.md" in result.stderr and "prefix" in result.stderr
    assert (site / "docs" / "index.md").read_text() == "# Our council\n"


HOOK = """
import json, os
seen = {}

def on_page_content(html, page, config, files):
    if page.file.src_uri.startswith("performance/measures/"):
        seen[page.file.src_uri] = html
    return html

def on_post_build(config):
    with open(os.environ["SEEN"], "w") as out:
        json.dump(seen, out)
"""


def test_other_plugins_of_a_councils_site_read_the_performance_pages_html(tmp_path):
    """perfsite build holds a page's HTML back until it is rendered; a council's own site must
    still hand other plugins (feeds, social cards) each performance page's full HTML."""
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    (site / "hooks.py").write_text(HOOK)
    config = (site / "mkdocs.yml").read_text().replace("../../data/example", str(ROOT / "data" / "example"))
    (site / "mkdocs.yml").write_text(config + "hooks:\n  - hooks.py\n")
    seen = tmp_path / "seen.json"
    result = mkdocs_build(site / "mkdocs.yml", tmp_path / "out", home=tmp_path, SEEN=str(seen))
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    pages = json.loads(seen.read_text())
    assert len(pages) > 20
    for uri, html in pages.items():
        built = (tmp_path / "out" / uri.replace("index.md", "index.html")).read_text(encoding="utf-8")
        assert "<h1" in html and html in built, uri
