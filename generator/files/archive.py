"""The archive: immutable, checksummed, chained snapshots of what each release made public.

``archive/`` holds only what perfsite writes there:

- ``<period>/`` — the release of a quarter's report (``perfsite publish DIR PERIOD``), and
  ``corrections-<date>/`` (``-2``, ``-3`` for a second one that day) — a release of corrected
  published figures between reports (``perfsite publish DIR --corrections``). Either holds every
  resource of the standard as the public site held it once released, and ``manifest.json``;
- ``chain.json`` — the newest link of the chain: which snapshot was written last, and the SHA-256
  of its ``manifest.json``;
- hidden work files, never published: ``.tmp-*`` (a snapshot being written), ``.pending-<name>``
  (a publish between its snapshot and its last step) and ``.lock`` (one publish at a time);
  ``.set-aside-<name>-<n>/``: a snapshot an interrupted publish left that a publish would not
  write now (the package changed since, or perfsite did not write it), kept but never read.

A manifest records the release (``period`` or ``release: corrections``, ``published_date`` …),
``resources`` (every resource of the standard when it was written), ``files`` (each file's
SHA-256) and ``chain``: the SHA-256 of the ``manifest.json`` of every snapshot already in the
archive. Removing a snapshot, or a file with its manifest line, changes a manifest that a later
one (or ``chain.json``) recorded: :mod:`perfsite.validation.checks.archivecheck` reports it. Snapshots written
before perfsite kept a chain have no ``chain``; the first chained snapshot records them.

This module is the only one that writes there, and it writes so that a process killed at any
moment leaves the old state or the new one, never half of a file:

- a snapshot is written into a hidden folder ``archive/.tmp-<name>-<random>/`` (files synced to
  disk, manifest last) and renamed into place in one step; leftovers of a killed run are never
  read and are removed by the next publish;
- a marker ``archive/.pending-<name>`` exists from just before that rename until the release's
  last step (``chain.json``, then ``publications.csv`` for a report), so an interrupted publish
  is recognised (and finished by running it again) rather than mistaken for tampering;
- ``chain.json`` and ``publications.csv`` are replaced through a synced temporary file and
  ``os.replace``;
- every write happens under :func:`publishing_lock`, so two publishes never interleave.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import PublishError
from ..rules import gate
from ..standard import periods
from .load import Package

ARCHIVE = "archive"
MANIFEST = "manifest.json"
HEAD = "chain.json"
TEMP_PREFIX = ".tmp-"
PENDING_PREFIX = ".pending-"
SET_ASIDE_PREFIX = ".set-aside-"
LOCK = ".lock"
CORRECTIONS = "corrections"
#: a manifest is a few kilobytes; anything near this is not one perfsite wrote
MAX_MANIFEST_BYTES = 1024 * 1024
#: how long a publish waits for another publish of the same package to finish
LOCK_WAIT_SECONDS = 60.0

# matched whole (fullmatch: a trailing newline is no part of a name)
_CORRECTIONS_RE = re.compile(r"corrections-([0-9]{4}-[0-9]{2}-[0-9]{2})(?:-([2-9]|[1-9][0-9]))?")
_CHECKSUM_RE = re.compile(r"[0-9a-f]{64}")
#: a file a manifest may list: a plain lower-case name, no folder, no hidden file, no ``..``
_FILE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\.(csv|json)")
#: what :func:`replace_file` names its temporary file (tempfile's 8 random characters)
_REPLACE_TEMP_RE = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")


def _no_op(stage: str) -> None:
    pass


#: called after each step of a write with the step's name; tests replace it to kill the process there
after_step: Callable[[str], None] = _no_op


# -- names --------------------------------------------------------------------------------------


def release_kind(name: str) -> str | None:
    """``"report"`` for a snapshot named by its period, ``"corrections"`` for a corrections
    release, ``None`` for any other name (written exactly as perfsite writes it: no case variant)."""
    p = periods.try_parse(name)
    if p is not None:
        return "report" if p.id == name else None
    match = _CORRECTIONS_RE.fullmatch(name)
    if match is None:
        return None
    try:
        dt.date.fromisoformat(match[1])
    except ValueError:
        return None
    return CORRECTIONS


def is_file_name(name: object) -> bool:
    """A name a manifest may list (``outturns.csv``): never a path, a link target or a variant."""
    return isinstance(name, str) and bool(_FILE_NAME_RE.fullmatch(name))


def is_checksum(value: object) -> bool:
    return isinstance(value, str) and bool(_CHECKSUM_RE.fullmatch(value))


def release_date_of(name: str) -> str | None:
    """The date in a corrections release's name (``corrections-2027-01-20`` → ``2027-01-20``)."""
    match = _CORRECTIONS_RE.fullmatch(name)
    return match[1] if match else None


