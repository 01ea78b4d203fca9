"""Officers work in Excel: a workbook template of the standard, and importing a filled-in workbook.

``perfsite template OUT.xlsx [--from PACKAGE]`` writes an instructions sheet, a ``settings``
sheet and one sheet per resource: headers with each field's description as a comment, a
frozen header row, fitted column widths and drop-down lists for every enum and for ids that
must exist on another sheet. ``perfsite import BOOK.xlsx PACKAGE`` reads each sheet *by name*,
refuses what Excel silently breaks (formulas with no saved value, dates in text columns,
merged cells, numbers stored as text), converts Excel dates and booleans to the standard's
forms, writes the CSVs to a temporary folder and validates them as ``perfsite validate``
does. Every problem is reported as the officer sees it: sheet, Excel row, column letter and
header. Nothing is written to PACKAGE unless the workbook is valid (or ``--force-draft``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import standard
from .errors import ERROR, WARNING, Issue, errors_of
from .package import descriptor_for

SETTINGS = [
    ("council_name", "The council's name", "council.name"),
    ("council_website", "The council's website (https://…)", "council.website"),
    ("contact_email", "Where residents can send questions about the figures", "council.contact_email"),
    ("plan_title", "The Council Plan's title", "plan.title"),
    ("plan_start", "First financial year of the plan, e.g. 2023-24", "plan.start"),
    ("plan_end", "Last financial year of the plan, e.g. 2026-27", "plan.end"),
    (
        "green_tolerance",
        "How far worse than target still counts as green (0 = only on target)",
        "rag.green_tolerance",
    ),
    ("amber_tolerance", "How far worse than target still counts as amber (0.05 = 5%)", "rag.amber_tolerance"),
    (
        "tolerance_type",
        "relative (a fraction of the target) or absolute (in the measure's units)",
        "rag.tolerance_type",
    ),
]
REFERENCES = {
    "priority_id": "priorities",
    "objective_id": "objectives",
    "measure_id": "measures",
    "project_id": "projects",
}
INSTRUCTIONS = [
    "perfsite performance workbook",
    "",
    "Each sheet is one file of the council's performance data package. Keep the sheet names and the header row exactly as they are.",
    "Hover over a header to read what the column means. Columns with a drop-down only accept the listed words.",
    "settings: the council's name, the Council Plan's years and the RAG tolerances.",
    "priorities, objectives, measures: the Council Plan's golden thread. Every measure hangs off an objective.",
    "targets: one row per measure and period (2024-25 for a year, 2024-25-Q1 for a quarter).",
    "outturns: the approved figures. Leave value empty when there is none and say why in missing_reason.",
    "methodology: how each measure is defined, calculated and checked.",
    "exceptions: an exception report for every measure that is red.",
    "projects, project_updates: the plan's projects and their quarterly progress.",
    "benchmarks: optional comparisons with other councils.",
    "publications: one row per quarterly report; set status to approved after leadership sign-off.",
    "",
    "Each quarter: add the quarter's rows, save, then run: perfsite import this-workbook.xlsx PACKAGE_FOLDER",
    "Write numbers as plain numbers (47.5, not 47.5%), dates as dates, and never merge cells.",
    "Help: see the perfsite README, section 'Publishing a quarter from Excel'.",
]
HEADER_FILL = PatternFill("solid", fgColor="1D4F7C")
MAX_ROWS = 5000  # drop-down lists and reference ranges cover this many rows


def _descriptor_settings(descriptor: dict) -> dict[str, object]:
    out = {}
    for key, _, path in SETTINGS:
        value = descriptor
        for part in path.split("."):
            value = value.get(part, {}) if isinstance(value, dict) else {}
        out[key] = value if value != {} else ""
    return out


def _cell_value(text: str, spec: dict):
    """A CSV text cell as the typed value Excel should hold."""
    if text == "":
        return None
    kind = spec["type"]
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if kind == "date":
            return dt.date.fromisoformat(text)
    except ValueError:
        return text
    return text


def write_template(out: str | Path, package_dir: str | Path | None = None) -> Path:
    """Write the workbook template, filled from ``package_dir`` when given."""
    from .load import load

    raw, descriptor = {}, {}
    if package_dir is not None:
        package = load(package_dir)
        raw, descriptor = package.raw, package.descriptor
    book = Workbook()
    sheet = book.active
    sheet.title = "instructions"
    for row, line in enumerate(INSTRUCTIONS, start=1):
        sheet.cell(row=row, column=1, value=line)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120
    settings = book.create_sheet("settings")
    values = (
        _descriptor_settings(descriptor)
        if descriptor
        else {"green_tolerance": 0, "amber_tolerance": 0.05, "tolerance_type": "relative"}
    )
    settings.append(["setting", "value", "what it means"])
    for key, meaning, _ in SETTINGS:
        settings.append([key, values.get(key, ""), meaning])
    _style_header(settings, ["setting", "value", "what it means"])
    settings.column_dimensions["A"].width = 20
    settings.column_dimensions["B"].width = 40
    settings.column_dimensions["C"].width = 80
    for name in standard.RESOURCES:
        ws = book.create_sheet(name)
        specs = standard.schema(name)["fields"]
        headers = [f["name"] for f in specs]
        ws.append(headers)
        _style_header(ws, headers)
        frame = raw.get(name)
        rows = (
            []
            if frame is None
            else frame.reindex(columns=headers, fill_value="").to_numpy(dtype=object).tolist()
        )
        for row in rows:
            ws.append([_cell_value(str(v), spec) for v, spec in zip(row, specs, strict=True)])
        for index, spec in enumerate(specs, start=1):
            letter = get_column_letter(index)
            ws.cell(row=1, column=index).comment = Comment(
                f"{spec.get('title', '')}: {spec.get('description', '')}", "perfsite", width=320, height=120
            )
            longest = max([len(spec["name"])] + [len(str(r[index - 1])) for r in rows[:500]])
            ws.column_dimensions[letter].width = min(max(longest + 2, 10), 60)
            if spec["type"] == "date":
                for cell in ws[letter][1:]:
                    cell.number_format = "yyyy-mm-dd"
            allowed = spec.get("constraints", {}).get("enum")
            if spec["type"] == "boolean":
                allowed = ["true", "false"]
            formula = None
            if allowed:
                formula = '"' + ",".join(allowed) + '"'
            elif spec["name"] in REFERENCES and REFERENCES[spec["name"]] != name:
                target = REFERENCES[spec["name"]]
                formula = f"={target}!$A$2:$A${MAX_ROWS}"
            if formula:
                check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
                check.error = f"Choose one of the listed values for {spec['name']}."
                check.errorTitle = "Not an allowed value"
                ws.add_data_validation(check)
                check.add(f"{letter}2:{letter}{MAX_ROWS}")
    _no_formulas(book)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _no_formulas(book: Workbook) -> None:
    """openpyxl stores any text starting with "=" as a formula: the template holds text only."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _style_header(ws, headers: list[str]) -> None:
    # printed (or exported to PDF) landscape, one page wide, header repeated on every page
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    for index in range(1, len(headers) + 1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top")
    ws.freeze_panes = "A2"


# -- import ------------------------------------------------------------------------------------------


def _where(book_name: str, sheet: str) -> str:
    return f"{book_name} › {sheet}"


def _column(letter: str, header: str) -> str:
    return f"{header} (column {letter})"


def _text(value, spec: dict, where: dict) -> tuple[str, Issue | None]:
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
            **where,
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
            **where,
        )
    if kind == "boolean":
        return text.strip().lower(), None
    return text, None


