"""Domain checks: the rules of the data standard that no Table Schema can express.

Each check takes the package's text frames and returns :class:`~perfsite.errors.Issue`
values. Checks are vectorised over pandas frames so a package of 100,000 outturn rows is
checked in about a second. Cells that frictionless already reports as unreadable (a
number written ``47.5%``) are skipped here rather than reported twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ... import standard
from ...errors import WARNING, Issue
from ...files.load import Package
from ...standard import periods

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


def package_issues(package: Package) -> list[Issue]:
    """Package-level properties: council, plan, RAG settings, licence."""
    d = package.descriptor
    issues: list[Issue] = []
    where = "datapackage.json"
    council = d.get("council")
    if not isinstance(council, dict) or not str(council.get("name", "")).strip():
        issues.append(
            Issue(
                "council-missing",
                "the package does not name the council",
                file=where,
                field="council.name",
                hint='add "council": {"name": "…", "website": "https://…"}',
            )
        )
    plan = d.get("plan")
    if not isinstance(plan, dict):
        issues.append(
            Issue(
                "plan-missing",
                "the package does not describe the Council Plan",
                file=where,
                field="plan",
                hint='add "plan": {"title": "…", "start": "2023-24", "end": "2026-27"}',
            )
        )
    else:
        for key in ("start", "end"):
            if periods.plan_year(plan.get(key, "")) is None:
                issues.append(
                    Issue(
                        "plan-bad-year",
                        f"plan.{key} must be a financial year or a date",
                        file=where,
                        field=f"plan.{key}",
                        value=str(plan.get(key)),
                        hint="write a financial year like 2023-24, or a date like 2023-04-01",
                    )
                )
        start, end = periods.plan_year(plan.get("start", "")), periods.plan_year(plan.get("end", ""))
        if start and end and start.start_year > end.start_year:
            issues.append(
                Issue(
                    "plan-end-before-start",
                    "the plan ends before it starts",
                    file=where,
                    field="plan.end",
                    value=str(plan.get("end")),
                    hint="swap plan.start and plan.end",
                )
            )
    rag = d.get("rag", {})
    if not isinstance(rag, dict):
        issues.append(
            Issue(
                "rag-invalid",
                "rag must be an object",
                file=where,
                field="rag",
                hint='e.g. "rag": {"green_tolerance": 0, "amber_tolerance": 0.05, "tolerance_type": "relative"}',
            )
        )
        rag = {}
    for key in ("green_tolerance", "amber_tolerance"):
        if key in rag and (
            not isinstance(rag[key], int | float) or isinstance(rag[key], bool) or rag[key] < 0
        ):
            issues.append(
                Issue(
                    "rag-invalid",
                    f"rag.{key} must be a number of at least 0",
                    file=where,
                    field=f"rag.{key}",
                    value=str(rag[key]),
                    hint="write 0.05 for 5% (relative) or a number of units (absolute)",
                )
            )
    if rag.get("tolerance_type", "relative") not in ("relative", "absolute"):
        issues.append(
            Issue(
                "rag-invalid",
                "rag.tolerance_type must be relative or absolute",
                file=where,
                field="rag.tolerance_type",
                value=str(rag.get("tolerance_type")),
                hint="write relative (a fraction of the target) or absolute (in the measure's units)",
            )
        )
    eff = package.rag
    if (
        all(isinstance(eff.get(k), int | float) for k in ("green_tolerance", "amber_tolerance"))
        and eff["green_tolerance"] > eff["amber_tolerance"]
    ):
        issues.append(
            Issue(
                "tolerance-order",
                "rag.green_tolerance is larger than rag.amber_tolerance",
                file=where,
                field="rag.green_tolerance",
                value=str(eff["green_tolerance"]),
                hint="the green band must sit inside the amber band: make green_tolerance ≤ amber_tolerance",
            )
        )
    if not d.get("licenses"):
        issues.append(
            Issue(
                "licence-missing",
                "the package states no licence",
                file=where,
                field="licenses",
                hint="add the Open Government Licence v3.0 (perfsite init writes it)",
                severity=WARNING,
            )
        )
    return issues


def site_url_issues(package: Package) -> list[Issue]:
    """``site_url``, the address the site is served from, must be an http(s) address."""
    value = package.descriptor.get("site_url")
    problem = standard.site_url_problem(value)  # the same rule as build --site-url and the plugin's
    if value is None or value == "" or problem is None:
        return []
    return [
        Issue(
            "site-url-invalid",
            f"site_url must be the web address the site is served from, starting https:// or http://: {problem}",
            file="datapackage.json",
            field="site_url",
            value=str(value),
            hint='e.g. "site_url": "https://performance.example.gov.uk/"',
        )
    ]


def no_site_address(descriptor: dict, given: str | None = None) -> list[Issue]:
    """The warning a public build gives when neither the package nor ``--site-url`` sets the address
    (without it MkDocs cannot write canonical links, the sitemap or instant navigation)."""
    if given or standard.site_url(descriptor):
        return []
    return [
        Issue(
            "no-site-address",
            "the site's address is not set, so pages have no canonical link and the sitemap has no addresses",
            file="datapackage.json",
            field="site_url",
            hint='add "site_url": "https://…/" to datapackage.json (or pass --site-url to build)',
            severity=WARNING,
        )
    ]


def identifier_collisions(package: Package) -> list[Issue]:
    """Identifiers become URLs, which are lower-case: two ids equal but for case would collide."""
    issues = []
    for resource, column in standard.ENTITY_IDS.items():
        frame = package.raw.get(resource)
        if frame is None or column not in frame.columns:
            continue
        lowered = frame[column].str.lower()
        clash = lowered.duplicated(keep="first") & ~frame[column].duplicated(keep="first")
        values = frame[column].tolist()
        for position, row in flagged_rows(frame, clash):
            first = frame[column][lowered == lowered.iloc[position]].iloc[0]
            issues.append(
                Issue(
                    "identifier-collision",
                    f"{column} differs from {first!r} only in upper/lower case, and web addresses are lower case",
                    file=package.file_of(resource),
                    row=row,
                    field=column,
                    value=values[position],
                    hint="give it a different identifier",
                )
            )
    return issues


def period_issues(package: Package) -> list[Issue]:
    """Periods whose years do not follow on, that fall outside the plan or do not fit the measure's frequency."""
    issues = []
    plan = package.descriptor.get("plan") if isinstance(package.descriptor.get("plan"), dict) else {}
    start, end = periods.plan_year(plan.get("start", "")), periods.plan_year(plan.get("end", ""))
    frequency = _measure_lookup(package, "frequency")
    example = {"year": "2024-25", "quarter": "2024-25-Q1", "month": "2024-25-M01"}
    for resource in ("targets", "outturns", "exceptions", "project_updates", "benchmarks", "publications"):
        frame = package.raw.get(resource)
        if frame is None or "period" not in frame.columns:
            continue
        file = package.file_of(resource)
        text = frame["period"].tolist()
        # a column repeats a few hundred periods at most: each is parsed once, not once per row
        distinct = dict.fromkeys(text)
        parsed: dict[str, periods.Period | None] = {}
        for value in distinct:
            shaped = re.fullmatch(periods.PERIOD_PATTERN, value)
            try:
                parsed[value] = periods.parse(value) if shaped else None
            except periods.PeriodError as exc:
                parsed[value] = None
                for _, row in flagged_rows(frame, [t == value for t in text]):
                    issues.append(
                        Issue(
                            "bad-period",
                            str(exc).split(": ", 1)[-1],
                            file=file,
                            row=row,
                            field="period",
                            value=value,
                            hint="a financial year is written 2024-25: the second year follows the first",
                        )
                    )
        if resource == "publications":
            # a report is for a quarter: a month's figures are released by their quarter's report and
            # a year's by its Q4 report, so a report for either would release nothing, and the
            # reports list would link to a page no build makes
            for position, row in flagged_rows(
                frame, [bool(parsed.get(t)) and parsed[t].kind != "quarter" for t in text]
            ):
                p = parsed[text[position]]
                if p.kind == "month":
                    code, what, quarter = (
                        "publication-for-a-month",
                        "a month's figures are published in their quarter's report",
                        p.quarter(),
                    )
                else:
                    code, what, quarter = (
                        "publication-for-a-year",
                        "a year's figures are published in its Q4 report",
                        periods.Period(p.start_year, "quarter", 4),
                    )
                issues.append(
                    Issue(
                        code,
                        f"a report is for a quarter: {what}",
                        file=file,
                        row=row,
                        field="period",
                        value=text[position],
                        hint=f"write the quarter, {quarter.id}",
                    )
                )
        if resource in ("targets", "outturns") and start and end:
            outside_years = {
                v for v, p in parsed.items() if p and not start.start_year <= p.start_year <= end.start_year
            }
            for position, row in flagged_rows(frame, [t in outside_years for t in text]):
                issues.append(
                    Issue(
                        "outside-plan",
                        f"the period is outside the Council Plan ({start.id} to {end.id})",
                        file=file,
                        row=row,
                        field="period",
                        value=text[position],
                        hint="check the year, or extend plan.start / plan.end in datapackage.json",
                    )
                )
        if resource in ("targets", "outturns", "exceptions") and "measure_id" in frame.columns:
            allowed = {"targets": "year", "exceptions": "quarter"}.get(resource)  # an annual target
            # is allowed for any frequency; exception reports follow the quarterly report
            ids = frame["measure_id"].tolist()
            kinds = {v: p.kind for v, p in parsed.items() if p}
            expected = [periods.FREQUENCY_KIND.get(frequency.get(m)) for m in ids]
            bad = []
            for value, wanted in zip(text, expected, strict=True):
                kind = kinds.get(value)
                bad.append(kind is not None and wanted is not None and kind not in (wanted, allowed))
            for position, row in flagged_rows(frame, bad):
                freq = frequency.get(ids[position])
                issues.append(
                    Issue(
                        "period-frequency",
                        f"measure {ids[position]} is reported {freq}, so its periods are {periods.FREQUENCY_KIND[freq]}s",
                        file=file,
                        row=row,
                        field="period",
                        value=text[position],
                        hint=f"write a {periods.FREQUENCY_KIND[freq]} such as {example[periods.FREQUENCY_KIND[freq]]}, or change the measure's frequency",
                    )
                )
    return issues


