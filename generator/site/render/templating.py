"""The jinja2 environment of the page templates and the filters and helpers they call: status and
direction badges, figures in the measure's unit, the rows of a measure's tables."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ... import rules, standard
from ...standard import periods
from ...standard.formatting import format_value, sentence, uk_date
from .. import charts, infographic, preview
from ..revisionlog import release_label
from ..shipped import PAGE_TEMPLATES
from ..text import code_spans, officer_markdown

TEMPLATE_DIR = PAGE_TEMPLATES

# the arrows beside these words are drawn by CSS (perfsite.css), hidden from screen readers
DIRECTION_WORDS = {
    "improving": "Improving",
    "worsening": "Worsening",
    "unchanged": "No change",
    "higher": "Up",  # neither higher nor lower is better: the figures compare in words only
    "lower": "Down",
    "not_comparable": "Not comparable",
}

#: said beside a direction where neither a higher nor a lower figure is better
NEUTRAL_NOTE = "neither higher nor lower is better"

PROJECT_STATUS = {
    "not_started": "Not started",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "completed": "Completed",
    "on_hold": "On hold",
    "cancelled": "Cancelled",
}

#: confidence in the data has its own words, never RAG's colours and shapes
CONFIDENCE = {
    "green": "High: the figure comes from a system",
    "amber": "Medium: the figure is compiled by hand in a spreadsheet",
    "red": "Low: the figure is project-based or estimated",
}

_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    def getattr(self, obj, attribute):
        # ``row.status`` in a template: the pages read table rows (dicts) field by field, several
        # hundred thousand times for a large council. jinja2 tries the attribute first and fails;
        # look the field up first instead. ``attrs.get`` is still the method, whatever the keys.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@lru_cache(maxsize=1)
def rules_html() -> str:
    """perfsite's own text (the rating rules, written once in rules/__init__.py) as HTML, for the
    about page and the pack's annex; its reason codes are a table."""
    import markdown

    return markdown.markdown(rules.__doc__ or "", extensions=["tables"])


def environment(template_dirs: list[Path] | None = None) -> Environment:
    """The jinja2 environment: a council's own template folder first, then perfsite's."""
    dirs = [*(template_dirs or []), TEMPLATE_DIR]
    env = _Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build reads each template once; no file check on every page
    )
    env.filters.update(
        status=status_badge,
        direction=direction_badge,
        period_label=periods.label,
        period_short=periods.short_label,
        period_kind=_period_kind,
        officer=officer_markdown,
        project_status=project_status_badge,
        tojson_attr=lambda v: json.dumps(v, sort_keys=True, separators=(",", ":")),
        uk_date=uk_date,
        sentence=sentence,
        safe_url=lambda v: standard.safe_url(v) or "",
        code_spans=code_spans,
        release=release_label,
        fmt=format_figure,  # a filter, not a call: tens of thousands of table cells use it
        meeting_when=preview.meeting_when,
    )
    env.globals["chart_html"] = charts.chart_html
    env.globals["measure_table_rows"] = measure_table_rows
    env.globals["history_rows"] = history_rows
    env.globals["revised_mark"] = revised_mark
    env.globals["figures_words"] = infographic.figures_words
    env.globals["trend_words"] = infographic.trend_words
    return env


def _period_kind(period) -> str:
    """``year``, ``quarter`` or ``month`` (``period_kind`` in a template); '' for no period."""
    parsed = periods.try_parse(period) if isinstance(period, str) else None
    return parsed.kind if parsed else ""


# Badges are asked for tens of thousands of times (every row of every table) with a handful of
# different values: each is made once (periods.label and short_label remember theirs too)
@lru_cache(maxsize=256)
def status_badge(status: str | None, source: str = "computed") -> Markup:
    status = status if status in charts.STATUS_STYLE else "grey"
    label = charts.STATUS_STYLE[status]["label"]
    note = " (officer override)" if source == "override" else ""
    # the shape is drawn by CSS (::before), so colour is never the only signal; markup stays small
    return Markup(f'<span class="ps-status ps-status--{status}">{label}{note}</span>')


