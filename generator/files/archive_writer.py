"""Writing the archive (:mod:`perfsite.files.archive`): snapshots, the chain's head,
publications.csv, the pending markers, under one lock. This module is the only one that writes
there, and it writes so that a process killed at any moment leaves the old state or the new one,
never half of a file:

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
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import PublishError
from .archive import (
    ARCHIVE,
    HEAD,
    LOCK,
    MANIFEST,
    PENDING_PREFIX,
    SET_ASIDE_PREFIX,
    TEMP_PREFIX,
    Release,
    archive_root,
    entries,
    is_file_name,
    is_folder,
    is_link,
    read_head,
    regular_file,
    release_of,
    releases,
    sha256,
    snapshot_dir,
)

#: how long a publish waits for another publish of the same package to finish
LOCK_WAIT_SECONDS = 60.0
#: what :func:`replace_file` names its temporary file (tempfile's 8 random characters)
_REPLACE_TEMP_RE = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")


def _no_op(stage: str) -> None:
    pass


#: called after each step of a write with the step's name; tests replace it to kill the process there
after_step: Callable[[str], None] = _no_op


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
