"""Values: figures written as the standard asks (numbers, decimal places)."""

from __future__ import annotations

import numpy as np

from ... import standard
from ...errors import WARNING, Issue
from ...files.load import Package
from .cells import _decimals, _measure_lookup, flagged_rows, numbers


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
