"""The Atom feed: one entry per publication — each report, and each corrections release — newest
first (``/feed.xml``).

Only published periods get an entry, in previews too: a feed reader must never show a
figure the committee has not considered. Dates come from the data, so the feed is the same
bytes whenever it is built.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pandas as pd

from . import periods
from .formatting import uk_date


def atom(
    publications: pd.DataFrame,
    council: str,
    site_url: str,
    briefs: dict[str, str] | None = None,
    corrections: list[tuple[str, str, int]] | None = None,
) -> str:
    """Atom XML for the published rows of ``publications`` and the ``corrections`` releases (name,
    published date, how many rows each released), newest first; ``briefs``: each quarter's
    headline in one clause (the renderer's ``briefs``), said in its entry as on its report."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    published = publications[publications["status"] == "published"]
    entries = []  # (date, order on that day, lines)
    for row in published.itertuples():
        url = f"{base}reports/{row.period.lower()}/"
        label = periods.parse(row.period).label()
        committee = (
            f" It was considered by the {row.committee} on {row.committee_date}."
            if row.committee and row.committee_date
            else ""
        )
        brief = (briefs or {}).get(row.period)
        said = f" {brief[:1].upper()}{brief[1:]}." if brief else ""
        entries.append(
            (
                str(row.published_date),
                (0, periods.sort_key(row.period)),
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
    for n, (name, date, count) in enumerate(corrections or []):
        url = f"{base}data/revisions/"
        day = uk_date(date)
        what = f"{count} published figure{'s' if count != 1 else ''}" if count else "published figures"
        entries.append(
            (
                date,
                (1, (n, 0)),  # after the day's report, in the order they were released
                [
                    "  <entry>",
                    f"    <title>Corrections published on {escape(day)}</title>",
                    f'    <link href="{escape(url)}"/>',
                    f"    <id>{escape(url)}#{escape(name)}</id>",
                    f"    <updated>{date}T00:00:00Z</updated>",
                    f"    <summary>Corrections to {what} were published on {escape(day)}, between reports. "
                    "The revisions log lists each one: the value first published, the corrected value and why it changed.</summary>",
                    "  </entry>",
                ],
            )
        )
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    updated = max((e[0] for e in entries), default="1970-01-01") or "1970-01-01"
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
    for _, _, entry in entries:
        lines += entry
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
