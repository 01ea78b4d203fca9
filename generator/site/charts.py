"""Charts as plotly figures, shown first as static SVG and made interactive on demand.

Templates call :func:`chart_html` once per chart. It returns the chart's container: a static,
accessible SVG drawn at build time (first paint, no JavaScript, print), an HTML legend, and the
figure's JSON in a ``data-figure`` attribute. ``assets/perfsite.js`` swaps in the interactive
plotly chart only when a reader reaches for it, loading the one shared ``assets/plotly.min.js``
(:func:`plotly_bundle`); pages never inline plotly.js. Figures drop plotly's default template
(≈6 KB each). Status is shown by colour **and** marker shape or bar pattern, and every chart sits
beside a table and a sentence that carry the same information.
"""

from __future__ import annotations

import functools
import json
import textwrap
from functools import lru_cache
from importlib import resources

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup, escape

from ..standard import periods
from ..standard.formatting import quantise_scalar
from . import chart_layout, chart_svg

# Colour-blind-safe status colours, each paired with a shape and a word; the hex values
# also meet AA contrast for white (green, red, grey) or black (amber) text on badges.
STATUS_STYLE = {
    "green": {"colour": "#00703c", "symbol": "circle", "label": "Green"},
    "amber": {"colour": "#f47738", "symbol": "triangle-up", "label": "Amber"},
    "red": {"colour": "#d4351c", "symbol": "diamond", "label": "Red"},
    "grey": {"colour": "#505a5f", "symbol": "square", "label": "Grey"},
}
STATUS_ORDER = ("red", "amber", "green", "grey")
TARGET_COLOUR = "#1d70b8"

_LAYOUT = dict(
    template=None,
    margin=dict(l=48, r=16, t=40, b=72),
    height=340,
    hovermode="closest",
    # the legend sits above the plot so rotated period labels never run into it
    legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom"),
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
)


def rounded(values: list, decimals: int) -> list:
    """Figures rounded as the tables round them (half away from zero, :func:`quantise_scalar`,
    which the rules' tests hold equal to ``quantise``), None where missing (None or NaN)."""
    scale = 10**decimals
    return [None if v is None or v != v else quantise_scalar(v, decimals) / scale for v in values]


