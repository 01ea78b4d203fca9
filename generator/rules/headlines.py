"""Headline figures: what each measure of a report counts as (green, amber, red, not rated, not
due, missing) and the counts a report, a priority and the trend show (see the rules page)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

# -- headline figures -----------------------------------------------------------------------------
#: what each measure of a report counts as in a headline: its status when it is rated (it has a
#: figure and is red, amber or green), else why it is not
HEADLINE_KINDS = ("green", "amber", "red", "not_rated", "not_due", "missing")

#: the kinds that are rated, best first
RATED = ("green", "amber", "red")

#: on-target grouping → the words shown beside every count made with it
ON_TARGET_GROUPINGS = {
    "green_only": "counting green only",
    "green_or_amber": "counting green and amber (within tolerance), as committee reports often do",
}

_ON_TARGET_STATUSES = {"green_only": ("green",), "green_or_amber": ("green", "amber")}

#: the grouping of the headline sentences, the tiles and the trend
HEADLINE_GROUPING = "green_only"

#: why a grey measure is grey, in words (reason code → words), for lists of changes
GREY_WORDS = {
    "monitoring_only": "monitored only",
    "no_polarity": "neither higher nor lower is better",
    "no_value": "no figure",
    "no_target": "no target",
    "not_due": "reported at year end",
}


def headline_kind(status: object, has_figure: bool, reason: object) -> str:
    """What one report row counts as in a headline (one of :data:`HEADLINE_KINDS`).

    A measure without a figure is never rated, whatever status a row says (an officer's override
    needs a figure: :func:`apply_overrides`): it is ``not_due`` (an annual measure before its
    figure is due) or ``missing``.
    A figure with a grey status (monitored only, no better direction, no target) is ``not_rated``.
    """
    if not has_figure:
        return "not_due" if reason == "not_due" else "missing"
    return status if status in RATED else "not_rated"


def row_kinds(rows: pd.DataFrame) -> list[str]:
    """:func:`headline_kind` of every row of a quarter's report (``status``, ``value``,
    ``status_reason``), in plain Python: a report has hundreds of rows, and every trend asks."""
    has_figure = rows["value"].notna().tolist()
    return [
        headline_kind(status, figure, reason)
        for status, figure, reason in zip(rows["status"], has_figure, rows["status_reason"], strict=True)
    ]


@dataclass(frozen=True)
class Headline:
    """The headline figures of a set of report rows: a quarter's report, or one priority of it.

    Every count the site, its image, its CSV and its feed show for a quarter is read from one of
    these, made by :func:`headline`. ``green``, ``amber`` and ``red`` count rated measures only.
    """

    green: int = 0
    amber: int = 0
    red: int = 0
    not_rated: int = 0  # a figure, but grey: monitored only, no better direction or no target
    not_due: int = 0  # annual measures before their figure is due
    missing: int = 0  # no figure, though one was due
    grouping: str = HEADLINE_GROUPING

    @property
    def measures(self) -> int:
        return self.rated + self.not_rated + self.no_figure

    @property
    def rated(self) -> int:
        return self.green + self.amber + self.red

    @property
    def with_figure(self) -> int:
        return self.rated + self.not_rated

    @property
    def no_figure(self) -> int:
        return self.not_due + self.missing

    @property
    def grey(self) -> int:
        """Every measure not rated, with a figure or without: what the site calls grey."""
        return self.not_rated + self.no_figure

    def on_target_by(self, grouping: str) -> int:
        """Rated measures on target, counting the statuses of ``grouping`` (never a grey one)."""
        return sum(getattr(self, status) for status in _ON_TARGET_STATUSES[grouping])

    @property
    def on_target(self) -> int:
        """On target by the headline's own :attr:`grouping`."""
        return self.on_target_by(self.grouping)

    @property
    def share(self) -> int | None:
        """Whole-number percentage of the rated measures on target; None when none was rated
        (a gap, never 0%)."""
        return round(100 * self.on_target / self.rated) if self.rated else None

    def counts(self) -> dict[str, int]:
        """Every count as a plain mapping (:data:`HEADLINE_COLUMNS`), for tables and CSVs."""
        out = {
            "measures": self.measures,
            "with_figure": self.with_figure,
            "no_figure": self.no_figure,
            "not_due": self.not_due,
            "missing": self.missing,
            "rated": self.rated,
            "not_rated": self.not_rated,
            "green": self.green,
            "amber": self.amber,
            "red": self.red,
            "grey": self.grey,
            "total": self.measures,
        }
        out.update({f"on_target_{grouping}": self.on_target_by(grouping) for grouping in ON_TARGET_GROUPINGS})
        return out


