"""Publish: after committee, release a period and keep an immutable snapshot of what was published.

``perfsite publish PACKAGE PERIOD`` checks the package is valid and the period approved with a
committee date no later than the publication date (itself no later than today), writes
``archive/<period>/`` (every resource as the public site now holds it, plus ``manifest.json``
with SHA-256 checksums) and marks the period published in ``publications.csv``. This is the
only way to ``published``: :mod:`generator.history` reports a published period without its
snapshot. ``--adopt`` archives, once, a quarter that was published before perfsite was used,
keeping its original ``published_date``.

Crash safety is :mod:`generator.archive`'s: a publish killed at any point leaves the old state
or the new, and running the same command again finishes or explains.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import archive, gate, periods, standard
from .archive import ARCHIVE, archive_issues, first_published_values, sha256, snapshots
from .downloads import resource_csvs
from .errors import PublishError, ValidationFailed, errors_of
from .history import record_issues, revision_issues, revisions, withdrawals
from .load import Package

__all__ = [
    "ARCHIVE",
    "PublishResult",
    "adopt",
    "archive_issues",
    "first_published_values",
    "publish",
    "publish_period",
    "record_issues",
    "revision_issues",
    "revisions",
    "sha256",
    "snapshot_files",
    "snapshots",
    "withdrawals",
]


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: ``completed`` when it finished an interrupted publish, ``adopted`` for --adopt."""

    period: str
    snapshot: Path
    published_date: str
    completed: bool = False
    adopted: bool = False


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows(frame.astype(str).itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def _with_all_resources(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = dict(raw)
    for name in standard.RESOURCES:
        if name not in out:
            out[name] = pd.DataFrame({c: pd.Series(dtype=object) for c in standard.field_names(name)})
    return out


def snapshot_files(raw: dict[str, pd.DataFrame], publications: pd.DataFrame) -> dict[str, bytes]:
    """Every resource as the public site holds it when ``publications`` (rows) are the published ones."""
    gated = gate.restrict(_with_all_resources(raw), publications)
    return {f"{name}.csv": text.encode("utf-8") for name, text in resource_csvs(gated).items()}


def _load_valid(package_dir: Path, tolerated: Iterable[str] = ()) -> Package:
    """The package, valid but for issues with the ``tolerated`` codes (those this command resolves)."""
    from .validate import validate

    package, issues = validate(package_dir)
    blocking = [i for i in errors_of(issues) if i.code not in set(tolerated)]
    if blocking:
        raise ValidationFailed(issues)
    return package


def _row_of(pubs: pd.DataFrame, period: str) -> int:
    match = pubs.index[pubs["period"] == period]
    if len(match) == 0:
        raise PublishError(
            f"publications.csv has no row for {period}; add it (status approved, with the committee date) first"
        )
    return int(match[0])


def _check_date(date: dt.date, today: dt.date, committee: str, what: str = "the publication date") -> None:
    if date > today:
        raise PublishError(
            f"{what} {date.isoformat()} is later than today ({today.isoformat()}): nothing is published in advance"
        )
    if committee and date.isoformat() < committee:
        raise PublishError(f"{what} {date.isoformat()} is before the committee date {committee}")


def _write_publications(package: Package, pubs: pd.DataFrame) -> None:
    archive.replace_file(package.path / package.file_of("publications"), csv_bytes(pubs))


def _complete(package: Package, pubs: pd.DataFrame, row: int, period: str) -> PublishResult:
    """Finish a publish that was killed after its snapshot reached its place."""
    snapshot = archive.snapshot_dir(package.path, period)
    manifest = archive.read_manifest(snapshot) or {}
    date = str(manifest.get("published_date") or "")
    if pubs.at[row, "status"] != "published":
        if manifest.get("period") != period or not date:
            raise PublishError(
                f"archive/{period}/ was left by an interrupted publish but its manifest is unreadable; "
                f"move archive/{period}/ out of the package and publish again"
            )
        pubs = pubs.copy()
        pubs.at[row, "status"] = "published"
        pubs.at[row, "published_date"] = date
        _write_publications(package, pubs)
    archive.clear_pending(package.path, period)
    return PublishResult(period, snapshot, str(pubs.at[row, "published_date"]), completed=True)


def publish(package_dir: str | Path, period: str, date: dt.date | None = None) -> Path:
    """Mark ``period`` published and archive what the public site now holds; return the snapshot folder."""
    return publish_period(package_dir, period, date).snapshot


def publish_period(
    package_dir: str | Path,
    period: str,
    date: dt.date | None = None,
    *,
    adopt: bool = False,
    today: dt.date | None = None,
) -> PublishResult:
    """Mark ``period`` published and archive what the public site now holds (or, with ``adopt``,
    archive a period published before perfsite was used). ``today`` is for tests."""
    if adopt:
        if date is not None:
            raise PublishError("--adopt keeps the period's original published_date; leave out --date")
        return _adopt(Path(package_dir), [period], today or dt.date.today())[0]
    package_dir = Path(package_dir)
    today = today or dt.date.today()
    archive.clean_leftovers(package_dir)
    package = _load_valid(package_dir)
    pubs = package.raw["publications"]
    row = _row_of(pubs, period)
    status, committee = pubs.at[row, "status"], pubs.at[row, "committee_date"]
    snapshot = archive.snapshot_dir(package_dir, period)
    if period in archive.pending(package_dir) and snapshot.is_dir():
        return _complete(package, pubs, row, period)
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
    _check_date(date, today, committee)
    if snapshot.exists():
        raise PublishError(
            f"{snapshot} already exists: a snapshot is never overwritten (was {period} published and withdrawn?)"
        )
    pubs = pubs.copy()
    pubs.at[row, "status"] = "published"
    pubs.at[row, "published_date"] = date.isoformat()
    files = snapshot_files(package.raw, gate.included_publications(pubs))
    manifest = {"period": period, "published_date": date.isoformat(), "committee_date": committee}
    # the marker goes down before the snapshot appears and goes once publications.csv says so
    archive.mark_pending(package_dir, period, date.isoformat())
    archive.write_snapshot(package_dir, period, files, manifest)
    _write_publications(package, pubs)
    archive.clear_pending(package_dir, period)
    return PublishResult(period, snapshot, date.isoformat())


def adopt(package_dir: str | Path, period_ids: Iterable[str] | None = None, today: dt.date | None = None):
    """Archive periods published before perfsite was used (all such periods when none are named)."""
    return _adopt(
        Path(package_dir), None if period_ids is None else list(period_ids), today or dt.date.today()
    )


def _adopt(package_dir: Path, wanted: list[str] | None, today: dt.date) -> list[PublishResult]:
    archive.clean_leftovers(package_dir)
    package = _load_valid(package_dir, tolerated={"published-without-snapshot"})
    pubs = package.raw["publications"]
    archived = {s.name for s in snapshots(package_dir)}
    if wanted is None:
        wanted = [p for p in pubs.loc[pubs["status"] == "published", "period"] if p not in archived]
    # adopting is for what was published before perfsite: not for anything after its first publish
    started = min(
        (
            str(m.get("published_date"))
            for m in map(archive.read_manifest, snapshots(package_dir))
            if m and not m.get("adopted")
        ),
        default=None,
    )
    results = []
    for period in sorted(wanted, key=lambda p: periods.sort_key(p) if periods.try_parse(p) else (0, 0)):
        row = _row_of(pubs, period)
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
        _check_date(on, today, str(pubs.at[row, "committee_date"]), what="its published_date")
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
        }
        snapshot = archive.write_snapshot(package_dir, period, snapshot_files(package.raw, then), manifest)
        archived.add(period)
        results.append(PublishResult(period, snapshot, published_date, adopted=True))
    return results
