"""Where everything in a chart goes, decided once for its two drawings.

Every chart is shown first as an SVG made at build time (first paint, no JavaScript, print);
plotly.js replaces it only when a reader reaches for it. Both drawings must agree, so this
module decides the geometry once — margins, axis ranges, tick values and labels, which period
labels to show at a given width — and hands the same numbers to plotly as an explicit layout
(:func:`plotly_layout`) and to the SVG writer (:func:`perfsite.site.chart_svg.svg`). Writing SVG
takes well under a millisecond a chart; rendering through a headless browser (kaleido) costs about
a second.

Two sizes are drawn: ``wide`` for desktops and print, ``narrow`` for phones (CSS picks one by
the chart's own width). Text is measured with an approximate width table for system sans-serif
fonts, with slack so that labels never touch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

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