#: the columns of :meth:`Headline.counts` (and of :func:`headline_counts`), in order
HEADLINE_COLUMNS = list(Headline().counts())


def headline(kinds) -> Headline:
    """The headline of report rows, from each row's :func:`headline_kind` (or from the rows
    themselves: a frame with ``status``, ``value`` and ``status_reason``)."""
    if isinstance(kinds, pd.DataFrame):
        kinds = row_kinds(kinds)
    tally = Counter(kinds)
    unknown = set(tally) - set(HEADLINE_KINDS)
    if unknown:
        raise ValueError(f"not a headline kind: {', '.join(sorted(map(str, unknown)))}")
    return Headline(**{kind: tally[kind] for kind in HEADLINE_KINDS})


def headlines_by(kinds: list[str], keys: list[str]) -> dict[str, Headline]:
    """One :class:`Headline` per key (a priority, an objective…), from the rows' kinds and keys,
    sorted by key; only keys with rows appear."""
    grouped: dict[str, list[str]] = {}
    for key, kind in zip(keys, kinds, strict=True):
        grouped.setdefault(key, []).append(kind)
    return {key: headline(grouped[key]) for key in sorted(grouped)}


def headline_counts(
    performance: pd.DataFrame,
    measures: pd.DataFrame,
    objectives: pd.DataFrame,
    period: str,
    by: str | None = None,
) -> pd.DataFrame:
    """The :class:`Headline` counts of ``performance`` rows for ``period``, overall or per group.

    ``performance`` needs ``measure_id``, ``period``, ``status``, ``value`` and ``status_reason``;
    for a quarter's report pass its rows (``report.quarter_rows``) with ``period`` set to the
    quarter. ``by`` is ``None`` (one row), ``"priority_id"``, ``"objective_id"`` or
    ``"directorate"`` (one row per group that has measures, sorted by it). Columns: the group key
    (when grouped) and :data:`HEADLINE_COLUMNS`.
    """
    rows = performance.loc[performance["period"] == period]
    # a row without a status is not counted
    rows = rows[np.fromiter((isinstance(s, str) for s in rows["status"]), dtype=bool, count=len(rows))]
    kinds = row_kinds(rows)
    if by is None:
        return pd.DataFrame([headline(kinds).counts()], columns=HEADLINE_COLUMNS)
    if by not in ("priority_id", "objective_id", "directorate"):
        raise ValueError(f"cannot group headline counts by {by!r}")
    if by == "priority_id":
        priority_of = dict(zip(objectives["objective_id"], objectives["priority_id"], strict=True))
        named = [priority_of.get(o) for o in measures["objective_id"]]
    else:
        named = measures[by].tolist()
    group = {m: g if isinstance(g, str) else "" for m, g in zip(measures["measure_id"], named, strict=True)}
    keys = [group.get(m, "") for m in rows["measure_id"]]
    table = headlines_by(kinds, keys)
    return pd.DataFrame(
        [{by: key, **h.counts()} for key, h in table.items()], columns=[by, *HEADLINE_COLUMNS]
    ).astype({c: "int64" for c in HEADLINE_COLUMNS})


def missing_exception_reports(
    performance: pd.DataFrame, exceptions: pd.DataFrame, period: str | None = None
) -> pd.DataFrame:
    """Rows that are red (as shown, after any override) and have no exception report for the same
    measure and period; only for ``period`` when given. Columns: measure_id, period, value,
    target, status, status_source."""
    red = performance[performance["status"] == "red"]
    if period is not None:
        red = red[red["period"] == period]
    keys = ["measure_id", "period"]
    have = pd.MultiIndex.from_frame(exceptions[keys].astype(object))
    missing = red[~pd.MultiIndex.from_frame(red[keys].astype(object)).isin(have)]
    columns = ["measure_id", "period", "value", "target", "status", "status_source"]
    return missing[columns].reset_index(drop=True)
