"""A generated page: HTML rendered once by perfsite, with what MkDocs needs beside it.

MkDocs never parses these pages as Markdown: the plugin hands the HTML straight to the theme,
with the title, the table of contents and a compact search entry taken from here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from .. import standard


@dataclass(frozen=True)
class Page:
    """One generated page: HTML that MkDocs places in the theme without parsing it again."""

    title: str  # plain text; escaped where it meets MkDocs' templates
    # The HTML as UTF-8: a page with one character beyond Latin-1 (an em dash, an arrow) takes
    # two bytes a character as a str, and a large council's site is held whole until MkDocs runs
    utf8: bytes
    description: str = ""  # the page's plain-English summary, for <meta name="description">
    search: str = ""  # compact text for the search index (ids, titles, summary, description words)
    in_nav: bool = True  # measure and project pages are reached from index pages, not the nav tree
    toc: tuple[tuple[int, str, str], ...] = ()  # (level, id, text) of the page's h2/h3 headings

    @property
    def html(self) -> str:
        return self.utf8.decode("utf-8")


_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def plain(fragment: str) -> str:
    """Text of an HTML fragment we rendered ourselves (tags dropped, entities decoded)."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def slug(text: str, fallback: str = "section", limit: int | None = None) -> str:
    """A lower-case address part for a name: ``Overview & Scrutiny`` → ``overview-scrutiny``
    (cut at a word past ``limit`` characters, so every address stays short)."""
    full = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or fallback
    if standard.WINDOWS_DEVICE_NAME.fullmatch(full):  # a folder named con breaks a Windows copy
        full = f"{full}-{fallback}"
    if limit is None or len(full) <= limit:
        return full
    cut = full[:limit]
    return cut[: cut.rfind("-")] if "-" in cut else cut


def unique_slug(text: str, seen: set[str], fallback: str = "section", limit: int | None = None) -> str:
    """:func:`slug`, with ``-2``, ``-3``… added when another name on the page already has it."""
    base = candidate = slug(text, fallback, limit)
    n = 1
    while candidate in seen:
        n += 1
        candidate = f"{base}-{n}"
    seen.add(candidate)
    return candidate


def with_heading_ids(body: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
    """Give each h2/h3 an id (so the table of contents can link to it) and list them."""
    seen: set[str] = set()
    toc: list[tuple[int, str, str]] = []

    def add_id(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(2)
        text = plain(inner)
        anchor = unique_slug(text, seen)
        toc.append((level, anchor, text))
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return _HEADING.sub(add_id, body), tuple(toc)


def make_page(body: str, description: str = "", search: str = "", in_nav: bool = True) -> Page:
    """A :class:`Page` from rendered HTML: the title is the text of its first ``<h1>``."""
    match = _H1.search(body)
    title = plain(match.group(1)) if match else ""
    body, toc = with_heading_ids(body)
    return Page(title, body.encode("utf-8"), " ".join(description.split()), search, in_nav, toc)


def template_rows(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with NaN/NA turned into None, for templates.

    Column lists are zipped directly: ``DataFrame.to_dict("records")`` is several times slower
    and this runs for every table of every page. A long table's missing cells are found at once
    (``isna``); a short one's, cell by cell, which costs less than setting that up.
    """
    columns = list(frame.columns)
    rows = frame.to_numpy(dtype=object).tolist()
    if len(rows) < 200:
        return [
            {
                c: (None if (v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)) else v)
                for c, v in zip(columns, row, strict=True)
            }
            for row in rows
        ]
    for i, j in zip(*frame.isna().to_numpy().nonzero(), strict=True):
        rows[i][j] = None
    return [dict(zip(columns, row, strict=True)) for row in rows]


def plan_order(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Rows in the council's own order (``sort_order``), then by identifier."""
    return frame.sort_values(["sort_order", id_column], na_position="last", kind="stable")