@lru_cache(maxsize=64)
def direction_badge(direction: str | None) -> Markup:
    direction = direction if direction in DIRECTION_WORDS else "not_comparable"
    return Markup(f'<span class="ps-dir ps-dir--{direction}">{DIRECTION_WORDS[direction]}</span>')


def project_status_badge(status: str) -> Markup:
    return Markup(
        f'<span class="ps-project ps-project--{escape(status)}">{escape(PROJECT_STATUS.get(status, status))}</span>'
    )


@lru_cache(maxsize=1 << 16)
def _formatted(value: float, unit: str, decimal_places: int, unit_label: str) -> str:
    # the same figure appears on its measure's page, in its quarter's report and again as
    # last year's figure; targets repeat quarter after quarter
    return format_value(value, unit, decimal_places, unit_label)


def format_figure(value, measure: dict) -> str:
    """A figure as the pages show it (``value|fmt(measure)`` in a template): the measure's unit
    and decimal places, "—" when there is none."""
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
    elif value is None or (not isinstance(value, str | int) and pd.isna(value)):
        return "—"
    return _formatted(
        float(value), measure["unit"], int(measure["decimal_places"]), measure.get("unit_label") or ""
    )


def direction_words(direction: str | None, earlier, measure: dict) -> Markup:
    """A direction of travel as a table shows it: the badge; for a measure where neither a higher
    nor a lower figure is better, ``Up from 602 incidents`` and why it is neither better nor worse."""
    badge = direction_badge(direction)
    if direction not in ("higher", "lower", "unchanged") or measure.get("polarity") != "none":
        return badge
    shown = format_figure(earlier, measure)
    if shown == "—":
        return badge
    word = "Same as" if direction == "unchanged" else DIRECTION_WORDS[direction] + " from"
    return Markup(
        f'<span class="ps-dir ps-dir--{direction}">{word} {escape(shown)}</span>'
        f' <span class="ps-dir-note">({NEUTRAL_NOTE})</span>'
    )


def _direction_cells(row: dict, measure: dict | None = None) -> str:
    """The last two cells of a table row (and its end): the direction since the last period and
    since the same period last year (``measure``: the row's measure, when not the row itself)."""
    measure = row if measure is None else measure
    return (
        f'<td data-label="Since last period">'
        f"{direction_words(row['direction_vs_previous'], row.get('previous_value'), measure)}</td>"
        f'<td data-label="Since last year">'
        f"{direction_words(row['direction_vs_last_year'], row.get('year_earlier_value'), measure)}</td></tr>\n"
    )


def measure_table_rows(rows: list[dict], quarter: str, root: str) -> Markup:
    """The rows of a report's measures table (``_macros.html.j2``, ``measure_table``), one line each.

    Written here rather than in the template: a large council's reports hold tens of thousands
    of rows, and the template spent most of their time escaping and joining short pieces. Every
    value from the package is escaped exactly as the template escaped it (markupsafe)."""
    out = []
    for r in rows:
        period = r["period"]
        note = (
            f' <span class="ps-period-note">({escape(periods.short_label(period))})</span>'
            if period and period != quarter
            else ""
        )
        annual = ""
        if r["status_reason"] == "not_due":
            latest = ""
            if r["latest_year_period"]:
                latest = (
                    f"; latest figure {escape(format_figure(r['latest_year_value'], r))} in "
                    f"{escape(periods.short_label(r['latest_year_period']))} ({escape(r['latest_year_status'])})"
                )
            annual = f'<span class="ps-period-note"> reported at year end{latest}</span>'
        elif r["value"] is None:  # a figure was due: say so, and why it is missing when told
            reason = r.get("missing_reason")
            why = f": {escape(reason)}" if reason else ""
            annual = f'<span class="ps-period-note"> no figure{why}</span>'
        out.append(
            f'<tr><th scope="row"><a href="{escape(root)}measures/{escape(str(r["measure_id"]).lower())}/">'
            f"{escape(r['title'])}</a>{note}</th>"
            f'<td data-label="Outturn">{escape(format_figure(r["value"], r))}{revised_mark(r, root)}</td>'
            f'<td data-label="Target">{escape(format_figure(r["target"], r))}</td>'
            f'<td data-label="Status">{status_badge(r["status"], r["status_source"])}{annual}</td>'
            f"{_direction_cells(r)}"
        )
    return Markup("".join(out))


