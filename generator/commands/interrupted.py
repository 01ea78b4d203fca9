"""Finishing a publish that was interrupted (a power cut, a killed process): the release it was
writing is checked against what the package would publish now, then finished as it was begun, or
set aside, never published and never deleted, with the reason. Every publish finishes these
first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import PublishError
from ..files import archive, archive_writer
from ..files.archive import sha256
from ..files.load import Package, load
from ..rules import gate
from ..standard import periods
from .release_steps import (
    PublishResult,
    Report,
    check_date,
    check_ended,
    load_valid,
    row_of,
    snapshot_files,
    write_publications,
)


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
        check_date(on, today, committee)
        if release.kind == "report" and not manifest.get("adopted"):
            check_ended(release.name, on)
        others = [r for r in archive.releases(package_dir) if r.name != release.name]
        latest = max(others, key=archive.Release.order, default=None)
        if latest is not None and not manifest.get("adopted") and date < latest.published_date:
            return f"it is dated {date}, before the latest release ({latest.name}, {latest.published_date})"
    except ValueError:
        return f"its published_date {date!r} is not a date"
    except PublishError as exc:
        return str(exc)
    package = load_valid(package_dir)
    expected = _expected_files(package, release, date)
    if isinstance(expected, str):
        return expected
    if {n: sha256(b) for n, b in expected.items()} != manifest.get("files"):
        return (
            "it does not hold what publishing it now would write (the package changed after the publish "
            "was interrupted, or perfsite did not write it)"
        )
    return None


def finish_interrupted(
    package_dir: Path, today: dt.date, on_report: Report | None = None
) -> list[PublishResult]:
    """Finish every release whose snapshot reached its place before its publish was killed: make
    it the chain's head, and for a report mark it published with its manifest's date. Each is a
    whole snapshot a publish had already checked and written; only its bookkeeping was left. A
    snapshot that a publish now would not write (:func:`_why_not_finish`) is set aside instead,
    never published and never deleted (:func:`perfsite.files.archive_writer.set_aside`), and ``on_report`` is
    told why."""
    results = []
    for name in sorted(archive.pending(package_dir)):
        release = archive.release_of(package_dir, name)
        if release is None:
            continue  # no snapshot: clean_leftovers removed the marker
        why = _why_not_finish(package_dir, release, today)
        if why is not None:
            where = archive_writer.set_aside(package_dir, release)
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
            archive_writer.write_head(package_dir, release)
        if release.kind == "report" and not manifest.get("adopted"):
            package = load(package_dir)
            pubs = package.raw["publications"]
            row = row_of(pubs, name)
            if pubs.at[row, "status"] != "published":
                pubs = pubs.copy()
                pubs.at[row, "status"] = "published"
                pubs.at[row, "published_date"] = date
                write_publications(package_dir, package.file_of("publications"), pubs)
        archive_writer.clear_pending(package_dir, name)
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
