"""``perfsite import BOOK.xlsx PACKAGE``: a filled-in workbook becomes the package, checked as
``perfsite validate`` checks it, *against the package it replaces*.

The workbook is read by :mod:`perfsite.files.workbook_read`. Its sheets are written as CSVs into a
temporary folder beside a copy of the package's own ``archive/`` and a descriptor that keeps the
package's name, title, description, site address and licence (the settings sheet supplies the
council, plan and RAG settings), so a published figure changed without a revision note, or a
published row deleted without a withdrawal, is caught at import as it would be by ``validate``.
Every problem is reported as the officer sees it: sheet, Excel row (blank rows counted), column
letter and header. Nothing is written to PACKAGE unless the workbook is valid (or
``--force-draft``); the archive itself is never written by an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from .. import standard
from ..errors import ERROR, WARNING, Issue, errors_of
from ..files.archive import ARCHIVE
from ..files.guard import IMPORT, cannot_create, guard_write_target, writing
from ..files.workbook import SETTINGS
from ..files.workbook_cells import column_label, where
from ..files.workbook_read import Book, read_book, read_workbook
from .package import descriptor_for

__all__ = ["Imported", "import_book", "import_workbook", "read_workbook"]

#: descriptor keys the workbook's settings sheet supplies; every other key is kept from the package
FROM_SETTINGS = ("council", "plan", "rag", "resources")
FIRST_IMPORT_TOLERATED = "published-without-snapshot"


def _pad_decimals(tables: dict[str, list[list[str]]]) -> None:
    """Excel drops trailing zeros (50.0 becomes 50): write figures back to the measure's decimal
    places. Only zeros are added, never digits removed, so no figure changes."""
    names = standard.field_names("measures")
    places = {}
    for row in tables.get("measures", []):
        try:
            places[row[names.index("measure_id")]] = int(row[names.index("decimal_places")])
        except ValueError:
            continue
    for resource, column in (("outturns", "value"), ("targets", "target"), ("benchmarks", "value")):
        index = standard.field_names(resource).index(column)
        for row in tables.get(resource, []):
            text, wanted = row[index], places.get(row[0], 0)
            try:
                float(text)
            except ValueError:
                continue
            have = len(text.split(".", 1)[1]) if "." in text else 0
            if "e" not in text.lower() and have < wanted:
                row[index] = text + ("" if have else ".") + "0" * (wanted - have)


def _setting(value) -> str:
    """A settings cell as text: Excel dates (a plan may start 2024-04-01) as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def existing_descriptor(package_dir: Path) -> dict:
    """The package's current datapackage.json, or ``{}`` when there is none (a first import)."""
    try:
        descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return descriptor if isinstance(descriptor, dict) else {}


def descriptor_from(settings: dict, existing: dict) -> dict:
    """The descriptor to write: the settings sheet's council, plan and RAG over the package's own."""
    council = _setting(settings.get("council_name")) or "Council"
    descriptor = descriptor_for(council, list(standard.RESOURCES))
    descriptor.update({k: v for k, v in existing.items() if k not in FROM_SETTINGS})
    descriptor["council"] = {
        "name": council,
        "website": _setting(settings.get("council_website")),
        "contact_email": _setting(settings.get("contact_email")),
    }
    descriptor["plan"] = {
        "title": _setting(settings.get("plan_title")) or "Council Plan",
        "start": _setting(settings.get("plan_start")),
        "end": _setting(settings.get("plan_end")),
    }
    rag = {}
    for key in ("green_tolerance", "amber_tolerance"):
        value = settings.get(key)
        if value not in (None, ""):
            try:
                rag[key] = float(value)
            except (TypeError, ValueError):
                rag[key] = _setting(value)  # text, for validation to explain; never an Excel date object
    rag["tolerance_type"] = _setting(settings.get("tolerance_type")) or "relative"
    descriptor["rag"] = rag
    if _setting(settings.get("site_url")):
        descriptor["site_url"] = _setting(settings.get("site_url"))
    return descriptor


def to_workbook_location(
    issue: Issue, book: str, excel_rows: dict[str, list[int]], sheets: dict[str, str] | None = None
) -> Issue:
    """Turn a CSV location (file, row, field) into the sheet, Excel row and column the officer sees."""
    sheets = sheets or {}
    if issue.file == "datapackage.json":
        for row, (key, _, path) in enumerate(SETTINGS, start=2):
            if issue.field == path:
                return Issue(
                    issue.code,
                    issue.message,
                    file=where(book, sheets.get("settings", "settings")),
                    row=row,
                    field=column_label("B", key),
                    value=issue.value,
                    hint=issue.hint,
                    severity=issue.severity,
                )
        return issue
    if not issue.file or not issue.file.endswith(".csv") or "/" in issue.file:
        return issue
    resource = issue.file.removesuffix(".csv")
    if resource not in standard.RESOURCES:
        return issue
    names = standard.field_names(resource)
    field = issue.field
    if field in names:
        field = column_label(get_column_letter(names.index(field) + 1), field)
    rows = excel_rows.get(resource, [])
    row = issue.row
    if row is not None and 2 <= row < len(rows) + 2:
        row = rows[row - 2]  # the CSV has no blank rows; the sheet may
    return Issue(
        issue.code,
        issue.message,
        file=where(book, sheets.get(resource, resource)),
        row=row,
        field=field,
        value=issue.value,
        hint=issue.hint,
        severity=issue.severity,
    )


