"""The Atom feed: one entry per publication, and one per corrections release, newest first
(``/feed.xml``).

Only published periods get an entry, in previews too: a feed reader must never show a
figure the committee has not considered. A corrections release (``perfsite publish --corrections``)
is public by definition: its entry names the figures it corrected and links to the revisions log,
so a reader who followed a report hears of a correction to it. Dates come from the data, so the feed
is the same bytes whenever it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pandas as pd

from ..standard import periods
from ..standard.formatting import uk_date


@dataclass(frozen=True)
class Corrections:
    """A corrections release as the feed tells it: its name, date and the figures it corrected
    (``"Household waste recycled, Q2 2026/27"``)."""

    name: str
    date: str
    figures: list[str] = field(default_factory=list)


def corrections_released(releases: list[tuple[str, str]], log: pd.DataFrame) -> list[Corrections]:
    """Each corrections release (name, date) with the figures it corrected, from the revisions log
    (measure title and period)."""
    out = []
    for name, date in releases:
        mine = log[log["revised_in"] == name]
        figures = [
            f"{t}, {periods.short_label(p)}" for t, p in zip(mine["title"], mine["period"], strict=True)
        ]
        out.append(Corrections(name, date, figures))
    return out


def _correction_entry(base: str, c: Corrections) -> list[str]:
    url = f"{base}data/revisions/"
    n = len(c.figures)
    which = f": {'; '.join(c.figures)}" if c.figures else ""
    one = n == 1
    said = (
        f"The council corrected {n} published figure{'' if one else 's'} on {uk_date(c.date)}{which}. "
        f"The report{' that first published it still shows it' if one else 's that first published them still show them'} "
        "as the committee considered "
        f"{'it' if one else 'them'}, marked as revised; the revisions log gives the value first published, "
        "the corrected value and the reason."
    )
    return [
        "  <entry>",
        f"    <title>Corrections to published figures, {escape(uk_date(c.date))}</title>",
        f'    <link href="{escape(url)}"/>',
        f"    <id>{escape(url)}#{escape(c.name)}</id>",
        f"    <updated>{c.date}T00:00:00Z</updated>",
        f"    <summary>{escape(said)}</summary>",
        "  </entry>",
    ]


def atom(
    publications: pd.DataFrame,
    council: str,
    site_url: str,
    briefs: dict[str, str] | None = None,
    corrections: list[Corrections] | None = None,
) -> str:
    """Atom XML for the published rows of ``publications`` and each corrections release;
    ``briefs``: each quarter's headline in one clause (the renderer's ``briefs``), said in its
    entry as on its report."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    published = publications[publications["status"] == "published"].copy()
    published["_k"] = published["period"].map(periods.sort_key)
    published = published.sort_values("_k", ascending=False)
    dates = [d for d in published["published_date"] if d] + [c.date for c in corrections or []]
    updated = max(dates, default="1970-01-01")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(council)}: performance reports</title>",
        f'  <link href="{escape(base)}"/>',
        f'  <link rel="self" href="{escape(base)}feed.xml"/>',
        f"  <id>{escape(base)}</id>",
        f"  <updated>{updated}T00:00:00Z</updated>",
        f"  <author><name>{escape(council)}</name></author>",
    ]
    entries: list[tuple[str, list[str]]] = []  # (date, lines): newest first once sorted
    for row in published.itertuples():
        url = f"{base}reports/{row.period.lower()}/"
        label = periods.parse(row.period).label()
        committee = (
            f" It was considered by the {row.committee} on {uk_date(row.committee_date)}."
            if row.committee and row.committee_date
            else ""
        )
        brief = (briefs or {}).get(row.period)
        said = f" {brief[:1].upper()}{brief[1:]}." if brief else ""
        entries.append(
            (
                str(row.published_date or ""),
                [
                    "  <entry>",
                    f"    <title>{escape(row.title)}</title>",
                    f'    <link href="{escape(url)}"/>',
                    f"    <id>{escape(url)}</id>",
                    f"    <updated>{row.published_date}T00:00:00Z</updated>",
                    f"    <summary>The council's performance report for {escape(label)} is published.{escape(said)}{escape(committee)}</summary>",
                    "  </entry>",
                ],
            )
        )
    entries += [(c.date, _correction_entry(base, c)) for c in corrections or []]
    # newest first; reports keep their order among themselves (a stable sort)
    for _, entry in sorted(entries, key=lambda e: e[0], reverse=True):
        lines += entry
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
