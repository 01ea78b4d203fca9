"""The quarter at a glance: one set of numbers, drawn as page HTML and as a downloadable SVG.

:func:`quarter_numbers` gathers what the infographic says — per priority, the measures on target
(green) of the total and the change since last quarter; the headline sentences; the share on
target over the last eight quarters; key projects' progress. The page template
(``_infographic.html.j2``) and :func:`svg` both draw from it, so the image can never say
something the page does not. Every number is written as text; colour is never the only carrier.
"""

from __future__ import annotations

import textwrap
from html import escape

import pandas as pd

from . import charts, periods

#: a better status ranks lower; grey is not rated, so moves to or from grey are neither better nor worse
RANK = {"green": 0, "amber": 1, "red": 2}
#: project statuses that count as going well in the headline
PROJECTS_WELL = {"on_track", "completed"}
TREND_QUARTERS = 8


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def change_words(now: int, before: int | None, previous_label: str) -> str:
    """``up 2 since Q4 2025/26``, ``down 1 since …``, ``no change since …`` or '' with nothing to compare."""
    if before is None:
        return ""
    delta = now - before
    if delta == 0:
        return f"no change since {previous_label}"
    return f"{'up' if delta > 0 else 'down'} {abs(delta)} since {previous_label}"


def quarter_numbers(
    quarter: str,
    previous: str | None,
    priorities: pd.DataFrame,
    counts: pd.DataFrame,
    previous_counts: pd.DataFrame | None,
    changes: pd.DataFrame,
    trend: pd.DataFrame,
    key_projects: pd.DataFrame,
) -> dict:
    """Everything the infographic shows for ``quarter``.

    ``priorities`` in Council Plan order (``priority_id``, ``title``); ``counts`` and
    ``previous_counts`` are headline counts by ``priority_id`` for the quarter and the one before;
    ``changes`` is :func:`generator.report.status_changes`; ``trend`` has ``period``, ``label``,
    ``green``, ``total`` and ``share_on_target`` per quarter, oldest first; ``key_projects`` has
    ``title``, ``status`` and ``percent_complete`` for the quarter's updates of key projects.
    """
    label = periods.parse(quarter).label()
    previous_label = periods.parse(previous).short_label() if previous else ""
    # plain lists and dicts, not frames' rows: eight priorities, read a few times each, in every
    # quarter's infographic
    names = ("green", "amber", "red", "grey")
    by_id = dict(
        zip(counts["priority_id"], zip(*(counts[s].tolist() for s in names), strict=True), strict=True)
    )
    before = (
        dict(zip(previous_counts["priority_id"], previous_counts["green"].tolist(), strict=True))
        if previous_counts is not None and len(previous_counts)
        else None
    )
    tiles = []
    for priority_id, title in zip(priorities["priority_id"], priorities["title"], strict=True):
        row = by_id.get(priority_id)
        statuses = {s: int(row[n]) if row is not None else 0 for n, s in enumerate(names)}
        total = sum(statuses.values())
        if not total:
            continue
        was = None
        if before is not None:
            was = int(before[priority_id]) if priority_id in before else 0
        tiles.append(
            {
                "priority_id": priority_id,
                "title": str(title),
                "on_target": statuses["green"],
                "total": total,
                "counts": statuses,
                "change": change_words(statuses["green"], was, previous_label),
            }
        )
    green = sum(t["on_target"] for t in tiles)
    total = sum(t["total"] for t in tiles)
    red = sum(t["counts"]["red"] for t in tiles)
    share = round(100 * green / total) if total else 0
    headlines = [
        f"{green} of {total} measures ({share}%) were on or better than target (green).",
        f"{_plural(red, 'measure')} {'was' if red == 1 else 'were'} red: off target by more than the tolerance.",
    ]
    if previous:
        ranked = [
            (RANK[now], RANK[was])
            for now, was in zip(changes["status"], changes["status_before"], strict=True)
            if now in RANK and was in RANK
        ]
        better = sum(now < was for now, was in ranked)
        worse = sum(now > was for now, was in ranked)
        headlines.append(
            f"Since {previous_label}, {_plural(better, 'measure')} moved to a better status "
            f"and {worse} to a worse one."
        )
    projects = [
        {"title": str(title), "status": str(status), "percent": None if pd.isna(percent) else int(percent)}
        for title, status, percent in zip(
            key_projects["title"], key_projects["status"], key_projects["percent_complete"], strict=True
        )
    ]
    if projects:
        well = sum(p["status"] in PROJECTS_WELL for p in projects)
        headlines.append(
            f"{well} of {_plural(len(projects), 'key project')} {'is' if len(projects) == 1 else 'are'} on track or completed."
        )
    recent = trend.tail(TREND_QUARTERS)
    return {
        "quarter": quarter,
        "label": label,
        "short_label": periods.parse(quarter).short_label(),
        "previous_label": previous_label,
        "on_target": green,
        "total": total,
        "share": share,
        "tiles": tiles,
        "headlines": headlines,
        "trend": [
            {"label": str(label), "share": int(share), "green": int(green), "total": int(total)}
            for label, share, green, total in zip(
                recent["label"], recent["share_on_target"], recent["green"], recent["total"], strict=True
            )
        ],
        "projects": projects,
    }


