"""perfsite as a plugin in a council's own MkDocs site (examples/council-mkdocs-site)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

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
    assert "docs/index.md would be written to index.html" in result.stderr, result.stderr
    assert "nothing is overwritten" in result.stderr and "'prefix'" in result.stderr
    assert "Traceback" not in result.stderr
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


# -- a council's own site, built in-process ---------------------------------------------------
# The package is generated once per set of options (sitegen.generate is what `perfsite build`
# tests cover); what is tested here is what the plugin does with it in a council's MkDocs site.
_GENERATED: dict = {}


@pytest.fixture()
def council(tmp_path, monkeypatch):
    from perfsite.site import sitegen

    real = sitegen.generate

    def generate(package, preview=False, site_url=None, **kwargs):
        key = (str(Path(package).resolve()), preview, site_url)
        if key not in _GENERATED:
            _GENERATED[key] = real(package, preview=preview, site_url=site_url, **kwargs)
        return _GENERATED[key]

    monkeypatch.setattr(sitegen, "generate", generate)
    # the plugin sets SOURCE_DATE_EPOCH for MkDocs; keep it to this test
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return Council(tmp_path / "council")


class Council:
    """A council's MkDocs project: its own pages, its mkdocs.yml, an in-process `mkdocs build`."""

    def __init__(self, root: Path):
        self.root = root
        self.docs = root / "docs"
        self.docs.mkdir(parents=True)
        self.page("index.md", "# Welcome to the council\n")
        self.out = root / "site"
        self.config = None

    def page(self, path: str, text: str = "# Our own page\n") -> Path:
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def settings(self, perfsite: dict | None = None, *, before_search: bool = False, **top) -> dict:
        options = {"package": str(ROOT / "data" / "example"), "prefix": "performance/", **(perfsite or {})}
        plugins = [{"perfsite": options}, "search"] if before_search else ["search", {"perfsite": options}]
        return {
            "site_name": "Northmoor District Council",
            "theme": {"name": "material"},
            "plugins": plugins,
            **top,
        }

    def build(self, perfsite: dict | None = None, **top) -> Path:
        import yaml
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort

        settings = yaml.safe_dump(self.settings(perfsite, **top))
        (self.root / "mkdocs.yml").write_text(settings, encoding="utf-8")
        errors = _Errors()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(errors)
        try:
            self.config = load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=str(self.out))
            build(self.config)
        except Abort as exc:  # MkDocs logs why, then aborts: what a person reads is the log
            raise Refused(f"{exc}\n" + "\n".join(errors.messages)) from exc
        finally:
            logger.removeHandler(errors)
        return self.out


class Refused(Exception):
    """`mkdocs build` stopped: MkDocs' message and what it logged."""


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def project_files(root: Path, out: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_relative_to(out))


@pytest.mark.parametrize(
    "prefix",
    ["../", "..", "performance/../../", "/performance/", "/", "C:/site/", "c:perf", "performance\\x/",
     "a//b/", "Performance/", "per formance/", "perf./", ".well-known/", "./", "perf?x/", "perf#x/",
     "%2e%2e/", "perf\u202e/"],
)  # fmt: skip
def test_a_prefix_that_could_leave_the_site_or_is_not_a_plain_folder_is_refused(prefix):
    from mkdocs.config.base import ValidationError

    from perfsite.site.plugin import PerfsiteConfig

    option = dict(PerfsiteConfig._schema)["prefix"]
    with pytest.raises(ValidationError, match="cannot be the folder of the performance pages"):
        option.run_validation(prefix)


@pytest.mark.parametrize(
    ("prefix", "read_as"),
    [("performance", "performance/"), ("performance/", "performance/"), ("council/performance", "council/performance/"),
     ("perf-2026_q1.v2/", "perf-2026_q1.v2/"), ("", ""), ("  ", "")],
)  # fmt: skip
def test_a_prefix_is_read_with_its_trailing_slash(prefix, read_as):
    from perfsite.site.plugin import PerfsiteConfig

    option = dict(PerfsiteConfig._schema)["prefix"]
    assert option.run_validation(prefix) == read_as


def test_prefix_dot_dot_is_refused_with_a_message_and_writes_nothing(tmp_path):
    """`prefix: "../"` used to write pages into the project and the package, outside site_dir."""
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.md").write_text("# Our council\n")
    shutil.copytree(ROOT / "data" / "example", tmp_path / "data" / "example")
    (site / "mkdocs.yml").write_text(
        "site_name: A council\nplugins:\n  - perfsite:\n      package: ../data/example\n      prefix: '../'\n"
    )
    before = project_files(tmp_path, tmp_path / "out")
    result = mkdocs_build(site / "mkdocs.yml", tmp_path / "out", home=tmp_path)
    assert result.returncode != 0
    assert "option 'prefix'" in result.stderr and "'..'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert project_files(tmp_path, tmp_path / "out") == before
    assert not (tmp_path / "out").exists()