def value_issues(package: Package) -> list[Issue]:
    """Values impossible for the measure's unit, and more decimals than the measure reports."""
    issues = []
    unit = _measure_lookup(package, "unit")
    places = {k: int(v) for k, v in _measure_lookup(package, "decimal_places").items() if str(v).isdigit()}
    for resource, column in (("outturns", "value"), ("targets", "target"), ("benchmarks", "value")):
        frame = package.raw.get(resource)
        if frame is None or column not in frame.columns or "measure_id" not in frame.columns:
            continue
        file = package.file_of(resource)
        values = frame[column].tolist()
        figures = numbers(values, frame.index)
        units = frame["measure_id"].map(unit)
        negative = figures.lt(0) & units.isin(standard.NON_NEGATIVE_UNITS)
        for position, row in flagged_rows(frame, negative):
            issues.append(
                Issue(
                    "negative-value",
                    f"a {units.iloc[position]} cannot be negative",
                    file=file,
                    row=row,
                    field=column,
                    value=values[position],
                    hint="check the sign; if the measure really can go below zero, its unit should be percent_change, number or score",
                )
            )
        over = figures.gt(100) & units.eq("percent")
        for position, row in flagged_rows(frame, over):
            issues.append(
                Issue(
                    "percent-over-100",
                    "a percent (a share) cannot be more than 100",
                    file=file,
                    row=row,
                    field=column,
                    value=values[position],
                    hint="write the percentage, e.g. 47.5; for a change that can exceed 100 use the unit percent_change",
                )
            )
        allowed = frame["measure_id"].map(places)
        counted = (figures.notna() & allowed.notna()).tolist()
        # decimals are counted only where they are compared
        decimals = np.array([_decimals(v) if c else 0 for v, c in zip(values, counted, strict=True)])
        extra = np.logical_and(counted, decimals > allowed.to_numpy(float, na_value=0))
        for position, row in flagged_rows(frame, extra):
            issues.append(
                Issue(
                    "too-many-decimals",
                    f"more decimal places than the measure's {int(allowed.iloc[position])}",
                    file=file,
                    row=row,
                    field=column,
                    value=values[position],
                    hint="round it to the measure's decimal_places, or raise decimal_places",
                    severity=WARNING,
                )
            )
    return issues


