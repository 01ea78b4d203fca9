"""The published record: nothing published changes or vanishes without a record. A revised figure
needs its revision note, a figure or report taken back needs its withdrawal row, a period marked
published needs its snapshot, and a published status or rating changes only with a reason.

The figures compared are :mod:`perfsite.validation.history`'s; the archive is read, never written."""

from __future__ import annotations

import pandas as pd

from ...errors import WARNING, Issue
from ...files import archive, archive_figures
from ...files.load import Package
from ...standard import periods
from ..history import _changed, _published_periods, _withdrawal_rows, revisions
from . import archivecheck


def revision_issues(package: Package, first: pd.DataFrame | None = None) -> list[Issue]:
    """A revised published value needs a revision_note saying what changed and why."""
    issues = []
    found = revisions(package, first)
    if found.empty:
        return issues
    value_changed = _changed(found["published_value"], found["value"]).tolist()
    for r, revalued in zip(found.itertuples(), value_changed, strict=True):
        if str(r.revision_note).strip():
            continue
        if revalued:
            said = f"this value was first published as {r.published_value or 'empty'}; a revised value needs a revision_note"
            value, example = r.value, "'Revised from 41.2 after late returns'"
        else:
            said = (
                f"this figure was first published with status_override {r.published_override or 'empty'} "
                f"and now has {r.status_override or 'none'}: a changed override changes the published status, "
                "so it needs a revision_note"
            )
            value, example = (
                r.status_override,
                "'Status set to amber: the target was revised by Cabinet in October'",
            )
        issues.append(
            Issue(
                "revision-note-required",
                said,
                file=package.file_of("outturns"),
                row=int(r.row),
                field="revision_note",
                value=value,
                hint=f"say what changed and why (e.g. {example}); the site shows both",
            )
        )
    return issues


def _unread(package: Package, name: str, *columns: str) -> bool:
    """A file the package lists but that could not be read, or whose header lacks ``columns``: its
    own error says so, and checks that would read it as empty are left out."""
    frame = package.raw.get(name)
    if frame is None:
        return name in package.files
    return not set(columns) <= set(frame.columns)


def _archive_unread(package: Package) -> bool:
    """``archive/`` is there but cannot be listed: its own error says so, and what it holds is unknown."""
    root = archive.archive_root(package.path)
    return root is not None and archive.entries(root) is None


