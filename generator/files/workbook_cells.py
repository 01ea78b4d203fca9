"""A workbook's cells as the officer sees them: where a cell is (the book, the sheet, the Excel
column letter and header), the cells a sheet actually stores, and one cell turned into the
standard's text (a date, a number, a percentage-formatted figure), or refused with the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from ..errors import Issue


def where(book_name: str, sheet: str) -> str:
    return f"{book_name} › {sheet}"


def column_label(letter: str, header: str) -> str:
    return f"{header} (column {letter})"


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def percent_figure(value: float | int) -> str:
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


def stored_cells(ws) -> dict[tuple[int, int], object]:
    """The cells a sheet really stores, by (row, column).

    openpyxl keeps them in ``ws._cells``; its public ways in (``ws.cell``, ``iter_rows``, ``ws[1]``)
    create an empty cell for every address they pass, so a sheet with one cell in Excel's last row
    would cost gigabytes. Reading only what is stored makes time and memory follow the content."""
    return ws._cells  # noqa: SLF001 - see the docstring


def cells_by_row(ws) -> dict[int, dict[int, object]]:
    rows: dict[int, dict[int, object]] = {}
    for (row, column), cell in stored_cells(ws).items():
        rows.setdefault(row, {})[column] = cell
    return rows


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