def _same_number(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def revised_mark(row: dict, root: str | None) -> Markup:
    """A quarter's figure is shown as published; when it was corrected since, this says so: the
    corrected value, the release and date it became public (or, in a preview, that it is not
    public yet) and the council's note; when it was withdrawn since, the date and the reason.
    ``root``: the way to the site's root, for the link to the revisions log (``None``: no link)."""
    if isinstance(row.get("withdrawn_date"), str):  # withdrawn since: counted as considered, marked
        link = (
            "Withdrawn"
            if root is None
            else f'<a href="{escape(root)}data/revisions/#withdrawn">Withdrawn</a>'
        )
        why = f" {escape(sentence(row['withdrawn_reason']))}" if row.get("withdrawn_reason") else ""
        return Markup(
            f'<br><span class="ps-revised">{link} on {escape(uk_date(row["withdrawn_date"]))}: '
            f"the figure no longer stands.{why}</span>"
        )
    if not isinstance(row.get("revised_in"), str):
        return Markup("")
    value = escape(format_figure(row["revised_value"], row))
    status = row.get("revised_status")
    same_figure = _same_number(row.get("revised_value"), row.get("value"))
    rated = ""
    if isinstance(status, str) and status != row.get("status"):  # the correction changes the rating
        rated = status if status in rules.RATED else "grey (not rated)"
        if same_figure:  # the figure stayed; an officer's status changed
            value, rated = Markup(f"{value}, rated {escape(rated)},"), ""
    note = f" {escape(sentence(row['revised_note']))}" if row.get("revised_note") else ""
    link = "Revised" if root is None else f'<a href="{escape(root)}data/revisions/">Revised</a>'
    if row["revised_in"]:
        when = escape(release_label(row["revised_in"], row["revised_published_date"]))
        rated = f"; the corrected figure is {rated}" if rated else ""
        return Markup(f'<br><span class="ps-revised">{link} to {value} in {when}{rated}.{note}</span>')
    rated = f" ({rated})" if rated else ""  # "corrected to 60.0% (red)"
    return Markup(
        f'<br><span class="ps-revised">{link}: corrected to {value}{rated}, not yet public '
        f"(it becomes public with the next publication).{note}</span>"
    )


def history_rows(history: list[dict], detail: dict, revised: dict, measure: dict) -> Markup:
    """The rows of a measure's outturns table (``measure.html.j2``), newest first, one line each:
    written here for the same reason as :func:`measure_table_rows`."""
    out = []
    for h in reversed(history):
        period = h["period"]
        value = h["value"]
        notes = ""
        if period in revised:
            r = revised[period]
            first = escape(format_figure(r["published_value"], measure))
            then = ""
            if r.get("first_published_in"):
                then = f" in {escape(release_label(r['first_published_in'], r.get('first_published_date') or ''))}"
            if r.get("revised_in"):
                now = f"; corrected in {escape(release_label(r['revised_in'], r['revised_published_date']))}"
            else:
                now = "; the correction is not yet public (it becomes public with the next publication)"
            notes = (
                '<br><span class="ps-revised"><a href="../../data/revisions/">Revised</a>: '
                f"first published as {first}{then}{now}</span>"
            )
        missing = detail.get(period, {}).get("missing_reason") if value is None else None
        if missing:
            notes += f'<br><span class="ps-period-note">{escape(missing)}</span>'
        out.append(
            f'<tr><th scope="row">{escape(periods.short_label(period))}</th>'
            f'<td data-label="Outturn">{escape(format_figure(value, measure))}{notes}</td>'
            f'<td data-label="Target">{escape(format_figure(h["target"], measure))}</td>'
            f'<td data-label="Status">{status_badge(h["status"], h["status_source"])}</td>'
            f"{_direction_cells(h, measure)}"
        )
    return Markup("".join(out))


def warm_up(env: Environment) -> None:
    """Load what every page needs whatever the package holds — the templates, compiled; plotly's
    figure machinery — so it is done once, not in both processes (a second call costs nothing)."""
    charts.measure_figure([])
    for path in sorted(TEMPLATE_DIR.glob("*.j2")):
        env.get_template(path.name)