def outturn_issues(package: Package) -> list[Issue]:
    """Missing values need a reason; overrides need a reason."""
    frame = package.raw.get("outturns")
    if frame is None:
        return []
    file = package.file_of("outturns")
    issues = []
    empty_value = [not v.strip() for v in _texts(frame, "value")]
    no_reason = [not v.strip() for v in _texts(frame, "missing_reason")]
    checked = _has(frame, "value", "missing_reason")
    for _, row in flagged_rows(frame, np.logical_and(empty_value, no_reason) & checked):
        issues.append(
            Issue(
                "missing-reason",
                "the value is empty and missing_reason does not say why",
                file=file,
                row=row,
                field="missing_reason",
                value="",
                hint="fill in the value, or say why there is none in missing_reason (e.g. 'Annual survey, reported in Q4')",
            )
        )
    overrides = _texts(frame, "status_override")
    override = [bool(v.strip()) for v in overrides]
    no_override_reason = [not v.strip() for v in _texts(frame, "override_reason")]
    checked = _has(frame, "status_override", "override_reason")
    for position, row in flagged_rows(frame, np.logical_and(override, no_override_reason) & checked):
        issues.append(
            Issue(
                "override-reason",
                "a status override needs an override_reason",
                file=file,
                row=row,
                field="override_reason",
                value=overrides[position],
                hint="say why the computed status was overridden; the site shows both",
            )
        )
    # an override needs a figure (rules.apply_overrides): without one the row is grey everywhere
    checked = _has(frame, "status_override", "value")
    for position, row in flagged_rows(frame, np.logical_and(override, empty_value) & checked):
        issues.append(
            Issue(
                "override-without-figure",
                "a status override on a row with no figure is not shown: a period without a figure "
                "is grey (no figure) on every page and in every count",
                file=file,
                row=row,
                field="status_override",
                value=overrides[position],
                hint="give the figure in value, or delete status_override and override_reason "
                "(missing_reason says why there is no figure)",
                severity=WARNING,
            )
        )
    return issues


