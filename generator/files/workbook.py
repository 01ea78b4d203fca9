"""Officers work in Excel: a workbook template of the standard, and importing a filled-in workbook.

``perfsite template OUT.xlsx [--from PACKAGE]`` writes an instructions sheet, a ``settings``
sheet and one sheet per resource: headers with each field's description as a comment, a
frozen header row, fitted column widths and drop-down lists for every enum and for ids that
must exist on another sheet. ``perfsite import BOOK.xlsx PACKAGE`` reads it back: see
:mod:`perfsite.files.workbook_read` (cells as the officer sees them) and :mod:`perfsite.commands.importer`
(validation against the package it replaces).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import standard
from ..errors import ValidationFailed, errors_of
from .guard import WORKBOOK, cannot_create, guard_write_target, writing

SETTINGS = [
    ("council_name", "The council's name", "council.name"),
    ("council_website", "The council's website (https://…)", "council.website"),
    ("contact_email", "Where residents can send questions about the figures", "council.contact_email"),
    ("plan_title", "The Council Plan's title", "plan.title"),
    ("plan_start", "When the plan starts: a financial year (2023-24) or a date (2023-04-01)", "plan.start"),
    ("plan_end", "When the plan ends: a financial year (2026-27) or a date (2027-03-31)", "plan.end"),
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
    ("site_url", "The address the public site is served from (https://…)", "site_url"),
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


def write_template(out: str | Path, package_dir: str | Path | None = None, force: bool = False) -> Path:
    """Write the workbook template, filled from ``package_dir`` when given.

    ``out`` must be a new .xlsx file in an existing folder outside any package, or, with ``force``,
    an existing workbook (never another file or a folder: :func:`perfsite.files.guard.guard_write_target`).
    A package that cannot be read whole is refused (:class:`~perfsite.errors.ValidationFailed`):
    a sheet left empty would empty the package's file at the next import."""
    from .load import load

    destination = guard_write_target(Path(out), WORKBOOK, force)
    raw, descriptor = {}, {}
    if package_dir is not None:
        package = load(package_dir)
        unreadable = errors_of(package.issues)
        if unreadable:
            raise ValidationFailed(unreadable)
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
    # saved beside the target, then renamed over it: a full disk leaves the old workbook whole
    fresh = destination.with_name(f".{destination.name}.perfsite-tmp-{os.getpid()}")
    kept = "the old workbook is kept" if destination.exists() else "no workbook was written"
    with writing(destination, kept), cannot_create(destination.parent, "the workbook"):
        try:
            book.save(fresh)
            os.replace(fresh, destination)
        finally:
            fresh.unlink(missing_ok=True)
    return destination


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
