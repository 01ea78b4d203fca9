"""Reading one file of a council's package safely: it must lie inside the package folder, be an
ordinary file (not a folder, pipe or link out of the folder), fit the size limit and be UTF-8
text. Every refusal is an :class:`~perfsite.errors.Issue` the officer can act on, never an
exception."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import Issue

#: a resource file larger than this is refused: a council's package is a few MB
MAX_FILE_BYTES = 100 * 1024 * 1024


def outside(package_dir: Path, target: Path) -> bool:
    """True when ``target`` leads outside the package folder, or nowhere (a symbolic link loop)."""
    try:
        target.resolve().relative_to(package_dir.resolve())
        return False
    except ValueError:
        return True
    except (OSError, RuntimeError):  # a link loop: RuntimeError before Python 3.13, OSError after
        return True


def loops(path: Path) -> bool:
    """True for a symbolic link that never reaches a file or folder (it points to itself)."""
    try:
        path.resolve(strict=True)
        return False
    except RuntimeError:
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP


def not_regular(path: Path) -> str | None:
    """Why ``path`` cannot be read as a resource file, or None when it is an ordinary file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing: reported as file-missing
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "it is not an ordinary file (a pipe, a device or a socket)"
    return None


def unreadable(rel: str, exc: OSError) -> Issue:
    """A file the system would not let perfsite read (no permission, an input/output error)."""
    return Issue(
        "file-unreadable",
        f"the file cannot be read: {exc.strerror or exc}",
        file=rel,
        hint="check the file's permissions (it must be readable by the account running perfsite)",
    )


def symlink_issues(package_dir: Path) -> list[Issue]:
    """Symlinks that point outside the package would publish files the officer never meant to."""
    issues = []
    for root, dirs, files in os.walk(package_dir):  # links to folders are not followed
        for name in sorted(dirs + files):
            p = Path(root) / name
            if p.is_symlink() and loops(p):
                issues.append(
                    Issue(
                        "symlink-loop",
                        "a symbolic link points to itself (directly or through other links)",
                        file=str(p.relative_to(package_dir)),
                        value=_readlink(p),
                        hint="delete the link",
                    )
                )
            elif p.is_symlink() and outside(package_dir, p):
                issues.append(
                    Issue(
                        "symlink-outside",
                        "a symbolic link points outside the package folder",
                        file=str(p.relative_to(package_dir)),
                        value=_readlink(p),
                        hint="copy the file into the package instead of linking to it",
                    )
                )
    return issues


def _readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def read_text_file(package_dir: Path, rel: str) -> tuple[str | None, str, list[Issue]]:
    """Read a resource file as UTF-8 text; returns (text, encoding, issues)."""
    path = package_dir / rel
    if outside(package_dir, path):
        return None, "utf-8", []  # only through a link, which symlink_issues reports
    odd = not_regular(path)
    if odd:
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-not-regular",
                    f"the file cannot be read: {odd}",
                    file=rel,
                    hint="point the resource's path in datapackage.json at its CSV file",
                )
            ],
        )
    if not path.is_file():
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-missing",
                    "the file does not exist",
                    file=rel,
                    hint="check the path in datapackage.json and the file name",
                )
            ],
        )
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        return None, "utf-8", [unreadable(rel, exc)]
    if size > MAX_FILE_BYTES:
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-too-large",
                    f"the file is {size / 1e6:.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MB perfsite accepts",
                    file=rel,
                    hint="check it is the right file; a council's resource is usually well under 10 MB",
                )
            ],
        )
    if not data.strip():
        return (
            None,
            "utf-8",
            [Issue("file-empty", "the file is empty", file=rel, hint="it needs at least the header row")],
        )
    if b"\x00" in data[:65536]:
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-binary",
                    "the file is not a CSV text file (it holds binary data)",
                    file=rel,
                    hint="export the sheet as CSV UTF-8",
                )
            ],
        )
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"  # Excel's "CSV UTF-8" writes a byte order mark; it is still UTF-8
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (
            None,
            encoding,
            [
                Issue(
                    "file-not-utf8",
                    f"the file is not UTF-8 (byte {data[exc.start]:#x} on line {line})",
                    file=rel,
                    row=line,
                    hint="save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)",
                )
            ],
        )
    return text, encoding, []
