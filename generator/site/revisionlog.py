"""The revisions log: every published figure that was later corrected, with both values and dates.

Built from :func:`perfsite.validation.history.revisions` (value first published against value now) and the
archived snapshot of each release (which value each carried), so a reader can see when the
first figure went out and in which release, on which date, the corrected one became public.
A correction becomes public with the first release that carries it: the next report's publish,
or a corrections release (``corrections-<date>``). Pure functions over frames.
"""

from __future__ import annotations

import pandas as pd

from ..files import archive
from ..rules import gate
from ..standard import periods
from ..standard.formatting import uk_date
from . import downloads

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


def _override(value) -> str:
    return "" if not isinstance(value, str) else value.strip().lower()


def release_label(name: str, date: str = "") -> str:
    """A release as readers name it: ``the Q2 2026/27 release of 10 December 2026``, ``the
    corrections release of 20 January 2027``."""
    own = archive.release_date_of(name)
    if own is not None:
        return f"the corrections release of {uk_date(own)}"
    label = f"the {periods.short_label(name)} release" if periods.try_parse(name) else str(name)
    return f"{label} of {uk_date(date)}" if date else label


def revision_log(
    revised: pd.DataFrame,
    releases: list[tuple[str, str]],
    snapshot_outturns: dict[str, pd.DataFrame],
    measures: pd.DataFrame,
) -> pd.DataFrame:
    """One row per revised (measure, period): the value first published, with the release that
    published it and its date; the value now, with the first later release that carried it and
    its date (empty when no release has carried it yet: a correction waiting, in a preview); and
    the note.

    ``revised`` needs ``measure_id``, ``period``, ``published_value``, ``value`` and ``revision_note``
    (extra columns are ignored); ``releases`` is every release as (name, published date), in the
    order they reached the public; ``snapshot_outturns`` maps a release to the outturns it archived.
    """
    dates = dict(releases)
    order = {name: i for i, (name, _) in enumerate(releases)}
    titles = dict(zip(measures["measure_id"], measures["title"], strict=True))
    labels = dict(zip(measures["measure_id"], downloads.unit_labels(measures), strict=True))
    names = [name for name, _ in releases if name in snapshot_outturns]
    # a release carries a revision when it carries its figure and the status an officer set on it
    carried = {
        release: {
            (m, p): (_number(v), _override(o))
            for m, p, v, o in zip(
                frame["measure_id"],
                frame["period"],
                frame["value"],
                frame.reindex(columns=["status_override"], fill_value="")["status_override"],
                strict=True,
            )
        }
        for release, frame in snapshot_outturns.items()
        if {"measure_id", "period", "value"} <= set(frame.columns)
    }
    rows = []
    wanted = revised.reindex(
        columns=["measure_id", "period", "published_value", "value", "revision_note", "status_override"]
    )
    for measure_id, period, before, now, note, override in wanted.itertuples(index=False):
        first = gate.releasing_publication(period)
        now_number = _number(now)
        later = [
            r
            for r in names
            if order[r] > order.get(first, -1)
            and carried.get(r, {}).get((measure_id, period)) == (now_number, _override(override))
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
    by_period = log["period"].map(periods.sort_key)
    return (
        log.assign(_k=by_period).sort_values(["_k", "measure_id"]).drop(columns="_k").reset_index(drop=True)
    )
