"""Publish: after committee, release a period and keep an immutable snapshot of what was published.

``perfsite publish PACKAGE PERIOD`` checks the package is valid, the period approved with a
committee date no later than the publication date (itself no later than today, and after the
period has ended), writes ``archive/<period>/`` (every resource as the public site now holds
it, plus ``manifest.json`` with SHA-256 checksums and the chain) and marks the period published
in ``publications.csv``. This is the only way to ``published``: :mod:`perfsite.validation.history`
reports a published period without its snapshot. ``--adopt`` archives, once, a quarter that
was published before perfsite was used, keeping its original ``published_date``.
``--corrections`` releases corrected published figures between reports as
``archive/corrections-<date>/``.

A correction to a published figure becomes public with the next release, whichever it is: the
release that first carries the corrected value is the one it became public in.

One publish of a package at a time (:func:`perfsite.files.archive_writer.publishing_lock`); crash safety is
:mod:`perfsite.files.archive`'s: a publish killed at any point leaves the old state or the new, and
running it again (or any later publish) finishes it (:mod:`perfsite.commands.interrupted`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .. import standard
from ..errors import PublishError
from ..files import archive, archive_writer
from ..files.archive import ARCHIVE, sha256, snapshots
from ..files.archive_figures import first_published_values
from ..files.load import Package
from ..rules import gate
from ..standard import periods
from ..validation.checks.archivecheck import archive_issues
from ..validation.checks.record import record_issues, revision_issues
from ..validation.history import pending_release, revisions, withdrawals
from .interrupted import finish_interrupted
from .release_steps import (
    PublishResult,
    Report,
    check_date,
    check_ended,
    check_in_order,
    load_valid,
    rag_settings,
    row_of,
    said_after,
    snapshot_files,
    write_publications,
    writing,
)

__all__ = [
    "ARCHIVE",
    "PublishResult",
    "adopt",
    "archive_issues",
    "first_published_values",
    "publish",
    "publish_corrections",
    "publish_period",
    "record_issues",
    "revision_issues",
    "revisions",
    "sha256",
    "snapshot_files",
    "snapshots",
    "withdrawals",
]


def publish(package_dir: str | Path, period: str, date: dt.date | None = None) -> Path:
    """Mark ``period`` published and archive what the public site now holds; return the snapshot folder."""
    return publish_period(package_dir, period, date).snapshot


def _what_becomes_public(package: Package, period: str) -> list[str]:
    """The warnings of ``perfsite status`` for ``period``: what the officer should know first."""
    from ..rules.status_report import publish_warnings
    from .status import report_of

    if periods.parse(period).kind != "quarter":
        return []
    return publish_warnings(report_of(package, period))


def publish_period(
    package_dir: str | Path,
    period: str,
    date: dt.date | None = None,
    *,
    adopt: bool = False,
    today: dt.date | None = None,
    on_wait: Callable[[], None] | None = None,
    on_report: Report | None = None,
) -> PublishResult:
    """Mark ``period`` published and archive what the public site now holds (or, with ``adopt``,
    archive a period published before perfsite was used). ``on_report`` is told, before anything
    is written, what will become public that deserves a second look; ``today`` is for tests."""
    if adopt:
        if date is not None:
            raise PublishError("--adopt keeps the period's original published_date; leave out --date")
        return _adopt(Path(package_dir), [period], today or dt.date.today(), on_wait, on_report)[0]
    package_dir = Path(package_dir)
    today = today or dt.date.today()
    with archive_writer.publishing_lock(package_dir, on_wait):
        with writing("finishing an interrupted publish"):
            archive_writer.clean_leftovers(package_dir)
            finished = finish_interrupted(package_dir, today, on_report)
        names = tuple(r.period for r in finished if r.period != period)
        done = next((r for r in finished if r.period == period), None)
        if done is not None:
            return replace(done, finished=names)
        with said_after(names):
            return _publish_locked(package_dir, period, date, today, on_report, names)


def _publish_locked(
    package_dir: Path,
    period: str,
    date: dt.date | None,
    today: dt.date,
    on_report: Report | None,
    names: tuple[str, ...],
) -> PublishResult:
    """:func:`publish_period`'s work once it holds the lock and finished any interrupted publish."""
    package = load_valid(package_dir)
    pubs = package.raw["publications"]
    row = row_of(pubs, period)
    status, committee = pubs.at[row, "status"], pubs.at[row, "committee_date"]
    if status == "published":
        raise PublishError(
            f"{period} is already published (on {pubs.at[row, 'published_date']}); nothing was changed"
        )
    if status != "approved":
        raise PublishError(
            f"{period} is {status}, not approved: only a period the committee has approved can be published"
        )
    if not committee:
        raise PublishError(
            f"{period} has no committee_date: record when the committee considered it before publishing"
        )
    date = date or today
    check_date(date, today, committee)
    check_ended(period, date)
    check_in_order(package_dir, date)
    snapshot = archive.snapshot_dir(package_dir, period)
    if snapshot.exists() or archive.is_link(snapshot):
        raise PublishError(
            f"{snapshot} already exists: a snapshot is never overwritten (was {period} published and withdrawn?)"
        )
    if on_report is not None:
        on_report(_what_becomes_public(package, period))
    pubs = pubs.copy()
    pubs.at[row, "status"] = "published"
    pubs.at[row, "published_date"] = date.isoformat()
    # the snapshot's publications.csv says the report is published, and since when
    files = snapshot_files({**package.raw, "publications": pubs}, gate.included_publications(pubs))
    manifest = {
        "period": period,
        "published_date": date.isoformat(),
        "committee_date": committee,
        "rag": rag_settings(package),
    }
    # the marker goes down before the snapshot appears and goes once publications.csv says so
    with writing(f"publishing {period}"):
        archive_writer.mark_pending(package_dir, period, date.isoformat())
        archive_writer.write_snapshot(package_dir, period, files, manifest, list(standard.RESOURCES))
        write_publications(package_dir, package.file_of("publications"), pubs)
        archive_writer.clear_pending(package_dir, period)
    return PublishResult(period, snapshot, date.isoformat(), finished=names)


