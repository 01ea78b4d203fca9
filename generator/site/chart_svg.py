"""Static SVG drawings of perfsite's plotly figures, written directly from the figure dict.

Every chart is shown first as an SVG made at build time (first paint, no JavaScript, print);
plotly.js replaces it only when a reader reaches for it. Both drawings must agree, so this
module decides the geometry once — margins, axis ranges, tick values and labels, which period
labels to show at a given width — and hands the same numbers to plotly as an explicit layout
(:func:`plotly_layout`) and to the SVG writer (:func:`svg`). Writing SVG here takes well under a
millisecond a chart; rendering through a headless browser (kaleido) costs about a second.

Two sizes are drawn: ``wide`` for desktops and print, ``narrow`` for phones (CSS picks one by
the chart's own width). Text is measured with an approximate width table for system sans-serif
fonts, with slack so that labels never touch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
FONT_SIZE = 12
INK = "#0b0c0c"
GRID = "#d9dcde"
# design widths; CSS container queries show the one nearest the chart's own width (see
# perfsite.css: narrow below 440 px, medium below 620 px), so text stays near 12 px
SIZES = {"wide": 720, "medium": 520, "narrow": 340}
HEIGHTS = {"wide": 340, "medium": 320, "narrow": 300}

# plotly's dash patterns for a 2 px line ("dash" is 3 × max(width, 3) on and off)
DASHES = {"dash": "9,9", "dot": "3,3", "dashdot": "9,3,3,3"}


@lru_cache(maxsize=4096)
def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Approximate rendered width of ``text`` in a sans-serif font, erring wide (remembered: every
    chart measures the same period labels and ticks)."""
    units = 0.0
    for ch in text:
        if ch in " .,:;'|!il/()[]-":
            units += 0.33
        elif ch.isdigit():
            units += 0.58
        elif ch.isupper() or ch in "mwMW%@":
            units += 0.72
        else:
            units += 0.56
    return units * size


