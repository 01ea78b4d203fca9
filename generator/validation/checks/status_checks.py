"""Warnings that need computed statuses, worked out over the rows that can be read.

A red without an exception report, or a printed status (``outturns.reported_status``) that
differs from perfsite's, can only be found once statuses are computed, and statuses need typed
figures, targets and measures. They are computed over the rows validation found no error in, so
these warnings appear beside the errors of other rows, not only once every error is fixed:

- a row is left out when it has an error in a field a status may be computed from (an identifier,
  a period, a number, a date, an allowed word) or in the row as a whole (a missing or extra cell);
  an error in free text (HTML in commentary, say) does not change a status, so its row stays;
- targets, outturns and exception reports of a measure left out are left out too;
- a file that could not be read or whose header is wrong, and package tolerances that are not
  valid, give no statuses at all: their errors are the report, and warnings that follow only
  from them would be noise.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ... import rules, standard
from ...errors import WARNING, Issue, errors_of
from ...files.load import Package, typed
from ...rules import gate, report, reported
from ...standard import periods

#: the resources statuses are computed from
STATUS_INPUTS = ("measures", "targets", "outturns", "exceptions", "publications")
#: fields only compared, never used to compute a status: an error in them leaves the row in
COMPARED_ONLY = frozenset({"reported_status"})


def _first_rows(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Spreadsheet row of each (measure_id, period), the first when repeated (a repeat is an error)."""
    rows: dict[tuple[str, str], int] = {}
    keys = zip(frame["measure_id"].tolist(), frame["period"].tolist(), strict=True)
    for index, key in zip(frame.index.tolist(), keys, strict=True):
        rows.setdefault(key, index + 2)
    return rows


def _unusable_rows(frame: pd.DataFrame, resource: str, errors: Iterable[Issue]) -> pd.Series:
    """Which rows of a resource's text frame an error makes unusable for statuses."""
    harmless = set(standard.free_text_fields(resource)) | COMPARED_ONLY
    bad: set[int] = set()
    stopped = None
    for issue in errors:
        if issue.code == "checking-stopped":  # rows from here on were not checked: not trusted
            stopped = min(stopped or issue.row or 2, issue.row or 2)
        elif issue.row is not None and issue.field not in harmless:
            bad.add(issue.row)
    rows = pd.Series(frame.index + 2, index=frame.index)
    unusable = rows.isin(bad)
    if stopped is not None:
        unusable |= rows >= stopped
    return unusable


def readable_frames(package: Package, issues: list[Issue]) -> dict[str, pd.DataFrame] | None:
    """Typed frames of :data:`STATUS_INPUTS` without the rows errors make unusable, or ``None`` when
    statuses cannot be computed at all (a file unread or with a wrong header, tolerances not valid)."""
    errors = errors_of(issues)
    if any(i.file == "datapackage.json" and (i.field or "").startswith("rag") for i in errors):
        return None
    if any(i.code == "package-unreadable" for i in errors):
        return None  # frictionless read nothing: no cell's type is known
    kept: dict[str, pd.DataFrame] = {}
    for name in STATUS_INPUTS:
        frame = package.raw.get(name)
        file = package.file_of(name)
        mine = [i for i in errors if i.file == file]
        if frame is None or any(i.row == 1 for i in mine):
            return None
        if list(frame.columns) != standard.expected_header(name, list(frame.columns)):
            return None  # a column missing or added: reported as a header error
        usable = ~_unusable_rows(frame, name, mine).to_numpy(bool)
        if "period" in frame.columns:  # every error is listed; a period that still cannot be read is left out
            usable &= np.array([periods.try_parse(p) is not None for p in frame["period"]], dtype=bool)
        frame = frame.loc[usable]
        kept[name] = frame.drop_duplicates(standard.schema(name)["primaryKey"], keep="first")
    measure_ids = set(kept["measures"]["measure_id"])
    for name in ("targets", "outturns", "exceptions"):
        kept[name] = kept[name].loc[kept[name]["measure_id"].isin(measure_ids).to_numpy(bool)]
    if all(len(kept[name]) == len(package.raw[name]) for name in STATUS_INPUTS):
        readable = package  # every row readable (the usual case): the frames the build uses too
    else:
        readable = Package(path=package.path, descriptor=package.descriptor, raw=kept, files=package.files)
    frames = typed(readable)
    return {name: frames[name] for name in STATUS_INPUTS}