def publish_corrections(
    package_dir: str | Path,
    date: dt.date | None = None,
    *,
    today: dt.date | None = None,
    on_wait: Callable[[], None] | None = None,
    on_report: Report | None = None,
) -> PublishResult:
    """Release the corrections to published figures now, between reports: archive what the public
    site holds with them as ``archive/corrections-<date>/``. ``publications.csv`` is unchanged."""
    package_dir = Path(package_dir)
    today = today or dt.date.today()
    with archive_writer.publishing_lock(package_dir, on_wait):
        with writing("finishing an interrupted publish"):
            archive_writer.clean_leftovers(package_dir)
            finished = finish_interrupted(package_dir, today, on_report)
        done = next((r for r in finished if archive.release_kind(r.period) == archive.CORRECTIONS), None)
        if done is not None:
            names = tuple(r.period for r in finished if r is not done)
            return replace(done, finished=names)
        names = tuple(r.period for r in finished)
        with said_after(names):
            return _corrections_locked(package_dir, date, today, on_report, names)


def _corrections_locked(
    package_dir: Path, date: dt.date | None, today: dt.date, on_report: Report | None, names: tuple[str, ...]
) -> PublishResult:
    """:func:`publish_corrections`' work once it holds the lock and finished any interrupted publish."""
    package = load_valid(package_dir)
    pending = pending_release(package)
    if pending.empty:
        raise PublishError(
            "no correction is waiting: every row of a published period (outturns, targets, exception reports, "
            "project updates, benchmarks) is as the latest release carried it, so there is nothing to release; "
            "nothing was changed"
        )
    date = date or today
    check_date(date, today, "")
    check_in_order(package_dir, date)
    if on_report is not None:
        on_report(_correction_lines(pending))
    pubs = package.raw["publications"]
    files = snapshot_files(package.raw, gate.included_publications(pubs))
    name = archive.corrections_name(package_dir, date.isoformat())
    manifest = {
        "release": archive.CORRECTIONS,
        "published_date": date.isoformat(),
        "rag": rag_settings(package),
        "corrections": [
            {"measure_id": r["measure_id"], "period": r["period"], "kind": r["kind"]}
            if r["resource"] == "outturns"
            else {"resource": r["resource"], "key": r["key"], "kind": r["kind"]}
            for r in pending.to_dict("records")
        ],
    }
    with writing("releasing the corrections"):
        archive_writer.mark_pending(package_dir, name, date.isoformat())
        snapshot = archive_writer.write_snapshot(package_dir, name, files, manifest, list(standard.RESOURCES))
        archive_writer.clear_pending(package_dir, name)
    return PublishResult(name, snapshot, date.isoformat(), corrections=len(pending), finished=names)