def corrections_name(package_dir: Path, date: str) -> str:
    """The name of a new corrections release published on ``date``: the first one free."""
    root = Path(package_dir) / ARCHIVE
    name, n = f"{CORRECTIONS}-{date}", 1
    while os.path.lexists(root / name) or os.path.lexists(root / f"{PENDING_PREFIX}{name}"):
        n += 1
        name = f"{CORRECTIONS}-{date}-{n}"
    return name


# -- reading ------------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_link(path: Path) -> bool:
    """A symbolic link, or on Windows any reparse point (a junction too): never followed here."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    reparse = getattr(st, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_REPARSE_POINT
    return stat.S_ISLNK(st.st_mode) or bool(reparse)


def is_folder(path: Path) -> bool:
    """A real folder reached without a link (never raises: an entry that cannot be looked at is not one)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and not is_link(path)
    except OSError:
        return False


def entries(folder: Path) -> list[Path] | None:
    """The entries of an archive folder, sorted; ``None`` when it cannot be listed (no permission,
    a disk error): :mod:`perfsite.validation.checks.archivecheck` reports it, and nothing in it is read."""
    try:
        return sorted(Path(folder).iterdir())
    except OSError:
        return None


def regular_file(path: Path) -> os.stat_result | None:
    """The file's status when it is a regular file reached without a link, else ``None``."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if is_link(path) or not stat.S_ISREG(st.st_mode):
        return None
    return st


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file, read in blocks (a snapshot file may be large); ``None``
    when it is not a regular file or cannot be read. Links are never followed."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        try:
            return hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            return None


def manifest_bytes(snapshot: Path) -> bytes | None:
    """The bytes of a snapshot's manifest.json: a regular file, not a link, not absurdly large."""
    path = snapshot / MANIFEST
    st = regular_file(path)
    if st is None or st.st_size > MAX_MANIFEST_BYTES:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def parse_manifest(data: bytes | None) -> dict | None:
    """A manifest as perfsite writes it, or ``None``: an object whose ``files`` maps plain file
    names to SHA-256 checksums (and, when present, ``chain`` snapshot names to checksums and
    ``resources`` to a list of names)."""
    if data is None:
        return None
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    if not all(is_file_name(k) and is_checksum(v) for k, v in manifest["files"].items()):
        return None
    chain = manifest.get("chain", {})
    if not isinstance(chain, dict) or not all(
        isinstance(k, str) and release_kind(k) and is_checksum(v) for k, v in chain.items()
    ):
        return None
    resources = manifest.get("resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        return None
    return manifest


def read_manifest(snapshot: Path) -> dict | None:
    return parse_manifest(manifest_bytes(snapshot))


@dataclass(frozen=True)
class Release:
    """A snapshot in the archive: its name and folder, its manifest (``None`` when unreadable)
    and the SHA-256 of the manifest's bytes."""

    name: str
    path: Path
    manifest: dict | None
    manifest_sha256: str | None

    @property
    def kind(self) -> str:
        return release_kind(self.name) or ""

    @property
    def published_date(self) -> str:
        date = (self.manifest or {}).get("published_date")
        return str(date) if date else (release_date_of(self.name) or "")

    @property
    def chain(self) -> dict[str, str]:
        return dict((self.manifest or {}).get("chain", {}))

    def order(self) -> tuple:
        # the order releases reached the public: by date; on one day, the later-written one (its
        # chain records the others) after; unchained snapshots by period
        p = periods.try_parse(self.name)
        return (self.published_date, len(self.chain), periods.sort_key(self.name) if p else (1 << 30, 0))


def archive_root(package_dir: Path) -> Path | None:
    """``archive/`` when it is a real folder of the package (never a link), else ``None``."""
    root = Path(package_dir) / ARCHIVE
    return root if is_folder(root) else None


def releases(package_dir: Path) -> list[Release]:
    """Every snapshot folder (a real folder with a release's name; links are never followed),
    in the order the releases reached the public."""
    root = archive_root(package_dir)
    if root is None:
        return []
    found = []
    for path in entries(root) or []:
        if release_kind(path.name) is None or not is_folder(path):
            continue
        data = manifest_bytes(path)
        found.append(Release(path.name, path, parse_manifest(data), sha256(data) if data else None))
    return sorted(found, key=Release.order)


def snapshots(package_dir: Path) -> list[Path]:
    """Snapshot folders, in the order they were released (hidden work folders are not snapshots)."""
    return [r.path for r in releases(package_dir)]


def snapshot_dir(package_dir: Path, name: str) -> Path:
    return Path(package_dir) / ARCHIVE / name


def read_head(package_dir: Path) -> dict | None:
    """``chain.json`` (``latest``, ``manifest_sha256``), or ``None`` when absent or unreadable."""
    root = archive_root(package_dir)
    if root is None or regular_file(root / HEAD) is None:
        return None
    try:
        head = json.loads((root / HEAD).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(head, dict) or not isinstance(head.get("latest"), str):
        return None
    return head if is_checksum(head.get("manifest_sha256")) else None


def pending(package_dir: Path) -> set[str]:
    """Releases whose publish was interrupted after the snapshot may have been renamed into place."""
    root = archive_root(package_dir)
    if root is None:
        return set()
    return {
        p.name.removeprefix(PENDING_PREFIX) for p in entries(root) or [] if p.name.startswith(PENDING_PREFIX)
    }


def unfinished(package: Package) -> set[str]:
    """Releases whose publish was interrupted before they became public: pending, except a report
    that ``publications.csv`` already marks published (only its marker was left to remove)."""
    names = pending(package.path)
    pubs = package.raw.get("publications")
    if not names or pubs is None or not {"period", "status"} <= set(pubs.columns):
        return names
    return names - set(pubs.loc[pubs["status"] == "published", "period"])


# -- writing ------------------------------------------------------------------------------------


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


@contextlib.contextmanager
def publishing_lock(package_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the package's publishing lock (``archive/.lock``): one publish of a package at a time.

    An operating-system lock (filelock: ``flock`` on Linux and macOS, ``LockFileEx`` on Windows),
    so it is released when the process ends, however it ends: a killed publish never blocks the
    next one. A second publish waits up to :data:`LOCK_WAIT_SECONDS` (``on_wait`` is told when it
    starts waiting), then stops with a plain message; it never touches the first one's work."""
    from filelock import FileLock, Timeout

    package_dir = Path(package_dir)
    try:
        is_folder = package_dir.is_dir()
    except OSError:  # a name too long for the system, a folder on the way that cannot be read
        is_folder = False
    if not is_folder:
        raise PublishError(f"no package folder at {package_dir}: give the folder that holds datapackage.json")
    root = package_dir / ARCHIVE
    if is_link(root) or (root.exists() and not root.is_dir()):
        raise PublishError(
            f"{root} is not a folder of the package (a link or a file): perfsite writes snapshots only "
            "into a real archive/ folder inside the package; move it away and restore the archive from a backup"
        )
    if is_link(root / LOCK):  # opening it must never reach (and truncate) another file
        raise PublishError(
            f"{root / LOCK} is a link: it is perfsite's own lock file; delete the link and publish again"
        )
    try:
        root.mkdir(exist_ok=True)
        lock = FileLock(root / LOCK, fallback_to_soft=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait()
            lock.acquire(timeout=LOCK_WAIT_SECONDS)
    except Timeout as exc:
        raise PublishError(
            f"another perfsite publish of {package_dir} is still running (after waiting "
            f"{LOCK_WAIT_SECONDS:.0f} s); nothing was changed: let it finish, then run this command again"
        ) from exc
    except (NotImplementedError, OSError) as exc:
        raise PublishError(
            f"could not lock {root / LOCK} ({exc}): publish needs a package folder it can write to, on a "
            "disk that supports file locks; copy the package to a local disk and publish there"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def mark_pending(package_dir: Path, name: str, published_date: str) -> None:
    root = Path(package_dir) / ARCHIVE
    root.mkdir(parents=True, exist_ok=True)
    _write_synced(root / f"{PENDING_PREFIX}{name}", (published_date + "\n").encode())
    _fsync_dir(root)
    after_step("marked pending")


def clear_pending(package_dir: Path, name: str) -> None:
    (Path(package_dir) / ARCHIVE / f"{PENDING_PREFIX}{name}").unlink(missing_ok=True)
    _fsync_dir(Path(package_dir) / ARCHIVE)


def _replace_leftover(path: Path) -> bool:
    """A temporary file :func:`replace_file` left when killed: ``.<name>.<8 random>.tmp`` beside
    ``<name>`` (``chain.json`` may not exist yet). Nothing else that looks alike (a council's own
    ``.notes.tmp``) is ever touched."""
    match = _REPLACE_TEMP_RE.fullmatch(path.name)
    return (
        bool(match)
        and regular_file(path) is not None
        and (match[1] == HEAD or os.path.lexists(path.with_name(match[1])))
    )


def clean_leftovers(package_dir: Path) -> list[str]:
    """Remove what a killed publish left behind that is not part of any state: temporary folders and
    files, and pending markers whose snapshot never reached its place. Returns what was removed.
    Call only under :func:`publishing_lock`: another publish's work in progress looks the same."""
    root = archive_root(package_dir)
    removed: list[str] = []
    if root is None:
        return removed
    found = entries(root)
    if found is None:
        raise PublishError(
            f"cannot read {root} (no permission, or a disk error): publish needs to read and write the "
            "whole archive; give your account access to it (or copy the package to a local disk) and run it again"
        )
    for path in found:
        if path.name.startswith(TEMP_PREFIX):
            shutil.rmtree(path) if is_folder(path) else path.unlink()
            removed.append(path.name)
        elif path.name.startswith(PENDING_PREFIX) and not os.path.lexists(
            snapshot_dir(package_dir, path.name.removeprefix(PENDING_PREFIX))
        ):
            path.unlink()
            removed.append(path.name)
    for path in sorted([*Path(package_dir).glob(".*.tmp"), *root.glob(".*.tmp")]):  # a killed replace_file
        if _replace_leftover(path):
            path.unlink()
            removed.append(path.name)
    return removed


def set_aside(package_dir: Path, release: Release) -> str:
    """Take a snapshot an interrupted publish left, which will not be finished, out of the archive's
    releases without deleting it: ``chain.json`` goes back to the release before it (when it had
    already moved on to it), the folder is renamed ``.set-aside-<name>-<n>`` (never read, never
    published; validate asks for it to be moved out) and its pending marker goes. Each step leaves
    a state the next publish recognises. Returns the new name."""
    root = Path(package_dir) / ARCHIVE
    head = read_head(package_dir)
    if head is not None and head["latest"] == release.name:
        # chain.json only ever names a chained snapshot: when none came before, there was none
        earlier = [
            r
            for r in releases(package_dir)
            if r.name in release.chain and r.manifest_sha256 and "chain" in (r.manifest or {})
        ]
        if earlier:
            write_head(package_dir, max(earlier, key=Release.order))
        else:
            (root / HEAD).unlink()
            _fsync_dir(root)
    n = 1
    while os.path.lexists(root / f"{SET_ASIDE_PREFIX}{release.name}-{n}"):
        n += 1
    name = f"{SET_ASIDE_PREFIX}{release.name}-{n}"
    os.rename(release.path, root / name)
    _fsync_dir(root)
    clear_pending(package_dir, release.name)
    return name


def write_head(package_dir: Path, release: Release) -> None:
    """Make ``release`` the newest link of the chain (``chain.json``)."""
    head = {"latest": release.name, "manifest_sha256": release.manifest_sha256}
    replace_file(Path(package_dir) / ARCHIVE / HEAD, (json.dumps(head, indent=2) + "\n").encode("utf-8"))


def release_of(package_dir: Path, name: str) -> Release | None:
    return next((r for r in releases(package_dir) if r.name == name), None)


def write_snapshot(
    package_dir: Path, name: str, files: dict[str, bytes], manifest: dict, resources: list[str]
) -> Path:
    """Write ``archive/<name>/`` with ``files`` and ``manifest`` (resources, checksums and the
    chain added here), atomically, then make it the head of the chain. The caller marks the
    release pending first and clears the marker after its own last step."""
    root = Path(package_dir) / ARCHIVE
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    if os.path.lexists(target):
        raise FileExistsError(target)
    if not all(is_file_name(n) for n in files):
        raise ValueError(f"not a snapshot file name: {sorted(files)}")
    chain = {r.name: r.manifest_sha256 for r in releases(package_dir) if r.manifest_sha256}
    work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{name}-", dir=root))
    try:
        for file_name, data in sorted(files.items()):
            _write_synced(work / file_name, data)
            os.chmod(work / file_name, 0o644)
            after_step(f"wrote {file_name}")
        manifest = {
            **manifest,
            "resources": list(resources),
            "files": {n: sha256(data) for n, data in sorted(files.items())},
            "chain": dict(sorted(chain.items())),
        }
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
    release = release_of(package_dir, name)
    assert release is not None and release.manifest_sha256 is not None
    write_head(package_dir, release)
    return target


# -- what the snapshots carried -------------------------------------------------------------------


#: an outturn's fields as first published (the figure, and the status an officer set), and their names
FIRST_FIELDS = {
    "measure_id": "measure_id",
    "period": "period",
    "value": "published_value",
    "status_override": "published_override",
    "override_reason": "published_override_reason",
}


def _read_outturns(snapshot: Path, rows: int | None = None) -> pd.DataFrame | None:
    path = snapshot / "outturns.csv"
    if regular_file(path) is None:
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", nrows=rows)
    except (OSError, UnicodeDecodeError, ValueError):
        return None  # reported by archivecheck
    return frame if {"measure_id", "period", "value"} <= set(frame.columns) else None


def snapshot_outturns(package: Package, only: set[tuple[str, str]] | None = None):
    """The outturns each snapshot carried, by release name in release order, as text, one snapshot
    at a time (a large council's archive holds millions of rows: never all in memory at once);
    ``only`` keeps just those (measure_id, period) figures. An empty ``only`` keeps no row, so
    just each file's header is read (the usual case: nothing was revised)."""
    for release in releases(package.path):
        frame = _read_outturns(release.path, 0 if only is not None and not only else None)
        if frame is None:
            continue
        if only:
            frame = _only(frame, only)
        yield release.name, frame


def _only(frame: pd.DataFrame, only: set[tuple[str, str]]) -> pd.DataFrame:
    """The rows of ``frame`` whose (measure_id, period) is in ``only``, in their order."""
    # the revised measures' rows first (a vectorised test), then each of those rows' pair
    measure_ids = frame["measure_id"].to_numpy(dtype=object)
    period_ids = frame["period"].to_numpy(dtype=object)
    candidates = np.flatnonzero(frame["measure_id"].isin({measure_id for measure_id, _ in only}).to_numpy())
    keep = np.zeros(len(frame), dtype=bool)
    keep[[i for i in candidates.tolist() if (measure_ids[i], period_ids[i]) in only]] = True
    return frame[keep]


def _read_archive(package: Package) -> None:
    """Read each snapshot's outturns once: what each report released first, and every row the
    newest release carried (the figures as the public last received them)."""
    frames = []
    newest: pd.DataFrame | None = None
    newest_name = ""
    interrupted = unfinished(package)
    for release in releases(package.path):
        frame = _read_outturns(release.path)
        if frame is None:
            continue
        if release.name in interrupted:
            continue  # a release whose publish is unfinished is not public yet (and may be set aside)
        newest, newest_name = frame, release.name
        if release.kind != "report":
            continue  # a corrections release first publishes nothing
        # each snapshot repeats earlier publications: keep what this one released
        ours = [
            p
            for p in frame["period"].unique()
            if bool(periods.try_parse(p)) and gate.releasing_publication(p) == release.name
        ]
        released = frame.loc[frame["period"].isin(ours)].reindex(columns=list(FIRST_FIELDS), fill_value="")
        frames.append(released.assign(publication=release.name))
    if not frames:
        first = pd.DataFrame(columns=[*FIRST_FIELDS.values(), "publication"])
    else:
        first = pd.concat(frames).drop_duplicates(["measure_id", "period"], keep="first")
        first = first.rename(columns=FIRST_FIELDS).reset_index(drop=True)
    package.archive_cache["first"] = first
    package.archive_cache["newest"] = (newest_name, newest)


def first_published_values(package: Package) -> pd.DataFrame:
    """(measure_id, period, published_value, published_override, published_override_reason,
    publication) as each period's outturns were first published: the figure and the status an
    officer set on it; ``publication`` is the snapshot that released the figure."""
    if "first" not in package.archive_cache:  # read once per loaded package: validation and site share it
        _read_archive(package)
    return package.archive_cache["first"].copy()


def newest_release(package: Package) -> tuple[str, pd.DataFrame | None]:
    """The newest release's name and the outturns it carried (text, every row), or ``("", None)``
    when nothing is archived: what the public site shows of published figures."""
    if "newest" not in package.archive_cache:
        _read_archive(package)
    return package.archive_cache["newest"]


def newest_release_frame(package: Package, resource: str) -> pd.DataFrame | None:
    """The rows of ``resource`` the newest release carried (text), or ``None`` when nothing is
    archived or its file cannot be read (validation reports that)."""
    key = ("newest", resource)
    if key not in package.archive_cache:
        name, _ = newest_release(package)
        frame = None
        path = Path(package.path) / ARCHIVE / name / f"{resource}.csv"
        if name and regular_file(path) is not None:
            try:
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            except (OSError, UnicodeDecodeError, ValueError):
                frame = None
        package.archive_cache[key] = frame
    return package.archive_cache[key]
