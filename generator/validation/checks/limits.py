"""Limits: values that a schema accepts but no council means, and that would break the site.

Frictionless reads ``NaN``, ``inf`` and ``1e400`` as numbers and ``2107-01-01`` as a date; an
identifier such as ``index.md`` is a safe slug but is also the name of a page the site already
has. Each is refused here with a plain message, before anything is built.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ... import standard
from ...errors import Issue
from ...files.load import Package
from ...standard import periods
from ...standard.formatting import MAX_SCALED
from .cells import cell_issue, cells_containing, cells_searched, column_issues, flagged_rows, numbers

#: the largest magnitude a figure, target or tolerance may have (a council's budget is ~1e9)
MAX_NUMBER = 1e12
#: dates and periods outside these years are typing mistakes (and overflow web servers' clocks)
FIRST_YEAR, LAST_YEAR = 1970, 2100
#: names the site itself uses: an identifier equal to one would overwrite a page or a download
RESERVED_IDS = frozenset(
    {"index", "assets", "search", "data", "feed", "404", "sitemap", "archive", "measures", "projects"}
    | {"priorities", "reports", "about", "generated", "javascripts", "stylesheets", "robots"}
    | {"by-status", "by-priority", "by-directorate", "by-committee"}  # the measures' filter pages
)
#: file endings an identifier must not have: it would become a file name in the site
_FILE_ENDING = re.compile(r"\.(?:md|html?|xml|gz|json|csv|zip|js|css|txt|svg|png|ico)$", re.IGNORECASE)
_NAN = re.compile(r"^\s*[-+]?nan\s*$", re.IGNORECASE)
#: a name Windows cannot hold: a device name (standard.WINDOWS_DEVICE_NAME), or one ending with a dot
_WINDOWS_NAME = re.compile(rf"{standard.WINDOWS_DEVICE_NAME.pattern}|.*\.", re.IGNORECASE)


def _typed_fields(resource: str, *kinds: str) -> list[str]:
    return [f["name"] for f in standard.schema(resource)["fields"] if f["type"] in kinds]


def number_issues(package: Package) -> list[Issue]:
    """Numbers must be finite and within ±1e12: NaN, inf and 1e20 are refused."""

    def bad(resource: str, column: str, values: list[str]) -> np.ndarray:
        figures = numbers(values)
        outside = figures.notna() & ~figures.abs().le(MAX_NUMBER)  # inf fails le()
        return outside.to_numpy() | cells_searched(values, _NAN, cells_containing(values, "nN"))

    issue = cell_issue(
        "number-out-of-range",
        lambda resource, column, value: (
            f"{column} must be an ordinary number between -{MAX_NUMBER:,.0f} and {MAX_NUMBER:,.0f}"
        ),
        lambda resource, column, value: (
            "write the figure as digits (e.g. 47.5); leave it empty when there is none"
            + (" and say why in missing_reason" if column == "value" and resource == "outturns" else "")
        ),
    )

    return column_issues(package, lambda resource: _typed_fields(resource, "number", "integer"), bad, issue)


def precision_issues(package: Package) -> list[Issue]:
    """Figures are compared and shown as whole counts of the measure's smallest step, exact only
    below 10**15 of them: 1e12 is fine at two decimal places, too many digits at four."""
    measures = package.raw.get("measures")
    if measures is None or not {"measure_id", "decimal_places"} <= set(measures.columns):
        return []
    places = {
        m: int(d)
        for m, d in zip(measures["measure_id"], measures["decimal_places"], strict=True)
        if d.isdigit()
    }
    issues = []
    for resource, column in (("outturns", "value"), ("targets", "target"), ("benchmarks", "value")):
        frame = package.raw.get(resource)
        if frame is None or not {"measure_id", column} <= set(frame.columns):
            continue
        values = frame[column].tolist()
        figures = numbers(values, frame.index).abs()
        allowed = frame["measure_id"].map(places)
        steps = figures * np.power(10.0, allowed.fillna(0).astype(float))
        # larger figures are refused by number_issues: each is reported once
        for position, row in flagged_rows(frame, steps.ge(MAX_SCALED) & figures.le(MAX_NUMBER)):
            issues.append(
                Issue(
                    "too-many-digits",
                    f"at the measure's {int(allowed.iloc[position])} decimal places this figure has more "
                    "than 15 digits, too many to round and compare exactly",
                    file=package.file_of(resource),
                    row=row,
                    field=column,
                    value=values[position],
                    hint="lower the measure's decimal_places, or report in a larger unit (e.g. £ thousands)",
                )
            )
    return issues


def rag_number_issues(descriptor: dict) -> list[Issue]:
    """The package's tolerances must be finite numbers (JSON readers accept NaN and Infinity)."""
    rag = descriptor.get("rag")
    if not isinstance(rag, dict):
        return []
    issues = []
    for key in ("green_tolerance", "amber_tolerance"):
        value = rag.get(key)
        # NaN and inf fail the comparison; a huge JSON integer is compared exactly
        if isinstance(value, int | float) and not isinstance(value, bool) and not abs(value) <= MAX_NUMBER:
            issues.append(
                Issue(
                    "number-out-of-range",
                    f"rag.{key} must be an ordinary number",
                    file="datapackage.json",
                    field=f"rag.{key}",
                    value=str(value),
                    hint="write 0.05 for 5% (relative) or a number of units (absolute)",
                )
            )
    return issues