def publication_state_issues(package: Package) -> list[Issue]:
    """``published`` and the archive must agree: each published period has its snapshot, and a
    snapshot's period stays published unless its withdrawal is recorded."""
    if _unread(package, "publications", "period", "status") or _archive_unread(package):
        return []
    pubs, published = _published_periods(package)
    found = archive.releases(package.path)
    archived = {r.name for r in found if r.kind == "report"}
    by_name = {r.name: r for r in found if r.kind == "report"}
    interrupted = archive.pending(package.path)
    rows = _withdrawal_rows(package)
    withdrawn = set(rows.loc[rows["measure_id"] == "", "period"])
    file = package.file_of("publications")
    where = package.path.as_posix()
    issues = []
    for index, r in pubs.iterrows():
        period = r["period"]
        if r["status"] == "published" and period not in archived:
            issues.append(
                Issue(
                    "published-without-snapshot",
                    f"{period} is marked published but archive/{period}/ does not exist, so nothing records what was published",
                    file=file,
                    row=int(index) + 2,
                    field="status",
                    value=period,
                    hint=(
                        f"if it was published before perfsite was used, run `perfsite publish {where} {period} --adopt` "
                        f"(it keeps the published_date); if archive/{period}/ was deleted, restore it from a backup; "
                        "a new period is published only with `perfsite publish`"
                    ),
                )
            )
        recorded = by_name.get(period)
        if r["status"] == "published" and recorded is not None and recorded.manifest is not None:
            for column in ("published_date", "committee_date"):
                then = recorded.manifest.get(column)
                now = str(r.get(column, "")).strip()
                if isinstance(then, str) and column in pubs.columns and now != then:
                    issues.append(
                        Issue(
                            "publication-date-changed",
                            f"{period} was published with {column} {then or 'empty'} "
                            f"(archive/{period}/manifest.json records it), but publications.csv now says {now or 'nothing'}",
                            file=file,
                            row=int(index) + 2,
                            field=column,
                            value=now,
                            hint=f"set it back to {then}: a published report's dates are part of the published record",
                        )
                    )
        if r["status"] == "published" and period in withdrawn:
            issues.append(
                Issue(
                    "withdrawn-but-published",
                    f"withdrawals.csv withdraws the {period} report, but it is still marked published",
                    file=file,
                    row=int(index) + 2,
                    field="status",
                    value=period,
                    hint="set its status back to approved, or delete the withdrawal",
                )
            )
    for release in found:
        if release.kind == archive.CORRECTIONS and release.name in interrupted:
            issues.append(
                Issue(
                    "publish-interrupted",
                    f"the corrections release {release.name} was interrupted after its snapshot was written",
                    file=f"{archive.ARCHIVE}/{release.name}",
                    hint=f"run `perfsite publish {where} --corrections` again to finish it",
                    severity=WARNING,
                )
            )
    for period in sorted(archived - published, key=periods.sort_key):
        if period in interrupted:
            issues.append(
                Issue(
                    "publish-interrupted",
                    f"a publish of {period} was interrupted after its snapshot was written; {period} is not published yet",
                    file=file,
                    field="status",
                    value=period,
                    hint=f"run `perfsite publish {where} {period}` again to finish it",
                    severity=WARNING,
                )
            )
        elif period not in withdrawn:
            issues.append(
                Issue(
                    "unpublished-without-withdrawal",
                    f"{period} was published (archive/{period}/ holds what was published) but publications.csv no longer marks it published",
                    file=file,
                    field="status",
                    value=period,
                    hint=(
                        f"set its status back to published; to withdraw the whole report, add a row to withdrawals.csv "
                        f"with period {period}, an empty measure_id, the withdrawn_date and the reason"
                    ),
                )
            )
    return issues


def withdrawal_issues(package: Package, first: pd.DataFrame | None = None) -> list[Issue]:
    """A published figure never vanishes silently, and a withdrawal must name something published."""
    first = archive_figures.first_published_values(package) if first is None else first
    rows = _withdrawal_rows(package)
    figure_keys = set(zip(rows["measure_id"].tolist(), rows["period"].tolist(), strict=True))
    whole = set(rows.loc[rows["measure_id"] == "", "period"])
    outturns = package.raw.get("outturns")
    present: set[tuple[str, str]] = set()
    if outturns is not None and {"measure_id", "period"} <= set(outturns.columns):
        present = set(zip(outturns["measure_id"].tolist(), outturns["period"].tolist(), strict=True))
    issues = []
    out_file = package.file_of("outturns")
    # plain lists: a large archive has a published figure for every outturn row
    published_keys = list(zip(first["measure_id"].tolist(), first["period"].tolist(), strict=True))
    columns = (first["publication"].tolist(), first["published_value"].tolist())
    # which figures are gone cannot be told from a file that was not read
    unread = (
        _unread(package, "outturns", "measure_id", "period")
        or _unread(package, "withdrawals", "period", "measure_id")
        or _archive_unread(package)
    )
    for (measure_id, period), publication, value in zip(published_keys, *columns, strict=True):
        if unread:
            break
        if (measure_id, period) in present or (measure_id, period) in figure_keys or publication in whole:
            continue
        issues.append(
            Issue(
                "published-figure-removed",
                f"the {period} figure of measure {measure_id} was published in the {publication} report "
                f"(value {value or 'empty'}) but its row is gone from {out_file}",
                file=out_file,
                field="measure_id",
                value=f"{measure_id}, {period}",
                hint=(
                    "put the row back; to withdraw the figure, add a row to withdrawals.csv with "
                    f"period {period}, measure_id {measure_id}, the withdrawn_date and the reason"
                ),
            )
        )
    published_keys = set(published_keys)
    archived = {r.name for r in archive.releases(package.path) if r.kind == "report"}
    file = package.file_of("withdrawals")
    for w in rows.itertuples():
        key = (w.measure_id, w.period)
        if w.measure_id and key in present:
            issues.append(
                Issue(
                    "withdrawn-figure-present",
                    f"the {w.period} figure of measure {w.measure_id} is withdrawn but {out_file} still has it",
                    file=file,
                    row=int(w.row),
                    field="measure_id",
                    value=w.measure_id,
                    hint="delete the outturn row (the archive keeps it as published), or delete this withdrawal",
                )
            )
        elif not unread and (
            (w.measure_id and key not in published_keys) or (not w.measure_id and w.period not in archived)
        ):
            what = (
                f"the {w.period} figure of measure {w.measure_id}"
                if w.measure_id
                else f"the {w.period} report"
            )
            issues.append(
                Issue(
                    "withdrawal-not-published",
                    f"{what} is not in the archive, so there is nothing published to withdraw",
                    file=file,
                    row=int(w.row),
                    field="measure_id" if w.measure_id else "period",
                    value=w.measure_id or w.period,
                    hint="check the period and measure_id; an unpublished figure is simply changed or deleted",
                    severity=WARNING,
                )
            )
    return issues


