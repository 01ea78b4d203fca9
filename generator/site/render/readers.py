"""Pages and numbers for what readers reach for next: filters, trends, the quarter at a glance,
revisions and citations — a part of :class:`perfsite.site.render.Renderer`, kept in its own module.

Every method works on the renderer's frames and templates (``self.page``, ``self.quarter``,
``self.counts``) and returns plain values or :class:`~perfsite.site.page.Page` objects.
"""

from __future__ import annotations

import pandas as pd

from ...rules import report
from ...standard import periods
from .. import citation, downloads, facets, infographic
from ..page import Page, make_page, template_rows


class ReaderPages:
    """Mixed into :class:`perfsite.site.render.Renderer`."""

    def release(self) -> tuple[str | None, str | None]:
        """The latest release and its published date, for citations: the latest report's, or a
        corrections release made after it (the data then holds its corrections)."""
        pubs = self.data.publications
        if pubs.empty:
            return None, None
        last = pubs.iloc[-1]
        name, date = str(last["period"]), (str(last["published_date"]) if last["published_date"] else None)
        for correction, when in self.data.extra.get("corrections", []):
            if date and when > date:
                name, date = correction, when
        return name, date

    def cite(self, title: str, path: str) -> str:
        release, published = self.release()
        url = citation.page_url(self.data.extra.get("site_url"), path)
        return citation.citation(self.data.council, title, release, published, url)

    def trend(self, first: str, last: str) -> list[dict]:
        """Every quarter from ``first`` to ``last`` in sequence, oldest first
        (:func:`infographic.trend_point`): a quarter with no report, or with nothing rated, is a
        gap, never 0%."""
        points = []
        quarter, end = periods.parse(first), periods.sort_key(last)
        while periods.sort_key(quarter.id) <= end:
            points.append(self._trend_point(quarter.id))
            quarter = periods.shift(quarter, 1)
        return points

    def _trend_point(self, quarter_id: str) -> dict:
        # every infographic asks for the quarters before its own: each made once
        cache = self.__dict__.setdefault("_trend_points", {})
        if quarter_id not in cache:
            included = quarter_id in self._included
            cache[quarter_id] = infographic.trend_point(
                quarter_id, self.headline(quarter_id) if included else None
            )
        return cache[quarter_id]

    def rated_before(self, quarter_id: str):
        """The latest quarter before ``quarter_id`` in which any measure was rated (its short
        label and headline): what "up" or "down" is measured against."""
        for earlier in reversed(self.quarters[: self.quarters.index(quarter_id)]):
            h = self.headline(earlier)
            if h.share is not None:
                return periods.short_label(earlier), h
        return None

    def changes(self, quarter_id: str) -> pd.DataFrame:
        """What changed since the quarter before (:func:`report.status_changes`), worked out once:
        the quarter's report, its infographic and its CSV row all count these rows."""
        cache = self.__dict__.setdefault("_changes", {})
        if quarter_id not in cache:
            previous = self.quarters[self.quarters.index(quarter_id) - 1]
            cache[quarter_id] = report.status_changes(self.compared(quarter_id), self.compared(previous))
        return cache[quarter_id]

    def compared(self, quarter_id: str) -> pd.DataFrame:
        """The quarter's rows as "what changed" compares them (:func:`report.compared_rows`), made
        once: each quarter is compared with the one before and the one after."""
        cache = self.__dict__.setdefault("_compared", {})
        if quarter_id not in cache:
            rows = self.quarter(quarter_id)
            cache[quarter_id] = report.compared_rows(rows, self.reported, self._outturn_positions)
        return cache[quarter_id]

    def compared_kinds(self, quarter_id: str) -> list[str]:
        """:meth:`quarter_kinds` as "what changed" compares them: an annual measure not due this
        quarter counts as its figure for the year before (:func:`report.compared_period`)."""
        cache = self.__dict__.setdefault("_compared_kinds", {})
        if quarter_id not in cache:
            at = self._outturn_positions
            kinds = self._row_kinds  # position -1 (no row): no figure
            period_of = {f: report.compared_period(f, quarter_id) for f in set(self._frequencies)}
            cache[quarter_id] = [
                kinds[at.get((measure_id, period_of[frequency]), -1)]
                for measure_id, frequency in zip(self._measure_ids, self._frequencies, strict=True)
            ]
        return cache[quarter_id]

    def change_tally(self, quarter_id: str, previous: str) -> dict[str, dict[str, int]]:
        """How many measures changed status in each way since ``previous``, for the council
        (key ``""``) and each priority: :func:`report.change_kinds` of the two quarters' compared
        kinds, the rule :meth:`changes` lists, without making either quarter's rows."""
        moved = report.change_kinds(self.compared_kinds(quarter_id), self.compared_kinds(previous))
        council = dict.fromkeys(report.CHANGE_KINDS, 0)
        tally: dict[str, dict[str, int]] = {}
        for key, kind in zip(self._priority_keys, moved, strict=True):
            if kind is not None:
                council[kind] += 1
                tally.setdefault(key, dict.fromkeys(report.CHANGE_KINDS, 0))[kind] += 1
        return {**tally, "": council}  # the council's own row last, so no priority can stand in for it

    def briefs(self) -> dict[str, str]:
        """Each included quarter's headline in one sentence (:func:`infographic.in_brief`), for the feed."""
        return {q: infographic.in_brief(self.headline(q)) for q in self.quarters}

    def headline_rows(self) -> pd.DataFrame:
        """headlines.csv: each included quarter's headline for the council and for each priority,
        with the changes since the quarter before — the numbers of its report, tile for tile."""
        rows = []
        order = self.priorities["priority_id"].tolist()
        for index, quarter_id in enumerate(self.quarters):
            previous = self.quarters[index - 1] if index else None
            tally = self.change_tally(quarter_id, previous) if previous else {}
            by_priority = self.priority_headlines(quarter_id)
            scopes = [("", self.headline(quarter_id))]
            scopes += [(p, by_priority[p]) for p in order if p in by_priority]
            for priority_id, h in scopes:
                if previous is None:
                    moved = dict.fromkeys(report.CHANGE_KINDS, None)
                else:
                    moved = tally.get(priority_id, dict.fromkeys(report.CHANGE_KINDS, 0))
                rows.append(
                    {
                        "period": quarter_id,
                        "priority_id": priority_id,
                        **{k: v for k, v in h.counts().items() if k != "total"},
                        "share_on_target": h.share,
                        "compared_with": previous or "",
                        **{f"changed_{kind}": n for kind, n in moved.items()},
                    }
                )
        return pd.DataFrame(rows, columns=downloads.headline_columns())

    def red_records(self, quarter_id: str, records: list[dict]) -> list[dict]:
        """The quarter's red rows with their exception reports, as records: what converting
        :func:`report.attach_exceptions` of the red rows gives, made from the report's rows
        (``records``, the quarter's rows already converted) instead of converting them again."""
        exceptions = self.data.frames["exceptions"]
        columns = [c for c in exceptions.columns if c not in ("measure_id", "period")]
        reds = [record for record in records if record["status"] == "red"]
        if reds and any(c in reds[0] for c in columns):  # a column of both: named as the merge names it
            frame = self.quarter(quarter_id)
            return template_rows(
                report.attach_exceptions(frame[frame["status"] == "red"], exceptions, quarter_id)
            )
        chosen = report.exception_report_rows(
            [r["measure_id"] for r in reds],
            [r["period"] for r in reds],
            exceptions,
            quarter_id,
            self._exception_positions,
        )
        written = iter(template_rows(exceptions.take([at for at in chosen if at >= 0])[columns]))
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
        """The numbers of the quarter at a glance (:mod:`perfsite.site.infographic`), for the page and the SVG."""
        cache = self.__dict__.setdefault("_glances", {})  # the report, the home page and the image share it
        if quarter_id not in cache:
            cache[quarter_id] = self._infographic(quarter_id)
        return cache[quarter_id]

    def _infographic(self, quarter_id: str) -> dict:
        index = self.quarters.index(quarter_id)
        previous = self.quarters[index - 1] if index else None
        key_updates = self._key_updates()
        # the trend: the quarters in sequence up to this one, at most eight, from the first report
        first = max(
            self.quarters[0],
            periods.shift(periods.parse(quarter_id), 1 - infographic.TREND_QUARTERS).id,
            key=periods.sort_key,
        )
        return infographic.quarter_numbers(
            quarter_id,
            previous,
            self.priorities,
            self.headline(quarter_id),
            self.priority_headlines(quarter_id),
            self.changes(quarter_id) if previous else None,
            self.trend(first, quarter_id),
            key_updates[key_updates["period"] == quarter_id],
            self.rated_before(quarter_id),
            self.since_published(quarter_id),
        )

    def since_published(self, quarter_id: str) -> str:
        """What became of the report's figures since it was published (corrected, withdrawn, or
        corrected in a preview, not yet public): :func:`infographic.since_sentence`."""
        rows = self.quarter(quarter_id)
        revised = rows["revised_in"].tolist() if "revised_in" in rows else []
        withdrawn = rows["withdrawn_date"].tolist() if "withdrawn_date" in rows else []
        return infographic.since_sentence(
            sum(isinstance(r, str) and r != "" for r in revised),
            sum(isinstance(w, str) for w in withdrawn),
            sum(r == "" for r in revised),
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
                self.page("measures_index.html.j2", rows=template_rows(rows), **base),
                f"Every measure in {self.data.council}'s Council Plan with its latest status.",
                search="measures KPIs performance indicators",
            )
        }
        when = f" in {periods.parse(self.latest).short_label()}" if self.latest else ""
        headings = {
            "status": lambda o: (
                f"Measures not rated (grey){when}"
                if o["slug"] == "grey"
                else f"Measures rated {o['label'].lower()}{when}"
            ),
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
                        rows=template_rows(chosen),
                        heading=heading,
                        total=len(rows),
                        current=(facet, option["slug"]),
                        caption=heading.removesuffix(when),  # the table's caption names the quarter
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
            for r in template_rows(log)
            if r["measure_id"] in measures.index
        ]
        gone = []
        if withdrawn is not None and len(withdrawn):
            for w in template_rows(withdrawn):
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
