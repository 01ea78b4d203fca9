"""The figures a site shows, worked out from a validated package: the tables gated to the
included publications, the performance table, the revisions and withdrawals the public has had,
the reports' figures as first published, and a renderer ready to make the pages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from jinja2 import Environment

from .. import rules, standard
from ..files import archive, archive_figures
from ..files.load import Package, typed
from ..rules import gate
from ..standard import periods
from ..validation import history
from . import render, revisionlog


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
    first = archive_figures.first_published_values(package)
    revised = history.revisions(package, first, outturns=raw_outturns)
    revised = revised[revised["period"].isin(shown)].copy()
    names = {r.name for r in releases}
    log = revisionlog.revision_log(
        revised,
        [(r.name, r.published_date) for r in releases],
        {
            name: frame
            for name, frame in archive_figures.snapshot_outturns(
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
