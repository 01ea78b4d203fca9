"""Generate: a package → the whole site in memory (pages, downloads, navigation, settings).

load → validate → gate → compute → render. Nothing here writes to disk: the result is
handed to MkDocs by the perfsite plugin (:mod:`perfsite.site.plugin`), so two builds never
share a folder and a killed build leaves nothing behind. The only reads are the package
folder and its archive of published snapshots.
"""

from __future__ import annotations

import contextlib
import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import parallel, standard
from ..errors import BuildError, ValidationFailed, errors_of
from ..files import archive
from ..files.load import Package, load
from ..standard import periods
from ..validation import history
from ..validation.validate import validate_package
from . import charts, downloads, feed, render
from .figures import Figures, figures
from .pack import pack_index, site_packs
from .page import Page
from .preview import Notice, notice


@dataclass
class Site:
    """Everything a build puts into MkDocs, keyed by path under the site root."""

    pages: dict[str, Page]
    files: dict[str, bytes]
    copies: dict[str, Path]  # files copied as they are from the package (the archive of publications)
    nav: list
    site_name: str
    copyright: str
    site_url: str | None
    preview: bool
    council: str
    licence: dict
    epoch: int  # SOURCE_DATE_EPOCH: the latest publication date, so builds are reproducible
    warnings: list = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    summary: str = ""  # one line on what the site shows (previews: what would become public)
    draft: Notice | None = None  # a preview's DRAFT banner, noindex and print marks


def nav(pages: dict[str, Page], prefix: str = "") -> list:
    """The navigation: reports and priorities listed; measures and projects reached from their
    index pages. Material renders the nav into every page, so listing hundreds of measures would
    make every page (and the build) grow with the square of the measure count. Titles are escaped:
    Material prints them raw."""

    def entry(path: str) -> dict:
        return {html.escape(pages[path].title): prefix + path}

    def section(folder: str, label: str) -> dict:
        children = [p for p in pages if p.startswith(folder) and p != f"{folder}index.md"]
        children = [p for p in children if p.count("/") == 2]  # not a report's per-priority pages
        if folder == "reports/":
            children.sort(key=lambda p: periods.sort_key(p.split("/")[1].upper()), reverse=True)
        elif folder != "priorities/":  # priorities keep the Council Plan's order (sort_order)
            children.sort()
        return {label: [prefix + f"{folder}index.md", *(entry(p) for p in children)]}

    return [
        {"Home": prefix + "index.md"},
        section("reports/", "Reports"),
        section("priorities/", "Priorities"),
        {"Measures": prefix + "measures/index.md"},
        {"Projects": prefix + "projects/index.md"},
        {"Open data": prefix + "data/index.md"},
        {"About": [prefix + "about/index.md", {"Accessibility": prefix + "accessibility/index.md"}]},
    ]


