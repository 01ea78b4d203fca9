"""What goes in a committee pack: the quarter's figures, as the site computes and words them.

Pure: everything is read from a :class:`perfsite.site.render.Renderer` (the object that makes the
site's pages), so the pack counts nothing itself: the headline is :func:`rules.headline` of the
same rows, the sentences are :mod:`generator.infographic`'s, the reds and their exception
reports are the report page's, and "what changed" is the report page's list. A committee's pack
is the same, restricted to the measures whose ``committee`` is that committee.

Officer prose (exception reports, project updates) is kept as the sanitised HTML the site shows
(:func:`generator.text.officer_markdown`); :mod:`.typst_source` turns it into typst markup.
"""

from __future__ import annotations

import datetime

import pandas as pd

from ... import rules
from ...standard import DEFAULT_RAG, periods
from ...standard.formatting import uk_date
from .. import infographic
from ..render import Renderer, format_figure
from ..render.templating import CONFIDENCE, DIRECTION_WORDS, NEUTRAL_NOTE, PROJECT_STATUS, rules_html
from ..text import officer_markdown
from .model import STATUS_WORDS, Change, Method, Pack, Project, Red, Row, Section


def _none(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value


def _text(value: object) -> str:
    value = _none(value)
    return "" if value is None else str(value)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, blanks as None (what the site's templates read)."""
    columns = list(frame.columns)
    return [
        {c: _none(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.to_numpy(dtype=object).tolist()
    ]


def _direction(direction: object, earlier: object, record: dict) -> str:
    direction = direction if direction in DIRECTION_WORDS else "not_comparable"
    words = DIRECTION_WORDS[direction]
    if record.get("polarity") == "none" and direction in ("higher", "lower", "unchanged"):
        shown = format_figure(earlier, record)
        if shown != "—":
            word = "Same as" if direction == "unchanged" else f"{words} from"
            return f"{word} {shown} ({NEUTRAL_NOTE})"
    return words


def _status_words(record: dict) -> str:
    status = record["status"] if record["status"] in STATUS_WORDS else "grey"
    words = STATUS_WORDS[status]
    if record.get("status_source") == "override":
        return f"{words} (officer override)"
    if status == "grey":
        if record.get("status_reason") == "not_due":
            latest = ""
            if record.get("latest_year_period"):
                latest = (
                    f"; latest figure {format_figure(record['latest_year_value'], record)} in "
                    f"{periods.short_label(record['latest_year_period'])} ({record['latest_year_status']})"
                )
            return f"{words} (reported at year end{latest})"
        if record.get("value") is None:
            why = record.get("missing_reason")
            return f"{words} (no figure{': ' + str(why) if why else ''})"
        return f"{words} ({rules.GREY_WORDS.get(record.get('status_reason'), 'not rated')})"
    return words


def _note(record: dict) -> str:
    """A correction or withdrawal since publication, as the report page says it (in short)."""
    if isinstance(record.get("withdrawn_date"), str):
        why = f" {record['withdrawn_reason']}" if record.get("withdrawn_reason") else ""
        return f"Withdrawn on {uk_date(record['withdrawn_date'])}: the figure no longer stands.{why}"
    if isinstance(record.get("revised_in"), str):
        value = format_figure(record.get("revised_value"), record)
        when = record["revised_in"] or "the next publication (not yet public)"
        why = f" {record['revised_note']}" if record.get("revised_note") else ""
        return f"Revised to {value} in {when}.{why}"
    return ""


def row(record: dict, quarter: str) -> Row:
    """A report row in words, as the site's measure table shows it."""
    period = record.get("period")
    return Row(
        measure_id=str(record["measure_id"]),
        title=str(record["title"]),
        status=record["status"] if record["status"] in STATUS_WORDS else "grey",
        status_words=_status_words(record),
        value=format_figure(record.get("value"), record),
        target=format_figure(record.get("target"), record),
        period_note=periods.short_label(period) if period and period != quarter else "",
        since_last=_direction(record.get("direction_vs_previous"), record.get("previous_value"), record),
        since_year=_direction(record.get("direction_vs_last_year"), record.get("year_earlier_value"), record),
        note=_note(record),
    )


def _tolerances(descriptor: dict) -> str:
    rag = {**DEFAULT_RAG, **(descriptor.get("rag") or {})}
    green, amber = float(rag["green_tolerance"]), float(rag["amber_tolerance"])
    if rag["tolerance_type"] == "relative":
        band = lambda x: f"{x * 100:g}% of the target"  # noqa: E731
    else:
        band = lambda x: f"{x:g} in the measure's units"  # noqa: E731
    return (
        f"This council rates a measure green when it is worse than target by no more than "
        f"{band(green)}, and amber when it is worse by no more than {band(amber)}; a measure may "
        "set its own tolerances."
    )


def committees(renderer: Renderer) -> list[str]:
    """The committees named in ``measures.committee``, in the order the measures list them."""
    seen: dict[str, None] = {}
    for name in renderer.measures["committee"]:
        if isinstance(name, str) and name.strip():
            seen.setdefault(name, None)
    return list(seen)


def pack_content(
    renderer: Renderer, quarter: str, committee: str | None = None, corrected: str | None = None
) -> Pack:
    """The pack of ``quarter`` (a quarter the renderer includes) for the council, or for one
    ``committee``'s measures. ``corrected``: the words saying this is a corrected version."""
    data = renderer.data
    publication = records(data.publications[data.publications["period"] == quarter])[0]
    rows = renderer.quarter(quarter)
    mine = (
        (rows["committee"] == committee).to_numpy()
        if committee is not None
        else pd.Series(True, index=rows.index).to_numpy()
    )
    all_records = records(rows)
    chosen = [r for r, keep in zip(all_records, mine, strict=True) if keep]
    ids = {r["measure_id"] for r in chosen}
    index = renderer.quarters.index(quarter)
    previous = renderer.quarters[index - 1] if index else None
    short = periods.short_label(quarter)

    # what each measure counts as (rules.headline_kind), in the rows' order (the measures')
    kinds = [k for k, keep in zip(renderer.quarter_kinds(quarter), mine, strict=True) if keep]
    keys = [
        p if isinstance(p, str) else "" for p, keep in zip(rows["priority_id"], mine, strict=True) if keep
    ]
    if committee is None:
        h = renderer.headline(quarter)
        sentences = list(renderer.infographic(quarter)["headlines"])
        by = renderer.priority_headlines(quarter)
    else:
        h = rules.headline(kinds)
        sentences = infographic.quarter_sentences(h, short)
        by = rules.headlines_by(kinds, keys)
    by_priority = [
        (str(title), by[p].counts())
        for p, title in zip(renderer.priorities["priority_id"], renderer.priorities["title"], strict=True)
        if p in by and by[p].measures
    ]
    counts = h.counts()
    on_target = (
        [
            f"{counts['on_target_' + key]} of {counts['rated']} rated measure{'s' if counts['rated'] != 1 else ''} "
            f"on target — {label}."
            for key, label in rules.ON_TARGET_GROUPINGS.items()
        ]
        if counts["rated"]
        else [
            'No measure could be rated, so none is counted as on target, whichever way "on target" is counted.'
        ]
    )
    grey_note = (
        f"A measure that is not rated is never counted as on target, in either way: {counts['not_rated']} "
        f"had a figure but no rating, and {counts['no_figure']} had no figure yet."
        if counts["grey"]
        else ""
    )

    reds = [
        Red(
            row(r, quarter),
            overview=str(officer_markdown(r.get("overview"))),
            actions=str(officer_markdown(r.get("actions"))),
            benchmarking=str(officer_markdown(r.get("benchmarking"))),
            responsible=_text(r.get("responsible")),
            expected_recovery=_text(r.get("expected_recovery")),
        )
        for r in renderer.red_records(quarter, chosen)
    ]
    grouped: dict[str, list[Row]] = {}
    for r in chosen:
        grouped.setdefault(r["priority_id"], []).append(row(r, quarter))
    sections = [
        Section(p, str(t), grouped[p])
        for p, t in zip(renderer.priorities["priority_id"], renderer.priorities["title"], strict=True)
        if p in grouped
    ]

    changes: list[Change] = []
    changes_sentence = ""
    if previous is not None:
        frame = renderer.changes(quarter)
        frame = frame[frame["measure_id"].isin(ids)]
        changes_sentence = infographic.changes_sentence(
            infographic.change_counts(frame), periods.short_label(previous)
        )

        def said(shown: str, reason: object, period: object) -> str:
            words = STATUS_WORDS.get(shown, "Grey")
            if shown == "grey":
                words += f" ({rules.GREY_WORDS.get(reason, 'not rated')})"
            if isinstance(period, str) and periods.parse(period).kind == "year":
                words += f" for {periods.short_label(period)}"
            return words

        changes = [
            Change(
                str(c["title"]),
                c["change"],
                said(c["shown_before"], c["status_reason_before"], c["period_before"]),
                said(c["shown"], c["status_reason"], c["period"]),
            )
            for c in records(frame)
        ]

    updates = data.frames["project_updates"]
    updates = updates[updates["period"] == quarter].merge(renderer.projects, on="project_id", how="left")
    if committee is not None:  # the projects under the objectives of the committee's measures
        objectives = set(rows.loc[mine, "objective_id"])
        updates = updates[updates["objective_id"].isin(objectives)]
    updates = updates.sort_values(["sort_order", "project_id"], na_position="last", kind="stable")
    projects = [
        Project(
            str(u["title"]),
            PROJECT_STATUS.get(u["status"], str(u["status"])),
            "" if u.get("percent_complete") is None else f"{int(u['percent_complete'])}%",
            str(officer_markdown(u.get("update"))),
            _text(u.get("next_milestone"))
            + (f" (due {uk_date(u['milestone_due'])})" if u.get("milestone_due") else ""),
        )
        for u in records(updates)
    ]

    method_rows = data.frames["methodology"].set_index("measure_id")
    methods = []
    for r in chosen:
        if r["measure_id"] not in method_rows.index:
            continue
        m = {k: _none(v) for k, v in method_rows.loc[r["measure_id"]].items()}
        methods.append(
            Method(
                str(r["title"]),
                _text(m.get("summary")),
                _text(m.get("definition")),
                _text(m.get("calculation")),
                _text(m.get("data_source")),
                CONFIDENCE.get(_text(m.get("confidence")), "Not stated"),
                _text(m.get("confidence_reason")),
            )
        )

    committee_name = _text(publication.get("committee")) or "the committee"
    meeting_date = _text(publication.get("committee_date"))
    published_date = publication.get("published_date") if publication.get("status") == "published" else None
    if data.preview and publication.get("status") != "published":
        published_date = None
    day = published_date or meeting_date or periods.parse(quarter).dates()[1].isoformat()
    plan = data.descriptor.get("plan")
    return Pack(
        council=data.council,
        plan=_text(plan.get("title")) if isinstance(plan, dict) else "",
        quarter=quarter,
        quarter_label=periods.label(quarter),
        short_label=short,
        committee=committee,
        meeting=committee_name + (f", {uk_date(meeting_date)}" if meeting_date else ", date not set"),
        published=uk_date(str(published_date)) if published_date else None,
        date=datetime.date.fromisoformat(str(day)[:10]),
        counts=counts,
        by_priority=by_priority,
        sentences=sentences,
        on_target=on_target,
        grey_note=grey_note,
        reds=reds,
        sections=sections,
        previous_label=periods.short_label(previous) if previous else None,
        changes_sentence=changes_sentence,
        changes=changes,
        projects=projects,
        methods=methods,
        rules_html=rules_html(),
        tolerances=_tolerances(data.descriptor),
        corrected=corrected,
    )