def _correction_lines(pending: pd.DataFrame) -> list[str]:
    from ..rules.status_report import correction_line

    return [correction_line(r) for r in pending.to_dict("records")]


def adopt(
    package_dir: str | Path,
    period_ids: Iterable[str] | None = None,
    today: dt.date | None = None,
    on_report: Report | None = None,
):
    """Archive periods published before perfsite was used (all such periods when none are named)."""
    return _adopt(
        Path(package_dir),
        None if period_ids is None else list(period_ids),
        today or dt.date.today(),
        on_report=on_report,
    )


def _adopt(
    package_dir: Path,
    wanted: list[str] | None,
    today: dt.date,
    on_wait: Callable[[], None] | None = None,
    on_report: Report | None = None,
) -> list[PublishResult]:
    with archive_writer.publishing_lock(package_dir, on_wait):
        with writing("finishing an interrupted publish"):
            archive_writer.clean_leftovers(package_dir)
            finished = finish_interrupted(package_dir, today, on_report)
        if wanted is not None and [r for r in finished if r.period in wanted]:
            return [r for r in finished if r.period in wanted]
        return _adopt_locked(package_dir, wanted, today)


def _adopt_locked(package_dir: Path, wanted: list[str] | None, today: dt.date) -> list[PublishResult]:
    package = load_valid(package_dir, tolerated={"published-without-snapshot"})
    pubs = package.raw["publications"]
    found = archive.releases(package_dir)
    archived = {r.name for r in found}
    if wanted is None:
        wanted = [p for p in pubs.loc[pubs["status"] == "published", "period"] if p not in archived]
    # adopting is for what was published before perfsite: not for anything after its first publish
    started = min(
        (r.published_date for r in found if r.manifest and not r.manifest.get("adopted")),
        default=None,
    )
    results = []
    for period in sorted(wanted, key=lambda p: periods.sort_key(p) if periods.try_parse(p) else (0, 0)):
        row = row_of(pubs, period)
        status, published_date = pubs.at[row, "status"], str(pubs.at[row, "published_date"]).strip()
        if status != "published":
            raise PublishError(
                f"{period} is {status}: --adopt only archives a period that was already published; "
                f"publish it with `perfsite publish {package_dir} {period}`"
            )
        if period in archived:
            raise PublishError(f"{period} is already archived (archive/{period}/); adopting happens once")
        if not published_date:
            raise PublishError(f"{period} has no published_date: record when it was published, then adopt it")
        try:
            on = dt.date.fromisoformat(published_date)
        except ValueError as exc:
            raise PublishError(f"{period} has a published_date that is not a date: {published_date}") from exc
        check_date(on, today, str(pubs.at[row, "committee_date"]), what="its published_date")
        if started and published_date > started:
            raise PublishError(
                f"{period} has published_date {published_date}, after perfsite's first publish ({started}): "
                "--adopt is only for quarters published before perfsite was used; publish it with `perfsite publish`"
            )
        # what the site held then: every publication up to and including this one
        key = periods.sort_key(period)
        then = gate.included_publications(pubs)
        then = then[then["period"].map(periods.sort_key) <= key]
        manifest = {
            "period": period,
            "published_date": published_date,
            "committee_date": str(pubs.at[row, "committee_date"]),
            "adopted": True,
            "rag": rag_settings(package),
        }
        with writing(f"adopting {period}"):
            archive_writer.mark_pending(package_dir, period, published_date)
            snapshot = archive_writer.write_snapshot(
                package_dir, period, snapshot_files(package.raw, then), manifest, list(standard.RESOURCES)
            )
            archive_writer.clear_pending(package_dir, period)
        archived.add(period)
        results.append(PublishResult(period, snapshot, published_date, adopted=True))
    return results