def source_date_epoch(publications) -> int:
    """The build's notion of "now": the latest date in the included publications, so the same
    data gives the same bytes on any day (MkDocs stamps sitemap lastmod and gzip headers with it)."""
    dates = [d for column in ("published_date", "committee_date") for d in publications[column] if d]
    latest = max(dates, default="2000-01-01")
    return int(datetime.datetime.fromisoformat(latest).replace(tzinfo=datetime.UTC).timestamp())


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def archive_downloads(package: Package, releases: list[archive.Release]) -> dict[str, Path]:
    """Each public release's snapshot, as published, under data/archive/<name>/: exactly the files
    its manifest lists, and the manifest. Nothing else under archive/ is read, no link is
    followed, and each file must still be the regular file validation found unchanged.

    Copied from disk by MkDocs rather than held in memory: a large council's archive holds
    hundreds of megabytes."""
    verified = package.archive_cache.get("verified", {})
    files = {}
    for release in releases:
        if release.manifest is None:
            raise BuildError(f"archive/{release.name}/manifest.json cannot be read; run perfsite validate")
        for name in [archive.MANIFEST, *sorted(release.manifest["files"])]:
            path = release.path / name
            st = archive.regular_file(path)
            # the manifest is held by the chain; each listed file by its checksum, checked by
            # validation moments ago (the same file unchanged since) or again now
            same = name == archive.MANIFEST or (
                st is not None
                and (
                    verified.get(str(path)) == (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
                    or archive.file_sha256(path) == release.manifest["files"][name]
                )
            )
            if st is None or not same:
                raise BuildError(
                    f"archive/{release.name}/{name} is not the file that was published (changed, missing or a "
                    "link); nothing was built: run perfsite validate"
                )
            files[f"data/archive/{release.name.lower()}/{name}"] = path
    return files


def generate(
    package_dir: str | Path,
    preview: bool = False,
    site_url: str | None = None,
    template_dirs: list[Path] | None = None,
    on_stage: Callable[[str, float], None] | None = None,
) -> Site:
    """The whole site of a package, in memory; raises :class:`ValidationFailed` on errors."""
    import time

    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[name] = now - clock
        clock = now
        if on_stage:
            on_stage(name, stages[name])

    package = load(package_dir)
    stage("load")
    env = render.environment(template_dirs)
    early: list[Figures] = []

    def meanwhile() -> None:
        # A large council: while frictionless checks the files in the second process, this one
        # works out the figures (and compiles the templates, in Renderer.prepare), kept only if
        # the package is valid
        with contextlib.suppress(Exception):  # invalid after all: validation says why
            early.append(figures(package, preview, site_url, env))

    issues = validate_package(package, meanwhile=meanwhile)
    if errors_of(issues):
        raise ValidationFailed(issues)
    stage("validate")
    computed = early[0] if early else figures(package, preview, site_url, env)
    stage("compute")
    publications, gated, log = computed.publications, computed.gated, computed.log
    data, renderer, site_url = computed.data, computed.renderer, computed.site_url
    copies = archive_downloads(package, computed.releases)

    def open_data() -> dict:
        """The downloads and the revisions log page: one job, as both need the log."""
        files = downloads.render_downloads(
            package.descriptor,
            computed.raw_gated,
            computed.performance,
            gated["measures"],
            log,
            headlines=renderer.headline_rows(),
        )
        return {**files, "data/revisions/index.md": renderer.revisions_page(log, data.withdrawals)}

    pages: dict[str, Page] = {}
    files: dict[str, bytes] = {}
    later: dict[str, Page] = {}  # pages listed after the rest, as the navigation and search expect
    data.extra["packs"] = pack_index(renderer)  # the report and data pages link each quarter's packs
    for result in parallel.run_jobs([open_data, *renderer.jobs()], parallel=renderer.large):
        for path, item in result.items():
            if isinstance(item, Page):
                (later if path.startswith("data/") else pages)[path] = item
            else:
                files[path] = item
    pages.update(later)
    licence = standard.licence(package.descriptor)
    files["feed.xml"] = feed.atom(
        publications,
        data.council,
        site_url or "/",
        renderer.briefs(),
        feed.corrections_released(data.extra.get("corrections", []), log),
    ).encode("utf-8")
    sizes = {k: _size(len(v)) for k, v in files.items()}
    sizes.update({k: _size(path.stat().st_size) for k, path in copies.items()})
    pages["data/index.md"] = renderer.data_page(sizes, {k: len(v) for k, v in computed.raw_gated.items()})
    files["assets/plotly.min.js"] = charts.plotly_bundle()
    stage("render")
    # the committee packs, made after the pages and in this process only (typst never runs in the
    # forked one)
    files.update(site_packs(renderer))
    stage("packs")

    summary = (
        _preview_summary(package, computed.frames, issues, computed.all_revisions, computed.all_withdrawals)
        if preview
        else ""
    )
    council = data.council
    title = f"{council} performance" + (" (DRAFT)" if preview else "")
    return Site(
        pages=pages,
        files=files,
        copies=copies,
        nav=nav(pages),
        site_name=html.escape(title),
        copyright=html.escape(f"Published by {council} under the {licence['title']}"),
        site_url=site_url,
        preview=preview,
        council=council,
        licence=licence,
        epoch=source_date_epoch(publications),
        warnings=issues,
        stages=stages,
        summary=summary,
        draft=notice(council, publications.to_dict("records")) if preview else None,
    )


def _preview_summary(package, frames, issues, revisions, withdrawals) -> str:
    """The officer's one-line summary of the next quarter to publish, for a preview build."""
    from ..errors import warnings_of
    from ..rules import status_report as status

    period = status.next_period(frames["publications"])
    if period is None:
        return ""
    report = status.summarise(
        frames,
        package.rag,
        period,
        revisions,
        withdrawals,
        warnings=len(warnings_of(issues)),
        corrections=history.pending_release(package),
    )
    return status.one_line(report)