def missing_exception_warnings(package: Package, frames: dict[str, pd.DataFrame]) -> list[Issue]:
    """A red in a published or approved quarter without an exception report: the site says none was published."""
    publications = frames["publications"]
    considered = publications[publications["status"].isin(("published", "approved"))]
    others = typed(Package(path=package.path))  # empty frames for the resources gating also reads
    gated = gate.restrict({**others, **frames}, considered)
    performance = rules.performance_table(
        gated["measures"], gated["targets"], gated["outturns"], package.rag, with_summaries=False
    )
    quarters = [p for p in considered["period"] if periods.parse(p).kind == "quarter"]
    missing = report.missing_exception_reports(performance, gated["measures"], gated["exceptions"], quarters)
    if missing.empty:
        return []
    row_of = _first_rows(package.raw["outturns"])
    return [
        Issue(
            "no-exception-report",
            f"measure {r.measure_id} is red in the {r.quarter} report but has no exception report; the site will say none was published",
            file=package.file_of("outturns"),
            row=row_of.get((r.measure_id, r.period)),
            field="period",
            value=r.period,
            hint=f"add a row to exceptions.csv for {r.measure_id} and {r.quarter} with the overview and actions to improve",
            severity=WARNING,
        )
        for r in missing.itertuples()
    ]


def reported_status_warnings(package: Package, frames: dict[str, pd.DataFrame]) -> list[Issue]:
    """Every printed status that differs from the one the site shows, with its cause; and the
    tolerance settings that would reproduce the council's own ratings, when they would reproduce more."""
    comparison = reported.compare(frames["measures"], frames["targets"], frames["outturns"], package.rag)
    if comparison is None:
        return []
    file = package.file_of("outturns")
    row_of = _first_rows(package.raw["outturns"])
    issues = [
        Issue(
            "reported-status-differs",
            f"the council's report printed {d.reported_status} for measure {d.measure_id} in {d.period}, "
            f"but the site shows {d.status} (cause: {d.cause}): {d.explanation}",
            file=file,
            row=row_of.get((d.measure_id, d.period)),
            field="reported_status",
            value=d.reported_status,
            hint=(
                "the site shows the status perfsite computes; to show the printed one instead, set "
                f"status_override to {d.reported_status} and say why in override_reason"
                if d.cause != "override"
                else "check the override and its reason: the site shows the officer's status"
            ),
            severity=WARNING,
        )
        for d in comparison.disagreements
    ]
    best, current = comparison.suggestion, comparison.current
    if best is not None:
        settings = ", ".join(f'"{k}": {v!r}'.replace("'", '"') for k, v in best.rag().items())
        issues.append(
            Issue(
                "reported-status-tolerance",
                f"{best.words()} would reproduce {best.reproduced} of the {best.compared} statuses the "
                f"council printed; the package's settings ({current.words()}) reproduce {current.reproduced}",
                file="datapackage.json",
                field="rag",
                value=f"{{{settings}}}",
                hint=f'if that is the council\'s own rule, set "rag": {{{settings}}} in datapackage.json',
                severity=WARNING,
            )
        )
    return issues


def status_issues(package: Package, issues: list[Issue]) -> list[Issue]:
    """The warnings that need statuses, over the rows ``issues`` leave readable."""
    frames = readable_frames(package, issues)
    if frames is None:
        return []
    return [*missing_exception_warnings(package, frames), *reported_status_warnings(package, frames)]
