"""Measures: what the standard asks of each measure beyond its schema."""

from __future__ import annotations

from ...errors import WARNING, Issue
from ...files.load import Package
from .cells import _numbers, _texts, flagged_rows


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