def _years(values: list[str], pattern: str) -> np.ndarray:
    """The year ``pattern`` (one group) finds in each cell, NaN where none: worked out once for each
    distinct value, as a column of dates or periods repeats a few hundred at most."""
    distinct = pd.unique(np.asarray(values, dtype=object))
    found = pd.Series(distinct, dtype=str).str.extract(pattern)[0]
    year = dict(zip(distinct, pd.to_numeric(found, errors="coerce").astype(float), strict=True))
    return np.array([year[v] for v in values], dtype=float)


def date_issues(package: Package) -> list[Issue]:
    """Dates between 1970 and 2100. (A publication date is never later than the day of publishing:
    ``perfsite publish`` checks that, the only way a period becomes published. Validation itself
    does not depend on the day it runs.)"""

    def outside(resource: str, column: str, values: list[str]) -> np.ndarray:
        year = _years([v.strip() for v in values], r"^(\d{4})-\d{2}-\d{2}$")
        return (year < FIRST_YEAR) | (year > LAST_YEAR)  # NaN is neither

    issue = cell_issue(
        "date-out-of-range",
        lambda resource, column, value: f"{column} is not a year between {FIRST_YEAR} and {LAST_YEAR}",
        "check the year (dates are written 2025-12-31)",
    )

    return column_issues(package, lambda resource: _typed_fields(resource, "date"), outside, issue)


def period_year_issues(package: Package) -> list[Issue]:
    """Periods and plan years between 1970 and 2100."""
    issues = []
    for resource, frame in package.raw.items():
        if "period" not in frame.columns:
            continue
        text = frame["period"].tolist()
        year = _years(text, r"^(\d{4})-")
        for position, row in flagged_rows(frame, (year < FIRST_YEAR) | (year >= LAST_YEAR)):
            issues.append(_period_issue(package.file_of(resource), row, "period", text[position]))
    plan = package.descriptor.get("plan")
    if isinstance(plan, dict):
        for key in ("start", "end"):
            p = periods.try_parse(str(plan.get(key, "")))
            if p and not FIRST_YEAR <= p.start_year < LAST_YEAR:
                issues.append(_period_issue("datapackage.json", None, f"plan.{key}", str(plan.get(key))))
    return issues


def _period_issue(file: str, row: int | None, field: str, value: str) -> Issue:
    return Issue(
        "period-out-of-range",
        f"the period's year is not between {FIRST_YEAR} and {LAST_YEAR}",
        file=file,
        row=row,
        field=field,
        value=value,
        hint="check the year (a financial year is written 2024-25)",
    )


def _patterned_fields(resource: str) -> list[str]:
    return [f["name"] for f in standard.schema(resource)["fields"] if f.get("constraints", {}).get("pattern")]


def line_break_issues(package: Package) -> list[Issue]:
    """Identifiers and periods (the fields with a pattern) ending with a line break: frictionless
    reads a pattern's ``$`` as a match before a last line break, so ``m01`` followed by one would
    pass as a second, different identifier (a page whose name holds a line break, a figure twice)."""

    def ends_with_line_break(resource: str, column: str, values: list[str]) -> np.ndarray:
        return cells_searched(values, re.compile(r"\n\Z"), cells_containing(values, "\n"))

    issue = cell_issue(
        "line-break-in-identifier",
        lambda resource, column, value: (
            f"{column} ends with a line break, which is no part of an identifier or period"
        ),
        "delete the line break at the end of the cell (in a spreadsheet, edit the cell and delete its empty last line)",
    )
    return column_issues(package, _patterned_fields, ends_with_line_break, issue)


def reserved_id_issues(package: Package) -> list[Issue]:
    """Identifiers become page and file names: they must not be a name the site itself uses."""
    issues = []
    for resource, column in standard.ENTITY_IDS.items():
        frame = package.raw.get(resource)
        if frame is None or column not in frame.columns:
            continue
        ids = frame[column].astype(str)
        lowered = ids.str.lower()
        reserved = lowered.isin(RESERVED_IDS) | ids.str.contains(_FILE_ENDING, regex=True)
        windows = ids.map(lambda text: _WINDOWS_NAME.fullmatch(text) is not None).astype(bool)
        values = frame[column].tolist()
        for position, row in flagged_rows(frame, reserved | windows):
            value = values[position]
            if _WINDOWS_NAME.fullmatch(str(value)):
                said = (
                    f"{column} {value!r} would name a folder of the site that Windows cannot hold "
                    "(con, prn, aux, nul, com1–9 and lpt1–9 are its device names, and it drops a final dot), "
                    "so a copy of the site on a Windows computer would break"
                )
                hint = (
                    "choose another identifier, e.g. with a prefix such as m-con (and not ending with a dot)"
                )
            else:
                said = f"{column} {value!r} is a name the website uses for its own pages or files"
                hint = "choose another identifier, e.g. with a prefix such as m-index (and not ending .md, .html, .xml…)"
            issues.append(
                Issue(
                    "reserved-identifier",
                    said,
                    file=package.file_of(resource),
                    row=row,
                    field=column,
                    value=value,
                    hint=hint,
                )
            )
    return issues


def limit_issues(package: Package) -> list[Issue]:
    """Every limit check over a loaded package."""
    return [
        *number_issues(package),
        *precision_issues(package),
        *rag_number_issues(package.descriptor),
        *date_issues(package),
        *period_year_issues(package),
        *reserved_id_issues(package),
        *line_break_issues(package),
    ]
