"""Ways to narrow the list of measures: by status, priority, directorate and committee.

Each facet value gets a page of its own (``/measures/by-status/red/``), so filtering works
with plain links and no JavaScript; ``assets/filters.js`` filters the table in place from the
same values, carried on each row as ``data-`` attributes. Pure functions over the report rows.
"""

from __future__ import annotations

import pandas as pd

from . import charts, page

#: facet → (column holding its value, what the council calls it)
FACETS = {
    "status": ("status", "Status"),
    "priority": ("priority_id", "Priority"),
    "directorate": ("directorate", "Directorate"),
    "committee": ("committee", "Committee"),
}


#: a folder name must stay well inside the file system's 255-byte limit
SLUG_LENGTH = 60


def slug(text: str) -> str:
    """A facet's web address part (``Overview & Scrutiny`` → ``overview-scrutiny``), kept short."""
    return page.slug(text, "other", SLUG_LENGTH)


def _unique_slugs(names: list[str]) -> dict[str, str]:
    """Each distinct name → a slug no other name shares (a number is added on a clash)."""
    taken: set[str] = set()
    return {name: page.unique_slug(name, taken, "other", SLUG_LENGTH) for name in names}


def facet_options(rows: pd.DataFrame, priorities: pd.DataFrame) -> dict[str, list[dict]]:
    """For each facet, its options in reading order — statuses worst first, priorities in Council
    Plan order, directorates and committees alphabetically — each with ``slug``, ``label``,
    ``count`` and the ``measure_ids`` it holds. Facets with no values are left out."""
    out: dict[str, list[dict]] = {}
    for facet, (column, _) in FACETS.items():
        if column not in rows.columns:
            continue
        values = rows[column].fillna("").astype(str).str.strip()
        if facet == "status":
            names = [s for s in charts.STATUS_ORDER if (values == s).any()]
            labels = {s: charts.STATUS_STYLE[s]["label"] for s in names}
            slugs = {s: s for s in names}
        elif facet == "priority":
            names = [p for p in priorities["priority_id"] if (values == p).any()]
            labels = dict(zip(priorities["priority_id"], priorities["title"], strict=True))
            slugs = {p: p.lower() for p in names}
        else:
            names = sorted({v for v in values if v}, key=str.lower)
            labels = {v: v for v in names}
            slugs = _unique_slugs(names)
        options = []
        for name in names:
            held = rows.loc[values == name, "measure_id"]
            options.append(
                {
                    "value": name,
                    "slug": slugs[name],
                    "label": labels[name],
                    "count": len(held),
                    "measure_ids": list(held),
                }
            )
        if options:
            out[facet] = options
    return out


def row_attributes(rows: pd.DataFrame, options: dict[str, list[dict]]) -> dict[str, dict[str, str]]:
    """measure_id → {facet: slug}, for the ``data-`` attributes the in-page filter reads."""
    out: dict[str, dict[str, str]] = {m: {} for m in rows["measure_id"]}
    for facet, choices in options.items():
        for option in choices:
            for measure_id in option["measure_ids"]:
                out[measure_id][facet] = option["slug"]
    return out