SITE_URLS = [
    "https://www.northmoor.example/",
    "https://www.northmoor.example/democracy/",
    "http://intranet.northmoor.example",
    'https://x.example/"><script>alert(1)</script>',
    "javascript:alert(1)",
    "ftp://x.example/",
    "mailto:web@northmoor.example",
    "www.northmoor.example",
    "https://",
    "https://x.example/a b",
    "https://x.example/\u202e",
    "",
]


@pytest.mark.parametrize("value", SITE_URLS)
def test_the_plugins_site_url_is_checked_by_the_rule_of_the_packages(value):
    """The same addresses are accepted and refused as datapackage.json's site_url."""
    from mkdocs.config.base import ValidationError

    from perfsite import standard
    from perfsite.site.plugin import PerfsiteConfig

    option = dict(PerfsiteConfig._schema)["site_url"].option  # inside c.Optional
    accepted = standard.site_url({"site_url": value})
    if accepted:
        assert option.run_validation(value) == accepted
    else:
        with pytest.raises(ValidationError, match="is not the web address of a site"):
            option.run_validation(value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"preview": "yes"}, "option 'preview': write true or false (without quotes), not 'yes'"),
        ({"nav": "no"}, "option 'nav': write true or false"),
        ({"package": "no-such-folder"}, "option 'package': there is no folder"),
        ({"package": ""}, "option 'package': give the folder of the council's data package"),
        (
            {"site_url": "javascript:alert(1)"},
            "option 'site_url': 'javascript:alert(1)' is not the web address",
        ),
        ({"prefix": 7}, "option 'prefix': write a folder name"),
    ],
)
def test_options_a_person_gets_wrong_are_configuration_errors_that_say_why(council, options, message):
    with pytest.raises(Refused, match="configuration error") as refused:
        council.build(options)
    assert message in str(refused.value)
    # and so through the real command line: the message, no traceback
    result = mkdocs_build(council.root / "mkdocs.yml", council.root / "out", home=council.root)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("docs/pkg", "is inside the docs folder"),
        (".", "holds the docs folder"),
    ],
)
def test_a_package_folder_mkdocs_would_publish_or_write_into_is_refused(council, where, message):
    package = council.root / where
    package.mkdir(parents=True, exist_ok=True)
    for item in (ROOT / "data" / "example").iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy)(item, package / item.name)
    with pytest.raises(Refused, match=message):
        council.build({"package": where})
    assert not council.out.exists()


def test_a_site_folder_inside_the_package_is_refused(council, tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "data" / "example", package)
    council.out = package / "site"
    with pytest.raises(Refused, match="holds the site folder"):
        council.build({"package": str(package)})
    assert not council.out.exists()


@pytest.mark.parametrize("link", ["the package folder", "one of its files", "a hard link"])
def test_a_link_in_the_docs_folder_to_the_package_is_refused(council, tmp_path, link):
    """MkDocs follows links in docs_dir: the package's CSVs would be published as they are."""
    package = Path(shutil.copytree(ROOT / "data" / "example", tmp_path / "pkg"))
    if link == "the package folder":
        (council.docs / "raw").symlink_to(package, target_is_directory=True)
    elif link == "one of its files":
        (council.docs / "figures.csv").symlink_to(package / "outturns.csv")
    else:
        os.link(package / "outturns.csv", council.docs / "figures.csv")
    with pytest.raises(Refused, match="MkDocs would publish files of the package"):
        council.build({"package": str(package)})
    assert not council.out.exists()


def test_a_theme_folder_that_is_the_package_is_refused(council, tmp_path):
    package = Path(shutil.copytree(ROOT / "data" / "example", tmp_path / "pkg"))
    with pytest.raises(Refused, match="MkDocs would publish files of the package"):
        council.build({"package": str(package)}, theme={"name": "mkdocs", "custom_dir": str(package)})
    assert not council.out.exists()


def test_a_link_in_the_site_folder_into_the_package_is_refused(council, tmp_path):
    """MkDocs writes through a link it finds in site_dir: the pages would land in the package."""
    package = Path(shutil.copytree(ROOT / "data" / "example", tmp_path / "pkg"))
    before = sorted(p.relative_to(package).as_posix() for p in package.rglob("*"))
    council.out.mkdir()
    (council.out / "performance").symlink_to(package, target_is_directory=True)
    with pytest.raises(Refused, match="is a link into the package"):
        council.build({"package": str(package)})
    assert sorted(p.relative_to(package).as_posix() for p in package.rglob("*")) == before


def test_a_package_path_with_spaces_works(council, tmp_path):
    package = tmp_path / "council data" / "performance package"
    shutil.copytree(ROOT / "data" / "example", package)
    out = council.build({"package": "../council data/performance package"})
    assert "How is Northmoor District Council doing?" in (out / "performance" / "index.html").read_text()


