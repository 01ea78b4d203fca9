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

import numpy as np
import pandas as pd
from jinja2 import Environment

from .. import parallel, rules, standard
from ..errors import BuildError, ValidationFailed, errors_of
from ..files import archive
from ..files.load import Package, load, typed
from ..rules import gate
from ..standard import periods
from ..validation import history
from ..validation.validate import validate_package
from . import charts, downloads, feed, render, revisionlog
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


def public_releases(package: Package, published: set[str]) -> list[archive.Release]:
    """The releases the public has had, in order: each published report's snapshot and every
    corrections release whose publish finished (a withdrawn report's snapshot stays in the archive,
    off the site; an unfinished release is not public until its publish is run again)."""
    unfinished = archive.unfinished(package)
    return [
        r
        for r in archive.releases(package.path)
        if r.name in published or (r.kind == archive.CORRECTIONS and r.name not in unfinished)
    ]


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


@dataclass
class Figures:
    """What a valid package's pages are made from: the typed tables, gated to the included
    publications, the performance table, the revisions, and a renderer ready to make pages."""

    frames: dict[str, pd.DataFrame]
    publications: pd.DataFrame
    gated: dict[str, pd.DataFrame]
    raw_gated: dict[str, pd.DataFrame]
    performance: pd.DataFrame
    all_revisions: pd.DataFrame
    all_withdrawals: pd.DataFrame
    revised: pd.DataFrame  # revisions of the figures the site shows
    data: render.SiteData
    renderer: render.Renderer
    site_url: str | None
    releases: list[archive.Release]  # the releases the public has had, in order
    log: pd.DataFrame  # the revisions log


def _public_frames(package: Package, frames: dict[str, pd.DataFrame], preview: bool):
    """The frames a build shows, as text and typed: a public site shows every row of a published
    period — each figure and what is said with it, targets, exception reports, project updates,
    benchmarks — as the newest release carried it (a change becomes public with a release); a
    preview shows the package as it is, changes waiting included. Returns (raw, typed), each
    holding only the frames that differ from the package's own."""
    if preview:
        return {}, {}
    raw = history.released_frames(package)
    released = history.as_released(package)
    if released is not package.raw["outturns"]:
        raw["outturns"] = released
    if not raw:
        return {}, {}
    shown = typed(Package(package.path, package.descriptor, raw=raw))
    return raw, {name: shown[name] for name in raw}


