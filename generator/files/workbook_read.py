"""Reading a filled-in workbook as the officer sees it: each sheet's cells as the standard's text.

Sheets are read *by name*. What Excel silently breaks is refused with the sheet, the Excel row
and the column letter: formulas with no saved value, dates in text columns, merged cells,
numbers stored as text, percentage-formatted cells outside a percent measure's figures, and
hidden sheets (whatever they hold would be imported unseen). A cell formatted as a percentage
holds a fraction (53.9% is stored as 0.539): for a measure whose unit is percent it becomes the
figure the officer typed (53.9). Hidden rows are imported, with a warning. The file's
uncompressed size is checked before openpyxl opens it, so a zip bomb is refused in
milliseconds, and what each sheet stores is counted from its XML first
(:mod:`perfsite.files.workbook_scan`), so an absurd sheet is refused before it is loaded. Only the
cells a sheet stores are read (:func:`perfsite.files.workbook_cells.stored_cells`): time and memory follow the content, not
the address of the last cell. Row numbers are Excel's own, blank rows included. A sheet whose
name differs only in capitals or spaces is read with a warning
(:func:`perfsite.files.workbook_sheets.match_sheets`).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .. import standard
from ..errors import WARNING, Issue
from . import workbook_scan
from .workbook_cells import blank, cell_text, cells_by_row, column_label, percent_figure, stored_cells, where
from .workbook_sheets import (
    beyond_issue,
    header_issue,
    match_sheets,
    merged_issues,
    missing_sheet,
    sheet_issues,
)

#: a council's workbook is a few MB uncompressed; more is refused before openpyxl parses it
MAX_UNCOMPRESSED_BYTES = 200 * 2**20
#: (sheet, column) holding a measure's figures, where a percent-formatted cell can be converted
FIGURE_COLUMNS = {("outturns", "value"), ("targets", "target"), ("benchmarks", "value")}
#: settings that are numbers (a date typed there is refused)
NUMBER_SETTINGS = ("green_tolerance", "amber_tolerance")


@dataclass
class Book:
    """A workbook's contents: text rows per resource, the Excel row of each, settings, problems."""

    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    excel_rows: dict[str, list[int]] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # part of the standard → the sheet holding it


