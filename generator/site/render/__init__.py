"""Render: the whole site's pages, in memory, from the computed frames.

The :class:`Renderer` holds what every page shares; each family of pages is a module of its own
(:mod:`.reports`, :mod:`.measures`, :mod:`.plan`, :mod:`.readers`), and the jinja2 environment
with the filters the templates call is :mod:`.templating`.

:func:`render_pages` returns ``{path: Page}``; nothing here touches the disk (the templates
are read through jinja2's loader). Pages are HTML that MkDocs places in the theme without
parsing it again. The one path for package text: every value from the data passes through
jinja2's autoescaping as plain text; the short list of officer fields that are Markdown
(:data:`perfsite.site.text.MARKDOWN_FIELDS`) passes through :func:`perfsite.site.text.officer_markdown`,
which sanitises the HTML it renders; links from the data pass through
:func:`perfsite.standard.safe_url`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from jinja2 import Environment

from ... import parallel, rules, standard
from ...rules import report
from ...standard import periods
from ..page import Page, plan_order, template_rows
from .measures import MeasurePages
from .plan import PlanPages
from .readers import ReaderPages
from .reports import ReportPages
from .templating import environment, format_figure, warm_up

#: from this many measures, pages are rendered on two cores
PARALLEL_MEASURES = parallel.LARGE_COUNCIL_MEASURES

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


class Renderer(ReportPages, MeasurePages, PlanPages, ReaderPages):
    """Turns :class:`SiteData` into ``{path: markdown}``."""

    def __init__(self, data: SiteData, env: Environment | None = None):
        self.data = data
        self.env = env or environment()
        f = data.frames
        self.priorities = plan_order(f["priorities"], "priority_id")
        self.objectives = plan_order(f["objectives"], "objective_id")
        self.measures = plan_order(f["measures"], "measure_id").merge(
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
        self.projects = plan_order(f["projects"], "project_id")
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
                for p in template_rows(self.priorities)
            ],
            self.measures_index,
            *[
                one(f"measures/{m['measure_id'].lower()}/index.md", lambda m=m: self.measure_page(m))
                for m in template_rows(self.measures)
            ],
            one("projects/index.md", self.projects_index),
            *[
                one(f"projects/{p['project_id'].lower()}/index.md", lambda p=p: self.project_page(p))
                for p in template_rows(self.projects)
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
        """Every page. For a large council, on two processes (:mod:`perfsite.parallel`); the
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


def render_pages(data: SiteData, template_dirs: list[Path] | None = None) -> dict[str, Page]:
    """Every page of the site, keyed by path (``measures/m01/index.md``)."""
    return Renderer(data, environment(template_dirs)).render()
