"""Synthetic packages of any size, for benchmarks and tests (``perfsite synth``).

The shapes are realistic: every unit, polarity, frequency and aggregation; values that
drift around their targets so statuses mix; reds with exception reports (found by the
rules engine itself); a methodology statement for every measure; a few missing values
and officer overrides; quarterly project updates. The last quarter is approved but not
yet published; the others are archived as adopted (``publish --adopt``). Same seed, same bytes.
synth writes only a new or empty folder (see :mod:`perfsite.files.guard`) and records what it made in
a marker file, so that only that is replaced by a later ``synth --force``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pandas as pd

from .. import rules, standard
from ..errors import PerfsiteError
from ..files.guard import (
    SYNTH,
    SYNTH_MARKER,
    files_digest,
    guard_write_target,
    move_into,
    synth_made,
    temp_beside,
    writing,
)
from ..standard import periods
from .package import descriptor_for

# unit, polarity, decimal places, typical level, spread, aggregation, frequency, monitoring only
SHAPES = [
    ("percent", "higher_is_better", 1, 75.0, 6.0, "snapshot", "quarterly", False),
    ("count", "higher_is_better", 0, 1200.0, 150.0, "cumulative", "quarterly", False),
    ("days", "lower_is_better", 1, 14.0, 2.0, "snapshot", "quarterly", False),
    ("percent", "higher_is_better", 1, 96.0, 1.5, "cumulative", "quarterly", False),
    ("currency_gbp", "lower_is_better", 0, 250000.0, 30000.0, "snapshot", "quarterly", False),
    ("rate", "lower_is_better", 2, 45.0, 6.0, "snapshot", "monthly", False),
    ("weeks", "lower_is_better", 1, 11.0, 1.5, "snapshot", "quarterly", False),
    ("percent_change", "higher_is_better", 1, 2.0, 3.0, "snapshot", "annual", False),
    ("score", "higher_is_better", 1, 6.5, 0.6, "snapshot", "annual", False),
    ("minutes", "lower_is_better", 0, 6.0, 1.5, "snapshot", "monthly", False),
    ("ratio", "lower_is_better", 2, 1.2, 0.2, "snapshot", "quarterly", False),
    ("number", "none", 0, 90.0, 20.0, "snapshot", "quarterly", True),
    ("count", "lower_is_better", 0, 300.0, 60.0, "snapshot", "quarterly", True),
]


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c, "")) for c in columns})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _round(value: float, places: int) -> str:
    text = f"{value:.{places}f}"
    return "0" if float(text) == 0 else text


def _typed_csv(path: Path, resource: str) -> pd.DataFrame:
    from ..files.load import Package, read_csv_text, typed

    package = Package(
        path=path.parent, raw={resource: read_csv_text(path.read_text(encoding="utf-8"), resource)}
    )
    return typed(package)[resource]


def synthesise(
    out_dir: str | Path, measures: int, years: int, projects: int, seed: int = 1, force: bool = False
) -> Path:
    """Write a valid package of the given size into ``out_dir``, a new or empty folder.

    With ``force``, a folder that already holds files is accepted, as long as synth would write over
    none of them (a synthetic package synth made there before is replaced; nothing else is ever
    removed). Refused (:class:`~perfsite.files.guard.WriteRefused`): a package folder, a file, the
    current, home or checkout folder or one of their parents. The package is written beside the
    folder first and moved in only when complete."""
    if measures < 1 or years < 1 or projects < 0:
        raise SynthRefused("synth needs at least one measure and one year, and no negative count of projects")
    target = guard_write_target(Path(out_dir), SYNTH, force)
    made_before = synth_made(target) if force else None
    with writing(target, "nothing was changed there"):
        staging = temp_beside(target)
        try:
            _synthesise(staging, measures, years, projects, seed)
            names = sorted({p.name for p in staging.iterdir()} | {SYNTH_MARKER})
            # what synth made, with checksums: --force replaces it only while nobody changed it
            files = files_digest(staging, [n for n in names if n != SYNTH_MARKER])
            (staging / SYNTH_MARKER).write_text(
                json.dumps({"generator": "perfsite", "made": names, "files": files}, indent=0) + "\n",
                encoding="utf-8",
            )
            move_into(staging, target, [n for n in made_before or [] if n in names])
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


class SynthRefused(PerfsiteError):
    """``synth`` was asked for a package of no size."""

    exit_code = 2


def _synthesise(out: Path, measures: int, years: int, projects: int, seed: int) -> None:
    """Write the synthetic package into the empty folder ``out``."""
    rng = random.Random(seed)
    (out / "schemas").mkdir()
    last_year = 2026
    first_year = last_year - years + 1
    year_ids = [periods.Period(y, "year", 0).id for y in range(first_year, last_year + 1)]
    quarters = [
        periods.Period(y, "quarter", q) for y in range(first_year, last_year + 1) for q in (1, 2, 3, 4)
    ]
    quarters = quarters[:-2]  # the last year is reported to Q2
    n_priorities = max(3, min(8, measures // 12 + 1))
    priorities = [
        {
            "priority_id": f"p{i + 1:02d}",
            "title": f"Priority {i + 1}",
            "description": f"What priority {i + 1} means for residents.",
            "sort_order": i + 1,
        }
        for i in range(n_priorities)
    ]
    objectives = [
        {
            "objective_id": f"p{i + 1:02d}-o{j + 1}",
            "priority_id": f"p{i + 1:02d}",
            "title": f"Objective {j + 1} of priority {i + 1}",
            "sort_order": j + 1,
        }
        for i in range(n_priorities)
        for j in range(2)
    ]
    measure_rows, target_rows, outturn_rows, method_rows, bench_rows = [], [], [], [], []
    for m in range(measures):
        unit, polarity, dp, level, spread, aggregation, frequency, monitoring = SHAPES[m % len(SHAPES)]
        mid = f"m{m + 1:04d}"
        level *= 0.8 + 0.4 * rng.random()
        level = min(level, 98.0) if unit == "percent" else level
        measure_rows.append(
            {
                "measure_id": mid,
                "objective_id": objectives[m % len(objectives)]["objective_id"],
                "title": f"Measure {m + 1} ({unit.replace('_', ' ')})",
                "description": f"A synthetic {frequency} {aggregation} measure in {unit}.",
                "directorate": f"Directorate {m % 4 + 1}",
                "service": f"Service {m % 9 + 1}",
                "committee": "Overview and Scrutiny Committee",
                "unit": unit,
                "polarity": polarity,
                "decimal_places": dp,
                "frequency": frequency,
                "aggregation": aggregation,
                "is_key": m % 5 == 0,
                "monitoring_only": monitoring,
                "sort_order": m + 1,
            }
        )
        method_rows.append(
            {
                "measure_id": mid,
                "summary": f"How measure {m + 1} is counted.",
                "definition": "The definition agreed with the service.",
                "calculation": "Numerator divided by denominator.",
                "data_source": "Service case management system",
                "confidence": ("green", "amber", "red")[m % 3],
                "data_collector": "Performance Officer",
                "data_reviewer": "Service Manager",
                "head_of_service": "Head of Service",
                "strategic_lead": "Strategic Director",
            }
        )
        if frequency == "annual":
            slots = [periods.parse(y) for y in year_ids[:-1]]
        elif frequency == "monthly":
            slots = [
                periods.Period(q.start_year, "month", (q.number - 1) * 3 + k)
                for q in quarters
                for k in (1, 2, 3)
            ]
        else:
            slots = quarters
        value = level
        for year in year_ids:
            if monitoring:
                break
            if aggregation == "cumulative":
                for q in (1, 2, 3, 4):
                    target_rows.append(
                        {"measure_id": mid, "period": f"{year}-Q{q}", "target": _round(level * q / 4, dp)}
                    )
            else:
                target_rows.append({"measure_id": mid, "period": year, "target": _round(level, dp)})
        for slot in slots:
            value = (
                max(0.0, value + rng.gauss(0, spread * 0.6))
                if unit != "percent_change"
                else rng.gauss(level, spread)
            )
            value = min(value, 100.0) if unit == "percent" else value
            shown = value * (slot.number / 4 if aggregation == "cumulative" else 1)
            row = {"measure_id": mid, "period": slot.id, "value": _round(shown, dp)}
            draw = rng.random()
            if draw < 0.01:
                row.update(value="", missing_reason="Data not available from the provider this period")
            elif draw < 0.015 and not monitoring:
                row.update(
                    status_override="green",
                    override_reason="Known data lag; performance confirmed on track by the service",
                )
            if draw > 0.9:
                row["commentary"] = f"Performance in {slot.short_label()} reflects *seasonal demand*."
            outturn_rows.append(row)
        if m % 3 == 0:
            for year in year_ids[:-1]:
                bench_rows.append(
                    {
                        "measure_id": mid,
                        "period": year,
                        "comparator": "England median",
                        "value": _round(level, dp),
                        "source": "LG Inform",
                    }
                )
    # exception reports for every red, found by the rules engine itself (on the package as written)
    _write(out / "measures.csv", standard.field_names("measures"), measure_rows)
    _write(out / "targets.csv", standard.field_names("targets"), target_rows)
    _write(out / "outturns.csv", standard.field_names("outturns"), outturn_rows)
    frames = {name: _typed_csv(out / f"{name}.csv", name) for name in ("measures", "targets", "outturns")}
    perf = rules.performance_table(
        frames["measures"], frames["targets"], frames["outturns"], dict(standard.DEFAULT_RAG)
    )
    reds = perf[perf["status"].eq("red") | perf["computed_status"].eq("red")]
    exception_rows = [
        {
            "measure_id": r.measure_id,
            "period": r.period
            if periods.parse(r.period).kind != "month"
            else periods.parse(r.period).quarter().id,
            "overview": "Performance fell below target because demand rose faster than capacity.",
            "actions": "Extra staff have been redeployed and the process is being reviewed.",
            "responsible": "Head of Service",
            "expected_recovery": "Next quarter",
        }
        for r in reds.itertuples()
    ]
    exception_rows = list({(e["measure_id"], e["period"]): e for e in exception_rows}.values())
    project_rows, update_rows = [], []
    statuses = ["not_started", "on_track", "on_track", "at_risk", "off_track", "completed", "on_hold"]
    for p in range(projects):
        pid = f"pr{p + 1:04d}"
        project_rows.append(
            {
                "project_id": pid,
                "objective_id": objectives[p % len(objectives)]["objective_id"],
                "title": f"Project {p + 1}",
                "lead": "Project Manager",
                "start_date": f"{first_year}-04-01",
                "due_date": f"{last_year + 1}-03-31",
                "is_key": p % 4 == 0,
                "sort_order": p + 1,
            }
        )
        for i, q in enumerate(quarters[-8:]):
            update_rows.append(
                {
                    "project_id": pid,
                    "period": q.id,
                    "status": statuses[(p + i) % len(statuses)],
                    "percent_complete": min(100, 10 * (i + 1)),
                    "update": f"Progress in {q.short_label()}.",
                    "next_milestone": "Next stage gate",
                }
            )
    publication_rows = []
    for q in quarters:
        end_month = q.months()[1]
        year, month = (end_month + 2) // 12, (end_month + 2) % 12 + 1
        committee = f"{year}-{month:02d}-10"
        last = q == quarters[-1]
        publication_rows.append(
            {
                "period": q.id,
                "title": f"Performance report {q.short_label()}",
                "committee": "Overview and Scrutiny Committee",
                "committee_date": committee,
                "status": "approved" if last else "published",
                "published_date": "" if last else f"{year}-{month:02d}-14",
            }
        )
    tables = {
        "priorities": priorities,
        "objectives": objectives,
        "measures": measure_rows,
        "targets": target_rows,
        "outturns": outturn_rows,
        "methodology": method_rows,
        "exceptions": exception_rows,
        "projects": project_rows,
        "project_updates": update_rows,
        "benchmarks": bench_rows,
        "publications": publication_rows,
        "withdrawals": [],
    }
    for name, rows in tables.items():
        _write(out / f"{name}.csv", standard.field_names(name), rows)
        shutil.copyfile(standard.SCHEMA_DIR / f"{name}.json", out / "schemas" / f"{name}.json")
    descriptor = descriptor_for("Synthetic Borough Council", list(standard.RESOURCES))
    descriptor["name"] = f"synthetic-{measures}m-{years}y"
    descriptor["plan"] = {"title": "Synthetic Council Plan", "start": year_ids[0], "end": year_ids[-1]}
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    # published quarters reach `published` only through publish: archive them as adopted
    from .publish import adopt

    adopt(out, today=dt.date(2100, 1, 1))
