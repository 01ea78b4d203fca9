"""The revisions log: every published figure that was later corrected, with both values and dates.

Built from :func:`generator.publish.revisions` (value first published against value now) and the
archived snapshot of each publication (which value each release carried), so a reader can see
when the first figure went out and when the corrected one did. Pure functions over frames.
"""

from __future__ import annotations

import pandas as pd

from . import downloads, gate, periods

#: revisions.csv, in order (documented in schemas/published/revisions.json)
COLUMNS = [
    "measure_id",
    "title",
    "period",
    "unit_label",
    "first_published_value",
    "first_published_in",
    "first_published_date",
    "value",
    "revised_in",
    "revised_published_date",
    "revision_note",
]


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def revision_log(
    revised: pd.DataFrame,
    publications: pd.DataFrame,
    snapshot_outturns: dict[str, pd.DataFrame],
    measures: pd.DataFrame,
) -> pd.DataFrame:
    """One row per revised (measure, period): the value first published, with the publication that
    released it and its date; the value now, with the first later publication that carried it and
    its date (empty when the correction has not been through a publication yet); and the note.

    ``revised`` needs ``measure_id``, ``period``, ``published_value``, ``value`` and ``revision_note``
    (extra columns and frames from :mod:`generator.publish` are ignored); ``snapshot_outturns`` maps a
    publication period to the outturns it archived.
    """
    dates = dict(zip(publications["period"], publications["published_date"].fillna(""), strict=True))
    titles = dict(zip(measures["measure_id"], measures["title"], strict=True))
    labels = dict(zip(measures["measure_id"], downloads.unit_labels(measures), strict=True))
    releases = sorted(snapshot_outturns, key=periods.sort_key)
    carried = {
        release: {
            (m, p): _number(v)
            for m, p, v in zip(frame["measure_id"], frame["period"], frame["value"], strict=True)
        }
        for release, frame in snapshot_outturns.items()
        if {"measure_id", "period", "value"} <= set(frame.columns)
    }
    rows = []
    wanted = revised.reindex(columns=["measure_id", "period", "published_value", "value", "revision_note"])
    for measure_id, period, before, now, note in wanted.itertuples(index=False):
        first = gate.releasing_publication(period)
        now_number = _number(now)
        later = [
            r
            for r in releases
            if periods.sort_key(r) > periods.sort_key(first)
            and carried.get(r, {}).get((measure_id, period)) == now_number
        ]
        revised_in = later[0] if later else ""
        rows.append(
            {
                "measure_id": measure_id,
                "title": titles.get(measure_id, ""),
                "period": period,
                "unit_label": labels.get(measure_id, ""),
                "first_published_value": _number(before),
                "first_published_in": first,
                "first_published_date": dates.get(first, ""),
                "value": now_number,
                "revised_in": revised_in,
                "revised_published_date": dates.get(revised_in, "") if revised_in else "",
                "revision_note": "" if pd.isna(note) else str(note),
            }
        )
    log = pd.DataFrame(rows, columns=COLUMNS)
    if log.empty:
        return log
    order = log["period"].map(periods.sort_key)
    return log.assign(_k=order).sort_values(["_k", "measure_id"]).drop(columns="_k").reset_index(drop=True)
