"""End-to-end builds: the approval gate, previews, reproducibility, atomicity, publishing and revisions."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from perfsite.commands import build as build_module
from perfsite.commands.publish import publish
from perfsite.commands.synth import synthesise
from perfsite.errors import BuildError, PublishError, ValidationFailed
from perfsite.standard.formatting import format_value
from perfsite.validation.validate import validate

from ..conftest import build_site

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

UNPUBLISHED = "2026-27-Q2"  # synth leaves the last quarter approved, not published
TEXT_MARKER = "ZQXMARKER"


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def rewrite(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        change(row)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def in_unpublished(period: str) -> bool:
    return period == UNPUBLISHED or period in ("2026-27-M04", "2026-27-M05", "2026-27-M06")


@pytest.fixture(scope="module")
def marked_package(tmp_path_factory) -> tuple[Path, list[str]]:
    """A package whose unpublished quarter carries unique marker numbers and texts."""
    pkg = synthesise(tmp_path_factory.mktemp("marked") / "pkg", measures=26, years=2, projects=6, seed=7)
    units = {}
    with open(pkg / "measures.csv", encoding="utf-8") as fh:
        for m in csv.DictReader(fh):
            units[m["measure_id"]] = (m["unit"], int(m["decimal_places"]))
    markers: list[str] = [TEXT_MARKER]
    counter = iter(range(1000))

    def mark_outturn(row):
        if not in_unpublished(row["period"]):
            return
        unit, places = units[row["measure_id"]]
        row["commentary"] = f"{TEXT_MARKER} commentary"
        if unit in ("count", "currency_gbp", "number") and places == 0:
            value = 8_123_457 + 1000 * next(counter)
            row["value"], row["missing_reason"] = str(value), ""
            markers.extend([str(value), format_value(float(value), unit, 0)])

    rewrite(pkg / "outturns.csv", mark_outturn)

    def mark_update(row):
        if row["period"] == UNPUBLISHED:
            row["update"] = f"{TEXT_MARKER} project update"

    rewrite(pkg / "project_updates.csv", mark_update)

    def mark_exception(row):
        if row["period"] == UNPUBLISHED:
            row["overview"] = f"{TEXT_MARKER} exception overview"

    rewrite(pkg / "exceptions.csv", mark_exception)
    assert len(markers) > 3
    return pkg, markers


def files_containing(root: Path, needles: list[str]) -> list[tuple[str, str]]:
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            import gzip

            data = gzip.decompress(data)
        if path.suffix == ".zip":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(n) for n in archive.namelist())
        for needle in needles:
            if needle.encode() in data:
                found.append((path.relative_to(root).as_posix(), needle))
    return found


def test_public_build_leaks_nothing_of_an_unpublished_quarter(marked_package, tmp_path):
    pkg, markers = marked_package
    out, _ = build_site(pkg, tmp_path)
    assert files_containing(out, markers) == []
    assert files_containing(out, ["2026-27-q2", "2026-27-Q2", "Q2 2026/27"]) == []


def test_preview_shows_unpublished_figures_with_a_draft_banner_and_noindex(marked_package, tmp_path):
    pkg, markers = marked_package
    out, _ = build_site(pkg, tmp_path, preview=True)
    report = (out / "reports" / "2026-27-q2" / "index.html").read_text(encoding="utf-8")
    assert TEXT_MARKER in report
    assert any(m in report for m in markers[1:])
    for page in out.rglob("*.html"):  # 404.html included
        html = page.read_text(encoding="utf-8")
        assert html.count('class="ps-draft-banner"') == 1, page
        assert "<strong>DRAFT</strong> — Synthetic Borough Council — Q2 2026/27, for the " in html, page
        assert html.count('<meta name="robots" content="noindex, nofollow">') == 1, page
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "2026-27-q2" not in feed and TEXT_MARKER not in feed


def test_building_twice_gives_identical_trees(tmp_path):
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    build_module.build(pkg, tmp_path / "a", site_url="https://performance.example.org/")
    first = tmp_path / "a"
    build_module.build(pkg, tmp_path / "b", site_url="https://performance.example.org/")
    second = tmp_path / "b"
    assert tree_digest(first) == tree_digest(second)
    assert "<lastmod>" in (first / "sitemap.xml").read_text()


def test_a_build_holds_a_generated_pages_text_only_while_mkdocs_renders_it(tmp_path, monkeypatch):
    """A large council's site is held as UTF-8 until MkDocs renders each page (at 4,000 measures,
    the pages as text took twice the memory): the page's text appears for its rendering and is let
    go once it is written, and the written page still carries it."""
    from mkdocs.commands import build as mkdocs_build

    seen = []
    real = mkdocs_build._build_page

    def spy(page, config, *args, **kwargs):
        before = page.content
        real(page, config, *args, **kwargs)
        seen.append((page.file.src_uri, before, page.content))

    monkeypatch.setattr(mkdocs_build, "_build_page", spy)
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    build_module.build(pkg, tmp_path / "site")
    measures = [entry for entry in seen if entry[0].startswith("measures/m")]
    assert len(measures) == 14
    assert all(before == "" and after is None for _, before, after in measures)
    page = (tmp_path / "site" / "measures" / "m0001" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="performance-over-time">' in page


def test_mkdocs_runs_no_markdown_over_the_pages_perfsite_rendered(tmp_path, monkeypatch):
    from mkdocs.structure.pages import Page

    converted = []
    real = Page.render

    def render(page, config, files):
        converted.append(page.file.src_uri)
        real(page, config, files)

    monkeypatch.setattr(Page, "render", render)
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    result = build_module.build(pkg, tmp_path / "site")
    assert result.pages > 40
    assert converted == ["accessibility/index.md"]  # the hand-written page, and nothing else


SHARED_PARTS = ("nav", "tabs", "search", "styles", "analytics", "footer", "config", "scripts")
HOSTILE_TITLES = {
    "m0001": "Search",  # also in the header's search box: its title is not where the header is split
    "m0002": "e",  # everywhere in the header
    "m0003": 'Residents\' "trust" < 5 & > 3 (%)',
    "m0004": 'Search & "Rescue" performance',  # the council's name, in part
}


def test_materials_parts_made_once_a_folder_are_what_each_page_would_have_had(tmp_path, monkeypatch):
    """Measure, project and report-priority pages share Material's navigation, tabs, header, search
    form, footer, scripts and the content partial around their HTML (made once per folder), and
    Material's strings are looked up once: the site, and its preview, must be byte for byte the
    ones Material makes page by page with its own partials, hostile titles and names included."""
    import collections
    import json
    import shutil

    from perfsite.site import plugin

    pkg = synthesise(tmp_path / "pkg", measures=30, years=2, projects=6, seed=3)
    rewrite(pkg / "measures.csv", lambda r: r.update(title=HOSTILE_TITLES.get(r["measure_id"], r["title"])))
    rewrite(
        pkg / "measures.csv",
        lambda r: r.update(description='Rents < £5 & "fair" > 2') if r["measure_id"] == "m0005" else None,
    )
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["council"]["name"] = 'Search & "Rescue" <Borough>'
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    made: collections.Counter = collections.Counter()
    shared, around = plugin.PerfsitePlugin._shared, plugin.PerfsitePlugin._shared_around

    def counted(self, name, page, *, caller):
        return shared(self, name, page, caller=lambda: made.update([name]) or caller())

    def counted_around(self, name, page, text, *, caller):
        return around(self, name, page, text, caller=lambda: made.update([name]) or caller())

    monkeypatch.setattr(plugin.PerfsitePlugin, "_shared", counted)
    monkeypatch.setattr(plugin.PerfsitePlugin, "_shared_around", counted_around)
    result = build_module.build(pkg, tmp_path / "shared")
    for name in (*SHARED_PARTS, "header", "content"):
        assert 0 < made[name] < result.pages / 2, f"Material's {name} was made for most pages: {made[name]}"
    build_module.build(pkg, tmp_path / "shared-preview", preview=True)
    # Material's own partials (perfsite's are taken off the theme's path), every part made for every page
    own = tmp_path / "overrides"
    shutil.copytree(plugin.THEME_OVERRIDES, own, ignore=shutil.ignore_patterns("partials"))
    monkeypatch.setattr(plugin, "THEME_OVERRIDES", own)
    monkeypatch.setattr(plugin.PerfsitePlugin, "_shared", lambda self, name, page, *, caller: caller())
    build_module.build(pkg, tmp_path / "each")
    build_module.build(pkg, tmp_path / "each-preview", preview=True)
    assert tree_digest(tmp_path / "shared") == tree_digest(tmp_path / "each")
    assert tree_digest(tmp_path / "shared-preview") == tree_digest(tmp_path / "each-preview")
    page = (tmp_path / "shared" / "measures" / "m0003" / "index.html").read_text(encoding="utf-8")
    assert "Residents&#x27; &quot;trust&quot; &lt; 5 &amp; &gt; 3 (%)" in page


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path, monkeypatch):
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    out, _ = build_site(pkg, tmp_path / "w")
    before = tree_digest(out)
    # 1. bad input: validation stops the build before anything is written
    rewrite(pkg / "outturns.csv", lambda r: r.update(value="47.5%") if r["period"] == UNPUBLISHED else None)
    with pytest.raises(ValidationFailed):
        build_module.build(pkg, out=out)
    assert tree_digest(out) == before
    # 2. MkDocs failing half-way through writing the new site
    rewrite(pkg / "outturns.csv", lambda r: r.update(value="47.5") if r["value"] == "47.5%" else None)

    def broken_mkdocs(site, site_dir):
        (Path(site_dir) / "index.html").write_text("half a site")
        raise BuildError("MkDocs could not build the site: simulated failure")

    monkeypatch.setattr(build_module, "run_mkdocs", broken_mkdocs)
    with pytest.raises(BuildError):
        build_module.build(pkg, out=out)
    assert tree_digest(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".site")] == []


def test_cli_build_of_a_broken_package_says_why_without_a_traceback(tmp_path):
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    rewrite(
        pkg / "measures.csv", lambda r: r.update(unit="percentage") if r["measure_id"] == "m0001" else None
    )
    result = subprocess.run(
        [sys.executable, "-m", "perfsite.cli", "build", str(pkg), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "measures.csv, row 2, field unit" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_publish_snapshots_with_checksums_refuses_twice_and_detects_tampering(tmp_path):
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    with pytest.raises(PublishError, match="before the committee date"):
        publish(pkg, UNPUBLISHED, date=__import__("datetime").date(2026, 1, 1))
    snapshot = publish(pkg, UNPUBLISHED, date=__import__("datetime").date(2026, 11, 20))
    manifest = __import__("json").loads((snapshot / "manifest.json").read_text())
    assert manifest["period"] == UNPUBLISHED and manifest["published_date"] == "2026-11-20"
    for name, checksum in manifest["files"].items():
        assert hashlib.sha256((snapshot / name).read_bytes()).hexdigest() == checksum
    assert "2026-27-Q2" in (snapshot / "outturns.csv").read_text()
    with pytest.raises(PublishError, match="already published"):
        publish(pkg, UNPUBLISHED)
    _, issues = validate(pkg)
    assert [i for i in issues if i.severity == "error"] == []
    with open(snapshot / "outturns.csv", "a", encoding="utf-8") as fh:
        fh.write("m0001,2026-27-Q3,1,,,,,,\n")
    _, issues = validate(pkg)
    assert ("archive-tampered", f"archive/{UNPUBLISHED}/outturns.csv") in [(i.code, i.file) for i in issues]


def test_publish_refuses_drafts_and_missing_committee_dates(tmp_path):
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    rewrite(
        pkg / "publications.csv", lambda r: r.update(status="draft") if r["period"] == UNPUBLISHED else None
    )
    with pytest.raises(PublishError, match="draft, not approved"):
        publish(pkg, UNPUBLISHED)
    rewrite(
        pkg / "publications.csv",
        lambda r: r.update(status="approved", committee_date="") if r["period"] == UNPUBLISHED else None,
    )
    with pytest.raises(PublishError, match="no committee_date"):
        publish(pkg, UNPUBLISHED)
    assert not (pkg / "archive" / UNPUBLISHED).exists()


def test_a_revised_value_needs_a_note_and_shows_both_values(tmp_path):
    import datetime

    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    publish(pkg, UNPUBLISHED, date=datetime.date(2026, 11, 20))
    with open(pkg / "archive" / UNPUBLISHED / "outturns.csv", encoding="utf-8") as fh:
        first = next(
            r for r in csv.DictReader(fh) if r["period"] == UNPUBLISHED and r["measure_id"] == "m0002"
        )
    revised_value = str(int(float(first["value"])) + 17)
    rewrite(
        pkg / "outturns.csv",
        lambda r: (
            r.update(value=revised_value)
            if (r["measure_id"], r["period"]) == ("m0002", UNPUBLISHED)
            else None
        ),
    )
    _, issues = validate(pkg)
    assert "revision-note-required" in [i.code for i in issues if i.severity == "error"]
    note = "Revised after late returns from the county council"
    rewrite(
        pkg / "outturns.csv",
        lambda r: (
            r.update(revision_note=note) if (r["measure_id"], r["period"]) == ("m0002", UNPUBLISHED) else None
        ),
    )
    # a correction becomes public with a release: here a corrections release of its own
    from perfsite.commands.publish import publish_corrections

    publish_corrections(pkg, datetime.date(2026, 11, 25), today=datetime.date(2026, 12, 1))
    out, _ = build_site(pkg, tmp_path / "w")
    page = (out / "measures" / "m0002" / "index.html").read_text(encoding="utf-8")
    assert f"first published as {format_value(float(first['value']), 'count', 0)}" in page
    assert "corrected in the corrections release of 25 November 2026" in page
    assert note in page
    assert (out / "data" / "archive" / UNPUBLISHED.lower() / "manifest.json").exists()


def test_an_empty_package_builds_a_site_that_says_nothing_is_published_yet(tmp_path):
    from perfsite.commands.package import write_empty_package

    pkg = tmp_path / "empty"
    write_empty_package(pkg, "Newtown Borough Council")
    out, result = build_site(pkg, tmp_path / "w")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "No performance report has been published yet." in home
    assert "Newtown Borough Council" in home
    assert (out / "data" / "datapackage.json").exists() and (out / "feed.xml").exists()


def test_cli_builds_the_example_and_prints_a_summary(tmp_path):
    from ..conftest import EXAMPLE

    result = subprocess.run(
        [sys.executable, "-m", "perfsite.cli", "build", str(EXAMPLE), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Site built in" in result.stdout and "pages" in result.stdout and "downloads" in result.stdout
    assert (tmp_path / "site" / "index.html").exists()
