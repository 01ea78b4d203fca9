"""Row builders for tests of the rules and sentences: one measure or outturn as the loader types it."""

from __future__ import annotations

NAN = float("nan")


def measure_row(measure_id: str = "m1", **fields) -> dict:
    """A measures row with every column of the standard (a quarterly percent snapshot unless told)."""
    row = dict(
        measure_id=measure_id,
        objective_id="o1",
        title="Household waste recycled or composted",
        description="",
        directorate="",
        service="",
        committee="",
        unit="percent",
        unit_label="",
        polarity="higher_is_better",
        decimal_places=1,
        frequency="quarterly",
        aggregation="snapshot",
        is_key=False,
        monitoring_only=False,
        green_tolerance=NAN,
        amber_tolerance=NAN,
        sort_order=NAN,
    )
    row.update(fields)
    return row


def outturn_row(measure_id: str, period: str, value: float, **fields) -> dict:
    """An outturns row with every column of the standard."""
    row = dict(
        measure_id=measure_id,
        period=period,
        value=value,
        missing_reason="",
        status_override="",
        override_reason="",
        commentary="",
        data_quality_note="",
        revision_note="",
    )
    row.update(fields)
    return row
