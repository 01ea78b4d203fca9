"""The measure pages: each measure's figures, targets, history and benchmarks, with its rows
converted a block of measures at a time."""

from __future__ import annotations

import numpy as np

from ...standard import periods
from .. import charts
from ..page import Page, make_page, template_rows
from .templating import CONFIDENCE

#: how many periods the status history strip on a measure page shows
STRIP_PERIODS = 8

MEASURE_BLOCK = 50  # measures whose rows are converted to records together


class MeasurePages:
    """Mixed into :class:`perfsite.site.render.Renderer`."""

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
        for record in template_rows(frame.take(np.concatenate(positions))):
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
