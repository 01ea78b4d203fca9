"""Static SVG drawings of perfsite's plotly figures, written directly from the figure dict and
the geometry :mod:`perfsite.site.chart_layout` decided (the same numbers plotly is given), so the
drawing shown before plotly.js loads, and in print, matches the interactive chart."""

from __future__ import annotations

import math
from functools import lru_cache
from html import escape

from .chart_layout import DASHES, FONT_FAMILY, FONT_SIZE, GRID, INK, Geometry, text_width

# --- SVG --------------------------------------------------------------------------------------


def marker_paint(marker: dict) -> str:
    """Fill and stroke of a marker as plotly paints it: ``*-open`` symbols are hollow outlines
    in the marker's colour (benchmarks), the others filled with an edge."""
    colour = marker.get("color", INK)
    if str(marker.get("symbol", "")).endswith("-open"):
        return (
            f'fill="none" stroke="{colour}" stroke-width="{max(marker.get("line", {}).get("width", 2), 2)}"'
        )
    edge = marker.get("line", {})
    return f'fill="{colour}" stroke="{edge.get("color", INK)}" stroke-width="{edge.get("width", 0)}"'


def marker_path(symbol: str, size: float) -> str:
    """plotly.js's path for a marker symbol of ``size`` px, centred on 0,0."""
    symbol = symbol.removesuffix("-open")
    r = size / 2
    if symbol == "triangle-up":
        rt, r2 = r * 2 / math.sqrt(3), r / 2
        return f"M{-rt:.2f},{r2:.2f}H{rt:.2f}L0,{-r:.2f}Z"
    if symbol == "diamond":
        rd = r * 1.3
        return f"M{rd:.2f},0L0,{rd:.2f}L{-rd:.2f},0L0,{-rd:.2f}Z"
    if symbol == "square":
        return f"M{r:.2f},{r:.2f}H{-r:.2f}V{-r:.2f}H{r:.2f}Z"
    return f"M{r:.2f},0A{r:.2f},{r:.2f} 0 1,1 0,{-r:.2f}A{r:.2f},{r:.2f} 0 0,1 {r:.2f},0Z"


def pattern_def(pattern_id: str, shape: str, fg: str, opacity: float) -> str:
    """An SVG pattern like plotly's bar patterns (8 px tiles, solidity 0.3)."""
    if not shape:
        return ""
    s = 8
    if shape == "/":
        body = f'<path d="M-2,2L2,-2M0,{s}L{s},0M{s - 2},{s + 2}L{s + 2},{s - 2}" stroke="{fg}" stroke-width="2"/>'
    elif shape == "\\":
        body = f'<path d="M-2,{s - 2}L2,{s + 2}M0,0L{s},{s}M{s - 2},-2L{s + 2},2" stroke="{fg}" stroke-width="2"/>'
    elif shape == "x":
        body = f'<path d="M0,0L{s},{s}M0,{s}L{s},0" stroke="{fg}" stroke-width="1.6"/>'
    elif shape == ".":
        body = f'<circle cx="{s / 2}" cy="{s / 2}" r="1.8" fill="{fg}"/>'
    else:  # "-", "|", "+" and others: a simple line pattern still tells the statuses apart
        body = f'<path d="M0,{s / 2}H{s}" stroke="{fg}" stroke-width="2"/>'
    return (
        f'<pattern id="{pattern_id}" width="{s}" height="{s}" patternUnits="userSpaceOnUse">'
        f'<g opacity="{opacity}">{body}</g></pattern>'
    )


