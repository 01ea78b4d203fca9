"""What happened to published figures since: revisions, withdrawals, and the checks that nothing
published changes or vanishes without a record.

The archive (:mod:`perfsite.files.archive`) holds what each publication made public. Compared with
the package today:

- a figure whose value differs is a **revision**: it needs a ``revision_note``;
- a figure whose outturn row is gone, or a whole report set back from ``published``, is a
  **withdrawal**: it needs a row in ``withdrawals.csv`` with the reason (``measure_id`` empty
  for a whole report);
- a period marked ``published`` needs its snapshot, which only ``perfsite publish`` makes
  (``--adopt`` for quarters published before perfsite was used): there is no side door.

A correction becomes public with a release (the next report's publish, or ``publish
--corrections``): until then the public site shows each published figure as the newest release
carried it (:func:`as_released`), and :func:`pending_corrections` lists what the next release
would make public.

Pure functions over a loaded package and its archive; they read the archive, never write.
"""

from __future__ import annotations

import pandas as pd

from .. import standard
from ..errors import WARNING, Issue
from ..files import archive
from ..files.load import Package
from ..rules import gate
from ..standard import periods
from .checks import archivecheck

REVISION_COLUMNS = [
    "measure_id",
    "period",
    "published_value",
    "value",
    "revision_note",
    "row",
    "published_override",
    "status_override",
    "published_override_reason",
]
PENDING_COLUMNS = [
    "measure_id",
    "period",
    "released_value",
    "value",
    "revision_note",
    "row",
    "kind",
    "fields",
]
WITHDRAWAL_COLUMNS = [
    "measure_id",
    "period",
    "publication",
    "published_value",
    "withdrawn_date",
    "reason",
    "scope",
]
#: an outturn row's fields as a release carries them (the figure and everything said with it)
RELEASED_FIELDS = [f for f in standard.field_names("outturns") if f not in ("measure_id", "period")]


def _column(frame: pd.DataFrame | None, name: str) -> pd.Series:
    if frame is None or name not in frame.columns:
        return (
            pd.Series([], dtype=object) if frame is None else pd.Series("", index=frame.index, dtype=object)
        )
    return frame[name].astype(str)


def _changed(before: pd.Series, text: pd.Series) -> pd.Series:
    """Where the figure ``text`` differs from ``before`` as numbers (both empty: the same)."""
    old = pd.to_numeric(before.replace("", None), errors="coerce")
    now = pd.to_numeric(text.replace("", None), errors="coerce")
    unreadable = now.isna() & text.astype(str).str.strip().ne("")  # a type error, reported once by validate
    return ~((old == now) | (old.isna() & now.isna()) | unreadable)


def _override_changed(before: pd.Series, now: pd.Series) -> pd.Series:
    """Where the status an officer set on a published figure differs from the one first published."""
    return (
        before.fillna("").astype(str).str.strip().str.lower()
        != now.fillna("").astype(str).str.strip().str.lower()
    )