def read_workbook(path: str | Path) -> tuple[dict[str, list[list[str]]], dict, list[Issue]]:
    """Each resource sheet as rows of text, the settings, and every problem found in the workbook itself."""
    path = Path(path)
    name = path.name
    issues: list[Issue] = []
    try:
        formulas = load_workbook(path, data_only=False)
        values = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        return (
            {},
            {},
            [
                Issue(
                    "workbook-unreadable",
                    f"the file cannot be read as an Excel workbook ({type(exc).__name__})",
                    file=name,
                    hint="save it as an Excel Workbook (.xlsx)",
                )
            ],
        )
    tables: dict[str, list[list[str]]] = {}
    for sheet_name in values.sheetnames:
        if sheet_name in standard.RESOURCES or sheet_name in ("settings", "instructions"):
            continue
        ws = values[sheet_name]
        if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value is not None:
            issues.append(
                Issue(
                    "unknown-sheet",
                    f"the sheet {sheet_name!r} is not part of the standard and is ignored",
                    file=_where(name, sheet_name),
                    hint="move its contents to the right sheet, or delete it",
                    severity=WARNING,
                )
            )
    for resource in standard.RESOURCES:
        if resource not in values.sheetnames:
            if resource not in standard.OPTIONAL_RESOURCES:
                issues.append(
                    Issue(
                        "sheet-missing",
                        f"the workbook has no sheet called {resource!r}",
                        file=name,
                        hint=f"add the {resource} sheet back (perfsite template writes one), keeping its exact name",
                    )
                )
            continue
        ws, wf = values[resource], formulas[resource]
        where_sheet = _where(name, resource)
        for merged in sorted(str(r) for r in ws.merged_cells.ranges):
            first = merged.split(":")[0]
            issues.append(
                Issue(
                    "merged-cells",
                    f"cells {merged} are merged",
                    file=where_sheet,
                    row=ws[first].row,
                    field=f"column {''.join(c for c in first if c.isalpha())}",
                    hint="unmerge them (Home → Merge & Center) and put the value in each row",
                )
            )
        specs = standard.schema(resource)["fields"]
        expected = [f["name"] for f in specs]
        header = [("" if c.value is None else str(c.value).strip()) for c in ws[1]] if ws.max_row >= 1 else []
        while header and header[-1] == "":
            header.pop()
        if header != expected:
            for index, want in enumerate(expected):
                got = header[index] if index < len(header) else ""
                if got != want:
                    letter = get_column_letter(index + 1)
                    issues.append(
                        Issue(
                            "bad-header",
                            f"the header in column {letter} is {got!r} but should be {want!r}",
                            file=where_sheet,
                            row=1,
                            field=_column(letter, got or want),
                            value=got,
                            hint="the header row must be exactly: " + ", ".join(expected),
                        )
                    )
                    break
            continue
        rows: list[list[str]] = []
        for excel_row in range(2, ws.max_row + 1):
            cells = [ws.cell(excel_row, c + 1).value for c in range(len(expected))]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue
            out = []
            for index, (value, spec) in enumerate(zip(cells, specs, strict=True)):
                letter = get_column_letter(index + 1)
                where = {"file": where_sheet, "row": excel_row, "field": _column(letter, spec["name"])}
                raw = wf.cell(excel_row, index + 1).value
                if isinstance(raw, str) and raw.startswith("=") and value is None:
                    issues.append(
                        Issue(
                            "formula-no-value",
                            "the cell holds a formula with no saved result",
                            value=raw,
                            hint="open the workbook in Excel and save it (so the result is stored), or paste the value instead of the formula",
                            **where,
                        )
                    )
                    out.append("")
                    continue
                text, problem = _text(value, spec, where)
                if problem:
                    issues.append(problem)
                out.append(text)
            rows.append(out)
        tables[resource] = rows
    settings = {}
    if "settings" in values.sheetnames:
        for row in values["settings"].iter_rows(min_row=2, values_only=True):
            if row and row[0]:
                settings[str(row[0]).strip()] = row[1] if len(row) > 1 else None
    else:
        issues.append(
            Issue(
                "sheet-missing",
                "the workbook has no sheet called 'settings'",
                file=name,
                hint="add the settings sheet back (perfsite template writes one)",
            )
        )
    return tables, settings, issues


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