def _nice_step(span: float, target_ticks: int) -> float:
    raw = span / max(target_ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def _decimals(step: float) -> int:
    for d in range(0, 7):
        if abs(round(step, d) - step) < 1e-9:
            return d
    return 6


def format_tick(value: float, decimals: int, suffix: str = "") -> str:
    """Tick label with thousands separators and a true minus sign."""
    text = f"{abs(value):,.{decimals}f}"
    return ("\u2212" if value < 0 and float(text.replace(",", "")) != 0 else "") + text + suffix


def value_ticks(
    lo: float,
    hi: float,
    target_ticks: int,
    suffix: str = "",
    integer: bool = False,
    ceiling: float | None = None,
):
    """Axis range and ticks covering ``lo``…``hi`` with headroom for markers at the ends; the
    axis ends at ``ceiling`` (100 for a percentage) unless a value is above it."""
    if hi <= lo:
        hi = lo + 1
    step = _nice_step(hi - lo, target_ticks)
    if integer:
        step = max(1.0, round(step))
    start = math.floor(lo / step) * step
    # 3% headroom so a point on the top gridline is never clipped by the plot area
    end = math.ceil((hi + (hi - lo) * 0.03) / step) * step if hi > 0 else math.ceil(hi / step) * step
    if ceiling is not None and hi <= ceiling < end:
        # a share never runs past 100%: the markers' clip area leaves room for a point on the line
        end = start + math.ceil((ceiling - start) / step) * step
    decimals = _decimals(step)
    count = round((end - start) / step)
    ticks = [round(start + i * step, decimals) for i in range(count + 1)]
    return (start, end), [(t, format_tick(t, decimals, suffix)) for t in ticks]


@dataclass
class Geometry:
    """Where everything goes in one drawing (pixels, origin top left)."""

    kind: str  # "lines" or "bars"
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    categories: list[str] = field(default_factory=list)
    category_labels: list[str] = field(default_factory=list)  # "" where a label is thinned out
    angle: int = 0
    value_range: tuple[float, float] = (0.0, 1.0)
    value_ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    def value_to_px(self, v: float) -> float:
        lo, hi = self.value_range
        if self.kind == "bars":
            return self.left + (v - lo) / (hi - lo) * self.plot_w
        return self.top + (hi - v) / (hi - lo) * self.plot_h

    def value_mapper(self):
        """:meth:`value_to_px` for a line chart as one closure (the same arithmetic, no lookups per point)."""
        lo, hi = self.value_range
        top, plot_h = self.top, self.plot_h
        return lambda v: top + (hi - v) / (hi - lo) * plot_h

    def category_to_px(self, i: float) -> float:
        slot = (self.plot_w if self.kind == "lines" else self.plot_h) / max(len(self.categories), 1)
        return (self.left if self.kind == "lines" else self.top) + (i + 0.5) * slot


def kind_of(figure: dict) -> str:
    return "bars" if any(t.get("type") == "bar" for t in figure["data"]) else "lines"


def geometry(figure: dict, size: str) -> Geometry:
    return (_bars_geometry if kind_of(figure) == "bars" else _lines_geometry)(figure, SIZES[size], size)


def _lines_geometry(figure: dict, width: int, size: str) -> Geometry:
    traces = figure["data"]
    categories = list(traces[0].get("x") or [])
    known = set(categories)
    for t in traces[1:]:
        added = [x for x in t.get("x") or [] if x not in known]
        categories += added
        known.update(added)
    values = [y for t in traces for y in (t.get("y") or []) if y is not None]
    yaxis = figure["layout"].get("yaxis", {})
    suffix = yaxis.get("ticksuffix", "") or ""
    ceiling = (yaxis.get("autorangeoptions") or {}).get("maxallowed")
    lo, hi = (min(0.0, min(values)), max(0.0, max(values))) if values else (0.0, 1.0)
    value_range, ticks = value_ticks(lo, hi, 4 if size == "narrow" else 5, suffix, ceiling=ceiling)
    left = max(text_width(label) for _, label in ticks) + 16
    right, top = 16, 12
    n = max(len(categories), 1)
    label_w = max((text_width(c) for c in categories), default=0)
    slot = (width - left - right) / n
    if label_w + 10 <= slot:
        angle, step, bottom = 0, 1, FONT_SIZE * 2 + 12
    else:
        # angled labels need about one line height (÷ sin 45°) between neighbours
        angle = -45
        step = max(1, math.ceil(FONT_SIZE * 1.7 / slot))
        bottom = label_w * 0.71 + FONT_SIZE + 14
        # the first label runs left from its tick: keep it inside the drawing
        left = max(left, label_w * 0.71 - slot / 2 + 6)
    # thinned labels keep the latest period, counting back from it
    labels = [c if (n - 1 - i) % step == 0 else "" for i, c in enumerate(categories)]
    height = HEIGHTS[size]
    return Geometry(
        "lines", width, height, round(left), right, top, round(bottom), categories, labels, angle,
        value_range, ticks,
    )  # fmt: skip


def _bars_geometry(figure: dict, width: int, size: str) -> Geometry:
    traces = figure["data"]
    categories = list(traces[0].get("y") or [])
    wrap = 14 if size == "narrow" else 18
    labels = ["<br>".join(_wrap(c.replace("<br>", " "), wrap)) for c in categories]
    totals = [
        sum((t.get("x") or [0] * len(categories))[i] or 0 for t in traces) for i in range(len(categories))
    ]
    value_range, ticks = value_ticks(0, max(totals, default=1) or 1, 5 if size == "wide" else 4, integer=True)
    value_range = (0.0, float(max(value_range[1], max(totals, default=1))))
    left = max((text_width(line) for label in labels for line in label.split("<br>")), default=0) + 16
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    row = max(44, lines * (FONT_SIZE + 3) + 14)
    top, bottom = 8, FONT_SIZE + 16
    height = round(top + bottom + row * len(categories))
    return Geometry(
        "bars", width, height, round(left), 16, top, bottom, categories, labels, 0, value_range, ticks
    )


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [text]


def plotly_layout(figure: dict, geo: Geometry) -> dict:
    """The figure's layout with every position fixed to ``geo``, so plotly draws what the SVG shows."""
    layout = {k: v for k, v in figure["layout"].items() if k not in ("legend", "xaxis", "yaxis", "margin")}
    font = {"family": FONT_FAMILY, "size": FONT_SIZE, "color": INK}
    base_axis = {
        "fixedrange": True, "automargin": False, "showline": True, "linecolor": INK, "ticks": "outside",
        "ticklen": 4, "tickcolor": INK, "zeroline": False, "tickfont": font,
    }  # fmt: skip
    n = len(geo.categories)
    category_axis = {
        **base_axis,
        "type": "category",
        "showgrid": False,
        "tickmode": "array",
        "tickvals": geo.categories,
        "ticktext": geo.category_labels,
        "tickangle": geo.angle,
        "range": [-0.5, n - 0.5] if geo.kind == "lines" else [n - 0.5, -0.5],
    }
    value_axis = {
        **base_axis,
        "showgrid": True,
        "gridcolor": GRID,
        "tickmode": "array",
        "tickvals": [v for v, _ in geo.value_ticks],
        "ticktext": [t for _, t in geo.value_ticks],
        "range": list(geo.value_range),
        "hoverformat": ",",
    }
    if geo.kind == "bars":
        value_axis["showline"] = False
        category_axis["ticktext"] = geo.category_labels
        category_axis["ticks"] = ""
    layout.update(
        font=font,
        showlegend=False,  # the legend is HTML beside the chart: it wraps and never clips
        height=geo.height,
        margin={"l": geo.left, "r": geo.right, "t": geo.top, "b": geo.bottom, "pad": 0, "autoexpand": False},
        xaxis=category_axis if geo.kind == "lines" else value_axis,
        yaxis=value_axis if geo.kind == "lines" else category_axis,
    )
    if geo.kind == "bars":
        layout["bargap"] = 0.25
    return layout


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