def revisions(
    package: Package, first: pd.DataFrame | None = None, outturns: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Published figures that differ now from what was first published — in value, or in the status
    an officer set on them (``status_override``: it changes the published status) — with columns
    :data:`REVISION_COLUMNS` (``row``: the spreadsheet row in outturns.csv). ``first`` is
    :func:`perfsite.files.archive.first_published_values`, when the caller has it already;
    ``outturns`` the figures to compare (default the package's own; :func:`as_released` for
    what the public has)."""
    outturns = package.raw.get("outturns") if outturns is None else outturns
    first = archive.first_published_values(package) if first is None else first
    if outturns is None or first.empty or not {"measure_id", "period", "value"} <= set(outturns.columns):
        return pd.DataFrame(columns=REVISION_COLUMNS)
    current = outturns[["measure_id", "period", "value"]].assign(
        revision_note=_column(outturns, "revision_note"),
        status_override=_column(outturns, "status_override"),
        row=outturns.index + 2,
    )
    joined = current.merge(first.drop(columns="publication"), on=["measure_id", "period"], how="inner")
    changed = _changed(joined["published_value"], joined["value"]) | _override_changed(
        joined["published_override"], joined["status_override"]
    )
    return joined.loc[changed, REVISION_COLUMNS].reset_index(drop=True)


def _released_text(frame: pd.DataFrame) -> pd.DataFrame:
    """An outturns frame's released fields as text, a field the frame lacks as empty."""
    return frame.reindex(columns=["measure_id", "period", *RELEASED_FIELDS], fill_value="").astype(str)


def pending_corrections(package: Package) -> pd.DataFrame:
    """Rows of published periods that the public has not received as they are now, which the next
    release (a report's publish, or ``publish --corrections``) makes public: ``kind`` ``corrected``
    (the figure differs from the newest release's, ``released_value``), ``amended`` (the same
    figure, but another field changed: commentary, a status override or its reason, a note…;
    ``fields`` names them) or ``added`` (a figure for a published period that no release
    carried). Columns :data:`PENDING_COLUMNS`."""
    _, released = archive.newest_release(package)
    outturns = package.raw.get("outturns")
    wanted = {"measure_id", "period", "value"}
    if released is None or outturns is None or not wanted <= set(outturns.columns):
        return pd.DataFrame(columns=PENDING_COLUMNS)
    _, published = _published_periods(package)
    releasing = {
        p: bool(periods.try_parse(p)) and gate.releasing_publication(p) in published
        for p in outturns["period"].unique()
    }
    mask = outturns["period"].map(releasing).astype(bool)
    live = _released_text(outturns[mask]).assign(row=outturns.index[mask.to_numpy()] + 2)
    carried = _released_text(released).drop_duplicates(["measure_id", "period"])
    joined = live.merge(carried, on=["measure_id", "period"], how="left", indicator=True, suffixes=("", "_r"))
    added = joined["_merge"] == "left_only"
    corrected = ~added & _changed(joined["value_r"].fillna(""), joined["value"])
    others = [f for f in RELEASED_FIELDS if f != "value"]
    differs = {f: ~added & (joined[f] != joined[f"{f}_r"].fillna("")) for f in others}
    amended = ~added & ~corrected & pd.concat(differs, axis=1).any(axis=1)
    joined["kind"] = "amended"
    joined.loc[corrected, "kind"] = "corrected"
    joined.loc[added, "kind"] = "added"
    joined["fields"] = (
        [", ".join(f for f in others if differs[f].iat[i]) for i in range(len(joined))] if len(joined) else []
    )
    joined["released_value"] = joined["value_r"].fillna("")
    return joined.loc[added | corrected | amended, PENDING_COLUMNS].reset_index(drop=True)


def as_released(package: Package, pending: pd.DataFrame | None = None) -> pd.DataFrame:
    """The package's outturns (text) with each row of a published period as the newest release
    carried it — the figure and every field said with it (commentary, status override and reason,
    notes) — and a figure added to a published period since left out. What a public build shows;
    the package's own rows when nothing is waiting."""
    outturns = package.raw["outturns"]
    pending = pending_corrections(package) if pending is None else pending
    if pending.empty:
        return outturns
    _, released = archive.newest_release(package)
    keys = list(zip(outturns["measure_id"], outturns["period"], strict=True))
    added = set(
        zip(*(pending.loc[pending["kind"] == "added", c] for c in ("measure_id", "period")), strict=True)
    )
    changed = pending[pending["kind"] != "added"]
    out = outturns.copy()
    if len(changed):
        carried = _released_text(released)
        at = {k: i for i, k in enumerate(zip(carried["measure_id"], carried["period"], strict=True))}
        columns = [c for c in out.columns if c in RELEASED_FIELDS]
        for row in (changed["row"] - 2).tolist():
            source = carried.iloc[at[keys[row]]]
            out.loc[out.index[row], columns] = [source[c] for c in columns]
    keep = [k not in added for k in keys]
    return out[keep].reset_index(drop=True)


#: the other resources whose rows a report releases, and the parent each row belongs to
RELEASED_RESOURCES = {
    "targets": ("measures", "measure_id"),
    "exceptions": ("measures", "measure_id"),
    "project_updates": ("projects", "project_id"),
    "benchmarks": ("measures", "measure_id"),
}
CHANGE_COLUMNS = ["resource", "key", "kind", "fields"]


def _published_publications(package: Package) -> pd.DataFrame:
    pubs, _ = _published_periods(package)
    return pubs[pubs["status"] == "published"] if len(pubs) else pubs


def _released_and_carried(package: Package, name: str):
    """(live rows, rows the newest release carried) of ``name`` for the published periods, as text
    in the standard's columns, keyed; ``None`` when there is nothing to compare."""
    live = package.raw.get(name)
    carried = archive.newest_release_frame(package, name)
    key = list(standard.schema(name)["primaryKey"])
    if live is None or carried is None or not set(key) <= set(live.columns) & set(carried.columns):
        return None
    pubs = _published_publications(package)
    columns = standard.field_names(name)
    parent, parent_key = RELEASED_RESOURCES[name]
    parents = package.raw.get(parent)
    ours = live[gate.released_rows(name, live, pubs).to_numpy()].reindex(columns=columns, fill_value="")
    theirs = carried[gate.released_rows(name, carried, pubs).to_numpy()].reindex(
        columns=columns, fill_value=""
    )
    if (
        parents is not None and parent_key in parents.columns
    ):  # a row whose measure or project is gone is gone
        theirs = theirs[theirs[parent_key].isin(set(parents[parent_key]))]
    return ours.astype(str), theirs.astype(str), key


def pending_changes(package: Package) -> pd.DataFrame:
    """Rows of targets, exception reports, project updates and benchmarks for published periods that
    differ from what the newest release carried, which the next release makes public: ``kind``
    ``changed`` (``fields`` names what), ``added`` or ``removed``; ``key`` the row's key as text.
    Columns :data:`CHANGE_COLUMNS`."""
    rows = []
    for name in RELEASED_RESOURCES:
        found = _released_and_carried(package, name)
        if found is None:
            continue
        ours, theirs, key = found
        joined = ours.merge(theirs, on=key, how="outer", indicator=True, suffixes=("", "_r"))
        others = [c for c in standard.field_names(name) if c not in key]
        for r in joined.to_dict("records"):
            label = " ".join(str(r[k]) for k in key)
            if r["_merge"] == "left_only":
                rows.append((name, label, "added", ""))
            elif r["_merge"] == "right_only":
                rows.append((name, label, "removed", ""))
            else:
                fields = [c for c in others if r[c] != r[f"{c}_r"]]
                if fields:
                    rows.append((name, label, "changed", ", ".join(fields)))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def released_frames(package: Package) -> dict[str, pd.DataFrame]:
    """The package's targets, exception reports, project updates and benchmarks (text) with the rows
    of published periods as the newest release carried them: what a public build shows. Only the
    resources that differ are returned; a change becomes public with the next release."""
    out = {}
    for name in RELEASED_RESOURCES:
        found = _released_and_carried(package, name)
        if found is None:
            continue
        ours, theirs, key = found
        if (
            ours.sort_values(key)
            .reset_index(drop=True)
            .equals(theirs.sort_values(key).reset_index(drop=True))
        ):
            continue
        live = package.raw[name]
        waiting = live[~gate.released_rows(name, live, _published_publications(package)).to_numpy()]
        out[name] = pd.concat(
            [waiting, theirs.reindex(columns=live.columns, fill_value="")], ignore_index=True
        )
    return out


def pending_release(package: Package) -> pd.DataFrame:
    """Everything about published periods the next release makes public: the outturn rows of
    :func:`pending_corrections` (``resource`` outturns) and the rows of :func:`pending_changes`."""
    figures = pending_corrections(package).assign(resource="outturns", key="")
    figures["key"] = figures["measure_id"] + " " + figures["period"]
    others = pending_changes(package)
    if others.empty:
        return figures
    return pd.concat([figures, others], ignore_index=True).fillna("")


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


def _withdrawal_rows(package: Package) -> pd.DataFrame:
    frame = package.raw.get("withdrawals")
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["period", "measure_id", "withdrawn_date", "reason", "row"])
    return pd.DataFrame(
        {
            "period": _column(frame, "period").str.strip(),
            "measure_id": _column(frame, "measure_id").str.strip(),
            "withdrawn_date": _column(frame, "withdrawn_date").str.strip(),
            "reason": _column(frame, "reason"),
            "row": frame.index + 2,
        }
    )


