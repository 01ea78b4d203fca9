"""Excel: the template round-trips the example, and a bad workbook is refused with sheet, row and column."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from perfsite import standard
from perfsite.commands.importer import import_workbook
from perfsite.errors import errors_of
from perfsite.files.workbook import write_template

from ..conftest import EXAMPLE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def example_book(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("book") / "example.xlsx", EXAMPLE)


def edited(example_book, tmp_path, change):
    book = load_workbook(example_book)
    change(book)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def first_row(ws, column: str, where=lambda v: True) -> int:
    for row in range(2, ws.max_row + 1):
        if where(ws[f"{column}{row}"].value):
            return row
    raise LookupError


def test_template_round_trips_the_example(example_book, tmp_path):
    issues = import_workbook(example_book, tmp_path / "pkg")
    assert errors_of(issues) == [], "\n".join(map(str, issues))
    for resource in standard.RESOURCES:
        assert filecmp.cmp(
            EXAMPLE / f"{resource}.csv", tmp_path / "pkg" / f"{resource}.csv", shallow=False
        ), resource


def test_template_has_drop_downs_comments_and_a_frozen_header(example_book):
    book = load_workbook(example_book)
    assert book.sheetnames[:2] == ["instructions", "settings"]
    ws = book["measures"]
    assert ws.freeze_panes == "A2"
    assert "plain English" in ws["D1"].comment.text
    formulas = {v.formula1 for v in ws.data_validations.dataValidation}
    assert any("higher_is_better" in f for f in formulas)
    assert "=objectives!$A$2:$A$5000" in formulas
    assert ws.column_dimensions["C"].width > 20


def test_empty_template_asks_only_for_the_plan_years(tmp_path):
    book = write_template(tmp_path / "empty.xlsx")
    issues = import_workbook(book, tmp_path / "pkg")
    located = sorted((i.file, i.row, i.field) for i in errors_of(issues))
    assert located == [
        ("empty.xlsx › settings", 6, "plan_start (column B)"),
        ("empty.xlsx › settings", 7, "plan_end (column B)"),
    ]
    assert not (tmp_path / "pkg").exists()


def _unit_typed_over(book):
    ws = book["measures"]
    ws["H2"] = "percentage"


def _percent_sign(book):
    ws = book["outturns"]
    ws["C2"] = "47.5%"


def _number_as_text(book):
    ws = book["targets"]
    ws["C3"] = "48.0"


def _formula(book):
    ws = book["outturns"]
    ws["C4"] = "=B4*2"


def _uk_date(book):
    ws = book["publications"]
    ws["D2"] = "31/12/2025"


def _missing_sheet(book):
    del book["methodology"]


def _renamed_header(book):
    book["projects"]["C1"] = "project_title"


def _merged(book):
    book["priorities"].merge_cells("C3:C4")


def _date_in_text(book):
    book["outturns"]["B5"] = dt.datetime(2024, 4, 1)


CASES = [
    ("unit typed over the drop-down", _unit_typed_over, "not-allowed", "measures", 2, "unit (column H)"),
    ("47.5% in a number column", _percent_sign, "type-error", "outturns", 2, "value (column C)"),
    ("number stored as text", _number_as_text, "number-stored-as-text", "targets", 3, "target (column C)"),
    ("formula with no saved value", _formula, "formula-no-value", "outturns", 4, "value (column C)"),
    ("date typed as 31/12/2025", _uk_date, "type-error", "publications", 2, "committee_date (column D)"),
    ("missing sheet", _missing_sheet, "sheet-missing", None, None, None),
    ("renamed header", _renamed_header, "bad-header", "projects", 1, "project_title (column C)"),
    ("merged cells", _merged, "merged-cells", "priorities", 3, "column C"),
    ("Excel date in a text column", _date_in_text, "excel-date-in-text", "outturns", 5, "period (column B)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_workbook_is_refused_with_sheet_row_and_column(example_book, tmp_path, case):
    _, change, code, sheet, row, column = case
    path = edited(example_book, tmp_path, change)
    target = tmp_path / "pkg"
    issues = import_workbook(path, target)
    errors = errors_of(issues)
    match = [i for i in errors if i.code == code]
    assert match, "\n".join(map(str, issues))
    issue = match[0]
    if sheet:
        assert issue.file == f"edited.xlsx › {sheet}" and issue.row == row and issue.field == column, str(
            issue
        )
    else:
        assert "methodology" in issue.message
    assert issue.hint
    assert not target.exists(), "nothing is written for an invalid workbook"


def test_an_extra_blank_sheet_is_harmless(example_book, tmp_path):
    path = edited(example_book, tmp_path, lambda book: book.create_sheet("Sheet1"))
    assert errors_of(import_workbook(path, tmp_path / "pkg")) == []


def test_force_draft_writes_despite_errors_and_cli_exit_codes(example_book, tmp_path):
    path = edited(example_book, tmp_path, _unit_typed_over)
    result = subprocess.run(
        [sys.executable, "-m", "perfsite.cli", "import", str(path), str(tmp_path / "pkg")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "edited.xlsx › measures, row 2, field unit (column H)" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "pkg").exists()
    issues = import_workbook(path, tmp_path / "draft", force_draft=True)
    assert errors_of(issues) and (tmp_path / "draft" / "measures.csv").exists()


def test_template_opens_in_libreoffice(example_book, tmp_path):
    if shutil.which("soffice") is None:  # `make test` installs it; under CI a missing tool fails
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: apt-get install libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(example_book)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "example.pdf"
    assert result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 20_000, (
        result.stdout + result.stderr
    )
    assert pdf.read_bytes().startswith(b"%PDF")


# -- reading what the officer sees ----------------------------------------------------------------


def _measure_rows(book, unit: str, period: str | None = None):
    """Excel rows of the outturns sheet holding a figure of a measure with ``unit``."""
    units = {r[0].value: r[7].value for r in book["measures"].iter_rows(min_row=2)}
    ws = book["outturns"]
    return [
        row
        for row in range(2, ws.max_row + 1)
        if units.get(ws[f"A{row}"].value) == unit
        and isinstance(ws[f"C{row}"].value, int | float)
        and (period is None or ws[f"B{row}"].value == period)
    ]


def test_a_percentage_formatted_figure_of_a_percent_measure_is_the_figure_shown(example_book, tmp_path):
    def change(book):
        rows = _measure_rows(book, "percent")
        assert len(rows) > 10
        for row in rows:
            cell = book["outturns"][f"C{row}"]
            cell.value = float(__import__("decimal").Decimal(repr(cell.value)) / 100)
            cell.number_format = "0.0%"

    path = edited(example_book, tmp_path, change)
    issues = import_workbook(path, tmp_path / "pkg")
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))
    assert filecmp.cmp(EXAMPLE / "outturns.csv", tmp_path / "pkg" / "outturns.csv", shallow=False)


def test_a_percentage_formatted_cell_elsewhere_is_refused_plainly(example_book, tmp_path):
    def change(book):
        row = _measure_rows(book, "count")[0]
        book["outturns"][f"C{row}"].number_format = "0%"
        book["project_updates"]["D2"].number_format = "0%"
        change.rows = row

    path = edited(example_book, tmp_path, change)
    issues = import_workbook(path, tmp_path / "pkg")
    found = [(i.file, i.row, i.field) for i in errors_of(issues) if i.code == "excel-percent-format"]
    assert found == [
        ("edited.xlsx › outturns", change.rows, "value (column C)"),
        ("edited.xlsx › project_updates", 2, "percent_complete (column D)"),
    ]
    assert not (tmp_path / "pkg").exists()


def test_messages_give_the_true_excel_row_after_blank_rows(example_book, tmp_path):
    def change(book):
        ws = book["outturns"]
        ws.insert_rows(4, amount=3)  # rows 4-6 blank
        ws["C10"] = "lots"

    issues = import_workbook(edited(example_book, tmp_path, change), tmp_path / "pkg")
    found = [(i.code, i.row) for i in errors_of(issues) if i.file == "edited.xlsx › outturns"]
    assert ("type-error", 10) in found, found


def test_hidden_sheets_are_refused_and_hidden_rows_warned(example_book, tmp_path):
    def change(book):
        book.create_sheet("notes")["A1"] = "private"
        book["notes"].sheet_state = "hidden"
        book["benchmarks"].sheet_state = "veryHidden"
        book["targets"].row_dimensions[3].hidden = True

    issues = import_workbook(edited(example_book, tmp_path, change), tmp_path / "pkg")
    hidden = sorted(i.file for i in errors_of(issues) if i.code == "hidden-sheet")
    assert hidden == ["edited.xlsx › benchmarks", "edited.xlsx › notes"]
    assert [(i.file, i.row) for i in issues if i.code == "hidden-row"] == [("edited.xlsx › targets", 3)]


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    import zipfile

    from perfsite.files import workbook_read

    monkeypatch.setattr(workbook_read, "MAX_UNCOMPRESSED_BYTES", 2 * 2**20)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 2**20))
    assert bomb.stat().st_size < 100_000
    issues = import_workbook(bomb, tmp_path / "pkg")
    assert [(i.code, i.file) for i in issues] == [("workbook-too-large", "bomb.xlsx")]
    assert "8 MB" in issues[0].message


def test_import_checks_the_package_it_replaces_and_keeps_its_name_and_address(example_book, tmp_path):
    import json
    import shutil

    pkg = shutil.copytree(EXAMPLE, tmp_path / "pkg")
    assert errors_of(import_workbook(example_book, pkg)) == []
    kept = json.loads((pkg / "datapackage.json").read_text())
    original = json.loads((EXAMPLE / "datapackage.json").read_text())
    for key in ("name", "title", "description", "site_url"):
        assert kept[key] == original[key], key

    def change(book):
        row = _measure_rows(book, "count", "2025-26-Q3")[0]
        book["outturns"][f"C{row}"] = book["outturns"][f"C{row}"].value + 7
        change.row = row

    before = (pkg / "outturns.csv").read_bytes()
    issues = import_workbook(edited(example_book, tmp_path, change), pkg)
    found = [(i.code, i.file, i.row) for i in errors_of(issues)]
    assert found == [("revision-note-required", "edited.xlsx › outturns", change.row)]
    assert (pkg / "outturns.csv").read_bytes() == before


def test_a_plan_starting_on_an_excel_date_is_accepted(example_book, tmp_path):
    def change(book):
        book["settings"]["B6"] = dt.datetime(2023, 4, 1)

    issues = import_workbook(edited(example_book, tmp_path, change), tmp_path / "pkg")
    assert errors_of(issues) == []
    assert '"start": "2023-04-01"' in (tmp_path / "pkg" / "datapackage.json").read_text()
