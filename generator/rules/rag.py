"""Status: green, amber, red or grey, from a figure, its target and the council's tolerances; an
officer's override where one is given (see the rules page)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..standard import DEFAULT_RAG  # the standard's defaults, defined once there
from ..standard.formatting import quantise

STATUSES = ("red", "amber", "green", "grey")

#: reason code → status it gives (the table on the rules page, perfsite.rules' docstring, explains each)
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

#: tolerances are read to this many decimal places (0.000001)
TOLERANCE_DIGITS = 6


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