def _descriptor(settings: dict) -> dict:
    council = str(settings.get("council_name") or "Council")
    descriptor = descriptor_for(council, list(standard.RESOURCES))
    descriptor["council"] = {
        "name": council,
        "website": str(settings.get("council_website") or ""),
        "contact_email": str(settings.get("contact_email") or ""),
    }
    descriptor["plan"] = {
        "title": str(settings.get("plan_title") or "Council Plan"),
        "start": str(settings.get("plan_start") or ""),
        "end": str(settings.get("plan_end") or ""),
    }
    rag = {}
    for key in ("green_tolerance", "amber_tolerance"):
        value = settings.get(key)
        if value not in (None, ""):
            try:
                rag[key] = float(value)
            except (TypeError, ValueError):
                rag[key] = value
    rag["tolerance_type"] = str(settings.get("tolerance_type") or "relative")
    descriptor["rag"] = rag
    return descriptor


def _to_workbook_location(issue: Issue, book: str) -> Issue:
    """Turn a CSV location (file, row, field) into the sheet, Excel row and column the officer sees."""
    if issue.file == "datapackage.json":
        for row, (key, _, path) in enumerate(SETTINGS, start=2):
            if issue.field == path:
                return Issue(
                    issue.code,
                    issue.message,
                    file=_where(book, "settings"),
                    row=row,
                    field=_column("B", key),
                    value=issue.value,
                    hint=issue.hint,
                    severity=issue.severity,
                )
        return issue
    if not issue.file or not issue.file.endswith(".csv"):
        return issue
    resource = issue.file.removesuffix(".csv")
    if resource not in standard.RESOURCES:
        return issue
    names = standard.field_names(resource)
    field = issue.field
    if field in names:
        field = _column(get_column_letter(names.index(field) + 1), field)
    return Issue(
        issue.code,
        issue.message,
        file=_where(book, resource),
        row=issue.row,
        field=field,
        value=issue.value,
        hint=issue.hint,
        severity=issue.severity,
    )


def import_workbook(book: str | Path, package_dir: str | Path, force_draft: bool = False) -> list[Issue]:
    """Import a workbook into ``package_dir``; return every issue (errors mean nothing was written)."""
    from .validate import validate

    book = Path(book)
    package_dir = Path(package_dir)
    tables, settings, issues = read_workbook(book)
    if not tables and errors_of(issues):
        return issues
    _pad_decimals(tables)
    staging = Path(tempfile.mkdtemp(prefix="perfsite-import-"))
    try:
        (staging / "schemas").mkdir()
        for resource in standard.RESOURCES:
            with open(staging / f"{resource}.csv", "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(standard.field_names(resource))
                writer.writerows(tables.get(resource, []))
            shutil.copyfile(
                standard.SCHEMA_DIR / f"{resource}.json", staging / "schemas" / f"{resource}.json"
            )
        (staging / "datapackage.json").write_text(
            json.dumps(_descriptor(settings), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _, found = validate(staging)
        issues += [_to_workbook_location(i, book.name) for i in found]
        if any(i.severity == ERROR for i in issues) and not force_draft:
            return issues
        package_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                target = package_dir / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        return issues
    finally:
        shutil.rmtree(staging, ignore_errors=True)