def measure_issues(package: Package) -> list[Issue]:
    """Tolerances that would put the green band outside the amber band; measures without methodology."""
    frame = package.raw.get("measures")
    if frame is None:
        return []
    file = package.file_of("measures")
    rag = package.rag
    issues = []
    green = _numbers(frame, "green_tolerance")
    amber = _numbers(frame, "amber_tolerance")
    g = green.fillna(rag["green_tolerance"] if isinstance(rag["green_tolerance"], int | float) else 0)
    a = amber.fillna(rag["amber_tolerance"] if isinstance(rag["amber_tolerance"], int | float) else 0)
    given = _texts(frame, "green_tolerance")
    for position, row in flagged_rows(frame, (green.notna() | amber.notna()) & (g > a)):
        issues.append(
            Issue(
                "tolerance-order",
                f"green tolerance {g.iloc[position]:g} is larger than amber tolerance {a.iloc[position]:g}",
                file=file,
                row=row,
                field="green_tolerance",
                value=given[position] or str(g.iloc[position]),
                hint="make green_tolerance ≤ amber_tolerance (the package's rag values apply where the measure gives none)",
            )
        )
    methodology = package.raw.get("methodology")
    if methodology is not None and "measure_id" in methodology.columns and "measure_id" in frame.columns:
        lacking = ~frame["measure_id"].isin(set(methodology["measure_id"]))
        ids = frame["measure_id"].tolist()
        for position, row in flagged_rows(frame, lacking):
            issues.append(
                Issue(
                    "no-methodology",
                    "the measure has no methodology statement; the site will say none was published",
                    file=file,
                    row=row,
                    field="measure_id",
                    value=ids[position],
                    hint="add a row for it to methodology.csv",
                    severity=WARNING,
                )
            )
    return issues


