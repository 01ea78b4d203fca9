"""Where a command may write, and a plain message when the disk refuses a write.

Every command that writes goes through :func:`guard_write_target` first: ``build --out``, ``synth``,
``init``, ``import`` and ``template``. A typo in a path must never cost a council its data, so a
command writes only a new or empty place, a place it made itself (marked), or, for ``import``, a
package folder; never a folder a person works in (the current folder for a whole-folder write, the
home folder, perfsite's own checkout, or a parent of one of them), never inside a package (but for
``import`` into the package itself), and never over a file it did not make. The README's table
("The output folder is guarded, and so is every place a command writes") lists what each command
accepts.

Refusals are :class:`WriteRefused` (exit code 2): nothing has been touched. A write the disk
refuses (full, over quota, read-only, permission denied) becomes :class:`WriteFailed` through
:func:`writing`, with a plain message; the commands write into a temporary place first
(:func:`temp_beside`, :func:`move_into`), so what was there before is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from .. import standard
from ..errors import PerfsiteError

DESCRIPTOR = "datapackage.json"
SITE_MARKER = ".perfsite-site"  # in the root of every site perfsite built
SYNTH_MARKER = ".perfsite-synth"  # in the root of every synthetic package, listing what synth made
CHECKOUT = Path(__file__).resolve().parents[2]  # perfsite's own checkout, in a development install

SITE, SYNTH, INIT, IMPORT, WORKBOOK, PACK = "site", "synth", "init", "import", "workbook", "pack"
_DOING = {
    SITE: "will not build into",
    SYNTH: "will not write a synthetic package into",
    INIT: "will not write a new package into",
    IMPORT: "will not import into",
    WORKBOOK: "will not write the workbook to",
    PACK: "will not write the committee pack to",
}
_FIX = {
    SITE: "choose an empty or new folder, such as ./site",
    SYNTH: "choose an empty or new folder, such as ./synthetic",
    INIT: "choose an empty or new folder, such as ./council",
    IMPORT: "give the package folder (the one holding datapackage.json), or a new folder",
    WORKBOOK: "give a new file name ending .xlsx, such as ./performance.xlsx",
    PACK: "give a new file name ending .pdf, such as ./committee-pack.pdf",
}
#: in the metadata of every pack perfsite makes (``perfsite pack`` replaces only such a PDF)
PACK_MARK = b"perfsite committee pack"


class WriteRefused(PerfsiteError):
    """A command was asked to write where perfsite must not; nothing was touched."""

    exit_code = 2


class WriteFailed(PerfsiteError):
    """The disk refused a write (full, read-only, no permission); what was there before is kept."""


#: why a write can fail that is no bug: the message a person reads
DISK_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "the system does not permit it",
    errno.EFBIG: "the file is larger than the disk allows",
    errno.ENAMETOOLONG: "a file or folder name is longer than the system allows",
}


def disk_problem(exc: BaseException) -> str | None:
    """The plain reason for an :class:`OSError` a person can fix (disk full…), else None (a bug)."""
    if isinstance(exc, OSError) and exc.errno in DISK_REASONS:
        return DISK_REASONS[exc.errno]
    return None


@contextlib.contextmanager
def writing(place: str | Path, kept: str = "nothing was changed") -> Iterator[None]:
    """Turn a disk failure while writing ``place`` into :class:`WriteFailed` with a plain message.

    ``kept`` says what the person still has, e.g. "the previous site is left as it was"."""
    try:
        yield
    except OSError as exc:
        reason = disk_problem(exc)
        if reason is None:
            raise
        # a copy names its source first and what it was writing second
        where = next((n for n in (exc.filename2, exc.filename) if n not in (None, "")), place)
        raise WriteFailed(
            f"could not write {where}: {reason}; {kept}. Free some space or choose another place, then run it again"
        ) from exc


def package_holding(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that holds a datapackage.json (a package), else None."""
    for folder in (path, *path.parents):
        with contextlib.suppress(OSError):
            if (folder / DESCRIPTOR).is_file():
                return folder
    return None


def is_checkout(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "generator").is_dir()


def built_site(folder: Path) -> bool:
    """True for a folder a perfsite build wrote (marked; or, from versions before the marker,
    a site with perfsite's script and feed)."""
    if (folder / SITE_MARKER).is_file():
        return True
    return (folder / "assets" / "perfsite.js").is_file() and (folder / "feed.xml").is_file()


