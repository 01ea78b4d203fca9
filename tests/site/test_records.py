"""Table rows as records for the templates: every kind of missing cell becomes None, in long
tables (found at once) as in short ones (cell by cell)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from perfsite.site.page import template_rows as _records


def table(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    values = rng.normal(size=n)
    values[rng.random(n) < 0.3] = np.nan
    return pd.DataFrame(
        {
            "measure_id": [f"M{i:04d}" for i in range(n)],
            "value": values,
            "count": pd.array([None if i % 7 == 0 else i for i in range(n)], dtype="Int64"),
            "note": [None if i % 5 == 0 else ("" if i % 5 == 1 else f"note {i}") for i in range(n)],
            "mixed": [np.nan if i % 3 == 0 else (pd.NA if i % 3 == 1 else "x") for i in range(n)],
            "when": pd.to_datetime([None if i % 4 == 0 else "2026-01-31" for i in range(n)]),
        }
    )


def is_missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


@pytest.mark.parametrize("n", [3, 199, 200, 650])
def test_missing_cells_become_none_and_the_rest_is_kept(n):
    frame = table(n)
    records = _records(frame)
    assert len(records) == n
    for record, row in zip(records, frame.to_numpy(dtype=object).tolist(), strict=True):
        assert list(record) == list(frame.columns)
        for value, original in zip(record.values(), row, strict=True):
            if is_missing(original):
                assert value is None
            else:
                assert value is original or value == original
    assert any(r["note"] == "" for r in records)  # an empty text is not missing
