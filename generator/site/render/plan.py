"""The pages of the council's plan and the site's own pages: priorities, projects, about, and the
data page with its downloads."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from ... import rules, standard
from ...standard import periods
from .. import citation, downloads, infographic
from ..page import Page, make_page, plain, template_rows
from .templating import PROJECT_STATUS, rules_html


class PlanPages:
    """Mixed into :class:`perfsite.site.render.Renderer`."""

    def priorities_index(self) -> Page:
        return make_page(
            self.page(
                "priorities_index.html.j2",
                priorities=template_rows(self.priorities),
                objectives=template_rows(self.objectives),
            ),
            f"The priorities and objectives of {self.data.council}'s Council Plan.",
        )

    def about(self) -> Page:
        council = self.data.descriptor.get("council")
        council = council if isinstance(council, dict) else {}
        plan = self.data.descriptor.get("plan")
        rag = {**standard.DEFAULT_RAG, **(self.data.descriptor.get("rag") or {})}
        return make_page(
            self.page(
                "about.html.j2",
                # perfsite's own text (the rules, written once in rules.py), not the package's
                rules_html=Markup(rules_html()),
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
        for objective in template_rows(objectives):
            measures = latest_rows[latest_rows["objective_id"] == objective["objective_id"]]
            projects = self.projects[self.projects["objective_id"] == objective["objective_id"]]
            items.append((objective, template_rows(measures), template_rows(self._latest_updates(projects))))
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
            publications=template_rows(self.data.publications.iloc[::-1]),
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
                projects=template_rows(self._latest_updates(self.projects)),
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
        objective = template_rows(objective)[0] if len(objective) else None
        priority = None
        if objective:
            pr = self.priorities[self.priorities["priority_id"] == objective["priority_id"]]
            priority = template_rows(pr)[0] if len(pr) else None
        description = project.get("description") or ""
        return make_page(
            self.page(
                "project.html.j2",
                project=project,
                updates=template_rows(updates),
                objective=objective,
                priority=priority,
            ),
            description or f"{project['title']}: progress reported to {self.data.council}'s committee.",
            search=" ".join(str(x) for x in (project["project_id"], project["title"], description) if x),
            in_nav=False,
        )
