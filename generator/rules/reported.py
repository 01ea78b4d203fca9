"""Printed statuses: what a council's own report said, beside what perfsite computes.

A council moving an existing report onto perfsite can give, in ``outturns.reported_status``, the
status its report printed for each figure. The site always shows the status perfsite's rules
compute (an officer's ``status_override``, with its reason, is the only way to show another). This
module says, for every figure whose printed status differs from the one the site shows, why:

- ``override``: an officer's override shows another status;
- ``monitoring only``: the measure is monitored only, so perfsite does not rate it;
- ``polarity``: the measure has no better direction (``polarity`` none), or the other direction
  would put the figure on the side of its target the printed status says;
- ``no figure``: there is no value;
- ``missing target``: perfsite found no target that applies, or the council did not rate a figure
  that perfsite compares with a target;
- ``rounding``: compared unrounded, or as whole numbers, the figure gets the printed status
  (perfsite compares the figure and the target rounded to the measure's decimal places);
- ``tolerance``: other tolerances (a council's own key, e.g. green within 5% of target and amber
  within 10%) give the printed status;
- ``unexplained``: none of these; the figure, the target or the printed status needs checking.

It also tries a small grid of common tolerance settings and says which reproduces the most printed
statuses. Pure functions over typed frames (:func:`perfsite.files.load.typed`); no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .. import rules
from ..standard.formatting import MAX_SCALED

#: the common tolerance settings tried: green within 0, 2.5% or 5% of target and amber within 5%,
#: 10% or 15% (relative), and the same numbers in each measure's own units (absolute)
GREEN_TRIED = (0.0, 0.025, 0.05)
AMBER_TRIED = (0.05, 0.10, 0.15)
ABSOLUTE_SCALE = 100  # 0.05 relative is tried as 5 units absolute
GRID = tuple(
    {"green_tolerance": g * scale, "amber_tolerance": a * scale, "tolerance_type": kind}
    for kind, scale in (("relative", 1), ("absolute", ABSOLUTE_SCALE))
    for g in GREEN_TRIED
    for a in AMBER_TRIED
)
#: decimal places a figure is compared at when rounding is tried: as typed (capped so that the
#: arithmetic stays exact) and as whole numbers
UNROUNDED_PLACES = 6

_MEASURE_COLUMNS = [
    "measure_id",
    "polarity",
    "decimal_places",
    "frequency",
    "aggregation",
    "monitoring_only",
    "green_tolerance",
    "amber_tolerance",
]


@dataclass(frozen=True)
class Fit:
    """A tolerance setting and how many printed statuses the site would show with it."""

    green_tolerance: float
    amber_tolerance: float
    tolerance_type: str
    reproduced: int
    compared: int

    def rag(self) -> dict:
        """The setting as ``datapackage.json``'s ``rag`` would hold it."""
        return {
            "green_tolerance": _tidy(self.green_tolerance),
            "amber_tolerance": _tidy(self.amber_tolerance),
            "tolerance_type": self.tolerance_type,
        }

    def words(self) -> str:
        return describe(self.rag())

    def to_dict(self) -> dict:
        return {**self.rag(), "reproduced": self.reproduced, "compared": self.compared, "words": self.words()}


@dataclass(frozen=True)
class Disagreement:
    """A figure whose printed status is not the one the site shows, and why."""

    measure_id: str
    period: str
    reported_status: str
    status: str
    cause: str
    explanation: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Comparison:
    """Every printed status compared: the package's settings, the best of the grid, the differences."""

    current: Fit
    best: Fit
    disagreements: list[Disagreement]

    @property
    def suggestion(self) -> Fit | None:
        """The best setting of the grid, when it reproduces more printed statuses than the package's."""
        return self.best if self.best.reproduced > self.current.reproduced else None


def _tidy(number: float) -> float | int:
    rounded = round(float(number), 6)
    return int(rounded) if rounded == int(rounded) else rounded


def _percent(fraction: float) -> str:
    return f"{_tidy(fraction * 100)}%"


def describe(rag: Mapping) -> str:
    """Tolerances in words: ``green within 5% of target, amber within 10%``."""
    green, amber = float(rag["green_tolerance"]), float(rag["amber_tolerance"])
    if rag["tolerance_type"] == "relative":
        g, a = _percent(green), _percent(amber)
        unit = ""
    else:
        g, a = str(_tidy(green)), str(_tidy(amber))
        unit = " (absolute, in each measure's units)"
    first = "green when on target or better" if green == 0 else f"green within {g} of target"
    return f"{first}, amber within {a}{unit}"


def _settings(rag: Mapping | None) -> dict:
    given = {k: v for k, v in (rag or {}).items() if v is not None}
    return {**rules.DEFAULT_RAG, **given}


def _compared_rows(measures: pd.DataFrame, targets: pd.DataFrame, outturns: pd.DataFrame) -> pd.DataFrame:
    """Outturn rows with a printed status, with their measure's columns and the target that applies."""
    printed = outturns["reported_status"].fillna("").astype(str).str.strip().str.lower()
    given = outturns[printed.isin(rules.STATUSES)].assign(reported_status=printed)
    given = given[given["measure_id"].isin(set(measures["measure_id"]))]
    rows = rules.applicable_targets(measures, targets, given.reset_index(drop=True))
    columns = [c for c in _MEASURE_COLUMNS if c in measures.columns]
    rows = rows.merge(measures[columns].drop_duplicates("measure_id"), on="measure_id", how="left")
    rows["status_override"] = rows["status_override"].fillna("").astype(str)
    return rows


def _shown(rows: pd.DataFrame, rag: Mapping) -> pd.DataFrame:
    computed = rules.compute_status(rows, rag)
    return pd.concat(
        [
            computed,
            rules.apply_overrides(computed["computed_status"], rows["status_override"], rows["value"]),
        ],
        axis=1,
    )


