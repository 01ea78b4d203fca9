"""What each sheet of a workbook holds, counted from its XML before openpyxl loads it.

openpyxl builds a Python object for every cell a sheet stores, and for every cell of a merged
range: a sheet of a few real cells with one range merged down to Excel's last row takes
gigabytes. So each sheet's XML is streamed once (about 1 s per 100 MB) and the workbook is
refused, with the sheet and the reason, when a sheet holds more than a council's workbook could
need. The counts also say whether any formula is stored (only then is the workbook read a
second time for the formulas' text). Memory and time follow what the sheets hold, never the
address of their last cell.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from openpyxl.utils import range_boundaries

#: rows one sheet may store. The largest council package perfsite is measured with (500 measures,
#: ten years of monthly and quarterly figures) has 25,000 outturn rows; ten times that is absurd
MAX_SHEET_ROWS = 250_000
#: cells one sheet may store (the widest sheet of the standard has 17 columns)
MAX_SHEET_CELLS = 4_000_000
#: cells one merged range may cover: merged cells are refused anyway, and openpyxl would build an
#: object for each cell of the range before perfsite could say so
MAX_MERGED_CELLS = 10_000

_CHUNK = 1 << 20
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"  # a tag, with or without a namespace prefix
_ROW = re.compile(_PREFIX + rb"row[\s>/]")
_CELL = re.compile(_PREFIX + rb"c[\s>/]")
_FORMULA = re.compile(_PREFIX + rb"f[\s>/]")
_MERGE = re.compile(_PREFIX + rb"mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class SheetCounts:
    """What one sheet's XML stores."""

    title: str
    rows: int = 0
    cells: int = 0
    formulas: int = 0
    merged: list[tuple[str, int]] = field(default_factory=list)  # (range, cells covered)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's title → its XML member in the zip, from the workbook's own index."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if _local(r.tag) == "Relationship"}
    members = {}
    for sheet in book.iter():
        if _local(sheet.tag) != "sheet":
            continue
        target = targets.get(sheet.get(f"{{{_OFFICE_REL}}}id") or sheet.get("id") or "")
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        members[sheet.get("name", "")] = member
    return members


def count(archive: zipfile.ZipFile, member: str, title: str) -> SheetCounts:
    """Stream one sheet's XML and count its rows, cells, formulas and merged ranges."""
    counts = SheetCounts(title)
    tail = b""
    with archive.open(member) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            data = tail + chunk
            if chunk:
                cut = data.rfind(b"<")  # tags never hold "<": only the last one can be cut short
                data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            counts.rows += len(_ROW.findall(data))
            counts.cells += len(_CELL.findall(data))
            counts.formulas += len(_FORMULA.findall(data))
            for ref in _MERGE.findall(data):
                text = ref.decode("ascii", "replace")
                try:
                    low_col, low_row, high_col, high_row = range_boundaries(text.replace("$", ""))
                    area = (high_col - low_col + 1) * (high_row - low_row + 1)
                except (TypeError, ValueError):
                    area = MAX_MERGED_CELLS + 1  # a range openpyxl cannot read either
                counts.merged.append((text, area))
            if not chunk:
                return counts


def scan(archive: zipfile.ZipFile) -> list[SheetCounts]:
    """Counts for every worksheet of an open .xlsx archive (raises KeyError, ValueError, zipfile
    errors or ElementTree.ParseError for a file that is not a workbook)."""
    return [count(archive, member, title) for title, member in sheet_members(archive).items()]