# A council's page or file at an address perfsite writes: refused, whichever way it would get there
@pytest.mark.parametrize(
    ("theirs", "directory_urls"),
    [
        ("performance/about.md", True),
        ("performance/about/index.md", True),
        ("performance/about/index.md", False),
        ("performance/about/index.html", True),
        ("performance/about/index.html", False),
        ("performance/About.md", True),  # a case-insensitive host serves one of them
        ("performance/feed.xml", True),
        ("performance/data/performance.csv", True),
        ("performance/assets/perfsite.css", True),
        ("performance/assets/plotly.min.js", False),
        ("performance/data", True),  # a file where perfsite needs a folder
        ("performance/index.md", False),
        ("performance/README.md", True),  # MkDocs makes README.md the folder's index.html
    ],
)
def test_a_council_file_at_an_address_perfsite_writes_is_an_error_naming_both(
    council, theirs, directory_urls
):
    council.page(theirs, "# Ours\n")
    with pytest.raises(Refused) as error:
        council.build(use_directory_urls=directory_urls)
    message = str(error.value)
    assert f"docs/{theirs} would be written to" in message, message
    assert "nothing is overwritten" in message and "'prefix'" in message
    assert not council.out.exists()
    assert (council.docs / theirs).read_text() == "# Ours\n"


@pytest.mark.parametrize(
    ("theirs", "directory_urls", "written"),
    [
        ("performance/about.md", False, "performance/about.html"),
        ("performance/about.html", True, "performance/about.html"),
        ("performance/about.html", False, "performance/about.html"),
        ("performance-policy.md", True, "performance-policy/index.html"),
    ],
)
def test_a_council_file_beside_perfsites_addresses_is_kept(council, theirs, directory_urls, written):
    council.page(theirs, "<p>Our own words</p>\n" if theirs.endswith(".html") else "# Our own words\n")
    out = council.build(use_directory_urls=directory_urls)
    assert "Our own words" in (out / written).read_text(encoding="utf-8")
    about = "about/index.html"
    assert "How we manage" in (out / "performance" / about).read_text(encoding="utf-8")


def test_without_a_prefix_the_councils_pages_are_checked_against_the_whole_site(council):
    with pytest.raises(Refused, match="index.md would be written to index.html") as error:
        council.build({"prefix": ""})
    assert "for example 'performance/'" in str(error.value)


def test_perfsite_listed_twice_is_refused(council, tmp_path):
    second = {"perfsite": {"package": str(ROOT / "data" / "example"), "prefix": "perf2/"}}
    original = council.settings
    council.settings = lambda *a, **k: {
        **original(*a, **k),
        "plugins": [*original(*a, **k)["plugins"], second],
    }
    with pytest.raises(Refused, match="listed 2 times"):
        council.build()


def nav_titles(items) -> list:
    """The navigation as titles: a section is (title, [children])."""
    return [(item.title, nav_titles(item.children)) if item.children else item.title for item in items]


def built_nav(council) -> list:
    from mkdocs.structure.files import get_files
    from mkdocs.structure.nav import get_navigation

    files = get_files(council.config)
    files = council.config.plugins.on_files(files, config=council.config)
    return nav_titles(get_navigation(files, council.config).items)


def test_a_councils_performance_section_gets_perfsites_pages_after_its_own(council):
    council.page("approach.md", "# Our approach\n")
    council.build(nav=[{"Home": "index.md"}, {"Performance": [{"Our approach": "approach.md"}]}])
    nav = council.config.nav
    assert [next(iter(item)) for item in nav] == ["Home", "Performance"]  # one Performance section
    section = nav[1]["Performance"]
    assert section[0] == {"Our approach": "approach.md"}
    assert {"Home": "performance/index.md"} in section and len(section) > 5


def test_a_nav_that_already_lists_perfsites_pages_is_left_alone(council):
    own = [{"Home": "index.md"}, {"How we are doing": "performance/index.md"}]
    council.build(nav=[dict(item) for item in own])
    assert council.config.nav == own


def test_a_site_without_nav_lists_its_own_pages_then_a_performance_section(council):
    council.page("contact.md", "# Contact us\n")
    council.build()
    top = [next(iter(item)) if isinstance(item, dict) else item for item in council.config.nav]
    assert top == ["index.md", "contact.md", "Performance"]
    reports = dict(next(i for i in council.config.nav if isinstance(i, dict))["Performance"][1])["Reports"]
    assert reports[0] == "performance/reports/index.md"
    assert all("2023 24" not in str(entry) for entry in reports)  # titled as reports, not as folders


def test_with_the_plugin_before_search_the_index_holds_compact_entries(council):
    out = council.build(before_search=True)
    import json

    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [d for d in index["docs"] if d["location"].startswith("performance/measures/com-01/")]
    assert entries and all("<table" not in d["text"] for d in entries)
    assert "rated green" in entries[0]["text"]