def _places_as_typed(rows: pd.DataFrame) -> np.ndarray:
    """Decimal places for comparing unrounded: as many as the arithmetic allows exactly."""
    size = np.maximum(rows["value"].abs().fillna(0), rows["target"].abs().fillna(0)).to_numpy(float)
    room = np.floor(np.log10(MAX_SCALED / np.maximum(size, 1.0))) - 1
    return np.clip(room, 0, UNROUNDED_PLACES).astype("int64")


#: whether a status says the target was met or missed (grey: neither)
SIDES = {"green": "met", "amber": "missed", "red": "missed"}


def _side(status: pd.Series) -> pd.Series:
    return status.map(SIDES)


def _fit(rag: Mapping, shown: pd.Series, printed: pd.Series) -> Fit:
    settings = _settings(rag)
    return Fit(
        float(settings["green_tolerance"]),
        float(settings["amber_tolerance"]),
        str(settings["tolerance_type"]),
        int((shown == printed).sum()),
        len(printed),
    )


def compare(
    measures: pd.DataFrame, targets: pd.DataFrame, outturns: pd.DataFrame, rag: Mapping | None = None
) -> Comparison | None:
    """Every printed status (``outturns.reported_status``) against the status the site shows, or
    ``None`` when no figure has one. Frames are typed and hold only rows that could be read."""
    if "reported_status" not in outturns.columns:
        return None
    rows = _compared_rows(measures, targets, outturns)
    if rows.empty:
        return None
    settings = _settings(rag)
    printed = rows["reported_status"]
    now = _shown(rows, settings)
    current = _fit(settings, now["status"], printed)
    tried = [_shown(rows, setting)["status"] for setting in GRID]
    fits = [_fit(setting, status, printed) for setting, status in zip(GRID, tried, strict=True)]
    best, best_status = current, None
    for fit, status in zip(fits, tried, strict=True):  # on a tie, the package's own, then the grid's order
        if fit.reproduced > best.reproduced:
            best, best_status = fit, status

    unrounded = _shown(rows.assign(decimal_places=_places_as_typed(rows)), settings)["status"]
    whole = _shown(rows.assign(decimal_places=0), settings)["status"]
    flip = {"higher_is_better": "lower_is_better", "lower_is_better": "higher_is_better"}
    flipped = _shown(rows.assign(polarity=rows["polarity"].map(flip).fillna("none")), settings)
    side_now, side_flipped = _side(now["computed_status"]), _side(flipped["computed_status"])

    out = []
    for i in np.flatnonzero((now["status"] != printed).to_numpy()).tolist():
        row, shown, said = rows.iloc[i], now.iloc[i], printed.iat[i]
        side = SIDES.get(said)
        cause, why = _cause(
            row,
            shown,
            said,
            settings,
            rounding=(unrounded.iat[i] == said, whole.iat[i] == said),
            best=best if best_status is not None and best_status.iat[i] == said else None,
            other=next((f for f, status in zip(fits, tried, strict=True) if status.iat[i] == said), None),
            polarity=side is not None and side_flipped.iat[i] == side and side_now.iat[i] != side,
        )
        out.append(
            Disagreement(str(row["measure_id"]), str(row["period"]), said, shown["status"], cause, why)
        )
    return Comparison(current, best, out)


def _figure(value: float) -> str:
    return f"{_tidy(value)}"


def _rounded(row: pd.Series, target: str, how: str, said: str) -> str:
    places = int(row["decimal_places"])
    return (
        f"perfsite compares the figure and {target} rounded to {places} decimal "
        f"place{'' if places == 1 else 's'}; compared {how} they give {said}"
    )


def _cause(
    row: pd.Series,
    shown: pd.Series,
    said: str,
    settings: Mapping,
    rounding: tuple[bool, bool],
    best: Fit | None,
    other: Fit | None,
    polarity: bool,
) -> tuple[str, str]:
    """The cause of one disagreement, and what to tell the officer; the first that fits, in order."""
    status, reason = shown["status"], shown["status_reason"]
    if shown["status_source"] == "override":
        return "override", f"an officer's status_override shows {status} ({row['status_override']})"
    if reason == "monitoring_only":
        return "monitoring only", "the measure is monitoring only, so perfsite does not rate it"
    if reason == "no_polarity":
        return (
            "polarity",
            "the measure's polarity is none, so perfsite does not rate it; set higher_is_better or "
            "lower_is_better if one is better",
        )
    if reason == "no_value":
        return "no figure", "there is no figure for the period, so perfsite shows grey"
    if reason == "no_target":
        return (
            "missing target",
            f"perfsite found no target that applies to {row['period']} (a running total is compared only "
            "with a target for a period ending at the same time); add the target to targets.csv",
        )
    target = f"the {row['target_period']} target of {_figure(row['target'])}"
    if said == "grey":
        return "missing target", f"the council did not rate it, but perfsite compares it with {target}"
    exact, whole = rounding
    now = describe(settings)
    if exact:
        return "rounding", _rounded(row, target, "unrounded", said)
    if best is not None:  # the setting suggested for the whole package explains it
        return "tolerance", f"it would be {said} with {best.words()}; the package uses {now}"
    if whole:
        return "rounding", _rounded(row, target, "as whole numbers", said)
    if polarity:
        other = "lower" if row["polarity"] == "higher_is_better" else "higher"
        return (
            "polarity",
            f"if {other} were better the figure would be {said} against {target}: check the measure's polarity",
        )
    if other is not None:
        return "tolerance", f"it would be {said} with {other.words()}; the package uses {now}"
    return (
        "unexplained",
        f"no tolerance, rounding or polarity explains it: check the figure, {target} and the printed status",
    )
