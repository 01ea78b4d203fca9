"""Importing a workbook never loses data and never blows up: a renamed or missing sheet never
empties a resource (--force-draft included), a date in a tolerance cell is a message, and a
sheet is read by what it holds, not by the address of its last cell."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from perfsite.commands.importer import import_book, import_workbook
from perfsite.commands.synth import synthesise
from perfsite.errors import errors_of, warnings_of
from perfsite.files import workbook_read, workbook_scan
from perfsite.files.workbook import write_template

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return synthesise(tmp_path_factory.mktemp("pkg") / "council", measures=6, years=2, projects=2, seed=4)


@pytest.fixture(scope="module")
def book(tmp_path_factory, package):
    return write_template(tmp_path_factory.mktemp("book") / "book.xlsx", package)


def edited(book, tmp_path, change, name="edited.xlsx"):
    workbook = load_workbook(book)
    change(workbook)
    path = tmp_path / name
    workbook.save(path)
    return path


def rename(workbook, old, new):
    ws = workbook[old]
    ws.title = "renaming"  # openpyxl refuses a title equal to another's in any case, its own included
    ws.title = new


def copy(package, tmp_path):
    return shutil.copytree(package, tmp_path / "pkg")


def test_a_sheet_renamed_in_capitals_is_read_with_a_warning(package, book, tmp_path):
    pkg = copy(package, tmp_path)
    before = (pkg / "outturns.csv").read_bytes()
    path = edited(book, tmp_path, lambda b: rename(b, "outturns", "Outturns"))
    issues = import_workbook(path, pkg)
    assert errors_of(issues) == [], "\n".join(map(str, issues))
    assert [(i.code, i.file) for i in warnings_of(issues)] == [
        ("sheet-name-differs", "edited.xlsx › Outturns")
    ]
    assert (pkg / "outturns.csv").read_bytes() == before


@pytest.mark.parametrize("force_draft", [False, True])
@pytest.mark.parametrize(
    ("sheet", "how"),
    [
        ("outturns", "renamed"),
        ("outturns", "deleted"),
        ("outturns", "bad header"),
        ("benchmarks", "deleted"),  # optional in the standard, but this package holds rows of it
    ],
)
def test_a_missing_or_unreadable_sheet_never_empties_the_packages_file(
    package, book, tmp_path, sheet, how, force_draft
):
    pkg = copy(package, tmp_path)
    before = {p.name: p.read_bytes() for p in pkg.iterdir() if p.is_file()}
    assert before[f"{sheet}.csv"].count(b"\n") > 1

    def change(workbook):
        if how == "renamed":
            rename(workbook, sheet, "turnouts")
        elif how == "deleted":
            del workbook[sheet]
        else:
            workbook[sheet]["A1"] = "Measure"

    result = import_book(edited(book, tmp_path, change), pkg, force_draft=force_draft)
    assert not result.written
    assert {p.name: p.read_bytes() for p in pkg.iterdir() if p.is_file()} == before
    lost = [i for i in result.issues if i.code == "import-would-empty"]
    assert lost and f"{sheet}.csv" in lost[0].message and "even with --force-draft" in lost[0].message
    if how != "bad header" and sheet == "outturns":
        missing = next(i for i in result.issues if i.code == "sheet-missing")
        assert "'publications'" in missing.message  # the sheets found are listed
        assert ("'turnouts'" in missing.message) == (how == "renamed")


def test_force_draft_writes_a_draft_when_every_sheet_is_there(package, book, tmp_path):
    pkg = copy(package, tmp_path)

    def change(workbook):
        workbook["outturns"]["C2"] = "lots"

    result = import_book(edited(book, tmp_path, change), pkg, force_draft=True)
    assert errors_of(result.issues) and result.written
    assert "lots" in (pkg / "outturns.csv").read_text()


@pytest.mark.parametrize("value", [dt.datetime(2024, 5, 1), dt.time(1, 12), dt.date(2025, 1, 5)])
def test_a_date_typed_in_a_tolerance_cell_is_a_message(package, book, tmp_path, value):
    pkg = copy(package, tmp_path)
    before = (pkg / "datapackage.json").read_bytes()

    def change(workbook):
        ws = workbook["settings"]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "amber_tolerance")
        ws.cell(row, 2).value = value
        change.row = row

    issues = import_workbook(edited(book, tmp_path, change), pkg)
    found = [(i.code, i.file, i.row, i.field) for i in errors_of(issues)]
    assert found == [
        ("excel-date-in-number", "edited.xlsx › settings", change.row, "amber_tolerance (column B)")
    ]
    assert (pkg / "datapackage.json").read_bytes() == before


class Counting:
    """Counts the cells openpyxl is asked to create or iterate (what the old reader did per address)."""

    def __init__(self, monkeypatch):
        self.cells = 0
        real_cell, real_iter = Worksheet.cell, Worksheet.iter_rows

        def cell(ws, *args, **kwargs):
            self.cells += 1
            return real_cell(ws, *args, **kwargs)

        def iter_rows(ws, *args, **kwargs):
            for row in real_iter(ws, *args, **kwargs):
                self.cells += len(row)
                yield row

        monkeypatch.setattr(Worksheet, "cell", cell)
        monkeypatch.setattr(Worksheet, "iter_rows", iter_rows)


def test_a_cell_in_excels_last_row_costs_nothing_and_is_reported(package, book, tmp_path, monkeypatch):
    """One cell at XFD1048576 used to take minutes and 2 GB (six such sheets: MemoryError)."""

    def change(workbook):
        for name in ("priorities", "measures", "targets", "outturns", "methodology", "settings"):
            workbook[name]["XFD1048576"] = "x"
        workbook["outturns"]["A1048576"] = "stray"

    path = edited(book, tmp_path, change)
    counting = Counting(monkeypatch)
    read = workbook_read.read_book(path)
    assert counting.cells < 100, counting.cells  # the old reader visited 13 cells in each of a million rows
    beyond = [(i.file, i.row, i.field) for i in read.issues if i.code == "cells-beyond-columns"]
    assert ("edited.xlsx › outturns", 1048576, "column XFD") in beyond
    assert len(beyond) == 5  # every resource sheet given a far cell
    assert read.excel_rows["outturns"][-1] == 1048576  # the stray id in column A is read, at its row
    issues = import_workbook(path, copy(package, tmp_path))
    assert any(i.row == 1048576 and i.file == "edited.xlsx › outturns" for i in errors_of(issues))


def with_sheet_xml(book, tmp_path, sheet, change):
    """A copy of ``book`` whose sheet XML is edited as text (openpyxl itself would build every
    cell of a huge merged range while writing it)."""
    path = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        member = workbook_scan.sheet_members(source)[sheet]
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == member else data)
    return path


def test_a_merged_range_to_the_last_row_is_refused_before_openpyxl_loads_it(book, tmp_path, monkeypatch):
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="A2:I1048576"/></mergeCells>'
    path = with_sheet_xml(book, tmp_path, "outturns", lambda xml: xml.replace(b"</sheetData>", merge, 1))
    monkeypatch.setattr(
        workbook_read, "load_workbook", lambda *a, **k: pytest.fail("the workbook must not be loaded")
    )
    issues = workbook_read.read_book(path).issues
    assert [(i.code, i.file) for i in issues] == [("merged-cells", "edited.xlsx › outturns")]
    assert "9,437,175 cells" in issues[0].message


def test_a_sheet_holding_more_than_a_council_could_is_refused(book, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_scan, "MAX_SHEET_ROWS", 10)
    issues = workbook_read.read_book(book).issues
    too_large = [i.file for i in issues if i.code == "sheet-too-large"]
    assert "book.xlsx › outturns" in too_large and "book.xlsx › priorities" not in too_large
    monkeypatch.setattr(workbook_scan, "MAX_SHEET_ROWS", 250_000)
    monkeypatch.setattr(workbook_scan, "MAX_SHEET_CELLS", 50)
    assert "book.xlsx › outturns" in [i.file for i in workbook_read.read_book(book).issues]


def test_the_scan_counts_what_a_sheet_stores(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "data"
    for row in range(1, 31):
        ws.cell(row, 1, row)
        ws.cell(row, 2, f"=A{row}*2")
    ws.merge_cells("D1:E2")
    ws["Z5000"] = "far"
    path = tmp_path / "counted.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        (counts,) = workbook_scan.scan(archive)
    assert (counts.title, counts.rows, counts.cells, counts.formulas) == ("data", 31, 61, 30)
    assert counts.merged == [("D1:E2", 4)]


@pytest.mark.parametrize("what", ["a folder", "missing", "a csv"])
def test_a_workbook_that_is_not_one_is_a_message(tmp_path, what):
    path = {
        "a folder": tmp_path / "book.xlsx",
        "missing": tmp_path / "none.xlsx",
        "a csv": tmp_path / "x.xlsx",
    }[what]
    if what == "a folder":
        path.mkdir()
    elif what == "a csv":
        path.write_text("measure_id,period\n")
    result = import_book(path, tmp_path / "pkg")
    assert [i.code for i in errors_of(result.issues)] in (["workbook-missing"], ["workbook-unreadable"])
    assert not (tmp_path / "pkg").exists()
