"""Publish: after committee, release a period and keep an immutable snapshot of what was published.

``perfsite publish PACKAGE PERIOD`` checks the package is valid and the period approved with a
committee date, marks it published, and writes ``archive/<period>/``: every resource as the
public site then held it (published periods only) plus ``manifest.json`` with SHA-256
checksums. A snapshot is never overwritten, and :func:`archive_issues` (run by ``validate``)
reports any snapshot whose files no longer match their checksums. Values later changed for a
published period are *revisions*: :func:`revisions` finds them by comparing with the snapshot
that first published the period.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pandas as pd

from . import gate, periods, standard
from .downloads import resource_csvs
from .errors import WARNING, Issue, PublishError
from .load import Package, read_csv_text

ARCHIVE = "archive"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows(frame.astype(str).itertuples(index=False, name=None))
    path.write_text(buffer.getvalue(), encoding="utf-8")


def publish(package_dir: str | Path, period: str, date: dt.date | None = None) -> Path:
    """Mark ``period`` published and archive what the public site now holds; return the snapshot folder."""
    from .validate import require_valid

    package = require_valid(package_dir)
    package_dir = Path(package_dir)
    pubs = package.raw["publications"]
    match = pubs.index[pubs["period"] == period]
    if len(match) == 0:
        raise PublishError(
            f"publications.csv has no row for {period}; add it (status approved, with the committee date) first"
        )
    row = match[0]
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
    date = date or dt.date.today()
    if date.isoformat() < committee:
        raise PublishError(
            f"the publication date {date.isoformat()} is before the committee date {committee}"
        )
    snapshot = package_dir / ARCHIVE / period
    if snapshot.exists():
        raise PublishError(f"{snapshot} already exists: a snapshot is never overwritten")

    pubs = pubs.copy()
    pubs.at[row, "status"] = "published"
    pubs.at[row, "published_date"] = date.isoformat()
    raw = {**package.raw, "publications": pubs}
    released = gate.included_publications(pubs)
    gated = gate.restrict(_with_all_resources(raw), released)
    files = {f"{name}.csv": text.encode("utf-8") for name, text in resource_csvs(gated).items()}
    manifest = {
        "period": period,
        "published_date": date.isoformat(),
        "committee_date": committee,
        "files": {name: sha256(data) for name, data in sorted(files.items())},
    }
    snapshot.mkdir(parents=True)
    for name, data in files.items():
        (snapshot / name).write_bytes(data)
    (snapshot / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    _write_csv(package_dir / package.file_of("publications"), pubs)
    return snapshot


def _with_all_resources(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = dict(raw)
    for name in standard.RESOURCES:
        if name not in out:
            out[name] = pd.DataFrame({c: pd.Series(dtype=object) for c in standard.field_names(name)})
    return out


def snapshots(package_dir: Path) -> list[Path]:
    """Snapshot folders, oldest publication first."""
    root = Path(package_dir) / ARCHIVE
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and periods.try_parse(p.name)]
    return sorted(found, key=lambda p: periods.sort_key(p.name))


def archive_issues(package: Package) -> list[Issue]:
    """Every snapshot must still match its manifest: a published record is never edited."""
    issues = []
    for snapshot in snapshots(package.path):
        rel = snapshot.relative_to(package.path).as_posix()
        manifest_path = snapshot / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            files = dict(manifest["files"])
        except (OSError, ValueError, KeyError, TypeError):
            issues.append(
                Issue(
                    "archive-manifest",
                    "the snapshot's manifest.json is missing or unreadable",
                    file=f"{rel}/manifest.json",
                    hint="restore the snapshot from a backup; snapshots must not be edited",
                )
            )
            continue
        for name, checksum in sorted(files.items()):
            path = snapshot / name
            if not path.is_file():
                issues.append(
                    Issue(
                        "archive-file-missing",
                        "a file of the published snapshot is missing",
                        file=f"{rel}/{name}",
                        hint="restore it from a backup; snapshots must not be edited",
                    )
                )
            elif sha256(path.read_bytes()) != checksum:
                issues.append(
                    Issue(
                        "archive-tampered",
                        "the published snapshot was changed after publication (its checksum no longer matches)",
                        file=f"{rel}/{name}",
                        value=checksum[:12],
                        hint="restore the file from a backup; to correct a published figure, change outturns.csv and give a revision_note",
                    )
                )
    return issues


def first_published_values(package: Package) -> pd.DataFrame:
    """(measure_id, period, published_value) as each period's outturns were first published."""
    frames = []
    for snapshot in snapshots(package.path):
        path = snapshot / "outturns.csv"
        if not path.is_file():
            continue
        frame = read_csv_text(path.read_text(encoding="utf-8"), "outturns")
        if not {"measure_id", "period", "value"} <= set(frame.columns):
            continue
        name = snapshot.name
        released = frame["period"].map(
            lambda p, name=name: gate.releasing_publication(p) == name if periods.try_parse(p) else False
        )
        frames.append(frame.loc[released.astype(bool), ["measure_id", "period", "value"]])
    if not frames:
        return pd.DataFrame(columns=["measure_id", "period", "published_value"])
    first = pd.concat(frames).drop_duplicates(["measure_id", "period"], keep="first")
    return first.rename(columns={"value": "published_value"}).reset_index(drop=True)


def revisions(package: Package) -> pd.DataFrame:
    """Published values that differ now from what was first published: measure_id, period,
    published_value, value, revision_note, row (spreadsheet row in outturns.csv)."""
    outturns = package.raw.get("outturns")
    first = first_published_values(package)
    if outturns is None or first.empty:
        return pd.DataFrame(
            columns=["measure_id", "period", "published_value", "value", "revision_note", "row"]
        )
    current = outturns[["measure_id", "period", "value", "revision_note"]].assign(row=outturns.index + 2)
    joined = current.merge(first, on=["measure_id", "period"], how="inner")
    before = pd.to_numeric(joined["published_value"].replace("", None), errors="coerce")
    now = pd.to_numeric(joined["value"].replace("", None), errors="coerce")
    changed = ~((before == now) | (before.isna() & now.isna()))
    return joined[changed].reset_index(drop=True)


def revision_issues(package: Package) -> list[Issue]:
    """A revised published value needs a revision_note saying what changed and why."""
    issues = []
    for r in revisions(package).itertuples():
        if not str(r.revision_note).strip():
            issues.append(
                Issue(
                    "revision-note-required",
                    f"this value was first published as {r.published_value or 'empty'}; a revised value needs a revision_note",
                    file=package.file_of("outturns"),
                    row=int(r.row),
                    field="revision_note",
                    value=r.value,
                    hint="say what changed and why (e.g. 'Revised from 41.2 after late returns'); the site shows both values",
                )
            )
    return issues


def unpublished_snapshot_warnings(package: Package) -> list[Issue]:
    """A snapshot for a period that publications.csv no longer calls published is suspicious."""
    pubs = package.raw.get("publications")
    if pubs is None or "status" not in pubs.columns:
        return []
    published = set(pubs.loc[pubs["status"] == "published", "period"])
    return [
        Issue(
            "archive-unpublished",
            f"archive/{s.name} exists but publications.csv does not mark {s.name} published",
            file="publications.csv",
            field="status",
            value=s.name,
            hint="a published period cannot be unpublished; set its status back to published",
            severity=WARNING,
        )
        for s in snapshots(package.path)
        if s.name not in published
    ]
