"""The vectorised helpers every check uses: which cells of a column match, the rows they sit on,
and the issue each one raises.

Checks are vectorised over pandas frames so a package of 100,000 outturn rows is checked in about
a second. Cells that frictionless already reports as unreadable (a number written ``47.5%``) are
skipped by the checks rather than reported twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ...errors import Issue
from ...files.load import Package

# Raw HTML that would run or restyle in a browser, and javascript: links. Plain "<" in
# text such as "fewer than <5 days" is fine: only tags and handlers are refused.
_HTML = re.compile(
    r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?\s*>|<\s*(?:script|iframe|object|embed|svg|img|style|link|meta)\b"
    r"|\bon[a-z]{3,}\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text/html",
    re.IGNORECASE,
)

#: every alternative of _HTML needs one of these, so text without any is not searched
HTML_NEEDS = "<=:"

_DECIMALS = re.compile(r"\.(\d+)$")


def flagged_rows(frame: pd.DataFrame, mask: pd.Series | np.ndarray | list[bool]) -> list[tuple[int, int]]:
    """(position, spreadsheet row number) of each row ``mask`` flags; the header is row 1."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    return list(zip(positions.tolist(), (frame.index.to_numpy()[positions] + 2).tolist(), strict=True))


def column_issues(
    package: Package,
    columns: Callable[[str], Iterable[str]],
    flag: Callable[[str, str, list[str]], np.ndarray],
    issue: Callable[[str, str, int, str, str], Issue],
) -> list[Issue]:
    """The loop the cell checks share: for each resource and each of ``columns(resource)`` its frame
    has, ``issue(resource, file, row, column, value)`` for every cell ``flag(resource, column, values)``
    marks, in file order and then row order."""
    issues = []
    for resource, frame in package.raw.items():
        file = package.file_of(resource)
        for column in columns(resource):
            if column not in frame.columns:
                continue
            values = frame[column].tolist()
            for position, row in flagged_rows(frame, flag(resource, column, values)):
                issues.append(issue(resource, file, row, column, values[position]))
    return issues


Words = str | Callable[[str, str, str], str]  # text, or made from (resource, column, value)


def cell_issue(code: str, message: Words, hint: Words) -> Callable[[str, str, int, str, str], Issue]:
    """The ``issue`` of :func:`column_issues` that most cell checks want: one code, and a message
    and a hint that are fixed or made from the resource, the column and the cell's value."""

    def words(text: Words, resource: str, column: str, value: str) -> str:
        return text if isinstance(text, str) else text(resource, column, value)

    def issue(resource: str, file: str, row: int, column: str, value: str) -> Issue:
        return Issue(
            code,
            words(message, resource, column, value),
            file=file,
            row=row,
            field=column,
            value=value,
            hint=words(hint, resource, column, value),
        )

    return issue


def _code_points(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A column as one array of code points, each cell followed by a 0, and where each cell starts:
    numpy then looks at every character of the column at once."""
    codes = np.frombuffer(("\0".join(values) + "\0").encode("utf-32-le", "surrogatepass"), dtype="<u4")
    ends = np.flatnonzero(codes == 0)
    if len(ends) != len(values):  # a cell holds a NUL of its own: count the lengths instead
        ends = np.cumsum([len(v) + 1 for v in values]) - 1
    return codes, np.concatenate(([0], ends[:-1] + 1))


def cells_containing(values: list[str], chars: Iterable[str]) -> np.ndarray:
    """Which cells hold any of ``chars`` (not NUL). A column without one, the usual case, costs one
    C-speed scan of its text."""
    chars = list(chars)
    mask = np.zeros(len(values), dtype=bool)
    joined = "".join(values)
    if not any(ch in joined for ch in chars):
        return mask
    codes, starts = _code_points(values)
    hits = np.flatnonzero(np.isin(codes, np.array([ord(ch) for ch in chars], dtype=np.uint32)))
    mask[np.searchsorted(starts, hits, side="right") - 1] = True
    return mask


def cells_starting(values: list[str], chars: Iterable[str]) -> np.ndarray:
    """Which cells start with one of ``chars`` (not NUL)."""
    if not values:
        return np.zeros(0, dtype=bool)
    codes, starts = _code_points(values)
    return np.isin(codes[starts], np.array([ord(ch) for ch in chars], dtype=np.uint32))


def cells_searched(values: list[str], pattern: re.Pattern, candidates: np.ndarray) -> np.ndarray:
    """Which cells ``pattern`` is found in (``re.search``, as ``Series.str.contains`` does), trying
    only the ``candidates``: the cells a cheaper test left possible."""
    found = np.zeros(len(values), dtype=bool)
    for position in np.flatnonzero(candidates).tolist():
        found[position] = pattern.search(values[position]) is not None
    return found


def _decimals(text: str) -> int:
    """How many decimal places a number is written with."""
    found = _DECIMALS.search(text.strip())
    return len(found[1]) if found else 0


def _texts(frame: pd.DataFrame, name: str) -> list[str]:
    """A column's cells as a list ('' for each row when the file has no such column)."""
    return frame[name].tolist() if name in frame.columns else [""] * len(frame)


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype(str)
    return pd.Series("", index=frame.index, dtype=object)


def numbers(values: list[str], index: pd.Index | None = None) -> pd.Series:
    """Cells read as numbers, NaN where empty or not a number (frictionless reports those)."""
    cells = [v.strip() or None for v in values]
    return pd.to_numeric(pd.Series(cells, index=index, dtype=object), errors="coerce")


def _numbers(frame: pd.DataFrame, name: str) -> pd.Series:
    return numbers(_texts(frame, name), frame.index)


def _has(frame: pd.DataFrame | None, *columns: str) -> bool:
    """Whether a file was read and its header has ``columns``: a check that needs a column the
    header lacks is left out, as the header's own error says what is wrong."""
    return frame is not None and all(c in frame.columns for c in columns)


def _measure_lookup(package: Package, column: str) -> dict[str, str]:
    measures = package.raw.get("measures")
    if not _has(measures, "measure_id", column):
        return {}
    return dict(zip(measures["measure_id"], measures[column], strict=False))
