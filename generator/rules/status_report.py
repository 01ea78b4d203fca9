"""The officer's summary before publishing a quarter (``perfsite status``).

For the next quarter to publish (the earliest draft or approved one after the last published
quarter) or the one named: its RAG counts beside the last published quarter's, the measures
whose status changed, reds with and without an exception report, measures with no figure,
revised and withdrawn published figures, and exactly how many rows of each resource
``perfsite publish`` would make public. The statuses come from the same rules as the site
(:mod:`perfsite.rules`, :mod:`perfsite.rules.report`); nothing here decides a status itself.

:func:`summarise` is pure (frames in, :class:`StatusReport` out); reading the package is
:func:`perfsite.commands.status.status`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from .. import rules
from ..errors import PerfsiteError
from ..standard import periods
from . import gate, report, reported


@dataclass(frozen=True)
class StatusReport:
    """What publishing ``period`` would show and release."""

    period: str
    publication_status: str
    committee_date: str
    previous: str | None
    counts: dict[str, int]
    previous_counts: dict[str, int] | None
    changes: list[dict] = field(default_factory=list)  # measure_id, title, status_before, status
    reds_with_report: list[str] = field(default_factory=list)
    reds_without_report: list[str] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)  # measure_id, period, reason
    revisions: list[dict] = field(default_factory=list)
    withdrawals: list[dict] = field(default_factory=list)
    # corrections to published figures that any release (this publish too) would make public
    corrections: list[dict] = field(default_factory=list)  # measure_id, period, released_value, value, …
    would_publish: dict[str, int] = field(default_factory=dict)  # resource → rows newly public
    warnings: int = 0
    # printed statuses (outturns.reported_status) of this report that differ, with the cause, and
    # the tolerance settings that would reproduce most printed statuses (see perfsite.rules.reported)
    disagreements: list[dict] = field(default_factory=list)
    suggested_tolerance: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def next_period(publications: pd.DataFrame) -> str | None:
    """The earliest draft or approved quarter after the last published one."""
    quarters = publications[publications["period"].map(lambda p: periods.parse(p).kind == "quarter")]
    key = quarters["period"].map(periods.sort_key)
    published = key[quarters["status"] == "published"]
    after = key > published.max() if len(published) else pd.Series(True, index=key.index)
    waiting = quarters[after & quarters["status"].isin(("draft", "approved"))]
    if waiting.empty:
        return None
    return waiting.assign(_k=key).sort_values("_k")["period"].iloc[0]


def _last_published(publications: pd.DataFrame, before: str) -> str | None:
    rows = publications[
        (publications["status"] == "published")
        & publications["period"].map(lambda p: periods.parse(p).kind == "quarter")
        & (publications["period"].map(periods.sort_key) < periods.sort_key(before))
    ]
    return max(rows["period"], key=periods.sort_key) if len(rows) else None


def _quarter(performance, frames, exceptions, quarter: str) -> pd.DataFrame:
    rows = report.quarter_rows(performance, frames["measures"], quarter)
    return report.attach_exceptions(rows, exceptions, quarter)


def _counts(rows: pd.DataFrame, frames, quarter: str) -> dict[str, int]:
    table = rules.headline_counts(
        rows.assign(period=quarter), frames["measures"], frames["objectives"], quarter
    )
    return {k: int(v) for k, v in table.iloc[0].items()}


def _row_counts(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {name: len(frame) for name, frame in frames.items()}


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    frame = frame.reindex(columns=columns)
    return [{c: ("" if pd.isna(v) else v) for c, v in r.items()} for r in frame.to_dict("records")]


def summarise(
    frames: dict[str, pd.DataFrame],
    rag: dict,
    period: str,
    revisions: pd.DataFrame,
    withdrawals: pd.DataFrame,
    warnings: int = 0,
    corrections: pd.DataFrame | None = None,
) -> StatusReport:
    """The status report of ``period`` from typed frames (see :func:`perfsite.files.load.typed`);
    ``corrections``: :func:`perfsite.validation.history.pending_corrections`."""
    pubs = frames["publications"]
    match = pubs[pubs["period"] == period]
    if match.empty:
        raise PerfsiteError(f"publications.csv has no row for {period}")
    if periods.parse(period).kind != "quarter":
        raise PerfsiteError(f"{period} is not a quarter: status summarises a quarterly report")
    row = match.iloc[0]
    previous = _last_published(pubs, period)
    published = pubs[pubs["status"] == "published"]
    with_this = pubs[(pubs["status"] == "published") | (pubs["period"] == period)]
    now_public = gate.restrict(frames, published)
    after = gate.restrict(frames, with_this)
    performance = rules.performance_table(
        after["measures"], after["targets"], after["outturns"], rag, with_summaries=False
    )
    current = _quarter(performance, after, after["exceptions"], period)
    before = _quarter(performance, after, after["exceptions"], previous) if previous else None
    reds = current[current["status"] == "red"]
    missing = current[current["value"].isna() & (current["status_reason"] != report.NOT_DUE_REASON)]
    reasons = after["outturns"][["measure_id", "period", "missing_reason"]]
    missing = missing[["measure_id", "period"]].merge(reasons, on=["measure_id", "period"], how="left")
    stated = missing["missing_reason"].fillna("").astype(str)
    missing = missing.assign(reason=stated.where(stated != "", "no row in outturns.csv"))
    changes = (
        report.status_changes(
            report.compared_rows(current, performance), report.compared_rows(before, performance)
        )
        if before is not None
        else current.iloc[0:0]
    )
    gained = _row_counts(after)
    had = _row_counts(now_public)
    printed = reported.compare(after["measures"], after["targets"], after["outturns"], rag)
    return StatusReport(
        period=period,
        publication_status=str(row["status"]),
        committee_date=str(row["committee_date"] or ""),
        previous=previous,
        counts=_counts(current, after, period),
        previous_counts=_counts(before, after, previous) if before is not None else None,
        changes=_records(changes, ["measure_id", "title", "status_before", "status"]) if len(changes) else [],
        reds_with_report=sorted(reds.loc[reds["has_exception_report"], "measure_id"]),
        reds_without_report=sorted(reds.loc[~reds["has_exception_report"], "measure_id"]),
        missing=_records(missing, ["measure_id", "period", "reason"]),
        revisions=_records(revisions, ["measure_id", "period", "published_value", "value", "revision_note"]),
        withdrawals=_records(withdrawals, ["measure_id", "period", "published_value", "reason", "scope"]),
        would_publish={name: gained[name] - had[name] for name in gained if gained[name] != had[name]},
        warnings=warnings,
        disagreements=[
            d.to_dict()
            for d in (printed.disagreements if printed else [])
            if gate.releasing_publication(d.period) == period
        ],
        suggested_tolerance=printed.suggestion.to_dict() if printed and printed.suggestion else None,
        corrections=[] if corrections is None else _records(corrections, CORRECTION_FIELDS),
    )


CORRECTION_FIELDS = [
    "measure_id",
    "period",
    "kind",
    "released_value",
    "value",
    "revision_note",
    "fields",
    "resource",
    "key",
]


def correction_line(c: dict) -> str:
    """One correction waiting for a release, as the officer reads it."""
    if c.get("resource") and c["resource"] != "outturns":
        said = {"added": "added", "removed": "deleted", "changed": f"{c.get('fields')} changed"}
        return f"{c['resource']}.csv {c['key']}: {said.get(c['kind'], c['kind'])} since the last release"
    if c["kind"] == "added":
        return f"{c['measure_id']} {c['period']}: {c['value'] or 'empty'} (added since it was published)"
    if c["kind"] == "amended":
        return f"{c['measure_id']} {c['period']}: {c.get('fields') or 'a field'} changed (the figure, {c['value'] or 'empty'}, is unchanged)"
    note = f" ({c['revision_note']})" if c.get("revision_note") else ""
    return (
        f"{c['measure_id']} {c['period']}: {c['released_value'] or 'empty'} → {c['value'] or 'empty'}{note}"
    )


def publish_warnings(r: StatusReport) -> list[str]:
    """What publishing ``r.period`` makes public that the officer should look at once more:
    reds without an exception report, measures without a figure, and corrections to earlier
    published figures (they become public with this publish)."""
    lines = []
    if r.reds_without_report:
        lines.append(
            f"{len(r.reds_without_report)} red measure(s) without an exception report (the site will say "
            f"none was published): {', '.join(r.reds_without_report)}"
        )
    if r.missing:
        lines.append(
            f"{len(r.missing)} measure(s) without a figure for {r.period}: "
            + "; ".join(f"{x['measure_id']} ({x['reason']})" for x in r.missing)
        )
    if r.corrections:
        lines.append(
            f"{len(r.corrections)} correction(s) to published figures become public with this publish: "
            + "; ".join(correction_line(c) for c in r.corrections)
        )
    return lines


def one_line(r: StatusReport) -> str:
    """The report in one line (printed after ``build --preview``)."""
    c = r.counts
    reds = f"{c.get('red', 0)} red"
    if r.reds_without_report:
        reds += f" ({len(r.reds_without_report)} without exception report)"
    parts = [
        f"{r.period} ({r.publication_status}): {c.get('total', 0)} measures",
        f"{reds}, {c.get('amber', 0)} amber, {c.get('green', 0)} green, {c.get('grey', 0)} grey",
    ]
    if r.previous:
        parts.append(f"{len(r.changes)} changed since {r.previous}")
    if r.missing:
        parts.append(f"{len(r.missing)} without a figure")
    if r.revisions:
        parts.append(f"{len(r.revisions)} revised")
    if r.corrections:
        parts.append(f"{len(r.corrections)} correction(s) not yet public")
    if r.withdrawals:
        parts.append(f"{len(r.withdrawals)} withdrawn")
    parts.append(f"publish would release {sum(r.would_publish.values())} rows")
    return "; ".join(parts)
