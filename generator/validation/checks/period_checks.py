"""Periods: each row's period is a period of the standard, of its measure's frequency, and in the plan."""

from __future__ import annotations

import re

from ...errors import Issue
from ...files.load import Package
from ...standard import periods
from .cells import _measure_lookup, flagged_rows


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
