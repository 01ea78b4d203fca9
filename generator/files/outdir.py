"""The output folder: which folders a build may write, and how a new site replaces the old.

A build writes a fresh temporary folder beside the output and swaps it in whole, so a failed
or killed build leaves the previous site as it was. perfsite marks every folder it built
(:data:`MARKER`) and refuses to write anywhere else that holds files: a typo in ``--out``
must never delete a council's data.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from .. import __version__
from .guard import SITE, WriteRefused, built_site, cannot_create, guard_write_target
from .guard import SITE_MARKER as MARKER

_TMP = ".perfsite-tmp-"  # .<name>.perfsite-tmp-<pid>-<random>: a build under way (or killed)
_OLD = ".perfsite-old-"  # .<name>.perfsite-old-<pid>-<random>: the previous site, being removed

#: the output folder is one perfsite must not write; nothing was touched
OutputRefused = WriteRefused
built_by_perfsite = built_site


def check_output(out: Path, package_dir: Path, cwd: Path | None = None) -> Path:
    """The resolved output folder, or :class:`OutputRefused` saying why it may not be written
    (the rules of :func:`perfsite.files.guard.guard_write_target` for a site, and no file in it that
    the build which made it did not write)."""
    target = guard_write_target(out, SITE, reading=package_dir, cwd=cwd)
    _refuse_foreign(target)
    return target


def _files_under(folder: Path) -> list[str]:
    """Every file (and link) under ``folder``, as sorted relative paths; links are not followed."""
    found = []
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        found += [(base / name).as_posix() for name in files]
        found += [(base / name).as_posix() for name in dirs if os.path.islink(os.path.join(root, name))]
    return sorted(found)


def foreign_files(target: Path) -> list[str]:
    """Files in a site perfsite built that that build did not write (a council's ``CNAME`` or
    ``.htaccess`` put there since): replacing the site would delete them. A site marked by a
    perfsite from before the marker listed its files has none known."""
    try:
        record = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    made = record.get("files") if isinstance(record, dict) else None
    if not isinstance(made, list):
        return []
    made = set(made) | {MARKER}
    return [f for f in _files_under(target) if f not in made]


def _refuse_foreign(target: Path) -> None:
    extra = foreign_files(target) if target.is_dir() else []
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise OutputRefused(
            f"will not build into {target}: it holds files the previous build did not write ({shown}), "
            "which replacing the site would delete; move them out of the folder (a file the web host "
            "needs, such as CNAME, is added when uploading), or choose another folder"
        )


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` itself, so two builds into one output take turns to swap."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(target: Path) -> list[Path]:
    """Remove temporary folders of killed builds of ``target`` (only those whose process is gone)."""
    removed = []
    if not target.parent.is_dir():
        return removed
    for path in target.parent.iterdir():
        for tag in (_TMP, _OLD):
            prefix = f".{target.name}{tag}"
            if path.name.startswith(prefix) and path.is_dir():
                pid = path.name[len(prefix) :].split("-", 1)[0]
                if pid.isdigit() and not _alive(int(pid)):
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
    return removed


def fresh_temp(target: Path) -> Path:
    """A new empty folder beside ``target`` for MkDocs to write, with the usual permissions.

    (``mkdtemp`` would make it 0700, unreadable by a web server running as another user.)"""
    with cannot_create(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target.parent):
            remove_leftovers(target)
        path = target.parent / f".{target.name}{_TMP}{os.getpid()}-{secrets.token_hex(4)}"
        os.mkdir(path, 0o777)  # the umask applies: 755 under the usual 022
    return path


def mark(site_dir: Path) -> None:
    """Mark ``site_dir`` as built by perfsite, so a later build may replace it."""
    # the files it holds, so that a later build never deletes one a person added since
    record = {"generator": "perfsite", "version": __version__, "files": _files_under(site_dir)}
    (site_dir / MARKER).write_text(json.dumps(record, indent=0) + "\n", encoding="utf-8")


_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2``); False where the system cannot."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(new: Path, target: Path) -> None:
    """Put the site in ``new`` at ``target``; the old site stays whole until the new one is there."""
    with _locked(target.parent):
        if not target.exists():
            os.rename(new, target)
            return
        if not built_by_perfsite(target):  # filled by someone else while we built
            raise OutputRefused(f"will not replace {target}: it now holds files that perfsite did not build")
        _refuse_foreign(target)
        if _exchange(new, target):
            old = new  # after the exchange, the temporary name holds the previous site
        else:
            old = target.parent / f".{target.name}{_OLD}{os.getpid()}-{secrets.token_hex(4)}"
            os.rename(target, old)
            os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
