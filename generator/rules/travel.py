"""Direction of travel: each figure against the previous period's and the same period a year
earlier, by the measure's polarity (see the rules page)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..standard.formatting import quantise
from .targets import _lookup, _period_info

#: direction of travel; ``higher`` and ``lower`` only where neither is better (polarity none)
DIRECTIONS = ("improving", "worsening", "unchanged", "higher", "lower", "not_comparable")


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
