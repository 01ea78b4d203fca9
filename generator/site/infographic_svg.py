"""The quarter at a glance as a downloadable SVG image: the numbers of
:func:`perfsite.site.infographic.quarter_numbers` drawn as text and shapes in one self-contained file,
saying exactly what the page's infographic says."""

from __future__ import annotations

import re
import textwrap
from html import escape

from . import charts
from .infographic import PROJECT_WORDS, figures_words, plural, trend_sentence, trend_words

WIDTH = 1200
FONT = "Arial, Helvetica, sans-serif"
INK = "#0b0c0c"
MUTED = "#505a5f"


#: characters XML 1.0 does not allow: a package's text may hold them, an SVG file may not
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text escaped for the SVG, without the characters that would make the file unreadable."""
    return escape(_NOT_XML.sub("", text))


def _text(
    x: float,
    y: float,
    text: str,
    size: int = 18,
    weight: str = "normal",
    fill: str = INK,
    anchor: str = "start",
) -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
        f'text-anchor="{anchor}">{_xml(text)}</text>'
    )


def _bar(x: float, y: float, width: float, height: float, counts: dict[str, int]) -> list[str]:
    total = sum(counts.values()) or 1
    parts, left = [], x
    for status in ("green", "amber", "red", "grey"):
        w = width * counts[status] / total
        if w:
            parts.append(
                f'<rect x="{left:.1f}" y="{y:g}" width="{w:.1f}" height="{height:g}" fill="{charts.STATUS_STYLE[status]["colour"]}"/>'
            )
        left += w
    return parts


def svg(numbers: dict, council: str, source_url: str, licence: str) -> str:
    """The quarter at a glance as a self-contained SVG image (text, shapes, no external files)."""
    out: list[str] = []
    y = 56
    out.append(_text(40, y, f"{council}: how we did in {numbers['label']}", 30, "bold"))
    y += 44
    for line in numbers["headlines"]:
        # wrapped to the image's width (about 100 characters of 20 px Arial in 1,120 px)
        for part in textwrap.wrap(line, 100):
            out.append(_text(40, y, part, 20))
            y += 28
        y += 2
    y += 10
    columns, gap = 3, 20
    tile_w = (WIDTH - 80 - gap * (columns - 1)) / columns
    tile_h = 236
    for index, tile in enumerate(numbers["tiles"]):
        col, row = index % columns, index // columns
        x, top = 40 + col * (tile_w + gap), y + row * (tile_h + gap)
        out.append(
            f'<rect x="{x:.1f}" y="{top:g}" width="{tile_w:.1f}" height="{tile_h}" fill="#f3f2f1" stroke="#b1b4b6"/>'
        )
        for n, line in enumerate(textwrap.wrap(tile["title"], 30)[:2]):
            out.append(_text(x + 16, top + 30 + 24 * n, line, 20, "bold"))
        if tile["rated"]:
            out.append(_text(x + 16, top + 106, f"{tile['on_target']} of {tile['rated']}", 44, "bold"))
            words = f"rated measure{'s' if tile['rated'] != 1 else ''} on target (green)"
            out.append(_text(x + 16, top + 130, words, 16, fill=MUTED))
        else:
            out.append(_text(x + 16, top + 106, "None rated", 32, "bold"))
            words = f"none of the {plural(tile['total'], 'measure')} could be rated"
            out.append(_text(x + 16, top + 130, words, 16, fill=MUTED))
        if tile["change"]:
            out.append(_text(x + 16, top + 154, tile["change"][:1].upper() + tile["change"][1:], 16, "bold"))
        out.extend(_bar(x + 16, top + 166, tile_w - 32, 14, tile["counts"]))
        c = tile["counts"]
        words = f"{c['green']} green, {c['amber']} amber, {c['red']} red, {c['grey']} grey"
        out.append(_text(x + 16, top + 200, words, 15, fill=MUTED))
        out.append(_text(x + 16, top + 224, figures_words(tile), 15, fill=MUTED))
    rows = -(-len(numbers["tiles"]) // columns)
    y += rows * (tile_h + gap) + 30
    if len(numbers["trend"]) > 1:
        out.append(_text(40, y, numbers["trend_title"], 22, "bold"))
        y += 20
        chart_h, step = 150, (WIDTH - 80) / max(len(numbers["trend"]), 1)
        for i, t in enumerate(numbers["trend"]):
            bx = 40 + i * step + step * 0.2
            if t["gap"]:  # no bar and no percentage: the quarter is named, with why it has none
                out.append(
                    _text(bx + step * 0.3, y + chart_h + 18, trend_words(t), 16, fill=MUTED, anchor="middle")
                )
            else:
                h = chart_h * t["share"] / 100
                out.append(
                    f'<rect x="{bx:.1f}" y="{y + chart_h - h + 24:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" fill="#00703c"/>'
                )
                out.append(
                    _text(bx + step * 0.3, y + chart_h - h + 18, trend_words(t), 18, "bold", anchor="middle")
                )
            out.append(_text(bx + step * 0.3, y + chart_h + 48, t["label"], 16, anchor="middle"))
        y += chart_h + 90
    if numbers["projects"]:
        out.append(_text(40, y, "Key projects", 22, "bold"))
        y += 34
        for p in numbers["projects"]:
            status = PROJECT_WORDS.get(p["status"], p["status"])
            percent = f", {p['percent']}% complete" if p["percent"] is not None else ""
            out.append(_text(40, y, f"{p['title']}: {status}{percent}", 18))
            if p["percent"] is not None:
                out.append(
                    f'<rect x="{WIDTH - 300}" y="{y - 14}" width="260" height="14" fill="#ffffff" stroke="{MUTED}"/>'
                )
                out.append(
                    f'<rect x="{WIDTH - 300}" y="{y - 14}" width="{2.6 * p["percent"]:.1f}" height="14" fill="#1d70b8"/>'
                )
            y += 30
        y += 10
    where = f", {source_url.rstrip('/')}/" if source_url else ""
    out.append(_text(40, y + 10, f"Source: {council}{where}. Published under the {licence}.", 15, fill=MUTED))
    height = y + 36
    title = f"{council}: how we did in {numbers['label']}"
    desc = " ".join(numbers["headlines"]) + " " + trend_sentence(numbers)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:g}" viewBox="0 0 {WIDTH} {height:g}" '
        f'role="img" aria-labelledby="t d" font-family="{FONT}">'
        f'<title id="t">{_xml(title)}</title><desc id="d">{_xml(desc.strip())}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
    )
    return head + "\n".join(out) + "</svg>\n"