def trend_sentence(numbers: dict) -> str:
    """The trend in words, for the text beside (and inside) the drawing."""
    parts = [f"{t['label']}: {t['share']}%" for t in numbers["trend"]]
    return "Share of measures on target (green), oldest first: " + "; ".join(parts) + "." if parts else ""


# -- the downloadable SVG ------------------------------------------------------------------------
WIDTH = 1200
FONT = "Arial, Helvetica, sans-serif"
INK = "#0b0c0c"
MUTED = "#505a5f"


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
        f'text-anchor="{anchor}">{escape(text)}</text>'
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
        out.append(_text(40, y, line, 20))
        y += 30
    y += 10
    columns, gap = 3, 20
    tile_w = (WIDTH - 80 - gap * (columns - 1)) / columns
    tile_h = 212
    for index, tile in enumerate(numbers["tiles"]):
        col, row = index % columns, index // columns
        x, top = 40 + col * (tile_w + gap), y + row * (tile_h + gap)
        out.append(
            f'<rect x="{x:.1f}" y="{top:g}" width="{tile_w:.1f}" height="{tile_h}" fill="#f3f2f1" stroke="#b1b4b6"/>'
        )
        for n, line in enumerate(textwrap.wrap(tile["title"], 30)[:2]):
            out.append(_text(x + 16, top + 30 + 24 * n, line, 20, "bold"))
        out.append(_text(x + 16, top + 106, f"{tile['on_target']} of {tile['total']}", 44, "bold"))
        out.append(_text(x + 16, top + 130, "measures on target (green)", 16, fill=MUTED))
        if tile["change"]:
            out.append(_text(x + 16, top + 154, tile["change"][:1].upper() + tile["change"][1:], 16, "bold"))
        out.extend(_bar(x + 16, top + 166, tile_w - 32, 14, tile["counts"]))
        c = tile["counts"]
        words = f"{c['green']} green, {c['amber']} amber, {c['red']} red, {c['grey']} grey"
        out.append(_text(x + 16, top + 200, words, 15, fill=MUTED))
    rows = -(-len(numbers["tiles"]) // columns)
    y += rows * (tile_h + gap) + 30
    if numbers["trend"]:
        out.append(_text(40, y, "Share of measures on target (green), last eight quarters", 22, "bold"))
        y += 20
        chart_h, step = 150, (WIDTH - 80) / max(len(numbers["trend"]), 1)
        for i, t in enumerate(numbers["trend"]):
            h = chart_h * t["share"] / 100
            bx = 40 + i * step + step * 0.2
            out.append(
                f'<rect x="{bx:.1f}" y="{y + chart_h - h + 24:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" fill="#00703c"/>'
            )
            out.append(
                _text(bx + step * 0.3, y + chart_h - h + 18, f"{t['share']}%", 18, "bold", anchor="middle")
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
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc.strip())}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
    )
    return head + "\n".join(out) + "</svg>\n"


PROJECT_WORDS = {
    "not_started": "not started",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "completed": "completed",
    "on_hold": "on hold",
    "cancelled": "cancelled",
}
