"""A realistic district council whose measures are mostly annual: grey for most of the year.

27 measures: 20 reported once a year (a resident survey, carbon, homes delivered…), 4 monthly,
2 running totals for the year to date (targets for the whole year only) and 1 monitored only,
where neither a higher nor a lower figure is better. Five quarters are published:

- Q1 2024/25: the monthly measures are rated, the rest are grey;
- Q2 2024/25: the case system was down, so every monthly figure is missing: **nothing is rated**;
- Q3 2024/25: no report was published (the committee did not meet): **a gap in the sequence**;
- Q4 2024/25: the annual figures are due, so nearly everything is rated;
- Q1 and Q2 2025/26: annual measures are grey again (not due until the year end).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from perfsite import standard
from perfsite.commands import publish
from perfsite.commands.package import descriptor_for

COUNCIL = "Eastfold District Council"
PRIORITIES = [("place", "A greener place"), ("people", "Healthy people"), ("council", "A well-run council")]
QUARTERS = {  # published quarter → (committee date, published date)
    "2024-25-Q1": ("2024-09-12", "2024-09-19"),
    "2024-25-Q2": ("2024-11-21", "2024-11-28"),
    "2024-25-Q4": ("2025-06-19", "2025-06-26"),
    "2025-26-Q1": ("2025-09-11", "2025-09-18"),
    "2025-26-Q2": ("2025-11-20", "2025-11-27"),
}
OUTAGE = "The case management system was offline; the figure will be restated next quarter."
#: 2024-25 annual figures against a target of 50 (higher is better) or 20 (lower is better):
#: green, amber (within 5%) and red in turn
ANNUAL_VALUES = [55, 49, 40, 61, 48.5, 52, 30, 50, 49.9, 70, 18, 20.5, 25, 19, 21, 15, 20, 20.9, 30, 12]


def _write(path: Path, name: str, rows: list[dict]) -> None:
    columns = standard.field_names(name)
    with open(path / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def _measure(measure_id: str, objective: str, title: str, **fields) -> dict:
    return {
        "measure_id": measure_id,
        "objective_id": objective,
        "title": title,
        "description": f"{title}.",
        "directorate": "Place" if objective == "o-place" else "Corporate",
        "unit": "percent",
        "polarity": "higher_is_better",
        "decimal_places": "1",
        "frequency": "annual",
        "aggregation": "snapshot",
        "is_key": "false",
        "monitoring_only": "false",
        **fields,
    }


def annual_council(where: Path) -> Path:
    """Write the package into ``where`` (archived as published, as ``publish --adopt`` does)."""
    where.mkdir(parents=True, exist_ok=True)
    objectives = [o for o, _ in PRIORITIES]
    measures, targets, outturns = [], [], []
    for i, value in enumerate(ANNUAL_VALUES, start=1):
        lower = i > 10
        m = _measure(
            f"A{i:02d}",
            f"o-{objectives[i % 3]}",
            f"Annual measure {i}: {'days to settle a claim' if lower else 'residents satisfied'}",
            polarity="lower_is_better" if lower else "higher_is_better",
            unit="days" if lower else "percent",
            is_key="true" if i in (1, 11) else "false",
        )
        measures.append(m)
        for year in ("2024-25", "2025-26"):
            targets.append({"measure_id": m["measure_id"], "period": year, "target": "20" if lower else "50"})
        outturns.append({"measure_id": m["measure_id"], "period": "2024-25", "value": str(value)})
    monthly_values = {  # per measure: a value per month; None = missing (the outage)
        "M01": [91, 92, 93, 90, 91, None, 0, 0, 0, 94, 95, 96],
        "M02": [80, 81, 79, 78, 77, None, 0, 0, 0, 70, 71, 72],
        "M03": [60, 61, 62, 63, 64, None, 0, 0, 0, 65, 66, 67],
        "M04": [99, 98, 97, 96, 95, None, 0, 0, 0, 99, 99, 99],
    }
    this_year = {
        "M01": [95, 96, 97, 98, 92, 93],
        "M02": [85, 86, 88, 70, 71, 66],
        "M03": [50, 55, 58, 60, 61, None],
        "M04": [99, 99, 99, 99, 99, 99],
    }
    for k, (measure_id, values) in enumerate(monthly_values.items()):
        m = _measure(
            measure_id,
            f"o-{objectives[k % 3]}",
            f"Monthly measure {k + 1}: calls answered",
            frequency="monthly",
            is_key="true" if k == 0 else "false",
        )
        measures.append(m)
        for year in ("2024-25", "2025-26"):
            targets.append({"measure_id": measure_id, "period": year, "target": "90" if k != 2 else "60"})
        for month, value in enumerate(values, start=1):
            if 7 <= month <= 9:
                continue  # Q3 was never reported
            period = f"2024-25-M{month:02d}"
            outturns.append(
                {
                    "measure_id": measure_id,
                    "period": period,
                    "value": "" if value is None else str(value),
                    "missing_reason": OUTAGE if value is None else "",
                }
            )
        for month, value in enumerate(this_year[measure_id], start=1):
            outturns.append(
                {
                    "measure_id": measure_id,
                    "period": f"2025-26-M{month:02d}",
                    "value": "" if value is None else str(value),
                    "missing_reason": "Not yet collected." if value is None else "",
                }
            )
    for k, measure_id in enumerate(("Y01", "Y02")):
        m = _measure(
            measure_id,
            "o-place",
            f"Homes delivered so far this year ({k + 1})",
            unit="count",
            unit_label="homes",
            decimal_places="0",
            frequency="quarterly",
            aggregation="cumulative",
        )
        measures.append(m)
        for year in ("2024-25", "2025-26"):
            targets.append({"measure_id": measure_id, "period": year, "target": "200"})
        running = {
            "2024-25-Q1": 40,
            "2024-25-Q2": 95,
            "2024-25-Q4": 210 - 30 * k,
            "2025-26-Q1": 45,
            "2025-26-Q2": 100,
        }
        outturns += [{"measure_id": measure_id, "period": p, "value": str(v)} for p, v in running.items()]
    measures.append(
        _measure(
            "N01",
            "o-place",
            "Planning applications received",
            unit="count",
            unit_label="applications",
            decimal_places="0",
            polarity="none",
            frequency="quarterly",
            monitoring_only="true",
            is_key="true",
        )
    )
    received = {"2024-25-Q1": 590, "2024-25-Q2": 602, "2024-25-Q4": 588, "2025-26-Q1": 640, "2025-26-Q2": 602}
    outturns += [{"measure_id": "N01", "period": p, "value": str(v)} for p, v in received.items()]
    for row in outturns:
        row.setdefault("missing_reason", "")
    _write(
        where,
        "priorities",
        [{"priority_id": p, "title": t, "sort_order": str(n)} for n, (p, t) in enumerate(PRIORITIES)],
    )
    _write(
        where,
        "objectives",
        [
            {"objective_id": f"o-{p}", "priority_id": p, "title": f"Objective of {t.lower()}"}
            for p, t in PRIORITIES
        ],
    )
    _write(where, "measures", measures)
    _write(where, "targets", targets)
    _write(where, "outturns", outturns)
    for name in ("methodology", "exceptions", "projects", "project_updates", "benchmarks", "withdrawals"):
        _write(where, name, [])
    _write(
        where,
        "publications",
        [
            {
                "period": q,
                "title": f"Performance report {q}",
                "committee": "Scrutiny Committee",
                "committee_date": c,
                "status": "published",
                "published_date": d,
            }
            for q, (c, d) in QUARTERS.items()
        ],
    )
    descriptor = descriptor_for(COUNCIL, list(standard.RESOURCES), schema_prefix=None)
    descriptor["plan"] = {"title": "Council Plan 2024-2026", "start": "2024-25", "end": "2025-26"}
    descriptor["site_url"] = "https://performance.eastfold.example/"
    (where / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    publish.adopt(where, today=dt.date(2100, 1, 1))
    return where
