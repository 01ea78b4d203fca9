"""A preview is marked wherever it is seen: the DRAFT notice of a committee preview.

A preview (``perfsite build --preview``, or the plugin's ``preview: true``) shows quarters the
committee has not yet considered, and its printed pages go into committee papers. So every page
says DRAFT with the council's name, the quarter and the committee meeting it is for: on screen a
banner, in print the same words at the top of every printed page (a page margin box) and a DRAFT
watermark across each page (which browsers without margin boxes repeat too); and every page asks
search engines not to index it.

perfsite's own theme overrides place the banner and the ``<head>`` part (Material); any other
theme, or a council's own ``main.html``, may not. The plugin therefore passes every page through
:func:`mark_page` after the theme rendered it: what is missing is inserted, what is there already
is left alone, so nothing is doubled.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..standard import periods
from ..standard.formatting import uk_date

BANNER_CLASS = "ps-draft-banner"
PRINT_STYLE_ID = "ps-draft-print"
NOINDEX = '<meta name="robots" content="noindex, nofollow">'
#: a robots meta tag that already keeps the page out of search engines
_NOINDEX_THERE = re.compile(r"""<meta\s[^>]*name=["']?robots["']?[^>]*noindex""", re.I)
_BANNER_THERE = re.compile(rf"""class=["'][^"']*\b{BANNER_CLASS}\b""")
_HEAD_END = re.compile(r"</head\s*>", re.I)
_BODY = re.compile(r"<body\b[^>]*>", re.I)
#: where a page's own content starts: the main landmark of MkDocs' themes and most others
_MAIN = re.compile(r"""<main\b[^>]*>|<(?:div|section|article)\b[^>]*\brole=["']?main["']?[^>]*>""", re.I)

RED = "#a8261a"  # 7.0:1 against white: the banner's background, the print header's colour


def today() -> datetime.date:
    """The build's today, read once a call (tests replace it)."""
    return datetime.date.today()


def meeting_when(committee_date: object) -> str:
    """Where a committee meeting is from today: ``"future"``, ``"today"``, ``"past"``, or ``""``
    when there is no date. A report not yet published says "to be considered by" before its
    meeting, never "considered by"."""
    text = "" if committee_date is None else str(committee_date).strip()
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return ""
    now = today()
    return "future" if day > now else "today" if day == now else "past"


@dataclass(frozen=True)
class Notice:
    """The DRAFT notice of one preview: its words, the banner, and what goes into ``<head>``."""

    text: str  # one line of plain text: DRAFT, the council, the quarters and their meetings
    banner: str  # HTML: the on-screen banner
    head: str  # HTML: noindex, and the printed pages' header and watermark


def _meeting(row: Mapping) -> str:
    """``Q2 2026/27, for the Overview and Scrutiny Committee meeting on 3 December 2026``."""
    period = str(row.get("period") or "")
    try:
        label = periods.short_label(period)
    except ValueError:
        label = period
    committee = " ".join(str(row.get("committee") or "").split())
    committee = re.sub(r"^the\s+", "", committee, flags=re.I) or "committee"
    date = str(row.get("committee_date") or "").strip()
    if date:
        return f"{label}, for the {committee} meeting on {uk_date(date)}"
    return f"{label}, for the {committee} (meeting date not yet set)"


def notice(council: str, publications: Iterable[Mapping]) -> Notice:
    """The notice of a preview of ``council`` showing ``publications`` (the rows it includes):
    every quarter not yet published, with the meeting it is for."""
    council = " ".join(str(council).split()) or "Council"
    coming = [_meeting(row) for row in publications if str(row.get("status")) != "published"]
    what = "; ".join(coming) if coming else "a preview"
    text = f"DRAFT — {council} — {what}"
    banner = (
        f'<div class="{BANNER_CLASS}" role="note"><strong>DRAFT</strong> — {html.escape(council)} — '
        f"{html.escape(what)}. Not for publication: this preview includes figures the committee has "
        "not yet considered.</div>"
    )
    return Notice(text=text, banner=banner, head=f"{NOINDEX}\n{_style(text)}")


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that nothing in it can end early: every character but
    letters, digits, spaces and plain punctuation is written as a CSS escape (``<`` included, so
    ``</style>`` cannot occur)."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:/()-")
    return '"' + "".join(ch if ch in safe else f"\\{ord(ch):06x} " for ch in text) + '"'


def _style(text: str) -> str:
    """The banner's look on screen (the page may not load perfsite.css) and the marks of every
    printed page: the notice in the top margin (Chromium's page margin boxes) and a DRAFT
    watermark, a fixed box, which browsers repeat on each printed page."""
    return (
        f'<style id="{PRINT_STYLE_ID}">'
        f".{BANNER_CLASS}{{display:block;margin:0;padding:.5em .8rem;background:{RED};color:#fff;"
        "font-size:.8rem;line-height:1.4;text-align:left}"
        # in Material's banner (perfsite's own theme): the whole band is the banner
        f".md-banner:has(.{BANNER_CLASS}){{background:{RED};color:#fff}}"
        f".md-banner .{BANNER_CLASS}{{padding:0;font-size:inherit}}"
        "@media print{"
        f"@page{{margin-top:18mm;@top-left{{content:{css_string(text)};font:700 8.5pt/1.3 sans-serif;"
        f"color:{RED};vertical-align:bottom;padding-bottom:1.5mm;border-bottom:1.2pt solid {RED}}}}}"
        ".md-banner:has(.ps-draft-banner){display:block!important;background:none!important}"
        f".{BANNER_CLASS}{{background:none;color:{RED};border:1.2pt solid {RED};margin:0 0 4mm}}"
        'html::after{content:"DRAFT";position:fixed;top:40%;left:0;right:0;text-align:center;'
        "font:700 110pt/1 sans-serif;letter-spacing:.1em;color:rgba(168,38,26,.12);"
        "transform:rotate(-35deg);pointer-events:none;z-index:10}"
        "}</style>"
    )


def mark_page(page: str, mark: Notice) -> str:
    """A rendered page with the notice's ``<head>`` part and banner, each inserted only when the
    page does not have it already (the theme placed it, or the page went through here before).

    The banner goes first inside the page's main landmark, so a theme's fixed header bar never
    hides it; in a page without one, first in ``<body>``."""
    end = _HEAD_END.search(page)
    head = page[: end.start()] if end else ""
    if f'id="{PRINT_STYLE_ID}"' not in head:
        page = _insert(page, mark.head, _HEAD_END, before=True)
    elif not _NOINDEX_THERE.search(head):
        page = _insert(page, NOINDEX, _HEAD_END, before=True)
    end = _HEAD_END.search(page)
    if not _BANNER_THERE.search(page, end.end() if end else 0):
        where = _MAIN if _MAIN.search(page) else _BODY
        page = _insert(page, mark.banner, where, before=False)
    return page


def _insert(page: str, part: str, where: re.Pattern, *, before: bool) -> str:
    found = where.search(page)
    if found is None:  # not a whole HTML page: the part goes first
        return part + "\n" + page
    at = found.start() if before else found.end()
    return page[:at] + part + "\n" + page[at:]
