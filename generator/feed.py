"""The Atom feed: one entry per publication, newest first (``/feed.xml``).

Only published periods get an entry, in previews too: a feed reader must never show a
figure the committee has not considered. Dates come from the data, so the feed is the same
bytes whenever it is built.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pandas as pd

from . import periods


def atom(
    publications: pd.DataFrame, council: str, site_url: str, briefs: dict[str, str] | None = None
) -> str:
    """Atom XML for the published rows of ``publications``; ``briefs``: each quarter's headline
    in one clause (the renderer's ``briefs``), said in its entry as on its report."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    published = publications[publications["status"] == "published"].copy()
    published["_k"] = published["period"].map(periods.sort_key)
    published = published.sort_values("_k", ascending=False)
    updated = max(published["published_date"], default="1970-01-01") or "1970-01-01"
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
        lines += [
            "  <entry>",
            f"    <title>{escape(row.title)}</title>",
            f'    <link href="{escape(url)}"/>',
            f"    <id>{escape(url)}</id>",
            f"    <updated>{row.published_date}T00:00:00Z</updated>",
            f"    <summary>The council's performance report for {escape(label)} is published.{escape(said)}{escape(committee)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
