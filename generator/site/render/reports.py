"""The pages of the quarterly reports: the home page, each quarter's report (whole, or a page per
priority for a large council) and the list of reports."""

from __future__ import annotations

import pandas as pd

from ... import rules, standard
from ...standard import periods
from .. import charts, infographic, infographic_svg
from ..page import Page, make_page, plan_order, template_rows

#: above this many measures a quarter's report gets a page per priority, so no page grows past ~200 KB
REPORT_SPLIT_MEASURES = 120


class ReportPages:
    """Mixed into :class:`perfsite.site.render.Renderer`."""

    def quarter_image(self, quarter_id: str) -> bytes:
        """The quarter at a glance as a downloadable SVG image."""
        return infographic_svg.svg(
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
        changes = template_rows(self.changes(self.latest)) if previous else []
        key = rows[rows["is_key"]]
        lede = f"In {periods.parse(self.latest).label()}, {infographic.in_brief(overall)}."
        return make_page(
            self.page(
                "home.html.j2",
                latest=self.latest,
                publication=template_rows(
                    self.data.publications[self.data.publications["period"] == self.latest]
                )[0],
                overall=overall,
                brief=infographic.in_brief(overall),
                counts=overall.counts(),
                by_priority=by_priority,
                figure=figure,
                changes=changes,
                previous=previous,
                key_measures=template_rows(key),
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
        priorities = template_rows(self.priorities)
        records = template_rows(
            rows
        )  # converted once, then grouped: one conversion per report, not per priority
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
            publication=template_rows(self.data.publications[self.data.publications["period"] == quarter_id])[
                0
            ],
            overall=overall,
            counts=overall.counts(),
            sentences=glance["headlines"][:1],
            groups=[] if split else groups,
            split=split,
            by_priority=by_priority,
            reds=red_records,
            updates=template_rows(plan_order(updates, "project_id")),
            previous=self.quarters[index - 1] if index else None,
            changes=template_rows(self.changes(quarter_id)) if index else [],
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
                publications=template_rows(self.data.publications.iloc[::-1]),
                trend=trend,
                sentences=sentences,
                figure=figure,
            ),
            f"Every quarterly performance report of {self.data.council}, as considered by committee, "
            "with the number of measures of each status quarter by quarter.",
        )
