"""What happened to published figures since: revisions and withdrawals (the checks that nothing
published changes or vanishes without a record are :mod:`perfsite.validation.checks.record`).

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
from ..files import archive_figures
from ..files.load import Package
from ..rules import gate
from ..standard import periods

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
    :func:`perfsite.files.archive_figures.first_published_values`, when the caller has it already;
    ``outturns`` the figures to compare (default the package's own; :func:`as_released` for
    what the public has)."""
    outturns = package.raw.get("outturns") if outturns is None else outturns
    first = archive_figures.first_published_values(package) if first is None else first
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
    _, released = archive_figures.newest_release(package)
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
    _, released = archive_figures.newest_release(package)
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
    carried = archive_figures.newest_release_frame(package, name)
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
    # a listing: blanks are "" in every column, numbers included (object, so pandas may fill them)
    return pd.concat([figures, others], ignore_index=True).astype(object).fillna("")


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
    first = archive_figures.first_published_values(package) if first is None else first
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


def _published_periods(package: Package) -> tuple[pd.DataFrame, set[str]]:
    pubs = package.raw.get("publications")
    if pubs is None or not {"period", "status"} <= set(pubs.columns):
        return pd.DataFrame(columns=["period", "status"]), set()
    return pubs, set(pubs.loc[pubs["status"] == "published", "period"])