def _text(x: float, y: float, label: str, anchor: str = "middle", extra: str = "", fill: str = INK) -> str:
    lines = label.split("<br>")
    if len(lines) == 1:
        return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(label)}</text>'
    lead = -(len(lines) - 1) * (FONT_SIZE + 2) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{(lead if i == 0 else FONT_SIZE + 2):.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{spans}</text>'


def svg(figure: dict, geo: Geometry, size: str, svg_id: str, title: str, desc: str) -> str:
    """The figure drawn as one self-contained, accessible SVG (role="img", title and desc)."""
    body = _lines_svg(figure, geo, svg_id) if geo.kind == "lines" else _bars_svg(figure, geo, svg_id)
    return (
        f'<svg id="{svg_id}" class="ps-chart__svg ps-chart__svg--{size}" data-size="{size}" '
        f'viewBox="0 0 {geo.width} {geo.height}" width="{geo.width}" height="{geo.height}" role="img" '
        f'aria-labelledby="{svg_id}-t {svg_id}-d" font-family="{escape(FONT_FAMILY)}" font-size="{FONT_SIZE}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{svg_id}-t">{escape(title)}</title><desc id="{svg_id}-d">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _value_grid(geo: Geometry) -> list[str]:
    out = []
    for value, label in geo.value_ticks:
        p = geo.value_to_px(value)
        if geo.kind == "lines":
            out.append(f'<path d="M{geo.left},{p:.1f}H{geo.width - geo.right}" stroke="{GRID}"/>')
            out.append(_text(geo.left - 8, p + FONT_SIZE * 0.35, label, "end"))
        else:
            out.append(f'<path d="M{p:.1f},{geo.top}V{geo.height - geo.bottom}" stroke="{GRID}"/>')
            out.append(_text(p, geo.height - geo.bottom + FONT_SIZE + 4, label))
    return out


@lru_cache(maxsize=256)
def _category_axis(labels: tuple[str, ...], xs: tuple[float, ...], base: float, angle: int) -> str:
    """The period axis's ticks and labels: the same for every measure reported over the same
    periods at one size, so drawn once for all of them."""
    out = []
    for x, label in zip(xs, labels, strict=True):
        out.append(f'<path d="M{x:.1f},{base}v4" stroke="{INK}"/>')
        if not label:
            continue
        if angle:
            y = base + 8 + FONT_SIZE * 0.7
            out.append(_text(x + 3, y, label, "end", f' transform="rotate({angle} {x + 3:.1f} {y:.1f})"'))
        else:
            out.append(_text(x, base + FONT_SIZE + 6, label))
    return "".join(out)


def _lines_svg(figure: dict, geo: Geometry, svg_id: str) -> str:
    out = _value_grid(geo)
    index = {c: i for i, c in enumerate(geo.categories)}
    base = geo.height - geo.bottom
    out.append(
        f'<path d="M{geo.left},{base}H{geo.width - geo.right}M{geo.left},{geo.top}V{base}" stroke="{INK}"/>'
    )
    # every trace's points sit on the same category positions, and the markers on the outturn
    # line's values: each position is worked out and written once per drawing
    xs = [geo.category_to_px(i) for i in range(len(geo.categories))]
    x_text = [f"{x:.1f}" for x in xs]
    to_px = geo.value_mapper()
    y_text: dict[float, str] = {}

    def y_at(y: float) -> str:
        text = y_text.get(y)
        if text is None:
            text = y_text[y] = f"{to_px(y):.1f}"
        return text

    out.append(_category_axis(tuple(geo.category_labels), tuple(xs), base, geo.angle))
    clip = f"{svg_id}-clip"
    out.append(
        f'<clipPath id="{clip}"><rect x="{geo.left}" y="{geo.top - 8}" width="{geo.plot_w + 8}" height="{geo.plot_h + 8}"/></clipPath>'
    )
    out.append(f'<g clip-path="url(#{clip})">')
    for trace in figure["data"]:
        trace_x, trace_y = trace.get("x") or [], trace.get("y") or []
        points = [
            (x_text[index[x]], None if y is None else y_at(y)) for x, y in zip(trace_x, trace_y, strict=False)
        ]
        mode = trace.get("mode", "lines")
        if "lines" in mode:
            line = trace.get("line", {})
            runs, run = [], []
            for px, py in points:  # gaps break the line, as connectgaps=false does
                if py is None:
                    runs.append(run)
                    run = []
                else:
                    run.append((px, py))
            runs.append(run)
            d = "".join("M" + "L".join(f"{px},{py}" for px, py in r) for r in runs if r)
            dash = DASHES.get(line.get("dash", ""), "")
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            if d:
                out.append(
                    f'<path d="{d}" fill="none" stroke="{line.get("color", INK)}" stroke-width="{line.get("width", 2)}"{dash_attr}/>'
                )
        if "markers" in mode:
            marker = trace.get("marker", {})
            shape = marker_path(marker.get("symbol", "circle"), marker.get("size", 6))
            # one group styles the markers; each is a path moved into place (no <use href>: Material's
            # instant navigation rewrites every href attribute and fails on SVG's read-only one)
            out.append(f"<g {marker_paint(marker)}>")
            out.extend(
                f'<path transform="translate({px} {py})" d="{shape}"/>' for px, py in points if py is not None
            )
            out.append("</g>")
    out.append("</g>")
    return "".join(out)


def _bars_svg(figure: dict, geo: Geometry, svg_id: str) -> str:
    out = _value_grid(geo)
    defs = []
    n = len(geo.categories)
    slot = geo.plot_h / max(n, 1)
    thickness = slot * 0.75
    starts = [0.0] * n
    for t_index, trace in enumerate(figure["data"]):
        marker = trace.get("marker", {})
        colour = marker.get("color", INK)
        pattern = marker.get("pattern", {})
        pattern_id = f"{svg_id}-p{t_index}"
        pat = pattern_def(
            pattern_id, pattern.get("shape", ""), pattern.get("fgcolor", INK), pattern.get("fgopacity", 1)
        )
        if pat:
            defs.append(pat)
        text_colour = trace.get("textfont", {}).get("color", INK)
        for i, value in enumerate(trace.get("x") or []):
            if not value:
                continue
            x0, x1 = geo.value_to_px(starts[i]), geo.value_to_px(starts[i] + value)
            y = geo.category_to_px(i) - thickness / 2
            rect = f'x="{x0:.1f}" y="{y:.1f}" width="{x1 - x0:.1f}" height="{thickness:.1f}"'
            out.append(f'<rect {rect} fill="{colour}"/>')
            if pat:
                out.append(f'<rect {rect} fill="url(#{pattern_id})"/>')
            text = (trace.get("text") or [""] * n)[i]
            if text and text_width(text) + 6 <= x1 - x0:
                out.append(_text((x0 + x1) / 2, y + thickness / 2 + FONT_SIZE * 0.35, text, fill=text_colour))
            starts[i] += value
    for i, label in enumerate(geo.category_labels):
        out.append(_text(geo.left - 8, geo.category_to_px(i) + FONT_SIZE * 0.35, label, "end"))
    return (f"<defs>{''.join(defs)}</defs>" if defs else "") + "".join(out)


def legend_swatch(trace: dict, swatch_id: str) -> str:
    """A small SVG key for one trace, drawn like the trace itself (line, marker or patterned bar)."""
    head = '<svg class="ps-legend__key" viewBox="0 0 28 14" width="28" height="14" aria-hidden="true" focusable="false">'
    if trace.get("type") == "bar":
        marker = trace.get("marker", {})
        pattern = marker.get("pattern", {})
        pat = pattern_def(
            swatch_id, pattern.get("shape", ""), pattern.get("fgcolor", INK), pattern.get("fgopacity", 1)
        )
        fill = f'<rect x="4" y="1" width="20" height="12" fill="{marker.get("color", INK)}"/>'
        if pat:
            fill = (
                f"<defs>{pat}</defs>{fill}"
                + f'<rect x="4" y="1" width="20" height="12" fill="url(#{swatch_id})"/>'
            )
        return head + fill + "</svg>"
    mode = trace.get("mode", "lines")
    if "markers" in mode:
        marker = trace.get("marker", {})
        return (
            head
            + f'<path transform="translate(14 7)" d="{marker_path(marker.get("symbol", "circle"), marker.get("size", 6))}" '
            f"{marker_paint(marker)}/></svg>"
        )
    line = trace.get("line", {})
    dash = {"dash": "6,4", "dot": "2,2"}.get(line.get("dash", ""), "")
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        head
        + f'<path d="M1,7H27" stroke="{line.get("color", INK)}" stroke-width="{line.get("width", 2)}"{dash_attr}/></svg>'
    )
