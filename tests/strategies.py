"""Hypothesis strategies for whole data packages, drawn from perfsite's canonical schemas.

A package is small (one to three measures, one to two years) so a build takes a second or two,
but it ranges over what the standard allows: every enum value, optional fields present and
empty, licences with and without a path, councils with and without contact details, Unicode
and long text, edge numbers, an empty or absent optional resource, one to many published,
approved and draft periods. Most drawn packages are valid; some text is drawn wild so the
validator's refusals are exercised too.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from hypothesis import strategies as st

from perfsite import standard
from perfsite.standard import periods

WORDS = st.sampled_from(
    [
        "Household waste recycled",
        "Calls answered within 20 seconds",
        "Fewer than <5 days & rising",
        'A "quoted" phrase, with commas',
        "Cyngor Sir Ddinbych: ŵ ŷ â",
        "Città, Straße, Łódź — 東京 ✓ 🚲",
        "*Emphasis* and a [link](https://example.org/report?a=1&b=2)",
        "* first point\n* second point",
        "Line one\nLine two",
        "Rate per 1,000 residents (100%)",
        "x",
    ]
)
# any printable or not, but never a lone surrogate (not encodable as UTF-8)
WILD = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
LONG = st.integers(200, 3000).map(lambda n: ("Long commentary about performance. " * n)[: n * 5])
TEXT = st.one_of(*[WORDS] * 12, LONG, WILD)  # mostly valid text, so most packages get built
OPTIONAL_TEXT = st.one_of(st.just(""), TEXT)
ID_TAIL = st.one_of(st.just(""), st.from_regex(r"[A-Za-z0-9._-]{0,6}", fullmatch=True))


def _enum(resource: str, field: str) -> list[str]:
    return standard.fields(resource)[field]["constraints"]["enum"]


def _number(draw, unit: str, places: int) -> str:
    """A figure possible for the unit, written as an officer would (sometimes with an exponent)."""
    low = -1e6 if unit in ("percent_change", "number", "score", "currency_gbp") else 0
    high = 100 if unit == "percent" else 1e9
    value = draw(
        st.one_of(
            st.sampled_from([low, high, 0, 0.5, 1]),
            st.floats(low, high, allow_nan=False, allow_infinity=False),
            st.integers(int(low), int(min(high, 10**6))),
        )
    )
    value = min(max(float(value), low), high)
    text = f"{value:.{places}f}"
    return "0" if text in ("-0", "-0.0", "-0.00", "-0.000", "-0.0000") else text


def _ids(draw, prefix: str, n: int) -> list[str]:
    # unique even when lower-cased: the index keeps them apart, the tail adds variety
    return [f"{prefix}{i}{draw(ID_TAIL)}" for i in range(n)]


def _quarter_dates(quarter: periods.Period) -> tuple[str, str]:
    """A committee date about two months after the quarter, published a week later."""
    months = quarter.months()[1] + 2
    year, month = divmod(months, 12)
    return f"{year}-{month + 1:02d}-10", f"{year}-{month + 1:02d}-17"


@st.composite
def packages(draw) -> dict[str, object]:
    """A package as {"datapackage.json": descriptor, "<resource>.csv": [row dicts] or None}."""
    start = draw(st.integers(2019, 2023))
    years = draw(st.integers(1, 2))
    printed = draw(st.booleans())  # outturns.reported_status, the optional column
    plan_years = [periods.Period(start + i, "year", 0) for i in range(years)]
    quarters = [periods.Period(y.start_year, "quarter", q) for y in plan_years for q in range(1, 5)]
    chosen = sorted(draw(st.sets(st.sampled_from(quarters), min_size=1, max_size=min(len(quarters), 5))))

    priorities = _ids(draw, "p", draw(st.integers(1, 2)))
    objectives = _ids(draw, "o", draw(st.integers(1, 2)))
    measures = _ids(draw, "m", draw(st.integers(1, 3)))
    projects = _ids(draw, "pr", draw(st.integers(0, 2)))
    sort = st.one_of(st.just(""), st.integers(-5, 1000).map(str))

    rows: dict[str, list[dict[str, str]] | None] = {name: [] for name in standard.RESOURCES}
    rows["priorities"] = [
        {"priority_id": p, "title": draw(TEXT), "description": draw(OPTIONAL_TEXT), "sort_order": draw(sort)}
        for p in priorities
    ]
    rows["objectives"] = [
        {
            "objective_id": o,
            "priority_id": draw(st.sampled_from(priorities)),
            "title": draw(TEXT),
            "description": draw(OPTIONAL_TEXT),
            "sort_order": draw(sort),
        }
        for o in objectives
    ]
    specs = []
    for index, m in enumerate(measures):
        frequency = draw(
            st.sampled_from(["quarterly", "monthly"] if index == 0 else _enum("measures", "frequency"))
        )
        unit = draw(st.sampled_from(_enum("measures", "unit")))
        places = draw(st.integers(0, 4))
        green = draw(st.one_of(st.just(""), st.sampled_from(["0", "0.01", "0.05"])))
        amber = draw(st.one_of(st.just(""), st.sampled_from(["0.05", "0.1", "5", "1000"])))
        if green and amber and float(green) > float(amber):
            green, amber = amber, green
        specs.append((m, frequency, unit, places))
        rows["measures"].append(
            {
                "measure_id": m,
                "objective_id": draw(st.sampled_from(objectives)),
                "title": draw(TEXT),
                "description": draw(OPTIONAL_TEXT),
                "directorate": draw(OPTIONAL_TEXT),
                "service": draw(OPTIONAL_TEXT),
                "committee": draw(OPTIONAL_TEXT),
                "unit": unit,
                "unit_label": draw(st.sampled_from(["", "homes", "£", "%", "per 1,000"])),
                "polarity": draw(st.sampled_from(_enum("measures", "polarity"))),
                "decimal_places": str(places),
                "frequency": frequency,
                "aggregation": draw(st.sampled_from(_enum("measures", "aggregation"))),
                "is_key": draw(st.sampled_from(["", "true", "false"])),
                "monitoring_only": draw(st.sampled_from(["", "false", "false", "true"])),
                "green_tolerance": green,
                "amber_tolerance": amber,
                "sort_order": draw(sort),
            }
        )

    for m, frequency, unit, places in specs:
        kind = periods.FREQUENCY_KIND[frequency]
        own: list[str] = []
        for q in chosen:
            if kind == "quarter":
                own.append(q.id)
            elif kind == "month":
                own += [periods.Period(q.start_year, "month", (q.number - 1) * 3 + i).id for i in (1, 2, 3)]
            elif q.number == 4 or draw(st.booleans()):
                own.append(periods.Period(q.start_year, "year", 0).id)
        own = list(dict.fromkeys(own))
        years_used = sorted({periods.parse(p).year_id for p in own})
        for period in draw(st.sampled_from([years_used, own, []])):
            rows["targets"].append(
                {
                    "measure_id": m,
                    "period": period,
                    "target": _number(draw, unit, places),
                    "note": draw(OPTIONAL_TEXT),
                }
            )
        for period in own:
            missing = draw(st.integers(0, 9)) == 0
            override = draw(st.sampled_from(["", "", "", *_enum("outturns", "status_override")]))
            row = {
                "measure_id": m,
                "period": period,
                "value": "" if missing else _number(draw, unit, places),
                "missing_reason": draw(TEXT) if missing else "",
                "status_override": override,
                "override_reason": draw(TEXT) if override else "",
                "commentary": draw(OPTIONAL_TEXT),
                "data_quality_note": draw(OPTIONAL_TEXT),
                "revision_note": draw(OPTIONAL_TEXT),
            }
            if printed:  # the optional column, present in some packages only
                row["reported_status"] = draw(st.sampled_from(["", *_enum("outturns", "reported_status")]))
            rows["outturns"].append(row)
        if draw(st.booleans()):
            rows["methodology"].append(
                {
                    f["name"]: draw(OPTIONAL_TEXT) if f["type"] == "string" else ""
                    for f in standard.schema("methodology")["fields"]
                }
                | {
                    "measure_id": m,
                    "summary": draw(TEXT),
                    "definition": draw(TEXT),
                    "data_source": draw(TEXT),
                    "confidence": draw(st.sampled_from(_enum("methodology", "confidence"))),
                    "last_reviewed": draw(st.sampled_from(["", "2024-01-31"])),
                }
            )
        for q in chosen:
            if draw(st.integers(0, 3)) == 0:
                rows["exceptions"].append(
                    {
                        "measure_id": m,
                        "period": q.id,
                        "overview": draw(TEXT),
                        "actions": draw(TEXT),
                        "benchmarking": draw(OPTIONAL_TEXT),
                        "responsible": draw(OPTIONAL_TEXT),
                        "expected_recovery": draw(OPTIONAL_TEXT),
                    }
                )
        if draw(st.booleans()):
            for q in chosen[:2]:
                rows["benchmarks"].append(
                    {
                        "measure_id": m,
                        "period": q.year_id if kind == "year" else (own[0] if kind == "month" else q.id),
                        "comparator": draw(
                            st.sampled_from(["England median", "Nearest neighbours", "Wales"])
                        ),
                        "value": _number(draw, unit, places),
                        "source": draw(OPTIONAL_TEXT),
                        "source_url": draw(st.sampled_from(["", "https://example.org/lginform?x=1&y=2"])),
                    }
                )
    benchmarks = draw(st.sampled_from(["rows", "empty", "absent"]))
    if benchmarks == "absent":
        rows["benchmarks"] = None
    elif benchmarks == "empty":
        rows["benchmarks"] = []

    for p in projects:
        rows["projects"].append(
            {
                "project_id": p,
                "objective_id": draw(st.sampled_from(objectives)),
                "title": draw(TEXT),
                "description": draw(OPTIONAL_TEXT),
                "lead": draw(OPTIONAL_TEXT),
                "start_date": draw(st.sampled_from(["", "2020-04-01"])),
                "due_date": draw(st.sampled_from(["", "2027-03-31"])),
                "is_key": draw(st.sampled_from(["", "true", "false"])),
                "sort_order": draw(sort),
            }
        )
        for q in chosen:
            if draw(st.booleans()):
                rows["project_updates"].append(
                    {
                        "project_id": p,
                        "period": q.id,
                        "status": draw(st.sampled_from(_enum("project_updates", "status"))),
                        "percent_complete": draw(st.one_of(st.just(""), st.integers(0, 100).map(str))),
                        "update": draw(OPTIONAL_TEXT),
                        "next_milestone": draw(OPTIONAL_TEXT),
                        "milestone_due": draw(st.sampled_from(["", "2025-06-30"])),
                    }
                )

    for q in chosen:
        status = draw(st.sampled_from(_enum("publications", "status")))
        committee, published = _quarter_dates(q)
        rows["publications"].append(
            {
                "period": q.id,
                "title": draw(TEXT),
                "committee": draw(OPTIONAL_TEXT),
                "committee_date": draw(st.sampled_from([committee, committee, ""]))
                if status != "published"
                else committee,
                "status": status,
                "published_date": published if status == "published" else "",
                "report_url": draw(
                    st.sampled_from(["", "https://example.org/committee/report.pdf", "mailto:a@b.example"])
                ),
            }
        )

    council: dict[str, str] = {"name": draw(TEXT)}
    if draw(st.booleans()):
        council["website"] = draw(
            st.sampled_from(["", "https://www.example.gov.uk", "http://example.org/a?b=c&d"])
        )
    if draw(st.booleans()):
        council["contact_email"] = draw(st.sampled_from(["", "performance@example.gov.uk"]))
    licences = draw(
        st.sampled_from(
            [
                [standard.LICENCE_OGL],
                [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0"}],
                [{"name": "CC-BY-4.0"}],
                [{"name": "council-own-licence", "title": "Our licence"}],
                [{"path": "https://example.org/licence", "title": "Our licence"}],
                None,
            ]
        )
    )
    rag = draw(
        st.sampled_from(
            [
                None,
                dict(standard.DEFAULT_RAG),
                {"green_tolerance": 0, "amber_tolerance": 0.1, "tolerance_type": "relative"},
                {"green_tolerance": 1, "amber_tolerance": 5, "tolerance_type": "absolute"},
            ]
        )
    )
    descriptor: dict[str, object] = {
        "name": "fuzzed-council-performance",
        "title": draw(TEXT),
        "council": council,
        "plan": {"title": draw(TEXT), "start": plan_years[0].id, "end": plan_years[-1].id},
        "resources": [
            standard.resource_descriptor(name) for name in standard.RESOURCES if rows[name] is not None
        ],
    }
    if rag is not None:
        descriptor["rag"] = rag
    if licences is not None:
        descriptor["licenses"] = licences
    if draw(st.booleans()):
        descriptor["site_url"] = "https://performance.example.gov.uk/"
    return {"datapackage.json": descriptor, **{f"{name}.csv": r for name, r in rows.items()}}


def write_package(spec: dict[str, object], where: Path) -> Path:
    """Write a drawn package to disk, CSVs with the canonical header."""
    where.mkdir(parents=True, exist_ok=True)
    (where / "datapackage.json").write_text(
        json.dumps(spec["datapackage.json"], indent=2, ensure_ascii=False), encoding="utf-8"
    )
    for name in standard.RESOURCES:
        rows = spec[f"{name}.csv"]
        if rows is None:
            continue
        present = [key for row in rows for key in row]
        with open(where / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(
                fh,
                fieldnames=standard.expected_header(name, present),  # optional columns when drawn
                lineterminator="\n",
                quoting=csv.QUOTE_ALL,
            )
            writer.writeheader()
            writer.writerows(rows)
    return where