def test_with_use_directory_urls_false_every_link_between_performance_pages_reaches_a_file(council):
    out = council.build(use_directory_urls=False)
    missing = []
    for page in (out / "performance").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a href="([^"#:?]+)"', html):
            target = (page.parent / href).resolve()
            if not target.is_file():
                missing.append((page.relative_to(out).as_posix(), href))
    assert missing == []


def test_a_site_url_with_a_path_gives_the_performance_pages_their_address_under_the_prefix(council):
    out = council.build({"site_url": "https://www.northmoor.example/democracy"})
    feed = (out / "performance" / "feed.xml").read_text(encoding="utf-8")
    assert "https://www.northmoor.example/democracy/performance/reports/2026-27-q1/" in feed
    data = (out / "performance" / "data" / "index.html").read_text(encoding="utf-8")
    assert "https://www.northmoor.example/democracy/performance/data/" in data
    assert "https://www.northmoor.example/democracy/reports/" not in feed + data


def test_the_sites_own_site_url_gives_the_performance_pages_their_address(council):
    out = council.build(site_url="https://www.northmoor.example/")
    feed = (out / "performance" / "feed.xml").read_text(encoding="utf-8")
    assert "https://www.northmoor.example/performance/reports/2026-27-q1/" in feed


# -- a preview in any theme --------------------------------------------------------------------
OWN_MAIN = '{% extends "base.html" %}\n{% block extrahead %}<script>/* analytics */</script>{% endblock %}\n'


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material-own-main"])
def test_every_page_of_a_preview_has_one_draft_banner_and_noindex_whatever_the_theme(council, theme):
    if theme == "material-own-main":
        (council.root / "overrides").mkdir()
        (council.root / "overrides" / "main.html").write_text(OWN_MAIN)
        theme_settings = {"name": "material", "custom_dir": "overrides"}
    else:
        theme_settings = {"name": theme}
    out = council.build({"preview": True}, theme=theme_settings)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 50 and out / "404.html" in pages and out / "index.html" in pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head, body = html.split("</head>", 1)
        assert body.count('class="ps-draft-banner"') == 1, page
        assert head.count('<meta name="robots" content="noindex, nofollow">') == 1, page
        assert head.count('id="ps-draft-print"') == 1, page
        assert "Q2 2026/27, for the Overview and Scrutiny Committee meeting on 3 December 2026" in body, page


def test_a_public_build_in_another_theme_has_no_draft_mark(council):
    out = council.build(theme={"name": "readthedocs"})
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "ps-draft" not in html and "noindex" not in html, page


# -- mkdocs serve ------------------------------------------------------------------------------
class FakeServer:
    def __init__(self):
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_mkdocs_serve_watches_the_package_folder(council):
    council.build()
    plugin = council.config.plugins["perfsite"]
    server = FakeServer()
    assert plugin.on_serve(server, config=council.config, builder=lambda: None) is server
    assert server.watched == [str(ROOT / "data" / "example")]


def test_perfsite_build_has_no_package_option_to_watch():
    from perfsite.site.plugin import PerfsitePlugin

    plugin = PerfsitePlugin()
    plugin.load_config({})
    server = FakeServer()
    plugin.on_serve(server, config=None, builder=lambda: None)
    assert server.watched == []


def test_mkdocs_serve_rebuilds_when_the_package_changes(tmp_path):
    """A real `mkdocs serve`: the council's name changed in the package reaches the served page."""
    import json
    import os
    import signal
    import time
    import urllib.request

    from ..conftest import free_port

    shutil.copytree(EXAMPLE_SITE, tmp_path / "examples" / "council-mkdocs-site")
    shutil.copytree(ROOT / "data" / "example", tmp_path / "data" / "example")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", "examples/council-mkdocs-site/mkdocs.yml",
         "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        start_new_session=True,
    )  # fmt: skip

    def served() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/performance/", timeout=10) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait_for(text: str) -> bool:
        for _ in range(300):  # up to ~2.5 minutes on a busy machine; returns as soon as it is there
            if server.poll() is not None:
                return False
            if text in served():
                return True
            time.sleep(0.5)
        return False

    try:
        assert wait_for("How is Northmoor District Council doing?"), "mkdocs serve did not start"
        descriptor_path = tmp_path / "data" / "example" / "datapackage.json"
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        descriptor["council"]["name"] = "Southmoor District Council"
        descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        assert wait_for("How is Southmoor District Council doing?"), "the change to the package was not built"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_mkdocs_own_site_url_is_checked_when_perfsite_uses_it(council):
    with pytest.raises(Refused, match="in mkdocs.yml is not a web address"):
        council.build(site_url="https://www.northmoor.example/?page=1")