#: the fields of a measure that its published figures' statuses are worked out from
RATING_FIELDS = (
    "unit",
    "polarity",
    "decimal_places",
    "frequency",
    "aggregation",
    "monitoring_only",
    "green_tolerance",
    "amber_tolerance",
)


def _rag_change_issues(package: Package) -> list[Issue]:
    """The package's tolerances differ from those its newest release recorded (manifests record them
    since perfsite kept them)."""
    name, _ = archive_figures.newest_release(package)
    release = archive.release_of(package.path, name) if name else None
    then = (release.manifest or {}).get("rag") if release is not None else None
    if not isinstance(then, dict):
        return []
    issues = []
    for key, was in sorted(then.items()):
        now = package.rag.get(key)
        if str(now) != str(was):
            issues.append(
                Issue(
                    "published-rating-changed",
                    f"rag.{key} was {was} when {name} was released: with {now} the statuses already published "
                    "would change, in the reports of published quarters too",
                    file="datapackage.json",
                    field=f"rag.{key}",
                    value=str(now),
                    hint=f"set it back to {was}; to rate differently from now on, give the measures that "
                    "change their own tolerances in measures.csv",
                    severity=WARNING,
                )
            )
    return issues


def rating_change_issues(package: Package, first: pd.DataFrame | None = None) -> list[Issue]:
    """A measure with published figures whose rating settings differ from the newest release's, or
    package tolerances that do: the statuses already published (in the reports of published
    quarters too) would change with them."""
    issues = _rag_change_issues(package)
    live = package.raw.get("measures")
    carried = archive_figures.newest_release_frame(package, "measures")
    if (
        live is None
        or carried is None
        or "measure_id" not in live.columns
        or "measure_id" not in carried.columns
    ):
        return issues
    first = archive_figures.first_published_values(package) if first is None else first
    published = set(first["measure_id"])
    before = {r["measure_id"]: r for r in carried.to_dict("records")}
    for index, row in live.iterrows():
        then = before.get(row["measure_id"])
        if then is None or row["measure_id"] not in published:
            continue
        for column in RATING_FIELDS:
            now, was = str(row.get(column, "")).strip(), str(then.get(column, "")).strip()
            if column in live.columns and column in carried.columns and now != was:
                issues.append(
                    Issue(
                        "published-rating-changed",
                        f"measure {row['measure_id']} has published figures, released with {column} {was or 'empty'}: "
                        f"with {now or 'empty'} the statuses already published would change, in the reports of "
                        "published quarters too",
                        file=package.file_of("measures"),
                        row=int(index) + 2,
                        field=column,
                        value=now,
                        hint=(
                            f"set it back to {was or 'empty'}; to rate the measure differently from now on, "
                            "start a new measure (a new measure_id) for the new definition"
                        ),
                        severity=WARNING,
                    )
                )
    return issues


def record_issues(package: Package) -> list[Issue]:
    """Every check that the published record is intact: snapshots unchanged, revisions explained,
    withdrawals recorded, and ``published`` reached only through ``perfsite publish``."""
    first = archive_figures.first_published_values(package)
    return [
        *archivecheck.archive_issues(package),
        *revision_issues(package, first),
        *publication_state_issues(package),
        *withdrawal_issues(package, first),
        *rating_change_issues(package, first),
    ]
