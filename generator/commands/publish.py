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

One publish of a package at a time (:func:`perfsite.files.archive.publishing_lock`); crash safety is
:mod:`perfsite.files.archive`'s: a publish killed at any point leaves the old state or the new, and
running it again (or any later publish) finishes it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import standard
from ..errors import PublishError, ValidationFailed, errors_of
from ..files import archive
from ..files.archive import ARCHIVE, first_published_values, sha256, snapshots
from ..files.load import Package, load
from ..rules import gate
from ..site.downloads import resource_csvs
from ..standard import periods
from ..standard.formatting import uk_date
from ..validation.checks.archivecheck import archive_issues
from ..validation.checks.record import record_issues, revision_issues
from ..validation.history import pending_release, revisions, withdrawals

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


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: ``completed`` when it finished an interrupted publish, ``adopted`` for
    --adopt; ``finished`` names other interrupted releases it finished first."""

    period: str
    snapshot: Path
    published_date: str
    completed: bool = False
    adopted: bool = False
    corrections: int = 0  # figures a corrections release made public
    finished: tuple[str, ...] = field(default=())


#: what a publish tells the officer before it archives (see :func:`perfsite.rules.status_report.publish_warnings`)
Report = Callable[[list[str]], None]


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


def rag_settings(package: Package) -> dict:
    """The package's tolerance settings, recorded in each manifest: the statuses a release carried
    were worked out with them (validate warns when they change afterwards)."""
    return {k: package.rag.get(k) for k in ("green_tolerance", "amber_tolerance", "tolerance_type")}


def _load_valid(package_dir: Path, tolerated: Iterable[str] = ()) -> Package:
    """The package, valid but for issues with the ``tolerated`` codes (those this command resolves)."""
    from ..validation.validate import validate

    package, issues = validate(package_dir)
    blocking = [i for i in errors_of(issues) if i.code not in set(tolerated)]
    if blocking:
        raise ValidationFailed(issues)
    package.issues = issues
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


def _check_ended(period: str, date: dt.date) -> None:
    """A period is published only once it has ended: its figures cannot be final before."""
    end = periods.parse(period).dates()[1]
    if date <= end:
        raise PublishError(
            f"{period} ends on {uk_date(end.isoformat())}: a period is published only after it has ended "
            f"(the publication date is {uk_date(date.isoformat())}); nothing was changed"
        )


def _check_in_order(package_dir: Path, date: dt.date) -> None:
    """A release is dated no earlier than the latest one: releases reach the public in order, and
    the site shows each published figure as the newest release carried it."""
    latest = max(archive.releases(package_dir), key=archive.Release.order, default=None)
    if latest is not None and date.isoformat() < latest.published_date:
        raise PublishError(
            f"the date {date.isoformat()} is before the latest release ({latest.name}, "
            f"{latest.published_date}): releases are dated in the order they reach the public"
        )


@contextlib.contextmanager
def _writing(what: str):
    """A write that fails (a full disk, a folder made read-only) is a plain message: each step is
    atomic, so nothing published is lost or half-written, and running the command again finishes."""
    try:
        yield
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        where = f" {exc.filename}" if exc.filename else ""
        raise PublishError(
            f"could not write{where} while {what} ({reason}); nothing published was lost or half-written: "
            "fix that, then run the same command again"
        ) from exc


@contextlib.contextmanager
def _said_after(finished: tuple[str, ...]):
    """A publish that stops after it finished interrupted ones says so: they are done."""
    try:
        yield
    except PublishError as exc:
        if not finished:
            raise
        said = str(exc).replace("nothing was changed", "nothing else was changed")
        raise PublishError(
            f"the interrupted publish of {', '.join(finished)} was finished first (run perfsite build "
            f"to show it); then: {said}"
        ) from exc


def _write_publications(package_dir: Path, file: str, pubs: pd.DataFrame) -> None:
    archive.replace_file(Path(package_dir) / file, csv_bytes(pubs))


def _expected_files(package: Package, release: archive.Release, date: str) -> dict[str, bytes] | str:
    """What a publish of ``release`` on ``date`` writes from the package as it is now, or why the
    package would not let it publish that release (the reason, as text)."""
    manifest = release.manifest or {}
    pubs = package.raw["publications"]
    if release.kind == archive.CORRECTIONS:
        return snapshot_files(package.raw, gate.included_publications(pubs))
    name = release.name
    if manifest.get("period") != name:
        return f"its manifest does not name {name}"
    match = pubs.index[pubs["period"] == name]
    if len(match) == 0:
        return f"publications.csv has no row for {name}"
    row = int(match[0])
    status, committee = pubs.at[row, "status"], str(pubs.at[row, "committee_date"]).strip()
    if manifest.get("adopted"):
        if status != "published" or str(pubs.at[row, "published_date"]).strip() != date:
            return f"{name} is not marked published on {date} in publications.csv"
        then = gate.included_publications(pubs)
        return snapshot_files(
            package.raw, then[then["period"].map(periods.sort_key) <= periods.sort_key(name)]
        )
    if status not in ("approved", "published"):
        return f"{name} is {status}, not approved"
    if not committee or committee != str(manifest.get("committee_date") or ""):
        return f"its committee date is not {name}'s in publications.csv ({committee or 'none'})"
    pubs = pubs.copy()
    pubs.at[row, "status"] = "published"
    pubs.at[row, "published_date"] = date
    return snapshot_files({**package.raw, "publications": pubs}, gate.included_publications(pubs))


def _marked_published(package_dir: Path, period: str, date: str) -> bool:
    """publications.csv marks ``period`` published on ``date`` (a publish that got that far)."""
    pubs = load(package_dir).raw.get("publications")
    if pubs is None or not {"period", "status", "published_date"} <= set(pubs.columns):
        return False
    row = pubs[pubs["period"] == period]
    return bool(len(row)) and row["status"].iat[0] == "published" and row["published_date"].iat[0] == date


def _why_not_finish(package_dir: Path, release: archive.Release, today: dt.date) -> str | None:
    """Why a snapshot left by an interrupted publish may not be finished (``None``: it may). It is
    finished only when it holds exactly what publishing it now would write, on a date a publish
    would accept: a folder copied into the archive with a ``.pending-`` marker (or a package
    changed since the publish was killed) never becomes a release by the back door."""
    manifest = release.manifest or {}
    date = str(manifest.get("published_date") or "")
    if release.manifest_sha256 is None or not date:
        return "its manifest is unreadable"
    if release.kind == "report" and _marked_published(package_dir, release.name, date):
        return None  # publications.csv already says so: the release is public, only its marker was left
    try:
        on = dt.date.fromisoformat(date)
        committee = "" if release.kind == archive.CORRECTIONS else str(manifest.get("committee_date") or "")
        _check_date(on, today, committee)
        if release.kind == "report" and not manifest.get("adopted"):
            _check_ended(release.name, on)
        others = [r for r in archive.releases(package_dir) if r.name != release.name]
        latest = max(others, key=archive.Release.order, default=None)
        if latest is not None and not manifest.get("adopted") and date < latest.published_date:
            return f"it is dated {date}, before the latest release ({latest.name}, {latest.published_date})"
    except ValueError:
        return f"its published_date {date!r} is not a date"
    except PublishError as exc:
        return str(exc)
    package = _load_valid(package_dir)
    expected = _expected_files(package, release, date)
    if isinstance(expected, str):
        return expected
    if {n: sha256(b) for n, b in expected.items()} != manifest.get("files"):
        return (
            "it does not hold what publishing it now would write (the package changed after the publish "
            "was interrupted, or perfsite did not write it)"
        )
    return None


def _finish_interrupted(
    package_dir: Path, today: dt.date, on_report: Report | None = None
) -> list[PublishResult]:
    """Finish every release whose snapshot reached its place before its publish was killed: make
    it the chain's head, and for a report mark it published with its manifest's date. Each is a
    whole snapshot a publish had already checked and written; only its bookkeeping was left. A
    snapshot that a publish now would not write (:func:`_why_not_finish`) is set aside instead,
    never published and never deleted (:func:`perfsite.files.archive.set_aside`), and ``on_report`` is
    told why."""
    results = []
    for name in sorted(archive.pending(package_dir)):
        release = archive.release_of(package_dir, name)
        if release is None:
            continue  # no snapshot: clean_leftovers removed the marker
        why = _why_not_finish(package_dir, release, today)
        if why is not None:
            where = archive.set_aside(package_dir, release)
            if on_report is not None:
                on_report(
                    [
                        f"archive/{name}/ was left by an interrupted publish but is not finished: {why}. "
                        f"It was never public; it is set aside as archive/{where}/ (move it out of the package), "
                        "and this publish starts afresh"
                    ]
                )
            continue
        manifest = release.manifest or {}
        date = str(manifest["published_date"])
        head = archive.read_head(package_dir)
        if head is None or head["latest"] != name:
            archive.write_head(package_dir, release)
        if release.kind == "report" and not manifest.get("adopted"):
            package = load(package_dir)
            pubs = package.raw["publications"]
            row = _row_of(pubs, name)
            if pubs.at[row, "status"] != "published":
                pubs = pubs.copy()
                pubs.at[row, "status"] = "published"
                pubs.at[row, "published_date"] = date
                _write_publications(package_dir, package.file_of("publications"), pubs)
        archive.clear_pending(package_dir, name)
        results.append(
            PublishResult(
                name,
                release.path,
                date,
                completed=True,
                adopted=bool(manifest.get("adopted")),
                corrections=len(manifest.get("corrections") or []),
            )
        )
    return results


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
    with archive.publishing_lock(package_dir, on_wait):
        with _writing("finishing an interrupted publish"):
            archive.clean_leftovers(package_dir)
            finished = _finish_interrupted(package_dir, today, on_report)
        names = tuple(r.period for r in finished if r.period != period)
        done = next((r for r in finished if r.period == period), None)
        if done is not None:
            return replace(done, finished=names)
        with _said_after(names):
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
    package = _load_valid(package_dir)
    pubs = package.raw["publications"]
    row = _row_of(pubs, period)
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
    _check_date(date, today, committee)
    _check_ended(period, date)
    _check_in_order(package_dir, date)
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
    with _writing(f"publishing {period}"):
        archive.mark_pending(package_dir, period, date.isoformat())
        archive.write_snapshot(package_dir, period, files, manifest, list(standard.RESOURCES))
        _write_publications(package_dir, package.file_of("publications"), pubs)
        archive.clear_pending(package_dir, period)
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
    with archive.publishing_lock(package_dir, on_wait):
        with _writing("finishing an interrupted publish"):
            archive.clean_leftovers(package_dir)
            finished = _finish_interrupted(package_dir, today, on_report)
        done = next((r for r in finished if archive.release_kind(r.period) == archive.CORRECTIONS), None)
        if done is not None:
            names = tuple(r.period for r in finished if r is not done)
            return replace(done, finished=names)
        names = tuple(r.period for r in finished)
        with _said_after(names):
            return _corrections_locked(package_dir, date, today, on_report, names)


def _corrections_locked(
    package_dir: Path, date: dt.date | None, today: dt.date, on_report: Report | None, names: tuple[str, ...]
) -> PublishResult:
    """:func:`publish_corrections`' work once it holds the lock and finished any interrupted publish."""
    package = _load_valid(package_dir)
    pending = pending_release(package)
    if pending.empty:
        raise PublishError(
            "no correction is waiting: every row of a published period (outturns, targets, exception reports, "
            "project updates, benchmarks) is as the latest release carried it, so there is nothing to release; "
            "nothing was changed"
        )
    date = date or today
    _check_date(date, today, "")
    _check_in_order(package_dir, date)
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
    with _writing("releasing the corrections"):
        archive.mark_pending(package_dir, name, date.isoformat())
        snapshot = archive.write_snapshot(package_dir, name, files, manifest, list(standard.RESOURCES))
        archive.clear_pending(package_dir, name)
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
    with archive.publishing_lock(package_dir, on_wait):
        with _writing("finishing an interrupted publish"):
            archive.clean_leftovers(package_dir)
            finished = _finish_interrupted(package_dir, today, on_report)
        if wanted is not None and [r for r in finished if r.period in wanted]:
            return [r for r in finished if r.period in wanted]
        return _adopt_locked(package_dir, wanted, today)


def _adopt_locked(package_dir: Path, wanted: list[str] | None, today: dt.date) -> list[PublishResult]:
    package = _load_valid(package_dir, tolerated={"published-without-snapshot"})
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
            "rag": rag_settings(package),
        }
        with _writing(f"adopting {period}"):
            archive.mark_pending(package_dir, period, published_date)
            snapshot = archive.write_snapshot(
                package_dir, period, snapshot_files(package.raw, then), manifest, list(standard.RESOURCES)
            )
            archive.clear_pending(package_dir, period)
        archived.add(period)
        results.append(PublishResult(period, snapshot, published_date, adopted=True))
    return results
