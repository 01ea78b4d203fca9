"""Reading a filled-in workbook as the officer sees it: each sheet's cells as the standard's text.

Sheets are read *by name*. What Excel silently breaks is refused with the sheet, the Excel row
and the column letter: formulas with no saved value, dates in text columns, merged cells,
numbers stored as text, percentage-formatted cells outside a percent measure's figures, and
hidden sheets (whatever they hold would be imported unseen). A cell formatted as a percentage
holds a fraction (53.9% is stored as 0.539): for a measure whose unit is percent it becomes the
figure the officer typed (53.9). Hidden rows are imported, with a warning. The file's
uncompressed size is checked before openpyxl opens it, so a zip bomb is refused in
milliseconds. Row numbers are Excel's own, blank rows included.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from . import standard
from .errors import WARNING, Issue

#: a council's workbook is a few MB uncompressed; more is refused before openpyxl parses it
MAX_UNCOMPRESSED_BYTES = 200 * 2**20
#: (sheet, column) holding a measure's figures, where a percent-formatted cell can be converted
FIGURE_COLUMNS = {("outturns", "value"), ("targets", "target"), ("benchmarks", "value")}
SHEETS = ("instructions", "settings")


@dataclass
class Book:
    """A workbook's contents: text rows per resource, the Excel row of each, settings, problems."""

    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    excel_rows: dict[str, list[int]] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def where(book_name: str, sheet: str) -> str:
    return f"{book_name} › {sheet}"


def column_label(letter: str, header: str) -> str:
    return f"{header} (column {letter})"


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


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def _percent_figure(value: float | int) -> str:
    """The figure shown for a percentage-formatted cell: 0.539 (shown 53.9%) → ``53.9``."""
    try:
        return _plain(Decimal(repr(value)) * 100)
    except InvalidOperation:
        return repr(value)


def cell_text(value, spec: dict, place: dict) -> tuple[str, Issue | None]:
    """An Excel cell value as the standard's text, or a problem naming the habit that caused it."""
    kind = spec["type"]
    if value is None:
        return "", None
    if isinstance(value, bool):
        if kind == "boolean":
            return ("true" if value else "false"), None
        return str(value).lower(), None
    if isinstance(value, dt.datetime | dt.date):
        if kind == "date":
            return (value.date() if isinstance(value, dt.datetime) else value).isoformat(), None
        return "", Issue(
            "excel-date-in-text",
            "Excel has turned this cell into a date",
            value=str(value),
            hint="format the column as Text and type the value again (for periods: 2024-25-Q1)",
            **place,
        )
    if isinstance(value, int | float):
        if kind in ("number", "integer"):
            if isinstance(value, float) and value.is_integer() and kind == "integer":
                return str(int(value)), None
            return (repr(value) if isinstance(value, float) else str(value)), None
        if kind == "boolean":
            return ("true" if value else "false"), None
        return (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)), None
    text = str(value)
    if kind in ("number", "integer") and text.strip():
        try:
            float(text.strip())
        except ValueError:
            return text, None  # validation explains e.g. 47.5% or 1,095
        return text, Issue(
            "number-stored-as-text",
            "a number is stored as text",
            value=text,
            hint="convert it to a number (in Excel: select the cell, then Convert to Number)",
            **place,
        )
    if kind == "boolean":
        return text.strip().lower(), None
    return text, None


def sheet_issues(values, name: str) -> list[Issue]:
    """Hidden sheets are refused; sheets outside the standard are ignored with a warning."""
    issues = []
    for ws in values.worksheets:
        state = getattr(ws, "sheet_state", "visible")
        if state != "visible":
            very = state == "veryHidden"
            issues.append(
                Issue(
                    "hidden-sheet",
                    f"the sheet {ws.title!r} is {'very hidden' if very else 'hidden'}, so what it holds cannot be seen",
                    file=where(name, ws.title),
                    hint=(
                        "delete the sheet (a very hidden sheet shows only in Excel's VBA editor), or make it visible and check it"
                        if very
                        else "unhide it (right-click a sheet tab → Unhide) and check what it holds, or delete it"
                    ),
                )
            )
        if ws.title in standard.RESOURCES or ws.title in SHEETS:
            continue
        if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value is not None:
            issues.append(
                Issue(
                    "unknown-sheet",
                    f"the sheet {ws.title!r} is not part of the standard and is ignored",
                    file=where(name, ws.title),
                    hint="move its contents to the right sheet, or delete it",
                    severity=WARNING,
                )
            )
    return issues


