"""Outturns: a missing figure needs a reason, an officer's override needs a reason and a figure."""

from __future__ import annotations

import numpy as np

from ...errors import WARNING, Issue
from ...files.load import Package
from .cells import _has, _texts, flagged_rows


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
