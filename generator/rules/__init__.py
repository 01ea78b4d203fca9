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

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .headlines import (
    GREY_WORDS,
    HEADLINE_COLUMNS,
    HEADLINE_GROUPING,
    HEADLINE_KINDS,
    ON_TARGET_GROUPINGS,
    RATED,
    Headline,
    headline,
    headline_counts,
    headline_kind,
    headlines_by,
    missing_exception_reports,
    row_kinds,
)
from .rag import DEFAULT_RAG, REASONS, STATUSES, TOLERANCE_DIGITS, apply_overrides, compute_status
from .targets import _lookup, _period_info, _targets_for, applicable_targets
from .travel import DIRECTIONS, direction_of_travel

# the rules, read as one: ``rules.performance_table``, ``rules.headline``, ``rules.DEFAULT_RAG``…
__all__ = [
    "COMPARED_COLUMNS",
    "DEFAULT_RAG",
    "DIRECTIONS",
    "GREY_WORDS",
    "HEADLINE_COLUMNS",
    "HEADLINE_GROUPING",
    "HEADLINE_KINDS",
    "MEASURE_CONTEXT_COLUMNS",
    "ON_TARGET_GROUPINGS",
    "PERFORMANCE_COLUMNS",
    "PUBLISHED_COLUMNS",
    "RATED",
    "REASONS",
    "STATUSES",
    "TOLERANCE_DIGITS",
    "Headline",
    "applicable_targets",
    "apply_overrides",
    "compute_status",
    "direction_of_travel",
    "headline",
    "headline_counts",
    "headline_kind",
    "headlines_by",
    "missing_exception_reports",
    "performance_table",
    "row_kinds",
]


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