def synth_made(folder: Path) -> list[str] | None:
    """The names a previous ``synth`` wrote into ``folder`` (from its marker), or None."""
    record = _synth_record(folder)
    made = record.get("made") if isinstance(record, dict) else None
    if not isinstance(made, list) or not all(isinstance(n, str) and n and "/" not in n for n in made):
        return None
    return [n for n in made if n not in (".", "..")]


def _synth_record(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / SYNTH_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def files_digest(folder: Path, names: list[str]) -> dict[str, str]:
    """The SHA-256 of every file under ``names`` in ``folder`` (relative paths; a link is recorded
    as a link, never followed)."""
    found = {}
    for name in names:
        top = folder / name
        paths = [top] if not top.is_dir() or top.is_symlink() else sorted(top.rglob("*"))
        for path in paths:
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def synth_changed(folder: Path) -> list[str]:
    """What changed in a synthetic package since synth made it (files added, changed or gone under
    the names it made), or every name when its marker records no checksums (an older synth)."""
    record = _synth_record(folder) or {}
    made = [n for n in synth_made(folder) or [] if n != SYNTH_MARKER]
    recorded = record.get("files")
    if not isinstance(recorded, dict):
        return made
    now = files_digest(folder, made)
    return sorted({p for p in {*now, *recorded} if now.get(p) != recorded.get(p)})


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop (RuntimeError before Python 3.13)
        raise WriteRefused(f"cannot use {path}: it is a symbolic link that points to itself ({exc})") from exc


def guard_write_target(
    path: str | Path,
    kind: str,
    force: bool = False,
    *,
    reading: str | Path | None = None,
    cwd: Path | None = None,
) -> Path:
    """The resolved place a command may write, or :class:`WriteRefused` saying why not (the
    README's table). ``reading`` is the package the command reads (build: never written into)."""
    target = _resolved(Path(path))

    def refuse(why: str, fix: str = _FIX[kind]) -> NoReturn:
        raise WriteRefused(f"{_DOING[kind]} {target}: {why}; {fix}")

    try:
        return _check(target, kind, force, reading, cwd, refuse)
    except OSError as exc:  # a folder on the way cannot be read: refuse rather than guess
        refuse(f"{exc.filename or target} cannot be read ({DISK_REASONS.get(exc.errno, exc.strerror)})")


Refuse = Callable[..., NoReturn]


def _check(
    target: Path, kind: str, force: bool, reading: str | Path | None, cwd: Path | None, refuse: Refuse
) -> Path:
    cwd = _resolved(cwd or Path.cwd())
    home = _resolved(Path.home())
    if kind == WORKBOOK:
        return _check_workbook(target, force, refuse)
    if kind == PACK:
        return _check_pack(target, refuse)
    if target.exists() and not target.is_dir():
        refuse("it is a file, not a folder")
    existing = next((f for f in target.parents if f.exists()), None)
    if existing is not None and not existing.is_dir():
        refuse(f"{existing} is a file, not a folder")
    if reading is not None:
        package = _resolved(Path(reading))
        if target == package or target.is_relative_to(package):
            refuse(f"it is inside the package {package}", "build outside the package folder")
        if package.is_relative_to(target):
            refuse(f"it holds the package {package}", "build into a folder of its own")
    elif (outer := package_holding(target.parent)) is not None:
        refuse(f"it is inside the package {outer}", "choose a folder outside the package")
    if home.is_relative_to(target):
        refuse("it is your home folder or one of its parents")
    if is_checkout(CHECKOUT) and CHECKOUT.is_relative_to(target):
        refuse("it holds perfsite's own source code")
    holds = target.is_dir() and any(target.iterdir())
    is_package = target.is_dir() and (target / DESCRIPTOR).is_file()
    # a site or a synthetic package is written as a whole folder: never the one a person works in
    # (init and import may write into an empty current folder, or the package it is)
    if kind in (SITE, SYNTH) and cwd.is_relative_to(target):
        refuse("it is the current folder or one of its parents")
    if not holds:
        return target
    if kind == SITE and not built_site(target):
        refuse(
            f"it already holds files that perfsite did not build (no {SITE_MARKER} marker)",
            "choose an empty or new folder, or empty this one yourself",
        )
    if kind == INIT:
        refuse(
            "it already holds a package" if is_package else "it already holds files",
            "choose an empty or new folder; perfsite init starts a new package",
        )
    if kind == IMPORT and not is_package:
        refuse(f"it holds files but no {DESCRIPTOR}, so it is not a package", _FIX[IMPORT])
    if kind == SYNTH:
        made = synth_made(target)
        if is_package and made is None:
            refuse("it holds a data package (a datapackage.json)", "synth writes only new folders")
        if not force:
            refuse(
                "it holds a synthetic package made earlier" if made is not None else "it already holds files",
                "choose an empty or new folder, or add --force to write beside what is there"
                + (" (and replace the synthetic package)" if made is not None else ""),
            )
        changed = synth_changed(target) if made is not None else []
        if changed:
            shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            refuse(
                f"the synthetic package made there earlier has changed since ({shown}), and --force would "
                "replace it",
                "choose an empty or new folder; if the package is now in use, never run synth on it",
            )
        clashes = sorted(n for n in synth_names() if (target / n).exists() or (target / n).is_symlink())
        clashes = [n for n in clashes if made is None or n not in made]
        if clashes:
            refuse(
                f"it already holds {', '.join(clashes[:5])}, which synth would write over",
                "choose an empty or new folder",
            )
    return target


def synth_names() -> list[str]:
    """The names synth writes at the top of its folder."""
    return [DESCRIPTOR, "schemas", "archive", SYNTH_MARKER, *(f"{r}.csv" for r in standard.RESOURCES)]


def _check_workbook(target: Path, force: bool, refuse: Refuse) -> Path:
    if target.is_dir():
        refuse("it is a folder", "give a file name ending .xlsx, such as ./performance.xlsx")
    if target.suffix.lower() != ".xlsx":
        refuse("the name does not end .xlsx (an Excel workbook)")
    parent = target.parent
    if not parent.exists():
        refuse(
            f"the folder {parent} does not exist", f"create it first (mkdir -p {parent}), or choose another"
        )
    if not parent.is_dir():
        refuse(f"{parent} is a file, not a folder")
    if (package := package_holding(parent)) is not None:
        refuse(
            f"it is inside the package {package}",
            "keep the workbook outside the package folder, e.g. beside it",
        )
    if target.exists() or target.is_symlink():
        if target.is_symlink() or not _is_zip(target):
            refuse("a file of that name exists and it is not an Excel workbook")
        if not force:
            refuse("the workbook already exists", "choose another name, or add --force to replace it")
    return target


def _check_pack(target: Path, refuse: Refuse) -> Path:
    """A PDF file outside any package: new, or a pack perfsite made before (replaced)."""
    if target.is_dir():
        refuse("it is a folder")
    if target.suffix.lower() != ".pdf":
        refuse("the name does not end .pdf")
    parent = target.parent
    if not parent.is_dir():
        refuse(
            f"the folder {parent} does not exist", f"create it first (mkdir -p {parent}), or choose another"
        )
    if (package := package_holding(parent)) is not None:
        refuse(
            f"it is inside the package {package}", "keep the pack outside the package folder, e.g. beside it"
        )
    if target.is_symlink() or (target.exists() and not _made_pack(target)):
        refuse("a file of that name exists and it is not a pack perfsite made", "choose another name")
    return target


def _made_pack(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return data.startswith(b"%PDF-") and PACK_MARK in data


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def temp_beside(target: Path, tag: str = ".perfsite-tmp-") -> Path:
    """A new empty folder beside ``target`` (same disk, so it can be renamed into place)."""
    path = target.parent / f".{target.name}{tag}{os.getpid()}-{secrets.token_hex(4)}"
    with cannot_create(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(path, 0o777)  # the umask applies: 755 under the usual 022
    return path


@contextlib.contextmanager
def cannot_create(folder: Path, what: str = "a folder") -> Iterator[None]:
    """A folder or file that cannot be made where a person asked (a system folder such as /proc)
    is a plain message, not a traceback."""
    try:
        yield
    except OSError as exc:
        if disk_problem(exc) is not None:
            raise  # said by writing()
        raise WriteFailed(
            f"cannot create {what} in {folder}: {exc.strerror or exc}; choose another place"
        ) from exc


def move_into(new: Path, target: Path, replace: list[str] | None = None) -> None:
    """Put what ``new`` holds at ``target``: rename it there when ``target`` is absent or empty,
    otherwise move each entry in, after removing only the names in ``replace`` (what the command
    made before). Never writes over anything else."""
    if not target.exists():
        os.rename(new, target)
        return
    if not any(target.iterdir()):
        os.rmdir(target)
        os.rename(new, target)
        return
    for name in replace or []:
        old = target / name
        if old.is_symlink() or old.is_file():
            old.unlink()
        elif old.is_dir():
            shutil.rmtree(old)
    for entry in sorted(new.iterdir()):
        destination = target / entry.name
        if destination.exists() or destination.is_symlink():
            raise WriteRefused(f"will not write over {destination}: it appeared while perfsite was writing")
        os.rename(entry, destination)
    os.rmdir(new)
