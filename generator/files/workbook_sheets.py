"""The sheets of a filled-in workbook: found by name (a name differing only in capitals or spaces
is read with a warning), each sheet checked before its rows are read — the header row, merged
cells, cells beyond the last column — every problem given with its sheet, row and column."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from .. import standard
from ..errors import WARNING, Issue
from .workbook_cells import blank, column_label, stored_cells, where

#: sheets that hold no resource: the officer's instructions and the package's settings
SHEETS = ("instructions", "settings")


def match_sheets(titles: list[str], name: str) -> tuple[dict[str, str], list[Issue]]:
    """Which sheet holds each part of the standard: its exact name, else the one sheet whose name
    differs only in capitals or spaces around it (``Outturns``), with a warning."""
    wanted = (*standard.RESOURCES, *SHEETS)
    found: dict[str, str] = {w: w for w in wanted if w in titles}
    issues = []
    for part in wanted:
        if part in found:
            continue
        near = [t for t in titles if t.strip().casefold() == part and t not in found.values()]
        if len(near) == 1:
            found[part] = near[0]
            issues.append(
                Issue(
                    "sheet-name-differs",
                    f"the sheet {near[0]!r} is read as {part!r}",
                    file=where(name, near[0]),
                    hint=f"rename the sheet {part} (perfsite reads each sheet by its name)",
                    severity=WARNING,
                )
            )
        elif near:
            issues.append(
                Issue(
                    "sheet-ambiguous",
                    f"the sheets {', '.join(repr(t) for t in near)} could each be {part!r}",
                    file=name,
                    hint=f"keep one sheet called {part} and rename or delete the others",
                )
            )
    return found, issues


def missing_sheet(part: str, titles: list[str], name: str) -> Issue:
    """A sheet the standard needs is not in the workbook: say which sheets are."""
    shown = ", ".join(repr(t) for t in titles[:20]) + (" …" if len(titles) > 20 else "")
    return Issue(
        "sheet-missing",
        f"the workbook has no sheet called {part!r} (its sheets are: {shown or 'none'})",
        file=name,
        hint=f"add the {part} sheet back or rename it {part} (perfsite template writes one), keeping its exact name",
    )


def sheet_issues(values, name: str, matched: set[str] | frozenset[str] = frozenset()) -> list[Issue]:
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
        if ws.title in matched or ws.title in standard.RESOURCES or ws.title in SHEETS:
            continue
        if any(not blank(c.value) for c in stored_cells(ws).values()):
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


def header_issue(header_cells: dict[int, object], resource: str, sheet: str) -> Issue | None:
    width = max(header_cells, default=0)
    header = [
        ""
        if header_cells.get(c) is None or header_cells[c].value is None
        else str(header_cells[c].value).strip()
        for c in range(1, width + 1)
    ]
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


def merged_issues(ws, sheet: str) -> list[Issue]:
    issues = []
    for merged in sorted(str(r) for r in ws.merged_cells.ranges):
        first = merged.split(":")[0]
        issues.append(
            Issue(
                "merged-cells",
                f"cells {merged} are merged",
                file=sheet,
                row=int("".join(c for c in first if c.isdigit()) or 0) or None,
                field=f"column {''.join(c for c in first if c.isalpha())}",
                hint="unmerge them (Home → Merge & Center) and put the value in each row",
            )
        )
    return issues


def beyond_issue(by_row: dict[int, dict[int, object]], width: int, sheet: str) -> Issue | None:
    """Values to the right of the sheet's last column are not imported: say so, once per sheet."""
    outside = sorted(
        (r, c)
        for r, cells in by_row.items()
        if r > 1
        for c, cell in cells.items()
        if c > width and not blank(cell.value)
    )
    if not outside:
        return None
    row, column = outside[0]
    return Issue(
        "cells-beyond-columns",
        f"{len(outside):,} cell(s) to the right of the last column ({get_column_letter(width)}) hold values, "
        f"first {get_column_letter(column)}{row}; they are not imported",
        file=sheet,
        row=row,
        field=f"column {get_column_letter(column)}",
        hint="move each value into its column, or delete it",
        severity=WARNING,
    )