def withdrawals(package: Package, first: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every withdrawn published figure with its reason, for the site and the data user.

    Columns :data:`WITHDRAWAL_COLUMNS`: the figure (measure_id, period), the publication that first
    released it, its published value, when and why it was withdrawn, and ``scope``: ``figure``
    (one figure withdrawn) or ``publication`` (the whole report of ``publication`` withdrawn; one
    row per figure it had released, or one row with an empty measure_id when it released none)."""
    rows = _withdrawal_rows(package)
    first = archive.first_published_values(package) if first is None else first
    out = []
    figures = rows[rows["measure_id"] != ""]
    if len(figures):
        joined = figures.merge(first, on=["measure_id", "period"], how="left")
        joined["publication"] = joined["publication"].fillna(
            joined["period"].map(lambda p: gate.releasing_publication(p) if periods.try_parse(p) else "")
        )
        out.append(joined.fillna({"published_value": ""}).assign(scope="figure"))
    for w in rows[rows["measure_id"] == ""].itertuples():
        released = first[first["publication"] == w.period]
        if released.empty:
            released = pd.DataFrame({"measure_id": [""], "period": [w.period], "published_value": [""]})
        out.append(
            released.assign(
                publication=w.period, withdrawn_date=w.withdrawn_date, reason=w.reason, scope="publication"
            )
        )
    if not out:
        return pd.DataFrame(columns=WITHDRAWAL_COLUMNS)
    frame = pd.concat(out, ignore_index=True)[WITHDRAWAL_COLUMNS]
    return frame.drop_duplicates(["measure_id", "period"], keep="first").reset_index(drop=True)


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


def _published_periods(package: Package) -> tuple[pd.DataFrame, set[str]]:
    pubs = package.raw.get("publications")
    if pubs is None or not {"period", "status"} <= set(pubs.columns):
        return pd.DataFrame(columns=["period", "status"]), set()
    return pubs, set(pubs.loc[pubs["status"] == "published", "period"])


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
    first = archive.first_published_values(package) if first is None else first
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
    name, _ = archive.newest_release(package)
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
    carried = archive.newest_release_frame(package, "measures")
    if (
        live is None
        or carried is None
        or "measure_id" not in live.columns
        or "measure_id" not in carried.columns
    ):
        return issues
    first = archive.first_published_values(package) if first is None else first
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
    first = archive.first_published_values(package)
    return [
        *archivecheck.archive_issues(package),
        *revision_issues(package, first),
        *publication_state_issues(package),
        *withdrawal_issues(package, first),
        *rating_change_issues(package, first),
    ]