def to_json(fig: go.Figure | dict) -> str:
    """Compact, deterministic JSON of a figure (no template)."""
    if isinstance(fig, dict):
        return json.dumps(fig, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    fig.update_layout(template=None)
    return pio.to_json(fig, validate=False, pretty=False, remove_uids=True)


@lru_cache(maxsize=8)
def _measure_skeleton(unit_suffix: str, ceiling: float | None = None) -> dict:
    """The measure chart's traces and layout, built and validated once by plotly's API.

    Building a validated ``go.Figure`` costs ~20 ms; a council site has hundreds of measure
    charts that differ only in their numbers, so each chart copies this skeleton and fills
    in its own x and y arrays.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="lines",
            name="Outturn",
            line=dict(color="#0b0c0c", width=2),
            hoverinfo="skip",
            connectgaps=False,
            showlegend=False,
        )
    )
    for status in STATUS_ORDER:
        style = STATUS_STYLE[status]
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="markers",
                name=f"{style['label']} outturn",
                marker=dict(
                    color=style["colour"],
                    symbol=style["symbol"],
                    size=11,
                    line=dict(color="#0b0c0c", width=1),
                ),
                hovertemplate=f"%{{x}}: %{{y}}{unit_suffix} ({style['label'].lower()})<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[],
            y=[],
            mode="lines",
            name="Target",
            line=dict(color=TARGET_COLOUR, width=2, dash="dash"),
            hovertemplate=f"%{{x}}: target %{{y}}{unit_suffix}<extra></extra>",
        )
    )
    fig.update_layout(**_LAYOUT)
    fig.update_yaxes(ticksuffix=unit_suffix, rangemode="tozero", fixedrange=True)
    if ceiling is not None:
        fig.update_yaxes(autorangeoptions=dict(maxallowed=ceiling))
    fig.update_xaxes(fixedrange=True, tickangle=-45)
    return json.loads(to_json(fig))


#: the top of a percentage axis, unless a figure is above it
PERCENT_CEILING = 100


def measure_figure(
    history: list[dict], unit_suffix: str = "", decimals: int = 0, ceiling: float | None = None
) -> dict:
    """Outturn against target over time for one measure, as a plotly figure dict.

    ``history`` is the measure's rows of the performance table as records (value, target, status,
    period; None where missing), in chronological order. Status traces with no points and a
    target line with no targets are left out. ``ceiling``: the value axis ends there unless a
    figure is above it (100 for a percentage), as plotly's ``autorangeoptions.maxallowed``.
    """
    skeleton = _measure_skeleton(unit_suffix, ceiling)
    labels = [periods.short_label(r["period"]) for r in history]
    values = rounded([r["value"] for r in history], decimals)
    statuses = [r["status"] for r in history]
    traces = [{**skeleton["data"][0], "x": labels, "y": values}]
    for index, status in enumerate(STATUS_ORDER, start=1):
        points = [
            (x, y) for x, y, s in zip(labels, values, statuses, strict=True) if s == status and y is not None
        ]
        if points:
            traces.append(
                {**skeleton["data"][index], "x": [p[0] for p in points], "y": [p[1] for p in points]}
            )
    targets = [r["target"] for r in history]
    if any(t is not None for t in targets):
        traces.append({**skeleton["data"][-1], "x": labels, "y": rounded(targets, decimals)})
    return {"data": traces, "layout": skeleton["layout"]}


#: what the bars of a status-count chart stand for, as its text alternative names them
BAR_ROWS = {"priority": "by priority", "quarter": "quarter by quarter, oldest first"}


def status_counts_figure(counts, rows: str = "priority") -> go.Figure:
    """Stacked horizontal bars of status counts: per priority (the home page) or per quarter (the
    reports list).

    ``counts`` has one row per bar with columns ``label`` and one per status; ``rows`` says what a
    bar is (:data:`BAR_ROWS`), for the chart's text alternative.
    """
    fig = go.Figure(layout={"meta": {"rows": rows}})
    for status in ("green", "amber", "red", "grey"):
        style = STATUS_STYLE[status]
        fig.add_trace(
            go.Bar(
                # long priority names wrap, so the bars keep their width on a phone
                y=["<br>".join(textwrap.wrap(str(label), 18)) for label in counts["label"]],
                x=[int(v) for v in counts[status]],
                name=style["label"],
                orientation="h",
                marker=dict(
                    color=style["colour"],
                    # a pattern per status as well as a colour, overlaid so the colour stays solid
                    pattern=dict(
                        shape={"green": "", "amber": "/", "red": "x", "grey": "."}[status],
                        fillmode="overlay",
                        fgcolor="#0b0c0c" if status == "amber" else "#ffffff",
                        fgopacity=0.35,
                    ),
                ),
                text=[str(int(v)) if v else "" for v in counts[status]],
                textposition="inside",
                insidetextanchor="middle",
                textfont=dict(color="#0b0c0c" if status == "amber" else "#ffffff"),
                hovertemplate=f"%{{y}}: %{{x}} {style['label'].lower()}<extra></extra>",
            )
        )
    fig.update_layout(**{**_LAYOUT, "barmode": "stack", "height": 80 + 48 * len(counts)})
    fig.update_layout(
        margin=dict(l=8, r=8, t=40, b=32),
        legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom", traceorder="normal"),
    )
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    fig.update_xaxes(
        dtick=1 if counts[list(STATUS_STYLE)].sum(axis=1).max() <= 10 else None,
        fixedrange=True,
    )
    return fig


def chart_html(figure: go.Figure | dict | str, chart_id: str, caption_label: str) -> Markup:
    """The chart's container: static SVGs (wide and narrow), an HTML legend and the figure's JSON.

    The SVGs carry ``role="img"`` with a title and description; plotly's interactive chart is
    drawn into a sibling element later, so no ``role="img"`` ever wraps plotly's buttons.
    ``chart_id`` must be unique on the page (it prefixes every id inside the SVGs).
    """
    if isinstance(figure, str):
        figure = json.loads(figure)
    elif isinstance(figure, go.Figure):
        figure = json.loads(to_json(figure))
    kind = chart_layout.kind_of(figure)
    layouts, drawings = {}, []
    desc = _description(figure, kind)
    for size in chart_layout.SIZES:
        geo = chart_layout.geometry(figure, size)
        layouts[size] = chart_layout.plotly_layout(figure, geo)
        drawings.append(chart_svg.svg(figure, geo, size, f"{chart_id}-{size}", caption_label, desc))
    data = [_with_layout_ticks(trace, kind) for trace in figure["data"]]
    # "layout" is the wide one (what plotly users expect); the others are keyed by size
    payload = to_json({"data": data, "layout": layouts.pop("wide"), "layouts": layouts})
    legend = "".join(
        f"<li>{chart_svg.legend_swatch(trace, f'{chart_id}-key{i}')}{escape(trace.get('name', ''))}</li>"
        for i, trace in enumerate(figure["data"])
        if trace.get("showlegend", True) is not False
    )
    return Markup(
        f'<div class="ps-chart ps-chart--{kind}" id="{escape(chart_id)}" data-figure="{escape(payload)}">'
        f'<ul class="ps-legend">{legend}</ul>'
        f'<div class="ps-chart__canvas">{"".join(drawings)}</div></div>'
    )


def _with_layout_ticks(trace: dict, kind: str) -> dict:
    """Traces as drawn by plotly: bar labels keep to their bars (never shrunk into illegibility)."""
    if kind == "bars":
        return {**trace, "insidetextfont": trace.get("textfont", {}), "constraintext": "none"}
    return trace


def _description(figure: dict, kind: str) -> str:
    """A short text alternative for the static chart; the table beside it has every figure."""
    traces = figure["data"]
    if kind == "bars":
        rows = [str(c).replace("<br>", " ") for c in traces[0].get("y") or []]
        parts = []
        for i, row in enumerate(rows):
            counts = [
                f"{int(t['x'][i])} {t.get('name', '').lower()}" for t in traces if (t.get("x") or [0])[i]
            ]
            # a quarter with no report has no bar, and its label says why
            parts.append(
                row if not counts and row.endswith("(no report)") else f"{row}: {', '.join(counts) or 'none'}"
            )
        rows_are = BAR_ROWS[(figure.get("layout", {}).get("meta") or {}).get("rows", "priority")]
        return f"Stacked bars of the number of measures of each status, {rows_are}. " + "; ".join(parts) + "."
    periods_shown = list(traces[0].get("x") or []) if traces else []
    span = f" from {periods_shown[0]} to {periods_shown[-1]}" if periods_shown else ""
    target = " The target is the dashed line." if any(t.get("name") == "Target" for t in traces) else ""
    return (
        f"Line chart of the outturn for {len(periods_shown)} periods{span}; each point's shape and colour show"
        f" its status.{target} The same figures are in the table below."
    )


BASIC_BUNDLE = "js/node_modules/plotly.js-basic-dist-min/plotly-basic.min.js"


#: benchmark markers: hollow shapes unlike any status marker, dark enough on white (AA 3:1 for graphics)
# hollow shapes, so a comparator never looks like one of the council's own (filled) outturns;
# shapes the static drawing (chart_svg) draws exactly as plotly does
BENCHMARK_STYLES = (
    {"symbol": "square-open", "colour": "#4c2c92"},
    {"symbol": "circle-open", "colour": "#28a197"},
    {"symbol": "diamond-open", "colour": "#6f3e00"},
    {"symbol": "triangle-up-open", "colour": "#0b0c0c"},
)


def benchmark_position(benchmark_period: str, chart_periods: list[str]) -> str | None:
    """The chart period a benchmark is drawn at: the same period, else the last charted period
    inside it (a year's benchmark sits at Q4 or March), else the charted period containing it."""
    return _position(benchmark_period, _spans(chart_periods))


def _spans(chart_periods: list[str]) -> dict[str, tuple]:
    """Each charted period's first and last month, read once for all of a chart's benchmarks."""
    return {p: periods.parse(p).months() for p in chart_periods}


def _position(benchmark_period: str, spans: dict[str, tuple]) -> str | None:
    if benchmark_period in spans:
        return benchmark_period
    first, last = periods.parse(benchmark_period).months()
    inside = [p for p, (start, end) in spans.items() if first <= start <= end <= last]
    if inside:
        return max(inside, key=periods.sort_key)
    around = [p for p, (start, end) in spans.items() if start <= first and last <= end]
    return min(around, key=periods.sort_key) if around else None


def benchmark_traces(
    chart_periods: list[str], benchmarks, unit_suffix: str = "", decimals: int = 0
) -> list[dict]:
    """One marker trace per comparator (England median, nearest neighbours…), named with its
    source, to add to :func:`measure_figure`. Benchmarks for periods outside the chart are left out."""
    traces = []
    spans = _spans(chart_periods)
    by_comparator: dict[str, list[tuple]] = {}
    for comparator, period, value, source in zip(
        benchmarks["comparator"], benchmarks["period"], benchmarks["value"], benchmarks["source"], strict=True
    ):
        if isinstance(comparator, str):  # as a groupby, which leaves out a missing comparator
            by_comparator.setdefault(comparator, []).append((period, value, source))
    for index, comparator in enumerate(sorted(by_comparator)):
        style = BENCHMARK_STYLES[index % len(BENCHMARK_STYLES)]
        placed = [
            (_position(period, spans), period, value, source)
            for period, value, source in by_comparator[comparator]
        ]
        placed = sorted(
            (row for row in placed if row[0] is not None), key=lambda row: periods.sort_key(row[0])
        )
        if not placed:
            continue
        sources = sorted({str(source) for *_, source in placed if isinstance(source, str) and source})
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": str(comparator),
                "x": [periods.parse(at).short_label() for at, *_ in placed],
                "y": rounded(
                    pd.Series([value for _, _, value, _ in placed], dtype="float64").tolist(), decimals
                ),
                "customdata": [periods.parse(period).short_label() for _, period, *_ in placed],
                "marker": {
                    "symbol": style["symbol"],
                    "size": 13,
                    "color": style["colour"],
                    "line": {"width": 2},
                },
                "hovertemplate": f"{comparator}, %{{customdata}}: %{{y}}{unit_suffix}"
                + (f" (source: {'; '.join(sources)})" if sources else "")
                + "<extra></extra>",
            }
        )
    return traces


@functools.cache
def plotly_bundle() -> bytes:
    """plotly.js for ``assets/plotly.min.js``: the small scatter-and-bar bundle when installed.

    ``make install`` puts npm's ``plotly.js-basic-dist-min`` (1.2 MB, 0.4 MB gzipped) into the
    package; a plain pip install has no npm, so the full bundle shipped with the plotly package
    (4.8 MB) is the fallback. Both draw every chart perfsite makes.
    """
    basic = resources.files("perfsite").joinpath(BASIC_BUNDLE)
    if basic.is_file():
        return basic.read_bytes()
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")