def _header_issue(ws, resource: str, sheet: str) -> Issue | None:
    header = [("" if c.value is None else str(c.value).strip()) for c in ws[1]] if ws.max_row >= 1 else []
    while header and header[-1] == "":
        header.pop()
    expected = standard.expected_header(resource, header)  # a workbook may lack an optional column
    if header == expected:
        return None
    for index, want in enumerate(expected):
        got = header[index] if index < len(header) else ""
        if got != want:
            letter = get_column_letter(index + 1)
            return Issue(
                "bad-header",
                f"the header in column {letter} is {got!r} but should be {want!r}",
                file=sheet,
                row=1,
                field=column_label(letter, got or want),
                value=got,
                hint="the header row must be exactly: " + ", ".join(expected),
            )
    return Issue(
        "bad-header",
        "the header row has extra columns",
        file=sheet,
        row=1,
        hint="the header row must be exactly: " + ", ".join(expected),
    )


def _read_sheet(book: Book, ws, wf, resource: str, sheet: str, percents: list) -> None:
    for merged in sorted(str(r) for r in ws.merged_cells.ranges):
        first = merged.split(":")[0]
        book.issues.append(
            Issue(
                "merged-cells",
                f"cells {merged} are merged",
                file=sheet,
                row=ws[first].row,
                field=f"column {''.join(c for c in first if c.isalpha())}",
                hint="unmerge them (Home → Merge & Center) and put the value in each row",
            )
        )
    header = _header_issue(ws, resource, sheet)
    if header:
        book.issues.append(header)
        return
    specs = standard.schema(resource)["fields"]
    rows, excel_rows = [], []
    for excel_row in range(2, ws.max_row + 1):
        cells = [ws.cell(excel_row, c + 1) for c in range(len(specs))]
        if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
            continue
        if ws.row_dimensions[excel_row].hidden:
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
            raw = wf.cell(excel_row, index + 1).value
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
            book.tables[resource][row][index] = _percent_figure(value)
            continue
        shown = f"{_percent_figure(value)}%"
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


def read_book(path: str | Path) -> Book:
    """Every resource sheet of the workbook as text rows with their Excel row numbers, and every problem."""
    path = Path(path)
    name = path.name
    book = Book()
    book.issues = size_issues(path)
    if book.issues:
        return book
    try:
        formulas = load_workbook(path, data_only=False)
        values = load_workbook(path, data_only=True)
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
    book.issues += sheet_issues(values, name)
    percents: list = []
    for resource in standard.RESOURCES:
        if resource not in values.sheetnames:
            if resource not in standard.OPTIONAL_RESOURCES:
                book.issues.append(
                    Issue(
                        "sheet-missing",
                        f"the workbook has no sheet called {resource!r}",
                        file=name,
                        hint=f"add the {resource} sheet back (perfsite template writes one), keeping its exact name",
                    )
                )
            continue
        _read_sheet(book, values[resource], formulas[resource], resource, where(name, resource), percents)
    _resolve_percents(book, percents)
    if "settings" in values.sheetnames:
        for row in values["settings"].iter_rows(min_row=2, values_only=True):
            if row and row[0]:
                book.settings[str(row[0]).strip()] = row[1] if len(row) > 1 else None
    else:
        book.issues.append(
            Issue(
                "sheet-missing",
                "the workbook has no sheet called 'settings'",
                file=name,
                hint="add the settings sheet back (perfsite template writes one)",
            )
        )
    return book


def read_workbook(path: str | Path) -> tuple[dict[str, list[list[str]]], dict, list[Issue]]:
    """Each resource sheet as rows of text, the settings, and every problem found in the workbook itself."""
    book = read_book(path)
    return book.tables, book.settings, book.issues
