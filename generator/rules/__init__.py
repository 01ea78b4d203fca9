"""## How we rate performance

Every status, trend and summary sentence on this site is worked out by a computer program from the
published figures, using the rules on this page. The same rules apply to every measure, so anyone
can check them against the downloadable data.

### Which target a figure is compared with

1. **The target for the same period.** A figure for July to September (Q2) is compared with the
   Q2 target, if there is one.
2. **A snapshot measure** (a rate or level at a point in time, such as the percentage of calls
   answered) with no target for the period uses, for a monthly figure, the target for the quarter
   the month falls in, and then the target for the whole financial year.
3. **A running total** for the year to date (a *cumulative* measure, such as homes delivered so
   far this year) is only compared with a target for a period that ends at the same time: a target
   profiled for each quarter, or, at the end of March, the target for the whole year. Comparing a
   half-year total with a full-year target would make every measure look behind, so in that case
   there is no target and the status is grey.

The downloadable data says which target was used, in the column `target_period`.

### Status: green, amber, red or grey

**Grey** means the figure is not rated. That happens when:

- the measure is **monitored only** and has no target;
- neither a higher nor a lower figure is **better** (for example the number of planning applications
  received);
- there is **no target** for the period (see above);
- there is **no figure** for the period yet, for example an annual survey in the middle of the year.
  The reason the figure is missing is always shown.

Otherwise the figure is compared with its target. Whether higher or lower is better depends on the
measure: more homes delivered is better; fewer days to process a benefit claim is better.

- **Green**: on target or better, or worse than target by no more than the *green tolerance*.
- **Amber**: worse than target by more than the green tolerance, but by no more than the *amber
  tolerance*.
- **Red**: worse than target by more than the amber tolerance.

Unless the council sets other values, the green tolerance is 0 (only on or better than target is
green) and the amber tolerance is 5% of the target. A council can set both tolerances for all its
measures, and a measure can have its own. Tolerances are either **relative** (a fraction of the
target: 0.05 means 5% of the target) or **absolute** (in the measure's own units: 2 means 2
percentage points for a percentage, or 2 days for a measure in days). If a green tolerance is
wider than the amber tolerance, there is no amber band.

**Exactly on a line counts as the better side.** A figure exactly on target is green; a figure exactly
on the edge of a tolerance is in the better band.

**Figures are compared as they are shown.** Each measure is reported to a set number of decimal
places. The figure and the target are rounded to those places first (halves are rounded away from
zero, so 2.25 becomes 2.3), and the tolerance is then worked out exactly, without the small errors
computers make with decimals. For example, for a measure where lower is better, with a target of
10.6 and an amber tolerance of 5%, the amber edge is 10.6 + 5% of 10.6 = 11.13 exactly: a figure of
11.13 is amber, and 11.14 is red.

**A target of zero.** With relative tolerances, 5% of zero is zero: any figure worse than a zero target
is red. Absolute tolerances work as usual.

**Negative figures** (for example a percentage change) follow the same rules; a relative tolerance
is a fraction of the target's size, ignoring its sign.

**Officers can override a status**, but only with a stated reason, for example when a figure is
known to be affected by a one-off event. The site then shows the officer's status, says that it
was overridden and why, and keeps the status the rules gave. An override needs a figure: a period
with no figure is grey ("no figure") whatever status an officer gave it.

### Direction of travel

Each figure is compared with the **previous period** of the same kind (the previous month, quarter
or year) and with the **same period a year earlier**. The result is *improving*, *worsening*,
*unchanged* or *not comparable*, following whether higher or lower is better (or, for a measure
where neither is better, *higher* or *lower*).

- Figures are compared **rounded to the measure's decimal places**, so two figures that look the
  same on the page are always *unchanged*.
- If either figure is missing, the comparison is *not comparable*: we do not reach further back.
- If neither higher nor lower is better, the figures are still compared, but only in words: the
  figure is *higher*, *lower* or *unchanged*, never better or worse.
- A **running total** for the year to date always grows during the year, so it is only compared
  with the same point a year earlier; its comparison with the previous period is *not comparable*.

### Headline counts: what "on target" means

Headline counts give the number of measures of each status in a quarter's report, for the whole
council and for each priority. Every headline says how many measures had a figure:

- a measure is **rated** when it has a figure for the quarter and is red, amber or green;
- a measure **with a figure but not rated** (grey) is monitored only, has no target for the
  period, or is one where neither a higher nor a lower figure is better;
- a measure with **no figure yet** (grey) is either an annual measure before its figure is due at
  the end of the year, or one whose figure is missing (the reason is given). A measure with no
  figure is never rated: it is grey even if an officer gave it a status.

Only rated measures can be on target, and a measure that is not rated is never counted as on
target. Councils count "on target" in two ways, and this site says which one each count uses:

- **green only**: rated measures on or better than target (or within the green tolerance); the
  headlines, the tiles and the trend use this one;
- **green or amber**: as many committee reports count them, rated measures on target or within
  tolerance.

The share on target is the measures on target as a percentage of the rated measures. A quarter in
which no measure was rated has no share: it is shown as a gap, never as 0%.

**What changed since last quarter** compares each measure's status with the previous published
report. A move between red, amber and green is *better* or *worse*. A move to or from grey (no
figure yet, or not rated) is neither: it is listed as a change of its own kind. A measure reported
once a year is compared with its figure for the year before: in the Q4 report its new figure is
compared with the last one, and in the other quarters, when it is not due, it keeps its last
rating, so waiting for the year end is never counted as a change.

### Exception reports

Every measure that is red in a published period needs an exception report: why performance is
below target, what is being done, how it compares with other councils, who is responsible and when
it is expected to recover. perfsite checks every red measure for one, so that a missing report is
noticed before the figures are published.

### Reason codes in the data

The downloadable performance data gives a reason for each status, in the column `status_reason`:

| Reason code | Status | Meaning |
| --- | --- | --- |
| `on_or_better_than_target` | green | the figure is on target or better |
| `within_green_tolerance` | green | worse than target, but within the green tolerance |
| `within_amber_tolerance` | amber | worse than the green tolerance allows, within the amber tolerance |
| `outside_amber_tolerance` | red | worse than target by more than the amber tolerance |
| `monitoring_only` | grey | the measure is monitored only, without a target |
| `no_polarity` | grey | neither a higher nor a lower figure is better |
| `no_value` | grey | there is no figure for the period (the reason is given) |
| `no_target` | grey | there is no target for the period |
| `not_due` | grey | an annual measure in a quarter before its figure is due |
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..standard import periods
from ..standard.formatting import quantise

STATUSES = ("red", "amber", "green", "grey")
#: direction of travel; ``higher`` and ``lower`` only where neither is better (polarity none)
DIRECTIONS = ("improving", "worsening", "unchanged", "higher", "lower", "not_comparable")

#: reason code → status it gives (the table in the module docstring explains each)
REASONS = {
    "on_or_better_than_target": "green",
    "within_green_tolerance": "green",
    "within_amber_tolerance": "amber",
    "outside_amber_tolerance": "red",
    "monitoring_only": "grey",
    "no_polarity": "grey",
    "no_value": "grey",
    "no_target": "grey",
}

PERFORMANCE_COLUMNS = [
    "measure_id",
    "period",
    "period_start",
    "period_end",
    "value",
    "target",
    "target_period",
    "green_tolerance_used",
    "amber_tolerance_used",
    "tolerance_type",
    "status",
    "status_source",
    "computed_status",
    "status_reason",
    "override_reason",
    "direction_vs_previous",
    "direction_vs_last_year",
    "summary",
]

#: returned beside :data:`PERFORMANCE_COLUMNS` for the pages, not published in performance.csv:
#: the figures each direction of travel compared with (NaN: none), so a page can say "up from
#: 602", and the reason a figure is missing (outturns.csv has it), so a report can say why
COMPARED_COLUMNS = ["previous_value", "year_earlier_value", "missing_reason"]

#: what performance.csv repeats from measures.csv, so each of its rows can be read alone
MEASURE_CONTEXT_COLUMNS = ["title", "unit", "unit_label", "decimal_places", "polarity", "frequency"]
#: performance.csv as published: each computed row with its measure's context beside it
PUBLISHED_COLUMNS = [
    "measure_id",
    "title",
    "period",
    "period_start",
    "period_end",
    "frequency",
    "value",
    "unit",
    "unit_label",
    "decimal_places",
    "polarity",
    *[
        c
        for c in PERFORMANCE_COLUMNS
        if c not in ("measure_id", "period", "period_start", "period_end", "value")
    ],
]

#: tolerances are read to this many decimal places (0.000001)
TOLERANCE_DIGITS = 6
DEFAULT_RAG = {"green_tolerance": 0.0, "amber_tolerance": 0.05, "tolerance_type": "relative"}

_MEASURE_COLUMNS = [
    "measure_id",
    "title",
    "unit",
    "unit_label",
    "polarity",
    "decimal_places",
    "frequency",
    "aggregation",
    "monitoring_only",
    "green_tolerance",
    "amber_tolerance",
]


# -- periods ---------------------------------------------------------------------------------
def _period_info(period_ids) -> pd.DataFrame:
    """Facts about each distinct period identifier (a loop over distinct periods, not rows)."""
    records = {}
    for pid in pd.unique(np.asarray(period_ids, dtype=object)):
        p = periods.parse(pid)
        quarter = p.quarter()
        records[pid] = {
            "year_id": p.year_id,
            "quarter_id": quarter.id if p.kind == "month" else "",
            "ends_quarter": p.kind == "month" and p.number % 3 == 0,
            "ends_year": (p.kind, p.number) in {("quarter", 4), ("month", 12)},
            "previous": p.previous().id,
            "year_earlier": p.year_earlier().id,
            "sort_end": p.end_key(),
            "start": p.dates()[0].isoformat(),
            "end": p.dates()[1].isoformat(),
            "sort_kind": periods.sort_key(pid)[1],
        }
    columns = ["year_id", "quarter_id", "ends_quarter", "ends_year", "previous", "year_earlier"]
    extra = ["sort_end", "sort_kind", "start", "end"]
    return pd.DataFrame.from_dict(records, orient="index", columns=[*columns, *extra])


def _lookup(table: pd.DataFrame, column: str):
    """A function (measure_ids, period_ids) → values of ``column`` for those keys (NaN when absent)."""
    series = table.drop_duplicates(["measure_id", "period"]).set_index(["measure_id", "period"])[column]

    def fetch(measure_ids, period_ids) -> np.ndarray:
        index = pd.MultiIndex.from_arrays([np.asarray(measure_ids, object), np.asarray(period_ids, object)])
        return series.reindex(index).to_numpy()

    return fetch


# -- applicable target ---------------------------------------------------------------------
def _targets_for(measure_ids, period_ids, cumulative: np.ndarray, targets: pd.DataFrame, info: pd.DataFrame):
    fetch = _lookup(targets, "target")
    ids = np.asarray(measure_ids, object)
    own = np.asarray(period_ids, object)
    facts = info.loc[own]
    quarter = np.where(
        cumulative, np.where(facts["ends_quarter"], facts["quarter_id"], ""), facts["quarter_id"]
    )
    is_year = facts["year_id"].to_numpy() == own
    year = np.where(is_year | (cumulative & ~facts["ends_year"].to_numpy(bool)), "", facts["year_id"])
    target = np.full(len(own), np.nan)
    target_period = np.full(len(own), "", dtype=object)
    for candidate in (own, quarter, year):  # three vectorised look-ups, in order of preference
        found = fetch(ids, candidate).astype("float64")
        use = np.isnan(target) & ~np.isnan(found) & (candidate != "")
        target = np.where(use, found, target)
        target_period = np.where(use, candidate, target_period)
    return target, target_period


def applicable_targets(measures: pd.DataFrame, targets: pd.DataFrame, outturns: pd.DataFrame) -> pd.DataFrame:
    """The outturn rows with the ``target`` that applies to each and the ``target_period`` it was set for.

    The period's own target; else, for a snapshot measure, its quarter's (for a month) and then its
    financial year's; for a cumulative measure only a target for a period ending at the same time
    (the quarter a quarter-end month closes, or the year at Q4/M12). No target: NaN and ``""``.
    """
    rows = outturns.copy()
    aggregation = rows["measure_id"].map(measures.set_index("measure_id")["aggregation"])
    info = _period_info(rows["period"])
    rows["target"], rows["target_period"] = _targets_for(
        rows["measure_id"], rows["period"], (aggregation == "cumulative").to_numpy(), targets, info
    )
    return rows


# -- status -----------------------------------------------------------------------------------
def _rag_settings(rag: Mapping | None) -> tuple[float, float, str]:
    settings = {**DEFAULT_RAG, **{k: v for k, v in (rag or {}).items() if v is not None}}
    kind = settings["tolerance_type"]
    if kind not in ("relative", "absolute"):
        raise ValueError(f"rag.tolerance_type must be 'relative' or 'absolute', not {kind!r}")
    return float(settings["green_tolerance"]), float(settings["amber_tolerance"]), kind


def compute_status(rows: pd.DataFrame, rag: Mapping | None = None) -> pd.DataFrame:
    """The computed status of each row, by the rules in this module's docstring.

    ``rows`` needs ``value``, ``target``, ``polarity``, ``decimal_places``, ``monitoring_only`` and,
    optionally, the measure's ``green_tolerance`` / ``amber_tolerance`` (NaN: use ``rag``). Returns a
    frame on the same index with ``computed_status``, ``status_reason`` and the tolerances used
    (``green_tolerance_used``, ``amber_tolerance_used``, ``tolerance_type``).
    """
    green_default, amber_default, kind = _rag_settings(rag)
    n = len(rows)

    def column(name: str, default) -> pd.Series:
        return rows[name] if name in rows else pd.Series(default, index=rows.index)

    green = column("green_tolerance", np.nan).astype("float64").fillna(green_default).clip(lower=0)
    amber = column("amber_tolerance", np.nan).astype("float64").fillna(amber_default).clip(lower=0)
    amber = np.maximum(amber, green)  # a green band wider than amber leaves no amber band
    value = rows["value"].astype("float64")
    target = rows["target"].astype("float64")
    dp = rows["decimal_places"].astype("int64").to_numpy()
    polarity = rows["polarity"].to_numpy(object)
    monitoring = column("monitoring_only", False).fillna(False).astype(bool).to_numpy()

    v = quantise(value.fillna(0).to_numpy(), dp)
    t = quantise(target.fillna(0).to_numpy(), dp)
    worse_by = np.where(polarity == "lower_is_better", v - t, t - v)  # > 0: worse than target
    scale = 10**TOLERANCE_DIGITS
    green_int = np.rint(green.to_numpy() * scale).astype("int64")
    amber_int = np.rint(amber.to_numpy() * scale).astype("int64")
    # exact integer comparisons: worse_by / 10**dp <= tol * base, scaled by 10**(dp + TOLERANCE_DIGITS)
    base = np.abs(t) if kind == "relative" else np.power(10, dp).astype("int64")
    lhs = worse_by.astype(object) * scale
    within_green = (lhs <= green_int.astype(object) * base.astype(object)).astype(bool)
    within_amber = (lhs <= amber_int.astype(object) * base.astype(object)).astype(bool)

    reason = np.select(
        [
            monitoring,
            polarity == "none",
            value.isna().to_numpy(),
            target.isna().to_numpy(),
            worse_by <= 0,
            within_green,
            within_amber,
        ],
        [
            "monitoring_only",
            "no_polarity",
            "no_value",
            "no_target",
            "on_or_better_than_target",
            "within_green_tolerance",
            "within_amber_tolerance",
        ],
        default="outside_amber_tolerance",
    )
    status = pd.Series(reason, index=rows.index).map(REASONS)
    return pd.DataFrame(
        {
            "computed_status": status,
            "status_reason": reason,
            "green_tolerance_used": green.to_numpy(),
            "amber_tolerance_used": amber.to_numpy(),
            "tolerance_type": np.full(n, kind, dtype=object),
        },
        index=rows.index,
    )


def apply_overrides(computed_status: pd.Series, status_override: pd.Series, value: pd.Series) -> pd.DataFrame:
    """``status`` and ``status_source``: an officer's override (red/amber/green/grey) wins, on a
    row with a figure. A row without a figure stays grey whatever an officer wrote: a status no
    figure supports would be shown as rated where every count says "no figure" (validation warns)."""
    override = status_override.fillna("").astype(str).str.strip().str.lower()
    overridden = override.isin(STATUSES) & value.notna().to_numpy()
    return pd.DataFrame(
        {
            "status": override.where(overridden, computed_status),
            "status_source": np.where(overridden, "override", "computed"),
        },
        index=computed_status.index,
    )


# -- direction of travel --------------------------------------------------------------------------
def _compare(value, other, dp, polarity) -> np.ndarray:
    comparable = ~np.isnan(value) & ~np.isnan(other)
    delta = quantise(np.nan_to_num(value), dp) - quantise(np.nan_to_num(other), dp)
    better = np.where(polarity == "lower_is_better", delta < 0, delta > 0)
    # neither higher nor lower is better: the figures still compare, in words only
    neutral = polarity == "none"
    return np.select(
        [~comparable, delta == 0, neutral & (delta > 0), neutral, better],
        ["not_comparable", "unchanged", "higher", "lower", "improving"],
        default="worsening",
    )


def direction_of_travel(rows: pd.DataFrame) -> pd.DataFrame:
    """Direction against the previous period and the same period a year earlier, for each row.

    ``rows`` are outturn rows (``measure_id``, ``period``, ``value``) with the measure's
    ``decimal_places``, ``polarity`` and ``aggregation``; the earlier values are looked up among
    the same rows. Returns ``direction_vs_previous``, ``direction_vs_last_year`` and the
    ``previous_period``/``previous_value``, ``year_earlier_period``/``year_earlier_value`` used.
    """
    info = _period_info(rows["period"])
    facts = info.loc[rows["period"].to_numpy()]
    fetch = _lookup(rows, "value")
    ids = rows["measure_id"].to_numpy(object)
    value = rows["value"].astype("float64").to_numpy()
    dp = rows["decimal_places"].astype("int64").to_numpy()
    polarity = rows["polarity"].to_numpy(object)
    previous = fetch(ids, facts["previous"].to_numpy(object)).astype("float64")
    year_earlier = fetch(ids, facts["year_earlier"].to_numpy(object)).astype("float64")
    vs_previous = _compare(value, previous, dp, polarity)
    vs_previous = np.where(
        rows["aggregation"].to_numpy(object) == "cumulative", "not_comparable", vs_previous
    )
    return pd.DataFrame(
        {
            "direction_vs_previous": vs_previous,
            "direction_vs_last_year": _compare(value, year_earlier, dp, polarity),
            "previous_period": facts["previous"].to_numpy(object),
            "previous_value": previous,
            "year_earlier_period": facts["year_earlier"].to_numpy(object),
            "year_earlier_value": year_earlier,
        },
        index=rows.index,
    )


# -- the performance table ------------------------------------------------------------------------
def performance_table(
    measures: pd.DataFrame,
    targets: pd.DataFrame,
    outturns: pd.DataFrame,
    rag: Mapping | None = None,
    with_summaries: bool = True,
) -> pd.DataFrame:
    """One row per outturn row, sorted by measure and then chronologically, with the columns
    :data:`PERFORMANCE_COLUMNS`: the target used, computed and shown status, reason, override
    reason, both directions of travel and the plain-English ``summary`` (left empty when
    ``with_summaries`` is false, for checks that need only the statuses); then
    :data:`COMPARED_COLUMNS`, the figures the directions compared with (not published)."""
    from . import summary

    unknown = set(outturns["measure_id"]) - set(measures["measure_id"])
    if unknown:
        raise ValueError(f"outturns for unknown measures: {', '.join(sorted(map(str, unknown)))}")
    work = outturns.reset_index(drop=True).merge(
        measures[_MEASURE_COLUMNS], on="measure_id", how="left", validate="many_to_one"
    )
    for name in ("missing_reason", "status_override", "override_reason", "revision_note", "unit_label"):
        work[name] = work[name].fillna("").astype(str) if name in work else ""
    work["value"] = work["value"].astype("float64")
    info = _period_info(work["period"])
    cumulative = (work["aggregation"] == "cumulative").to_numpy()
    work["target"], work["target_period"] = _targets_for(
        work["measure_id"], work["period"], cumulative, targets, info
    )
    work["year_target"] = _lookup(targets, "target")(work["measure_id"], info.loc[work["period"], "year_id"])
    work = pd.concat([work, compute_status(work, rag)], axis=1)
    work = pd.concat(
        [work, apply_overrides(work["computed_status"], work["status_override"], work["value"])], axis=1
    )
    work["override_reason"] = work["override_reason"].where(work["status_source"] == "override", "")
    work = pd.concat([work, direction_of_travel(work)], axis=1)
    # the tolerances and type describe a comparison with a target: none is made for a grey figure
    judged = work["status_reason"].map(REASONS).ne("grey")
    for name in ("green_tolerance_used", "amber_tolerance_used"):
        work[name] = work[name].where(judged)
    work["tolerance_type"] = work["tolerance_type"].where(judged, "")
    work["period_start"] = info.loc[work["period"], "start"].to_numpy()
    work["period_end"] = info.loc[work["period"], "end"].to_numpy()
    work["summary"] = summary.summaries(work) if with_summaries else ""
    sort_end = info.loc[work["period"], "sort_end"].to_numpy()
    sort_kind = info.loc[work["period"], "sort_kind"].to_numpy()
    order = np.lexsort((sort_kind, sort_end, work["measure_id"].to_numpy(str)))
    return work.iloc[order][[*PERFORMANCE_COLUMNS, *COMPARED_COLUMNS]].reset_index(drop=True)


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