def _relocated(issue: Issue, staging: Path, package_dir: Path, first_import: bool) -> Issue:
    """Name the real package, not the temporary folder; on a first import, quarters published before
    perfsite are a warning (they can be adopted only once the package exists)."""
    text = {k: getattr(issue, k) for k in ("message", "hint", "value")}
    for key, value in text.items():
        if value:
            text[key] = value.replace(staging.as_posix(), package_dir.as_posix())
    severity = issue.severity
    if first_import and issue.code == FIRST_IMPORT_TOLERATED:
        severity = WARNING
    return Issue(issue.code, file=issue.file, row=issue.row, field=issue.field, severity=severity, **text)


def _stage(book: Book, settings_descriptor: dict, package_dir: Path, staging: Path) -> None:
    (staging / "schemas").mkdir()
    for resource in standard.RESOURCES:
        with open(staging / f"{resource}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(standard.field_names(resource))
            writer.writerows(book.tables.get(resource, []))
        shutil.copyfile(standard.SCHEMA_DIR / f"{resource}.json", staging / "schemas" / f"{resource}.json")
    (staging / "datapackage.json").write_text(
        json.dumps(settings_descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if (package_dir / ARCHIVE).is_dir():
        shutil.copytree(package_dir / ARCHIVE, staging / ARCHIVE, symlinks=True)


def _rows_held(package_dir: Path, existing: dict) -> dict[str, int]:
    """How many rows each resource of the package holds now ({} for a new package)."""
    if not existing:
        return {}
    from ..files.load import load

    return {name: len(frame) for name, frame in load(package_dir).raw.items()}


def lost_resources(read: Book, held: dict[str, int], book: str) -> list[Issue]:
    """A resource the package holds rows of, whose sheet is missing or could not be read: importing
    would replace its rows with none. Refused even with --force-draft."""
    issues = []
    for resource in standard.RESOURCES:
        if resource in read.tables or not held.get(resource):
            continue
        issues.append(
            Issue(
                "import-would-empty",
                f"the package's {resource}.csv holds {held[resource]:,} row(s) but the workbook has no readable "
                f"{resource!r} sheet, so importing would leave it empty; nothing was written, even with --force-draft",
                file=book,
                hint=f"add the {resource} sheet (perfsite template --from the package writes it), or fix its "
                "name and header row as listed above",
            )
        )
    return issues


def _write_package(staging: Path, package_dir: Path) -> None:
    """Copy the staged files into the package: each is written beside its target first and renamed
    over it only once every file is written, so a full disk leaves the package as it was."""
    placed: list[tuple[Path, Path]] = []
    with cannot_create(package_dir.parent):
        package_dir.mkdir(parents=True, exist_ok=True)
    try:
        for source in sorted(staging.rglob("*")):
            rel = source.relative_to(staging)
            if source.is_file() and rel.parts[0] != ARCHIVE:
                target = package_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                fresh = target.with_name(f".{target.name}.perfsite-new")
                placed.append((fresh, target))
                shutil.copyfile(source, fresh)
    except BaseException:
        for fresh, _ in placed:
            fresh.unlink(missing_ok=True)
        raise
    for fresh, target in placed:
        os.replace(fresh, target)


@dataclass
class Imported:
    """What an import found, and whether it wrote the package."""

    issues: list[Issue] = field(default_factory=list)
    written: bool = False


def import_workbook(book: str | Path, package_dir: str | Path, force_draft: bool = False) -> list[Issue]:
    """Import a workbook into ``package_dir``; return every issue (errors mean nothing was written,
    unless ``force_draft``: see :func:`import_book`)."""
    return import_book(book, package_dir, force_draft).issues


def import_book(book: str | Path, package_dir: str | Path, force_draft: bool = False) -> Imported:
    """Import a workbook into ``package_dir``: every issue, and whether the package was written.

    Raises :class:`~perfsite.files.guard.WriteRefused` when ``package_dir`` is no place to import into
    (a file, a folder that is not a package, the home folder…) and
    :class:`~perfsite.files.guard.WriteFailed` when the disk refuses the write."""
    from ..validation.validate import validate

    path, package_dir = Path(book), Path(package_dir)
    guard_write_target(package_dir, IMPORT)
    if not path.is_file():
        why = "is a folder" if path.is_dir() else "does not exist"
        return Imported(
            [
                Issue(
                    "workbook-missing",
                    f"the workbook {path} {why}",
                    file=path.name,
                    hint="give the .xlsx file to import (perfsite template writes one)",
                )
            ]
        )
    read = read_book(path)
    issues = list(read.issues)
    if not read.tables and errors_of(issues):
        return Imported(issues)
    _pad_decimals(read.tables)
    existing = existing_descriptor(package_dir)
    first_import = not existing and not (package_dir / ARCHIVE).exists()
    lost = lost_resources(read, _rows_held(package_dir, existing), path.name)
    if lost:
        return Imported(issues + lost)
    with writing(package_dir, "the package was not changed"):
        staging = Path(tempfile.mkdtemp(prefix="perfsite-import-"))
        try:
            _stage(read, descriptor_from(read.settings, existing), package_dir, staging)
            _, found = validate(staging)
            found = [_relocated(i, staging, package_dir, first_import) for i in found]
            issues += [to_workbook_location(i, path.name, read.excel_rows, read.sheets) for i in found]
            if any(i.severity == ERROR for i in issues) and not force_draft:
                return Imported(issues)
            _write_package(staging, package_dir)
            return Imported(issues, written=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
