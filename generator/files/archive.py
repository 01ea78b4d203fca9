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

This module reads the archive (names, manifests, releases, the chain's head). Writing it is
:mod:`perfsite.files.archive_writer`'s alone, crash-safely; what each snapshot published is read
back by :mod:`perfsite.files.archive_figures`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

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

# matched whole (fullmatch: a trailing newline is no part of a name)
_CORRECTIONS_RE = re.compile(r"corrections-([0-9]{4}-[0-9]{2}-[0-9]{2})(?:-([2-9]|[1-9][0-9]))?")
_CHECKSUM_RE = re.compile(r"[0-9a-f]{64}")
#: a file a manifest may list: a plain lower-case name, no folder, no hidden file, no ``..``
_FILE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\.(csv|json)")


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


def release_of(package_dir: Path, name: str) -> Release | None:
    return next((r for r in releases(package_dir) if r.name == name), None)