def publication_issues(package: Package) -> list[Issue]:
    """Published periods need outturns and a publication date no earlier than the committee."""
    frame = package.raw.get("publications")
    if not _has(frame, "period", "status"):
        return []
    file = package.file_of("publications")
    issues = []
    outturns = package.raw.get("outturns")
    reported = set()
    if _has(outturns, "period"):
        for value in outturns["period"].unique():
            p = periods.try_parse(value)
            if p:
                reported.add(p.id)
                if p.quarter():
                    reported.add(p.quarter().id)
    status = _col(frame, "status")
    published = status.eq("published")
    # outturns.csv unread, or without its period column: its own error says so
    lacking = ~frame["period"].isin(reported) & _has(outturns, "period")
    for position, row in flagged_rows(frame, published & lacking):
        issues.append(
            Issue(
                "published-without-outturns",
                "the period is published but outturns.csv has no outturns for it",
                file=file,
                row=row,
                field="period",
                value=frame["period"].iloc[position],
                hint="add the period's outturns, or set the status back to approved",
            )
        )
    no_date = _col(frame, "published_date").str.strip().eq("") & _has(frame, "published_date")
    for _, row in flagged_rows(frame, published & no_date):
        issues.append(
            Issue(
                "published-date-missing",
                "a published period needs its published_date",
                file=file,
                row=row,
                field="published_date",
                value="",
                hint="use `perfsite publish PACKAGE PERIOD`, which sets it",
            )
        )
    committee = pd.to_datetime(_col(frame, "committee_date"), errors="coerce", format="%Y-%m-%d")
    published_on = pd.to_datetime(_col(frame, "published_date"), errors="coerce", format="%Y-%m-%d")
    for position, row in flagged_rows(
        frame, committee.notna() & published_on.notna() & (committee > published_on)
    ):
        issues.append(
            Issue(
                "published-before-committee",
                "published_date is before the committee considered the report",
                file=file,
                row=row,
                field="committee_date",
                value=frame["committee_date"].iloc[position],
                hint="nothing is published before committee: check both dates",
            )
        )
    return issues


def text_issues(package: Package) -> list[Issue]:
    """Text that would be dangerous on a page: raw HTML or script (formulas: :mod:`perfsite.validation.checks.safety`)."""

    def html(resource: str, column: str, values: list[str]) -> np.ndarray:
        return cells_searched(values, _HTML, cells_containing(values, HTML_NEEDS))

    issue = cell_issue(
        "unsafe-html",
        "the text contains HTML or script, which is not allowed",
        "write plain text; simple Markdown (*emphasis*, lists, [links](https://…)) is allowed",
    )
    return column_issues(package, standard.free_text_fields, html, issue)


def domain_issues(package: Package) -> list[Issue]:
    """Every domain check over the package's text frames."""
    return [
        *site_url_issues(package),
        *identifier_collisions(package),
        *period_issues(package),
        *value_issues(package),
        *outturn_issues(package),
        *measure_issues(package),
        *publication_issues(package),
        *text_issues(package),
    ]