def size_issues(path: Path) -> list[Issue]:
    """Refuse a file that is not a zip, or whose members would unpack to more than the limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return [
            Issue(
                "workbook-unreadable",
                "the file cannot be read as an Excel workbook (it is not an .xlsx file)",
                file=path.name,
                hint="save it as an Excel Workbook (.xlsx)",
            )
        ]
    if total > MAX_UNCOMPRESSED_BYTES:
        return [
            Issue(
                "workbook-too-large",
                f"the workbook would unpack to {total / 2**20:,.0f} MB, more than the "
                f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB perfsite accepts",
                file=path.name,
                hint="check it is the right file; a council's performance workbook is a few MB",
            )
        ]
    return []


class _Absent:
    """A cell the sheet does not store: empty."""

    value = None
    number_format = "General"


_ABSENT = _Absent()


def _read_sheet(book: Book, ws, wf, resource: str, sheet: str, percents: list) -> None:
    book.issues += merged_issues(ws, sheet)
    by_row = cells_by_row(ws)
    header = header_issue(by_row.get(1, {}), resource, sheet)
    if header:
        book.issues.append(header)
        return
    specs = standard.schema(resource)["fields"]
    beyond = beyond_issue(by_row, len(specs), sheet)
    if beyond:
        book.issues.append(beyond)
    formulas = stored_cells(wf) if wf is not None else {}
    rows, excel_rows = [], []
    for excel_row in sorted(r for r in by_row if r >= 2):
        stored = by_row[excel_row]
        cells = [stored.get(c + 1, _ABSENT) for c in range(len(specs))]
        if all(blank(c.value) for c in cells):
            continue
        dimension = ws.row_dimensions.get(excel_row)  # .get: indexing would create one
        if dimension is not None and dimension.hidden:
            book.issues.append(
                Issue(
                    "hidden-row",
                    "this row is hidden in Excel; it is imported like any other row",
                    file=sheet,
                    row=excel_row,
                    hint="unhide it (select the rows around it, right-click → Unhide) and check it, or delete it",
                    severity=WARNING,
                )
            )
        out = []
        for index, (cell, spec) in enumerate(zip(cells, specs, strict=True)):
            letter = get_column_letter(index + 1)
            place = {"file": sheet, "row": excel_row, "field": column_label(letter, spec["name"])}
            value = cell.value
            formula = formulas.get((excel_row, index + 1))
            raw = formula.value if formula is not None else None
            if isinstance(raw, str) and raw.startswith("=") and value is None:
                book.issues.append(
                    Issue(
                        "formula-no-value",
                        "the cell holds a formula with no saved result",
                        value=raw,
                        hint="open the workbook in Excel and save it (so the result is stored), or paste the value instead of the formula",
                        **place,
                    )
                )
                out.append("")
                continue
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and "%" in str(cell.number_format)
            ):
                percents.append((resource, len(rows), index, value, place))
            text, problem = cell_text(value, spec, place)
            if problem:
                book.issues.append(problem)
            out.append(text)
        rows.append(out)
        excel_rows.append(excel_row)
    book.tables[resource] = rows
    book.excel_rows[resource] = excel_rows


def _resolve_percents(book: Book, percents: list) -> None:
    """A percentage-formatted figure of a percent measure is the figure shown; anything else is refused."""
    names = standard.field_names("measures")
    units = {
        r[names.index("measure_id")]: r[names.index("unit")] for r in book.tables.get("measures", []) if r
    }
    for resource, row, index, value, place in percents:
        column = standard.field_names(resource)[index]
        measure = book.tables[resource][row][0] if (resource, column) in FIGURE_COLUMNS else None
        unit = units.get(measure)
        if unit == "percent":
            book.tables[resource][row][index] = percent_figure(value)
            continue
        shown = f"{percent_figure(value)}%"
        why = (
            f"measure {measure} is measured in {unit or 'an unknown unit'}, not percent"
            if measure is not None
            else f"{column} is not a percentage"
        )
        book.issues.append(
            Issue(
                "excel-percent-format",
                f"the cell is formatted as a percentage (it shows {shown}, but holds {value!r}) and {why}",
                value=shown,
                hint="format the cell as Number (Home → Number format) and type the figure as it should read",
                **place,
            )
        )


def scan_issues(path: Path) -> tuple[bool, list[Issue]]:
    """Count what each sheet stores before openpyxl loads it (:mod:`perfsite.files.workbook_scan`):
    whether any formula is stored, and a problem for each sheet too large to read."""
    try:
        with zipfile.ZipFile(path) as archive:
            counts = workbook_scan.scan(archive)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        return False, [
            Issue(
                "workbook-unreadable",
                f"the file cannot be read as an Excel workbook ({type(exc).__name__})",
                file=path.name,
                hint="save it as an Excel Workbook (.xlsx)",
            )
        ]
    issues = []
    for sheet in counts:
        place = where(path.name, sheet.title)
        if sheet.rows > workbook_scan.MAX_SHEET_ROWS or sheet.cells > workbook_scan.MAX_SHEET_CELLS:
            issues.append(
                Issue(
                    "sheet-too-large",
                    f"the sheet stores {sheet.rows:,} rows and {sheet.cells:,} cells, more than perfsite reads "
                    f"({workbook_scan.MAX_SHEET_ROWS:,} rows, {workbook_scan.MAX_SHEET_CELLS:,} cells)",
                    file=place,
                    hint="check it is the right workbook; delete rows and columns below and beside the data "
                    "(select them, right-click → Delete), then save",
                )
            )
        merged = sum(area for _, area in sheet.merged)
        if merged > workbook_scan.MAX_MERGED_CELLS:
            shown = ", ".join(ref for ref, _ in sheet.merged[:3]) + (" …" if len(sheet.merged) > 3 else "")
            issues.append(
                Issue(
                    "merged-cells",
                    f"cells {shown} are merged ({merged:,} cells in all)",
                    file=place,
                    hint="unmerge them (select all, Home → Merge & Center → Unmerge Cells) and put the value in each row",
                )
            )
    return any(sheet.formulas for sheet in counts), issues


def _settings(ws, sheet: str) -> tuple[dict[str, object], list[Issue]]:
    """The settings sheet: name in column A, value in column B, from the cells it stores."""
    settings, issues = {}, []
    by_row = cells_by_row(ws)
    for row in sorted(r for r in by_row if r >= 2):
        key_cell, value_cell = by_row[row].get(1), by_row[row].get(2)
        if key_cell is None or blank(key_cell.value):
            continue
        key = str(key_cell.value).strip()
        value = value_cell.value if value_cell is not None else None
        if key in NUMBER_SETTINGS and isinstance(value, dt.date | dt.time | dt.timedelta):
            issues.append(
                Issue(
                    "excel-date-in-number",
                    "Excel has turned this tolerance into a date or a time",
                    file=sheet,
                    row=row,
                    field=column_label("B", key),
                    value=str(value),
                    hint="format the cell as Number and type the tolerance again (0.05 for 5%)",
                )
            )
            value = None
        settings[key] = value
    return settings, issues


def read_book(path: str | Path) -> Book:
    """Every resource sheet of the workbook as text rows with their Excel row numbers, and every problem."""
    path = Path(path)
    name = path.name
    book = Book()
    book.issues = size_issues(path)
    if book.issues:
        return book
    has_formulas, book.issues = scan_issues(path)
    if book.issues:
        return book
    try:
        values = load_workbook(path, data_only=True)
        # the formulas' text is needed only to name a formula that has no saved result
        formulas = load_workbook(path, data_only=False) if has_formulas else None
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        book.issues.append(
            Issue(
                "workbook-unreadable",
                f"the file cannot be read as an Excel workbook ({type(exc).__name__})",
                file=name,
                hint="save it as an Excel Workbook (.xlsx)",
            )
        )
        return book
    titles = list(values.sheetnames)
    found, problems = match_sheets(titles, name)
    book.sheets = found
    book.issues += problems
    book.issues += sheet_issues(values, name, set(found.values()))
    percents: list = []
    for resource in standard.RESOURCES:
        title = found.get(resource)
        if title is None:
            if resource not in standard.OPTIONAL_RESOURCES:
                book.issues.append(missing_sheet(resource, titles, name))
            continue
        wf = formulas[title] if formulas is not None else None
        _read_sheet(book, values[title], wf, resource, where(name, title), percents)
    _resolve_percents(book, percents)
    if "settings" in found:
        book.settings, problems = _settings(values[found["settings"]], where(name, found["settings"]))
        book.issues += problems
    else:
        book.issues.append(missing_sheet("settings", titles, name))
    return book


def read_workbook(path: str | Path) -> tuple[dict[str, list[list[str]]], dict, list[Issue]]:
    """Each resource sheet as rows of text, the settings, and every problem found in the workbook itself."""
    book = read_book(path)
    return book.tables, book.settings, book.issues
