"""Pages and numbers for what readers reach for next: filters, trends, the quarter at a glance,
revisions and citations — a part of :class:`generator.render.Renderer`, kept in its own module.

Every method works on the renderer's frames and templates (``self.page``, ``self.quarter``,
``self.counts``) and returns plain values or :class:`~generator.page.Page` objects.
"""

from __future__ import annotations

import pandas as pd

from . import citation, facets, infographic, periods, report, rules
from .page import Page, make_page


def _records(frame: pd.DataFrame) -> list[dict]:
    from .render import _records as records  # render imports this module, so look it up at call time

    return records(frame)


class ReaderPages:
    """Mixed into :class:`generator.render.Renderer`."""

    def release(self) -> tuple[str | None, str | None]:
        """The latest release (publication period) and its published date, for citations."""
        pubs = self.data.publications
        if pubs.empty:
            return None, None
        last = pubs.iloc[-1]
        return str(last["period"]), (str(last["published_date"]) if last["published_date"] else None)

    def cite(self, title: str, path: str) -> str:
        release, published = self.release()
        url = citation.page_url(self.data.extra.get("site_url"), path)
        return citation.citation(self.data.council, title, release, published, url)

    def quarter_trend(self, quarters: list[str]) -> pd.DataFrame:
        """Status counts and the share on target (green only) for each quarter, oldest first."""
        columns = ["period", "label", *rules.STATUSES, "total", "on_target_green_only", "share_on_target"]
        return pd.DataFrame([self._trend_row(q) for q in quarters], columns=columns)

    def _trend_row(self, quarter_id: str) -> dict:
        # every infographic asks for the quarters before its own: computed once per quarter
        cache = self.__dict__.setdefault("_trend_rows", {})
        if quarter_id not in cache:
            c = self.counts(quarter_id).iloc[0].to_dict()
            share = round(100 * c["on_target_green_only"] / c["total"]) if c["total"] else 0
            cache[quarter_id] = {
                **c,
                "period": quarter_id,
                "label": periods.parse(quarter_id).short_label(),
                "share_on_target": share,
            }
        return cache[quarter_id]

    def changes(self, quarter_id: str) -> pd.DataFrame:
        """Measures whose status changed since the quarter before (:func:`report.status_changes`),
        worked out once: the quarter's report and its infographic both show them."""
        cache = self.__dict__.setdefault("_changes", {})
        if quarter_id not in cache:
            previous = self.quarters[self.quarters.index(quarter_id) - 1]
            cache[quarter_id] = report.status_changes(self.quarter(quarter_id), self.quarter(previous))
        return cache[quarter_id]

    def red_records(self, quarter_id: str, records: list[dict]) -> list[dict]:
        """The quarter's red rows with their exception reports, as records: what converting
        :func:`report.attach_exceptions` of the red rows gives, made from the report's rows
        (``records``, the quarter's rows already converted) instead of converting them again."""
        exceptions = self.data.frames["exceptions"]
        columns = [c for c in exceptions.columns if c not in ("measure_id", "period")]
        reds = [record for record in records if record["status"] == "red"]
        if reds and any(c in reds[0] for c in columns):  # a column of both: named as the merge names it
            frame = self.quarter(quarter_id)
            return _records(report.attach_exceptions(frame[frame["status"] == "red"], exceptions, quarter_id))
        chosen = report.exception_report_rows(
            [r["measure_id"] for r in reds],
            [r["period"] for r in reds],
            exceptions,
            quarter_id,
            self._exception_positions,
        )
        written = iter(_records(exceptions.take([at for at in chosen if at >= 0])[columns]))
        blank = dict.fromkeys(columns)
        out = []
        for record, at in zip(reds, chosen, strict=True):
            reported = next(written) if at >= 0 else blank
            overview = reported["overview"]
            out.append(
                {**record, **reported, "has_exception_report": overview is not None and str(overview) != ""}
            )
        return out

    def infographic(self, quarter_id: str) -> dict:
        """The numbers of the quarter at a glance (:mod:`generator.infographic`), for the page and the SVG."""
        cache = self.__dict__.setdefault("_glances", {})  # the report, the home page and the image share it
        if quarter_id not in cache:
            cache[quarter_id] = self._infographic(quarter_id)
        return cache[quarter_id]

    def _infographic(self, quarter_id: str) -> dict:
        index = self.quarters.index(quarter_id)
        previous = self.quarters[index - 1] if index else None
        key_updates = self._key_updates()
        # the infographic draws the last eight quarters of the trend: only those are gathered
        shown = self.quarters[max(0, index + 1 - infographic.TREND_QUARTERS) : index + 1]
        return infographic.quarter_numbers(
            quarter_id,
            previous,
            self.priorities,
            self.counts(quarter_id, by="priority_id"),
            self.counts(previous, by="priority_id") if previous else None,
            self.changes(quarter_id) if previous else pd.DataFrame(columns=["status", "status_before"]),
            self.quarter_trend(shown),
            key_updates[key_updates["period"] == quarter_id],
        )

    def _key_updates(self) -> pd.DataFrame:
        """Every update of a key project (its title beside it), in the order the key projects are
        listed: merged once, and each quarter's infographic takes its own quarter's rows."""
        if "_key_update_rows" not in self.__dict__:
            updates = self.data.frames["project_updates"]
            key = self.projects[self.projects["is_key"].fillna(False).astype(bool)]
            self._key_update_rows = key[["project_id", "title"]].merge(updates, on="project_id", how="inner")
        return self._key_update_rows

    def measures_index(self) -> dict[str, Page]:
        """/measures/ with its filters, and a page per status, priority, directorate and committee
        (``measures/by-status/red/``), so every filter is a plain link that works without JavaScript."""
        rows = (
            self.quarter(self.latest)
            if self.latest
            else self.measures.assign(status="grey", status_source="computed", value=None, target=None)
        )
        options = facets.facet_options(rows, self.priorities)
        attrs = facets.row_attributes(rows, options)
        labels = {facet: label for facet, (_, label) in facets.FACETS.items()}
        base = {"facets": options, "facet_labels": labels, "latest": self.latest, "attrs": attrs}
        pages = {
            "measures/index.md": make_page(
                self.page("measures_index.html.j2", rows=_records(rows), **base),
                f"Every measure in {self.data.council}'s Council Plan with its latest status.",
                search="measures KPIs performance indicators",
            )
        }
        when = f" in {periods.parse(self.latest).short_label()}" if self.latest else ""
        headings = {
            "status": lambda o: f"Measures rated {o['label'].lower()}{when}",
            "priority": lambda o: f"Measures of the priority {o['label']}",
            "directorate": lambda o: f"Measures of the {o['label']} directorate",
            "committee": lambda o: f"Measures reported to the {o['label']}",
        }
        for facet, choices in options.items():
            for option in choices:
                chosen = rows[rows["measure_id"].isin(option["measure_ids"])]
                heading = headings[facet](option)
                pages[f"measures/by-{facet}/{option['slug']}/index.md"] = make_page(
                    self.page(
                        "measures_facet.html.j2",
                        rows=_records(chosen),
                        heading=heading,
                        total=len(rows),
                        current=(facet, option["slug"]),
                        **base,
                    ),
                    f"{heading}: {len(chosen)} of {len(rows)} measures of {self.data.council}'s Council Plan.",
                    search=heading,
                    in_nav=False,
                )
        return pages

    def revisions_page(self, log: pd.DataFrame, withdrawn: pd.DataFrame | None = None) -> Page:
        """The revisions log: every published figure corrected later, both values and both dates,
        and every published figure withdrawn since, with its reason."""
        measures = self.measures.set_index("measure_id")
        rows = [
            {**r, "measure": measures.loc[r["measure_id"]].to_dict()}
            for r in _records(log)
            if r["measure_id"] in measures.index
        ]
        gone = []
        if withdrawn is not None and len(withdrawn):
            for w in _records(withdrawn):
                found = w["measure_id"] in measures.index
                gone.append(
                    {
                        **w,
                        "measure": {**measures.loc[w["measure_id"]].to_dict(), "measure_id": w["measure_id"]}
                        if found
                        else None,
                    }
                )
        return make_page(
            self.page("revisions.html.j2", rows=rows, withdrawn=gone),
            f"Every figure {self.data.council} published and later corrected: the value first "
            "published, the value now, when each was published and why it changed.",
            in_nav=False,
        )
