"""Render: the whole site's pages, in memory, from the computed frames.

:func:`render_pages` returns ``{path: Page}``; nothing here touches the disk (the templates
are read through jinja2's loader). Pages are HTML that MkDocs places in the theme without
parsing it again. The one path for package text: every value from the data passes through
jinja2's autoescaping as plain text; the short list of officer fields that are Markdown
(:data:`generator.text.MARKDOWN_FIELDS`) passes through :func:`generator.text.officer_markdown`,
which sanitises the HTML it renders; links from the data pass through
:func:`generator.standard.safe_url`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import charts, citation, downloads, infographic, parallel, periods, preview, report, rules, standard
from .formatting import format_value, sentence, uk_date
from .page import Page, make_page, plain
from .render_readers import ReaderPages
from .revisionlog import release_label
from .text import code_spans, officer_markdown

TEMPLATE_DIR = Path(__file__).resolve().parent / "site" / "templates"

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
#: how many periods the status history strip on a measure page shows
STRIP_PERIODS = 8
#: from this many measures, pages are rendered on two cores
PARALLEL_MEASURES = parallel.LARGE_COUNCIL_MEASURES
MEASURE_BLOCK = 50  # measures whose rows are converted to records together

#: above this many measures a quarter's report gets a page per priority, so no page grows past ~200 KB
REPORT_SPLIT_MEASURES = 120

STATUS_MEANING = {
    "green": "on or better than target",
    "amber": "slightly off target, within tolerance",
    "red": "off target, outside tolerance",
    "grey": "no target or no figure yet",
}


@dataclass
class SiteData:
    """Everything the pages are made from, already gated and computed."""

    descriptor: dict
    frames: dict[str, pd.DataFrame]
    performance: pd.DataFrame
    publications: pd.DataFrame  # included publications, oldest first
    preview: bool = False
    revisions: pd.DataFrame | None = None
    withdrawals: pd.DataFrame | None = None  # published figures withdrawn since, with the reason
    extra: dict = field(default_factory=dict)
    # the performance table as each figure was first published, with its correction beside it
    # (revised_value, revised_in, revised_published_date, revised_note), for the reports: a
    # considered report stays as considered. None: nothing was revised (reports read performance)
    reported: pd.DataFrame | None = None

    @property
    def council(self) -> str:
        return str(self.descriptor.get("council", {}).get("name", "Council"))


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


def _records(frame: pd.DataFrame) -> list[dict]:
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


def _sorted(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    return frame.sort_values(["sort_order", id_column], na_position="last", kind="stable")


class Renderer(ReaderPages):
    """Turns :class:`SiteData` into ``{path: markdown}``."""

    def __init__(self, data: SiteData, env: Environment | None = None):
        self.data = data
        self.env = env or environment()
        f = data.frames
        self.priorities = _sorted(f["priorities"], "priority_id")
        self.objectives = _sorted(f["objectives"], "objective_id")
        self.measures = _sorted(f["measures"], "measure_id").merge(
            self.objectives[["objective_id", "priority_id", "title"]].rename(
                columns={"title": "objective_title"}
            ),
            on="objective_id",
            how="left",
        )
        self.measures = self.measures.merge(
            self.priorities[["priority_id", "title"]].rename(columns={"title": "priority_title"}),
            on="priority_id",
            how="left",
        )
        self.projects = _sorted(f["projects"], "project_id")
        self.quarters = [p for p in data.publications["period"] if periods.parse(p).kind == "quarter"]
        self.latest = self.quarters[-1] if self.quarters else None
        self.perf = data.performance
        self.reported = data.reported if data.reported is not None else data.performance
        # each measure's benchmarks by position, taken when its page is made (in whichever process)
        self._benchmark_rows = f["benchmarks"].groupby("measure_id", sort=False).indices
        self._quarter_cache: dict[str, pd.DataFrame] = {}
        self._counts_cache: dict[tuple, pd.DataFrame] = {}
        self._statuses: dict[str, pd.DataFrame] = {}
        # measure_rows: each table's rows of one block of measures at a time, as records
        self._measure_ids: list[str] = self.measures["measure_id"].tolist()
        self._position = {measure_id: i for i, measure_id in enumerate(self._measure_ids)}
        self._tables: dict[str, tuple[pd.DataFrame, dict]] = {}
        self._measure_rows: dict[str, tuple[int, dict[str, list[dict]]]] = {}
        self.measures_with_targets = set(f["targets"]["measure_id"])
        updates = f["project_updates"]
        updates = updates.assign(_k=updates["period"].map(periods.sort_key)).sort_values(
            "_k", ascending=False
        )
        self.updates_by_project = {
            k: g.drop(columns="_k") for k, g in updates.groupby("project_id", sort=False)
        }

    # -- shared helpers ------------------------------------------------------------
    def quarter(self, quarter_id: str) -> pd.DataFrame:
        if quarter_id not in self._quarter_cache:
            rows = report.quarter_rows(self.reported, self.measures, quarter_id, self._outturn_positions)
            self._quarter_cache[quarter_id] = report.latest_annual(rows, self.reported, self._annual_figures)
        return self._quarter_cache[quarter_id]

    def page(self, template: str, **context) -> str:
        base = {
            "council": self.data.council,
            "descriptor": self.data.descriptor,
            "preview": self.data.preview,
            "fmt": format_figure,
            "status_meaning": STATUS_MEANING,
            "grey_words": rules.GREY_WORDS,
            "licence": standard.licence(self.data.descriptor),
        }
        return self.env.get_template(template).render(**base, **context)

    def headline(self, quarter_id: str) -> rules.Headline:
        """The quarter's headline (:func:`rules.headline`), made once: the home page, the report,
        its infographic and image, headlines.csv, the feed and every later quarter's trend read it."""
        cache = self.__dict__.setdefault("_headlines", {})
        if quarter_id not in cache:
            cache[quarter_id] = rules.headline(self.quarter_kinds(quarter_id))
        return cache[quarter_id]

    def priority_headlines(self, quarter_id: str) -> dict[str, rules.Headline]:
        """The quarter's headline for each priority that has measures, made once."""
        cache = self.__dict__.setdefault("_priority_headlines", {})
        if quarter_id not in cache:
            cache[quarter_id] = rules.headlines_by(self.quarter_kinds(quarter_id), self._priority_keys)
        return cache[quarter_id]

    def priority_counts(self, quarter_id: str) -> list[dict]:
        """Each priority's counts (:meth:`rules.Headline.counts`) with its id and title, in Council
        Plan order, every priority listed: the tables of counts by priority."""
        by_priority = self.priority_headlines(quarter_id)
        return [
            {"priority_id": p, "title": title, **by_priority.get(p, rules.Headline()).counts()}
            for p, title in zip(self.priorities["priority_id"], self.priorities["title"], strict=True)
        ]

    def quarter_kinds(self, quarter_id: str) -> list[str]:
        """What each measure counts as in the quarter's headline (:func:`rules.headline_kind`), in
        measure order, as :meth:`quarter` gives its rows (no figure when it has no row) but
        without making the rows: all the headlines need, for every quarter's trend, at a fraction
        of the cost."""
        cache = self.__dict__.setdefault("_kinds", {})
        if quarter_id in cache:  # the overall headline and those by priority both ask
            return cache[quarter_id]
        at = self._outturn_positions
        kinds = self._row_kinds
        period_of = {f: report.reporting_period(f, quarter_id) for f in set(self._frequencies)}
        cache[quarter_id] = [
            "not_due"
            if period_of[frequency] is None
            else kinds[at.get((measure_id, period_of[frequency]), -1)]
            for measure_id, frequency in zip(self._measure_ids, self._frequencies, strict=True)
        ]
        return cache[quarter_id]

    # each outturn's and exception report's row by (measure_id, period): every quarter looks its
    # rows up here instead of merging the tables (made before the processes fork)
    @cached_property
    def _outturn_positions(self) -> dict[tuple[str, str], int]:
        return report.row_positions(self.reported)

    @cached_property
    def _exception_positions(self) -> dict[tuple[str, str], int]:
        return report.row_positions(self.data.frames["exceptions"])

    @cached_property
    def _row_kinds(self) -> list[str]:
        # the rows the reports show (as each figure was first published): positions index them
        return [*rules.row_kinds(self.reported), "missing"]  # position -1: no row, so no figure

    @cached_property
    def _frequencies(self) -> list[str]:
        return self.measures["frequency"].tolist()

    @cached_property
    def _priority_keys(self) -> list[str]:
        return [p if isinstance(p, str) else "" for p in self.measures["priority_id"]]

    @cached_property
    def _included(self) -> set[str]:
        return set(self.quarters)

    @cached_property
    def _annual_figures(self) -> pd.DataFrame:
        return report.annual_figures(self.reported)

    # -- pages ------------------------------------------------------------------------
    def jobs(self) -> list:
        """The site's pages as independent jobs, each returning ``{path: Page}`` (and a report's
        job its infographic image, as bytes), the costly ones first."""
        one = lambda path, make: lambda: {path: make()}  # noqa: E731
        jobs = [
            one("index.md", self.home),
            one("reports/index.md", self.reports_index),
            # a quarter's report and its infographic image share their numbers: one job
            *[
                (
                    lambda q=q: {
                        **self.quarter_report(q),
                        f"data/infographic-{q.lower()}.svg": self.quarter_image(q),
                    }
                )
                for q in self.quarters
            ],
            one("priorities/index.md", self.priorities_index),
            *[
                one(f"priorities/{p['priority_id'].lower()}/index.md", lambda p=p: self.priority_page(p))
                for p in _records(self.priorities)
            ],
            self.measures_index,
            *[
                one(f"measures/{m['measure_id'].lower()}/index.md", lambda m=m: self.measure_page(m))
                for m in _records(self.measures)
            ],
            one("projects/index.md", self.projects_index),
            *[
                one(f"projects/{p['project_id'].lower()}/index.md", lambda p=p: self.project_page(p))
                for p in _records(self.projects)
            ],
            one("about/index.md", self.about),
        ]
        return jobs

    def prepare(self) -> None:
        """Work that many pages share — every quarter's headline counts (the home page, the
        reports and their infographics' trends all ask for them), the templates, plotly — done
        once, before the pages are shared between two processes, so neither does it again."""
        for quarter_id in self.quarters:
            self._trend_point(quarter_id)
            self.priority_headlines(quarter_id)
        # what every quarter's report looks its rows up in: small, and made once for both processes
        _ = self._exception_positions, self._annual_figures
        warm_up(self.env)

    def render(self) -> dict[str, Page]:
        """Every page. For a large council, on two processes (:mod:`generator.parallel`); the
        output is the same, in the same order, either way."""
        if self.large:
            self.prepare()
        pages: dict[str, Page] = {}
        for result in parallel.run_jobs(self.jobs(), parallel=self.large):
            pages.update((path, item) for path, item in result.items() if isinstance(item, Page))
        return pages

    @property
    def large(self) -> bool:
        """Worth a second process: forking costs more than it saves for a small council."""
        return len(self.measures) >= PARALLEL_MEASURES

    def quarter_image(self, quarter_id: str) -> bytes:
        """The quarter at a glance as a downloadable SVG image."""
        return infographic.svg(
            self.infographic(quarter_id),
            self.data.council,
            self.data.extra.get("site_url") or "",
            standard.licence(self.data.descriptor)["title"],
        ).encode("utf-8")

    def home(self) -> Page:
        if self.latest is None:
            return make_page(
                self.page("home.html.j2", latest=None),
                f"Performance of {self.data.council}: no report has been published yet.",
            )
        rows = self.quarter(self.latest)
        by_priority = self.priority_counts(self.latest)
        figure = charts.to_json(
            charts.status_counts_figure(pd.DataFrame(by_priority).assign(label=lambda f: f["title"]))
        )
        overall = self.headline(self.latest)
        previous = self.quarters[-2] if len(self.quarters) > 1 else None
        changes = _records(self.changes(self.latest)) if previous else []
        key = rows[rows["is_key"]]
        lede = f"In {periods.parse(self.latest).label()}, {infographic.in_brief(overall)}."
        return make_page(
            self.page(
                "home.html.j2",
                latest=self.latest,
                publication=_records(self.data.publications[self.data.publications["period"] == self.latest])[
                    0
                ],
                overall=overall,
                brief=infographic.in_brief(overall),
                counts=overall.counts(),
                by_priority=by_priority,
                figure=figure,
                changes=changes,
                previous=previous,
                key_measures=_records(key),
                groupings=rules.ON_TARGET_GROUPINGS,
                glance=self.infographic(self.latest),
                root="",
            ),
            lede,
        )

    def quarter_report(self, quarter_id: str) -> dict[str, Page]:
        """The quarter's report page, plus a page per priority when the council reports many measures."""
        rows = self.quarter(quarter_id)
        updates = self.data.frames["project_updates"]
        updates = updates[updates["period"] == quarter_id].merge(self.projects, on="project_id", how="left")
        priorities = _records(self.priorities)
        records = _records(rows)  # converted once, then grouped: one conversion per report, not per priority
        by_id: dict[str, list[dict]] = {}
        for record in records:
            by_id.setdefault(record["priority_id"], []).append(record)
        groups = [(p, by_id.get(p["priority_id"], [])) for p in priorities]
        split = len(rows) > REPORT_SPLIT_MEASURES
        index = self.quarters.index(quarter_id)
        base = f"reports/{quarter_id.lower()}"
        pages = {}
        by_priority = []
        red_records = self.red_records(quarter_id, records)
        if split:
            reds_by_priority: dict[str, list[dict]] = {}
            for record in red_records:
                reds_by_priority.setdefault(record["priority_id"], []).append(record)
            headlines = self.priority_headlines(quarter_id)
            short = periods.short_label(quarter_id)
            for priority, priority_rows in groups:
                h = headlines.get(priority["priority_id"], rules.Headline())
                c = h.counts()
                by_priority.append({**priority, **c})
                pages[f"{base}/{priority['priority_id'].lower()}/index.md"] = make_page(
                    self.page(
                        "report_priority.html.j2",
                        quarter=quarter_id,
                        priority=priority,
                        rows=priority_rows,
                        counts=c,
                        sentences=[infographic.figures_sentence(h, short), infographic.on_target_sentence(h)],
                        reds=reds_by_priority.get(priority["priority_id"], []),
                    ),
                    f"{priority['title']}: performance in {periods.parse(quarter_id).label()}.",
                    in_nav=False,
                )
        overall = self.headline(quarter_id)
        glance = self.infographic(quarter_id)
        html = self.page(
            "report.html.j2",
            quarter=quarter_id,
            publication=_records(self.data.publications[self.data.publications["period"] == quarter_id])[0],
            overall=overall,
            counts=overall.counts(),
            sentences=glance["headlines"][:1],
            groups=[] if split else groups,
            split=split,
            by_priority=by_priority,
            reds=red_records,
            updates=_records(_sorted(updates, "project_id")),
            previous=self.quarters[index - 1] if index else None,
            changes=_records(self.changes(quarter_id)) if index else [],
            following=self.quarters[index + 1] if index + 1 < len(self.quarters) else None,
            groupings=rules.ON_TARGET_GROUPINGS,
            glance=glance,
            root="../../",
            packs=self.data.extra.get("packs", {}).get(quarter_id, []),
        )
        label = periods.parse(quarter_id).label()
        pages[f"{base}/index.md"] = make_page(
            html,
            f"{self.data.council}'s performance report for {label}: {infographic.in_brief(overall)}; "
            f"{overall.red} red.",
        )
        return pages

    def reports_index(self) -> Page:
        # every quarter from the first report to the last, a gap where none was published
        trend = self.trend(self.quarters[0], self.quarters[-1]) if self.quarters else []
        figure = None
        if trend:  # the home page's stacked bars, one bar per quarter (oldest at the top)
            bars = pd.DataFrame(trend).assign(
                label=[t["label"] + (" (no report)" if t["gap"] == "no_report" else "") for t in trend]
            )
            figure = charts.to_json(charts.status_counts_figure(bars, rows="quarter"))
        latest = self.quarters[-1] if self.quarters else None
        before = self.rated_before(latest) if latest else None
        sentences = []
        if latest:
            h = self.headline(latest)
            short = periods.short_label(latest)
            sentences = [infographic.figures_sentence(h, short), infographic.on_target_sentence(h, before)]
        return make_page(
            self.page(
                "reports_index.html.j2",
                publications=_records(self.data.publications.iloc[::-1]),
                trend=trend,
                sentences=sentences,
                figure=figure,
            ),
            f"Every quarterly performance report of {self.data.council}, as considered by committee, "
            "with the number of measures of each status quarter by quarter.",
        )

    def priorities_index(self) -> Page:
        return make_page(
            self.page(
                "priorities_index.html.j2",
                priorities=_records(self.priorities),
                objectives=_records(self.objectives),
            ),
            f"The priorities and objectives of {self.data.council}'s Council Plan.",
        )

    def about(self) -> Page:
        import markdown

        council = self.data.descriptor.get("council")
        council = council if isinstance(council, dict) else {}
        plan = self.data.descriptor.get("plan")
        rag = {**standard.DEFAULT_RAG, **(self.data.descriptor.get("rag") or {})}
        return make_page(
            self.page(
                "about.html.j2",
                # perfsite's own text (the rules, written once in rules.py), not the package's
                rules_html=Markup(markdown.markdown(rules.__doc__ or "")),
                rag=rag,
                plan_title=plan.get("title") if isinstance(plan, dict) else None,
                contact_email=council.get("contact_email")
                if "@" in str(council.get("contact_email", ""))
                else None,
                website=standard.safe_url(council.get("website"), ("http", "https")),
            ),
            f"How {self.data.council} manages performance and rates each measure red, amber, green or grey.",
        )

    def priority_page(self, priority: dict) -> Page:
        objectives = self.objectives[self.objectives["priority_id"] == priority["priority_id"]]
        latest_rows = (
            self.quarter(self.latest)
            if self.latest
            else self.measures.assign(status="grey", status_source="computed", value=None, target=None)
        )
        summary = []
        if self.latest:
            h = self.priority_headlines(self.latest).get(priority["priority_id"], rules.Headline())
            short = periods.short_label(self.latest)
            summary = [infographic.figures_sentence(h, short), infographic.on_target_sentence(h)]
        items = []
        for objective in _records(objectives):
            measures = latest_rows[latest_rows["objective_id"] == objective["objective_id"]]
            projects = self.projects[self.projects["objective_id"] == objective["objective_id"]]
            items.append((objective, _records(measures), _records(self._latest_updates(projects))))
        return make_page(
            self.page(
                "priority.html.j2", priority=priority, items=items, latest=self.latest, summary=summary
            ),
            priority.get("description") or f"{priority['title']}: objectives, measures and projects.",
        )

    def _latest_updates(self, projects: pd.DataFrame) -> pd.DataFrame:
        updates = self.data.frames["project_updates"]
        if updates.empty:
            return projects.assign(status=None, percent_complete=None, update_period=None)
        latest = (
            updates.assign(_k=updates["period"].map(periods.sort_key))
            .sort_values("_k")
            .groupby("project_id")
            .tail(1)
        )
        latest = latest.rename(columns={"period": "update_period"}).drop(columns="_k")
        return projects.merge(latest, on="project_id", how="left")

    def measure_rows(self, name: str, measure_id: str) -> list[dict]:
        """A measure's rows of a table as records (``performance``, ``outturns``, ``exceptions``
        newest first, ``methodology``, ``benchmarks``, ``revisions``, ``withdrawals``).

        Measure pages are made in measure order, so rows are converted for a block of measures at
        a time and the previous block is let go: one conversion per block rather than per page,
        and never a whole table's records held at once (at 4,000 measures that was about 500 MiB
        in each process)."""
        position = self._position.get(measure_id)
        if position is None:
            return []
        block = position // MEASURE_BLOCK
        held = self._measure_rows.get(name)
        if held is None or held[0] != block:
            held = (block, self._block_rows(name, block))
            self._measure_rows[name] = held
        return held[1].get(measure_id, [])

    def _block_rows(self, name: str, block: int) -> dict[str, list[dict]]:
        if name not in self._tables:
            frame = {
                "performance": self.perf,
                "revisions": self.data.revisions,
                "withdrawals": self.data.withdrawals,
            }.get(name)
            if frame is None:
                frame = self.data.frames.get(name)
            if frame is None or frame.empty:
                self._tables[name] = (frame, {})
                return {}
            if name == "exceptions":
                frame = (
                    frame.assign(_k=frame["period"].map(periods.sort_key))
                    .sort_values("_k", ascending=False, kind="stable")
                    .drop(columns="_k")
                )
            self._tables[name] = (frame, frame.groupby("measure_id", sort=False).indices)
        frame, rows_of = self._tables[name]
        ids = self._measure_ids[block * MEASURE_BLOCK : (block + 1) * MEASURE_BLOCK]
        positions = [rows_of[i] for i in ids if i in rows_of]
        if not positions:
            return {}
        grouped: dict[str, list[dict]] = {}
        # positions ascend within each measure, so each keeps the table's order
        for record in _records(frame.take(np.concatenate(positions))):
            grouped.setdefault(record["measure_id"], []).append(record)
        return grouped

    def measure_page(self, measure: dict) -> Page:
        measure_id = measure["measure_id"]
        records = self.measure_rows("performance", measure_id)
        latest = records[-1] if records else None
        unit_suffix = "%" if measure["unit"] in ("percent", "percent_change") else ""
        ceiling = charts.PERCENT_CEILING if measure["unit"] == "percent" else None
        chart = (
            charts.measure_figure(records, unit_suffix, int(measure["decimal_places"]), ceiling)
            if records
            else None
        )
        detail = {r["period"]: r for r in self.measure_rows("outturns", measure_id)}
        exceptions = self.measure_rows("exceptions", measure_id)
        statement = self.measure_rows("methodology", measure_id)
        benchmarks = self.measure_rows("benchmarks", measure_id)
        compared = []  # comparators drawn on the chart, named in its caption
        if chart is not None and benchmarks:
            traces = charts.benchmark_traces(
                [r["period"] for r in records],
                self.data.frames["benchmarks"].iloc[self._benchmark_rows[measure_id]],
                unit_suffix,
                int(measure["decimal_places"]),
            )
            chart = {**chart, "data": chart["data"] + traces}
            compared = [t["name"] for t in traces]
        revised = {r["period"]: r for r in self.measure_rows("revisions", measure_id)}
        notes = [  # the periods with a note on their figures, newest first
            (h, d)
            for h in reversed(records)
            if (d := detail.get(h["period"], {}))
            and (d.get("override_reason") or d.get("data_quality_note") or d.get("revision_note"))
        ]
        html = self.page(
            "measure.html.j2",
            measure=measure,
            history=records,
            latest=latest,
            latest_detail=detail.get(latest["period"]) if latest else None,
            detail=detail,
            figure=chart,  # a dict: chart_html draws it without a trip through JSON
            exceptions=exceptions,
            statement=statement[0] if statement else None,
            confidence=CONFIDENCE,
            benchmarks=benchmarks,
            has_targets=measure_id in self.measures_with_targets,
            revised=revised,
            notes=notes,
            cite=self.cite(measure["title"], f"measures/{measure_id.lower()}/"),
            strip=records[-STRIP_PERIODS:],
            compared=compared,
            withdrawn=self._withdrawn(measure_id),
        )
        summary = (latest or {}).get("summary") or ""
        description = measure.get("description") or ""
        return make_page(
            html,
            summary or description or f"{measure['title']}: how {self.data.council} is doing.",
            search=" ".join(str(x) for x in (measure_id, measure["title"], summary, description) if x),
            in_nav=False,
        )

    def _withdrawn(self, measure_id: str) -> list[dict]:
        return self.measure_rows("withdrawals", measure_id)

    def data_page(self, sizes: dict[str, str], rows: dict[str, int]) -> Page:
        resources = [
            {"name": n, "description": standard.RESOURCE_DESCRIPTIONS[n], "rows": rows.get(n, 0)}
            for n in standard.RESOURCES
        ]
        first = self.measures["measure_id"].iloc[0].lower() if len(self.measures) else None
        package = downloads.data_package(self.data.descriptor)
        files = {r["path"]: r["title"] for r in package["resources"]}
        files["datapackage.json"] = "Data package descriptor (Frictionless)"
        files["performance-data.zip"] = "The whole data package (zip)"
        title = str(self.data.descriptor.get("title") or f"{self.data.council} performance data")
        covered = sorted(self.perf["period"].unique(), key=periods.sort_key)
        release, published = self.release()
        jsonld = citation.dataset_jsonld(
            self.data.descriptor,
            self.data.council,
            citation.page_url(self.data.extra.get("site_url"), "data/"),
            files,
            covered[0] if covered else None,
            covered[-1] if covered else None,
            published,
        )
        html = self.page(
            "data.html.j2",
            sizes=sizes,
            resources=resources,
            example_measure=first,
            publications=_records(self.data.publications.iloc[::-1]),
            archived={p.split("/")[2] for p in sizes if p.startswith("data/archive/")},
            corrections_released=sorted(
                {p.split("/")[2] for p in sizes if p.startswith("data/archive/corrections-")}
            ),
            dictionary=downloads.dictionary(package),
            cite=self.cite(title, "data/"),
            jsonld=Markup(jsonld),
            packs=self.data.extra.get("packs", {}),
        )
        return make_page(
            html,
            f"Download {self.data.council}'s published performance data as CSV files and a "
            "Frictionless data package, with a data dictionary.",
            search=plain(html)[:2000],
        )

    def projects_index(self) -> Page:
        return make_page(
            self.page(
                "projects_index.html.j2",
                projects=_records(self._latest_updates(self.projects)),
                project_status=PROJECT_STATUS,
            ),
            f"The projects that deliver {self.data.council}'s Council Plan, with their latest status.",
            search="projects actions",
        )

    def project_page(self, project: dict) -> Page:
        updates = self.updates_by_project.get(
            project["project_id"], self.data.frames["project_updates"].iloc[0:0]
        )
        objective = self.objectives[self.objectives["objective_id"] == project["objective_id"]]
        objective = _records(objective)[0] if len(objective) else None
        priority = None
        if objective:
            pr = self.priorities[self.priorities["priority_id"] == objective["priority_id"]]
            priority = _records(pr)[0] if len(pr) else None
        description = project.get("description") or ""
        return make_page(
            self.page(
                "project.html.j2",
                project=project,
                updates=_records(updates),
                objective=objective,
                priority=priority,
            ),
            description or f"{project['title']}: progress reported to {self.data.council}'s committee.",
            search=" ".join(str(x) for x in (project["project_id"], project["title"], description) if x),
            in_nav=False,
        )


def render_pages(data: SiteData, template_dirs: list[Path] | None = None) -> dict[str, Page]:
    """Every page of the site, keyed by path (``measures/m01/index.md``)."""
    return Renderer(data, environment(template_dirs)).render()