def _revisions_shown(
    package: Package, raw_outturns: pd.DataFrame, shown: set[str], releases: list[archive.Release], measures
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The revisions of the figures a build shows (first published value against the value shown),
    each with the release and date it first reached the public (none yet: waiting, in a preview),
    and the revisions log."""
    first = archive.first_published_values(package)
    revised = history.revisions(package, first, outturns=raw_outturns)
    revised = revised[revised["period"].isin(shown)].copy()
    names = {r.name for r in releases}
    log = revisionlog.revision_log(
        revised,
        [(r.name, r.published_date) for r in releases],
        {
            name: frame
            for name, frame in archive.snapshot_outturns(
                package, set(zip(revised["measure_id"], revised["period"], strict=True))
            )
            if name in names
        },
        measures,
    )
    revised["published_value"] = revised["published_value"].replace("", None).astype("float64")
    when = log[["measure_id", "period", "first_published_in", "first_published_date", "revised_in"]]
    revised = revised.merge(
        when.assign(revised_published_date=log["revised_published_date"]),
        on=["measure_id", "period"],
        how="left",
    )
    return revised.fillna({"revised_in": "", "revised_published_date": ""}), log


def _as_reported(
    gated, revised: pd.DataFrame, withdrawn: pd.DataFrame, performance: pd.DataFrame, rag: dict
) -> pd.DataFrame | None:
    """The performance table as each figure was first published, for the reports: a considered
    report stays as considered. A revised figure's row carries its correction (``revised_value``,
    ``revised_status``: the status the corrected figure has in ``performance``, ``revised_in``,
    ``revised_published_date``, ``revised_note``) for the report's "revised" mark;
    a figure withdrawn since is back as it was published, with ``withdrawn_date`` and
    ``withdrawn_reason`` for its "withdrawn" mark (the report counted it; its measure's page and the
    downloads do not show it). ``None`` when nothing shown was revised or withdrawn (the reports
    then read the performance table itself)."""
    outturns = gated["outturns"]
    measures = set(gated["measures"]["measure_id"])
    held = set(zip(outturns["measure_id"], outturns["period"], strict=True))
    gone = withdrawn[
        (withdrawn["scope"] == "figure")
        & withdrawn["measure_id"].isin(measures)
        & np.array(
            [key not in held for key in zip(withdrawn["measure_id"], withdrawn["period"], strict=True)],
            dtype=bool,
        )
    ]
    if revised.empty and gone.empty:
        return None
    keys = list(zip(outturns["measure_id"], outturns["period"], strict=True))
    by_key = {
        k: r
        for k, r in zip(
            zip(revised["measure_id"], revised["period"], strict=True),
            revised.to_dict("records"),
            strict=True,
        )
    }

    def as_first(column: str, published: str) -> list:
        return [
            by_key[k][published] if k in by_key else v for k, v in zip(keys, outturns[column], strict=True)
        ]

    # the figure, and the status an officer set on it, as the committee considered them; the note
    # of a correction belongs to its mark, not to the sentence about the figure as published
    as_published = outturns.assign(
        value=as_first("value", "published_value"),
        status_override=as_first("status_override", "published_override"),
        override_reason=as_first("override_reason", "published_override_reason"),
        revision_note=[
            "" if k in by_key else n for k, n in zip(keys, outturns["revision_note"], strict=True)
        ],
    )
    if len(gone):
        back = pd.DataFrame(
            {
                c: gone[c].to_numpy(object) if c in ("measure_id", "period") else [""] * len(gone)
                for c in outturns.columns
            }
        )
        back["value"] = pd.to_numeric(gone["published_value"].replace("", None), errors="coerce").to_numpy()
        as_published = pd.concat(
            [as_published, back.astype(as_published.dtypes.to_dict())], ignore_index=True
        )
    reported = rules.performance_table(gated["measures"], gated["targets"], as_published, rag)
    keys = list(zip(reported["measure_id"], reported["period"], strict=True))
    marks = [by_key.get(k) for k in keys]
    withdrawals = {
        k: (w, r)
        for k, w, r in zip(
            zip(gone["measure_id"], gone["period"], strict=True),
            gone["withdrawn_date"],
            gone["reason"],
            strict=True,
        )
    }
    now = dict(
        zip(
            zip(performance["measure_id"], performance["period"], strict=True),
            performance["status"],
            strict=True,
        )
    )
    return reported.assign(
        revised_value=[m["value"] if m else None for m in marks],
        revised_status=[now.get(k) if m else None for k, m in zip(keys, marks, strict=True)],
        revised_in=[m["revised_in"] if m else None for m in marks],
        revised_published_date=[m["revised_published_date"] if m else None for m in marks],
        revised_note=[m["revision_note"] if m else None for m in marks],
        withdrawn_date=[withdrawals[k][0] if k in withdrawals else None for k in keys],
        withdrawn_reason=[withdrawals[k][1] if k in withdrawals else None for k in keys],
    )


def figures(package: Package, preview: bool, site_url: str | None, env: Environment) -> Figures:
    """Gate and compute a validated package (:func:`generate`'s middle)."""
    frames = typed(package)
    raw_shown, typed_shown = _public_frames(package, frames, preview)
    frames = {**frames, **typed_shown}
    raw = {**package.raw, **raw_shown}
    raw_outturns = raw["outturns"]
    publications = gate.included_publications(frames["publications"], preview)
    gated = gate.restrict(frames, publications)
    raw_gated = gate.restrict({**raw, **{k: v for k, v in frames.items() if k not in raw}}, publications)
    performance = rules.performance_table(gated["measures"], gated["targets"], gated["outturns"], package.rag)
    all_revisions, all_withdrawals = history.revisions(package), history.withdrawals(package)
    published = set(publications.loc[publications["status"] == "published", "period"])
    releases = public_releases(package, published)
    revised, log = _revisions_shown(
        package, raw_outturns, set(gated["outturns"]["period"]), releases, gated["measures"]
    )
    withdrawn = all_withdrawals[all_withdrawals["publication"].isin(set(publications["period"]))]
    withdrawn = (  # oldest first, as the measure pages and the revisions log list them
        withdrawn.assign(_k=withdrawn["period"].map(periods.sort_key))
        .sort_values(["_k", "measure_id"], kind="stable")
        .drop(columns="_k")
    )
    site_url = site_url or standard.site_url(package.descriptor)
    data = render.SiteData(
        package.descriptor,
        gated,
        performance,
        publications,
        preview=preview,
        revisions=revised,
        withdrawals=withdrawn,
        # the corrections releases the public has had (name, date), oldest first: the data holds them
        extra={
            "site_url": site_url,
            "corrections": [(r.name, r.published_date) for r in releases if r.kind == archive.CORRECTIONS],
        },
        reported=_as_reported(gated, revised, withdrawn, performance, package.rag),
    )
    renderer = render.Renderer(data, env)
    if renderer.large:
        renderer.prepare()  # what many pages share, done before the pages are shared out
    return Figures(
        frames,
        publications,
        gated,
        raw_gated,
        performance,
        all_revisions,
        all_withdrawals,
        revised,
        data,
        renderer,
        site_url,
        releases,
        log,
    )


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
