"""The archive: immutable, checksummed snapshots of what each publication made public.

``archive/<period>/`` holds every resource as the public site held it when ``<period>`` was
published, and ``manifest.json`` with each file's SHA-256. This module is the only one that
writes there, and it writes so that a process killed at any moment leaves the old state or the
new one, never half of a file:

- a snapshot is written into a hidden folder ``archive/.tmp-<period>-<random>/`` (files synced
  to disk, manifest last) and renamed into place in one step; leftovers of a killed run are
  never read and are removed by the next publish;
- a marker ``archive/.pending-<period>`` exists from just before that rename until
  ``publications.csv`` records the publication, so a publish interrupted between the two is
  recognised (and finished by running it again) rather than mistaken for a withdrawal;
- ``publications.csv`` is replaced through a synced temporary file and ``os.replace``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from . import gate, periods
from .errors import Issue
from .load import Package

ARCHIVE = "archive"
MANIFEST = "manifest.json"
TEMP_PREFIX = ".tmp-"
PENDING_PREFIX = ".pending-"


def _no_op(stage: str) -> None:
    pass


#: called after each step of a write with the step's name; tests replace it to kill the process there
after_step: Callable[[str], None] = _no_op


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(path: Path) -> None:
    # a rename is durable only once its folder is synced (POSIX); Windows cannot open folders
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def replace_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old bytes or the new, never a part."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        _write_synced(Path(temp), data)
        after_step(f"temp {path.name}")
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    after_step(f"replaced {path.name}")


def snapshot_dir(package_dir: Path, period: str) -> Path:
    return Path(package_dir) / ARCHIVE / period


def snapshots(package_dir: Path) -> list[Path]:
    """Snapshot folders, oldest publication first (hidden work folders are not snapshots)."""
    root = Path(package_dir) / ARCHIVE
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and periods.try_parse(p.name)]
    return sorted(found, key=lambda p: periods.sort_key(p.name))


def read_manifest(snapshot: Path) -> dict | None:
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("files"), dict) else None


def pending(package_dir: Path) -> set[str]:
    """Periods whose publish was interrupted after the snapshot may have been renamed into place."""
    root = Path(package_dir) / ARCHIVE
    if not root.is_dir():
        return set()
    return {p.name.removeprefix(PENDING_PREFIX) for p in root.iterdir() if p.name.startswith(PENDING_PREFIX)}


def mark_pending(package_dir: Path, period: str, published_date: str) -> None:
    root = Path(package_dir) / ARCHIVE
    root.mkdir(parents=True, exist_ok=True)
    _write_synced(root / f"{PENDING_PREFIX}{period}", (published_date + "\n").encode())
    _fsync_dir(root)
    after_step("marked pending")


def clear_pending(package_dir: Path, period: str) -> None:
    (Path(package_dir) / ARCHIVE / f"{PENDING_PREFIX}{period}").unlink(missing_ok=True)
    _fsync_dir(Path(package_dir) / ARCHIVE)


def clean_leftovers(package_dir: Path) -> list[str]:
    """Remove what a killed publish left behind that is not part of any state: temporary folders and
    files, and pending markers whose snapshot never reached its place. Returns what was removed."""
    root = Path(package_dir) / ARCHIVE
    removed: list[str] = []
    if not root.is_dir():
        return removed
    for path in sorted(root.iterdir()):
        if path.name.startswith(TEMP_PREFIX):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            removed.append(path.name)
        elif (
            path.name.startswith(PENDING_PREFIX)
            and not snapshot_dir(package_dir, path.name.removeprefix(PENDING_PREFIX)).is_dir()
        ):
            path.unlink()
            removed.append(path.name)
    for path in sorted(Path(package_dir).glob(".*.tmp")):  # a killed replace_file
        path.unlink()
        removed.append(path.name)
    return removed


def write_snapshot(package_dir: Path, period: str, files: dict[str, bytes], manifest: dict) -> Path:
    """Write ``archive/<period>/`` with ``files`` and ``manifest`` (checksums added here), atomically."""
    root = Path(package_dir) / ARCHIVE
    root.mkdir(parents=True, exist_ok=True)
    target = root / period
    if target.exists():
        raise FileExistsError(target)
    work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{period}-", dir=root))
    try:
        for name, data in sorted(files.items()):
            _write_synced(work / name, data)
            os.chmod(work / name, 0o644)
            after_step(f"wrote {name}")
        manifest = {**manifest, "files": {name: sha256(data) for name, data in sorted(files.items())}}
        _write_synced(work / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
        os.chmod(work / MANIFEST, 0o644)
        os.chmod(work, 0o755)  # mkdtemp makes 0700; the archive is served with the site
        _fsync_dir(work)
        after_step("snapshot written")
        os.rename(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _fsync_dir(root)
    after_step("snapshot in place")
    return target


def archive_issues(package: Package) -> list[Issue]:
    """Every snapshot must still match its manifest: a published record is never edited."""
    issues = []
    for snapshot in snapshots(package.path):
        rel = snapshot.relative_to(package.path).as_posix()
        manifest = read_manifest(snapshot)
        if manifest is None:
            issues.append(
                Issue(
                    "archive-manifest",
                    "the snapshot's manifest.json is missing or unreadable",
                    file=f"{rel}/{MANIFEST}",
                    hint="restore the snapshot from a backup; snapshots must not be edited",
                )
            )
            continue
        for name, checksum in sorted(manifest["files"].items()):
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
                        value=str(checksum)[:12],
                        hint="restore the file from a backup; to correct a published figure, change outturns.csv and give a revision_note",
                    )
                )
    return issues


def snapshot_outturns(package: Package, only: set[tuple[str, str]] | None = None):
    """The outturns each snapshot carried, by publication period, as text, one snapshot at a
    time (a large council's archive holds millions of rows: never all in memory at once);
    ``only`` keeps just those (measure_id, period) figures. An empty ``only`` keeps no row, so
    just each file's header is read (the usual case: nothing was revised)."""
    for snapshot in snapshots(package.path):
        path = snapshot / "outturns.csv"
        if not path.is_file():
            continue
        try:
            rows = 0 if only is not None and not only else None
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", nrows=rows)
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # reported by archive_issues
        if not {"measure_id", "period", "value"} <= set(frame.columns):
            continue
        if only:
            frame = _only(frame, only)
        yield snapshot.name, frame


def _only(frame: pd.DataFrame, only: set[tuple[str, str]]) -> pd.DataFrame:
    """The rows of ``frame`` whose (measure_id, period) is in ``only``, in their order."""
    # the revised measures' rows first (a vectorised test), then each of those rows' pair
    measure_ids = frame["measure_id"].to_numpy(dtype=object)
    period_ids = frame["period"].to_numpy(dtype=object)
    candidates = np.flatnonzero(frame["measure_id"].isin({measure_id for measure_id, _ in only}).to_numpy())
    keep = np.zeros(len(frame), dtype=bool)
    keep[[i for i in candidates.tolist() if (measure_ids[i], period_ids[i]) in only]] = True
    return frame[keep]


def first_published_values(package: Package) -> pd.DataFrame:
    """(measure_id, period, published_value, publication) as each period's outturns were first
    published; ``publication`` is the snapshot that released the figure."""
    if "first" in package.archive_cache:  # read once per loaded package: validation and site share it
        return package.archive_cache["first"].copy()
    frames = []
    for name, frame in snapshot_outturns(package):
        # each snapshot repeats earlier publications: keep what this one released
        ours = [
            p
            for p in frame["period"].unique()
            if bool(periods.try_parse(p)) and gate.releasing_publication(p) == name
        ]
        released = frame["period"].isin(ours)
        frames.append(frame.loc[released, ["measure_id", "period", "value"]].assign(publication=name))
    if not frames:
        first = pd.DataFrame(columns=["measure_id", "period", "published_value", "publication"])
    else:
        first = pd.concat(frames).drop_duplicates(["measure_id", "period"], keep="first")
        first = first.rename(columns={"value": "published_value"}).reset_index(drop=True)
    package.archive_cache["first"] = first
    return first.copy()
