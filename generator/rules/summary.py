"""Plain-English summary sentences: one short paragraph per measure and period.

Written for residents and screen readers, and shown beside every chart so a chart is never the
only carrier of its information. For example::

    Household waste recycled or composted: 47.3% in Q2 2026/27 (July to September 2026). That is
    2.7 percentage points below the target of 50.0%, within the tolerance of 10% of the target, so
    it is rated amber. It is up from 45.1% in the previous quarter (better) and down from 48.2% in
    the same quarter last year (worse).

The sentences state what :mod:`perfsite.rules` decided and never decide anything themselves:
every figure is rounded to the measure's decimal places with :mod:`perfsite.standard.formatting`, the same
arithmetic the rules use, so the words always agree with the figures on the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import pandas as pd

from ..standard import periods
from ..standard.formatting import (
    decimals_of,
    format_difference,
    format_fraction_as_percent,
    format_quantised,
    quantise,
    quantise_scalar,
)

#: the columns of the working frame (see ``rules.performance_table``) a sentence is made from
FIELDS = (
    "title",
    "unit",
    "unit_label",
    "polarity",
    "decimal_places",
    "aggregation",
    "period",
    "value",
    "target",
    "year_target",
    "status",
    "computed_status",
    "status_source",
    "status_reason",
    "override_reason",
    "missing_reason",
    "revision_note",
    "green_tolerance_used",
    "amber_tolerance_used",
    "tolerance_type",
    "previous_value",
    "year_earlier_value",
    "direction_vs_previous",
    "direction_vs_last_year",
)
_RATED = {
    "on_or_better_than_target",
    "within_green_tolerance",
    "within_amber_tolerance",
    "outside_amber_tolerance",
}
_QUALIFIER = {"improving": " (better)", "worsening": " (worse)"}


_NUMBERS = ("value", "target", "year_target", "previous_value", "year_earlier_value")


def summaries(frame: pd.DataFrame) -> pd.Series:
    """The summary of every row of ``frame`` (which has the columns :data:`FIELDS`).

    The figures are rounded here, vectorised, with the very function the rules use. For a large
    council this runs while frictionless checks the files in a second process (see
    :func:`perfsite.site.sitegen.generate`), so it is not split again: a third process cost more in
    copied memory than it saved."""
    columns = {name: frame[name].tolist() for name in FIELDS}
    dp = frame["decimal_places"].astype("int64").to_numpy()
    for name in _NUMBERS:
        numbers = frame[name].astype("float64")
        quantised = quantise(numbers.fillna(0).to_numpy(), dp).tolist()
        columns[f"{name}_q"] = [
            None if missing else q for q, missing in zip(quantised, numbers.isna(), strict=True)
        ]
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    return pd.Series(
        [describe(dict(zip(names, row, strict=True))) for row in rows], index=frame.index, dtype=object
    )


def describe(row: Mapping) -> str:
    """The summary of one measure in one period, from a mapping with the keys :data:`FIELDS`."""
    n = _Numbers(row)
    title = _text(row["title"]).rstrip(".") or "This measure"
    if n.value is None:
        parts = [f"{title}: there is no figure for {_label(row['period'])}."]
        if _text(row["missing_reason"]):
            parts.append(f"Reason given: {_sentence(row['missing_reason'])}")
        parts.append(_status_clause(row, start=True))
    else:
        cumulative = row["aggregation"] == "cumulative"
        parts = [f"{title}: {n.show(n.value)} {_when(row['period'], cumulative)}."]
        parts.append(_against_target(row, n))
        parts.append(_travel(row, n, cumulative))
    if _text(row["revision_note"]):
        parts.append(f"Revision note: {_sentence(row['revision_note'])}")
    return " ".join(p for p in parts if p)


# -- pieces ----------------------------------------------------------------------------------------
class _Numbers:
    """A row's figures quantised at the measure's precision, and how to show them."""

    def __init__(self, row: Mapping):
        self.row = row
        self.unit = row["unit"]
        self.label = _text(row["unit_label"])
        self.dp = int(row["decimal_places"])
        self.value = self.q("value")
        self.target = self.q("target")
        self.compact = self.unit == "currency_gbp" and self._compact_is_clear()

    def q(self, name: str) -> int | None:
        """A figure of the row, quantised (precomputed as ``<name>_q`` by :func:`summaries`)."""
        if f"{name}_q" in self.row:
            return self.row[f"{name}_q"]
        number = self.row[name]
        return None if number is None or pd.isna(number) else quantise_scalar(number, self.dp)

    def _compact_is_clear(self) -> bool:
        """£1.2m is used only when no two different figures of the sentence would both read £1.2m."""
        figures = {self.q(name) for name in _NUMBERS} - {None}
        shown = {format_quantised(q, self.unit, self.dp, compact=True) for q in figures}
        return len(shown) == len(figures)

    def show(self, q: int) -> str:
        return format_quantised(q, self.unit, self.dp, self.label, self.compact)

    def difference(self, q: int) -> str:
        return format_difference(q, self.unit, self.dp, self.label, self.compact)


def _against_target(row: Mapping, n: _Numbers) -> str:
    reason = row["status_reason"]
    if reason == "monitoring_only":
        return "There is no target for this measure; it is monitored only, " + _status_clause(row)
    if reason == "no_polarity":
        return "Neither a higher nor a lower figure is better for this measure, " + _status_clause(row)
    if reason == "no_target":
        year_target = n.q("year_target")
        if row["aggregation"] == "cumulative" and year_target is not None:
            return (
                f"There is only a target for the whole year ({n.show(year_target)}), not for this point "
                "in the year, " + _status_clause(row)
            )
        return "There is no target for this period, " + _status_clause(row)
    if reason not in _RATED:
        return _status_clause(row, start=True)
    gap = n.value - n.target
    target_text = n.show(n.target)
    hint = " (lower is better)" if row["polarity"] == "lower_is_better" else ""
    if gap == 0:
        text = f"That is exactly on the target of {target_text}"
    else:
        text = (
            f"That is {n.difference(gap)} {_more_or_less(row['unit'], gap)} the target of {target_text}{hint}"
        )
    tolerance = _tolerance_clause(row, n)
    return f"{text}, {tolerance + ', ' if tolerance else ''}{_status_clause(row)}"


def _more_or_less(unit: str, gap: int) -> str:
    if unit == "count":
        return "more than" if gap > 0 else "fewer than"
    if unit == "currency_gbp":
        return "more than" if gap > 0 else "less than"
    return "above" if gap > 0 else "below"


def _tolerance_clause(row: Mapping, n: _Numbers) -> str:
    reason = row["status_reason"]
    green, amber = float(row["green_tolerance_used"]), float(row["amber_tolerance_used"])
    relative = row["tolerance_type"] == "relative"
    if relative and n.target == 0:
        return ""  # any share of a zero target is zero

    def size(tolerance: float) -> str:
        if relative:
            return f"{format_fraction_as_percent(tolerance)} of the target"
        places = max(decimals_of(tolerance), 0)
        return format_difference(quantise_scalar(tolerance, places), n.unit, places, n.label)

    if reason == "within_green_tolerance":
        return f"within the green tolerance of {size(green)}"
    if reason == "within_amber_tolerance":
        if green > 0:
            return (
                f"beyond the green tolerance of {size(green)} but within the amber tolerance of {size(amber)}"
            )
        return f"within the tolerance of {size(amber)}"
    if reason == "outside_amber_tolerance" and amber > 0:
        return f"more than the {'amber ' if green > 0 else ''}tolerance of {size(amber)}"
    return ""


def _status_clause(row: Mapping, start: bool = False) -> str:
    """How the sentence ends: the status, and any officer override with its reason."""
    computed = row["computed_status"]
    if row["status_source"] == "override":
        text = f"the rules rate it {computed}. An officer rated it {row['status']} instead."
        reason = _text(row["override_reason"])
        if reason:
            text += f" Reason given: {_sentence(reason)}"
    else:
        text = "it is not rated (grey)." if computed == "grey" else f"it is rated {computed}."
    return text[0].upper() + text[1:] if start else "so " + text


def _travel(row: Mapping, n: _Numbers, cumulative: bool) -> str:
    """'It is up from 45.1% in the previous quarter (better) and …' — only what can be compared."""
    kind = periods.parse(row["period"]).kind
    parts = []
    if kind != "year" and not cumulative:
        parts.append(_change(n, "previous_value", row["direction_vs_previous"], f"in the previous {kind}"))
    if kind == "year":
        when = f"in {periods.parse(row['period']).year_earlier().short_label()}"
    elif cumulative:
        when = "at the same point last year"
    else:
        when = f"in the same {kind} last year"
    parts.append(_change(n, "year_earlier_value", row["direction_vs_last_year"], when))
    parts = [p for p in parts if p]
    if not parts:
        return ""
    # a measure without polarity still compares: say so, unless the sentence already has
    neutral = row["polarity"] == "none" and row["status_reason"] != "no_polarity"
    return f"It is {' and '.join(parts)}{'; neither higher nor lower is better' if neutral else ''}."


def _change(n: _Numbers, other: str, direction: str, when: str) -> str:
    before = n.q(other)
    if before is None:
        return ""
    qualifier = _QUALIFIER.get(direction, "")
    if before == n.value:
        return f"unchanged from {when.split(' ', 1)[1]}"
    word = "up" if n.value > before else "down"
    return f"{word} from {n.show(before)} {when}{qualifier}"


# -- text helpers ----------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _label(period_id: str) -> str:
    return periods.parse(period_id).label()


@lru_cache(maxsize=4096)
def _when(period_id: str, cumulative: bool) -> str:
    """'in Q2 2026/27 (July to September 2026)'; for a running total 'from April to September 2026 …'."""
    p = periods.parse(period_id)
    first, last = p.start_year * 12 + 3, p.months()[1]
    if not cumulative or p.kind == "year" or first == last:
        return f"in {p.label()}"
    if first // 12 == last // 12:
        span = f"from {periods.month_name(first)} to {periods.month_year(last)}"
    else:
        span = f"from {periods.month_year(first)} to {periods.month_year(last)}"
    return f"{span} (year to date at {p.short_label()})" if p.kind == "quarter" else f"{span} (year to date)"


_SPACE = re.compile(r"\s+")


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _SPACE.sub(" ", str(value)).strip()


def _sentence(value) -> str:
    """Officer text as one sentence: whitespace collapsed, a full stop added when it has none."""
    text = _text(value)
    return text if text.endswith((".", "!", "?")) else f"{text}."
