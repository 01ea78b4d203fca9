"""The quarter at a glance: one set of numbers, drawn as page HTML and as a downloadable SVG,
and the headline sentences every page, image and feed entry of a quarter says.

:func:`quarter_numbers` gathers what the infographic says — per priority, the rated measures on
target (green) and the changes since last quarter; the headline sentences; the share on target
over the last eight quarters, with a gap for a quarter with no report or nothing rated; key
projects' progress. The page template (``_infographic.html.j2``) and the image
(:func:`perfsite.site.infographic_svg.svg`) both draw from it, so the image can never say
something the page does not. Every count comes from a
:class:`perfsite.rules.Headline` and every change from :func:`perfsite.rules.report.status_changes`;
nothing here counts measures itself. Every number is written as text; colour is never the only
carrier.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..rules import Headline, report
from ..standard import periods

#: project statuses that count as going well in the headline
PROJECTS_WELL = {"on_track", "completed"}
TREND_QUARTERS = 8
#: why a quarter of the trend has no share: words shown in its place
GAP_WORDS = {"no_report": "no report", "none_rated": "none rated"}


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 measure``, ``3 measures``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _every(n: int) -> str:
    """``The measure``, ``Both measures``, ``All 5 measures``."""
    return "The measure" if n == 1 else "Both measures" if n == 2 else f"All {n} measures"


# -- the headline sentences ----------------------------------------------------------------------
def figures_sentence(h: Headline, when: str) -> str:
    """How many measures had a figure: ``25 of 32 measures had a figure for Q1 2026/27; 7 had no
    figure yet (5 of them reported at the end of the year).``"""
    if not h.measures:
        return f"No measure was reported for {when}."
    if not h.no_figure:
        return f"{_every(h.measures)} had a figure for {when}."
    if h.not_due == h.no_figure:
        why = f", as {'it is' if h.no_figure == 1 else 'they are'} reported at the end of the year"
    elif h.not_due:
        why = f" ({h.not_due} of them reported at the end of the year)"
    else:
        why = ""
    if not h.with_figure:
        return f"None of the {plural(h.measures, 'measure')} had a figure for {when} yet{why}."
    return (
        f"{h.with_figure} of {plural(h.measures, 'measure')} had a figure for {when}; "
        f"{h.no_figure} had no figure yet{why}."
    )


def in_brief(h: Headline) -> str:
    """The headline in one clause, for a page's first line, its description and the feed:
    ``17 of the 22 rated measures (77%) were on or better than target (green), and 25 of 32
    measures had a figure``."""
    figures = f"{h.with_figure} of {plural(h.measures, 'measure')} had a figure"
    if not h.rated:
        return f"no measure could be rated, and {figures}"
    return (
        f"{h.on_target} of the {plural(h.rated, 'rated measure')} ({h.share}%) "
        f"{'was' if h.rated == 1 else 'were'} on or better than target (green), and {figures}"
    )


def share_change(now: int | None, before: tuple[str, Headline] | None) -> str:
    """``up from 50% (3 of 6) in Q4 2025/26``: the share against the latest earlier quarter in
    which measures were rated (``before``: its short label and headline); '' with nothing to
    compare. The earlier count is said with its share, as a quarter's rated measures differ (an
    annual measure is rated in Q4 only): 54% of 26 is not 54% of 4."""
    if now is None or before is None:
        return ""
    label, then = before
    was = then.share
    counted = f"{was}% ({then.on_target} of {then.rated})"
    if now == was:
        return f"the same as the {counted} in {label}"
    return f"{'up' if now > was else 'down'} from {counted} in {label}"


def on_target_sentence(h: Headline, before: tuple[str, Headline] | None = None) -> str:
    """``17 of the 22 rated measures (77%) were on or better than target (green), up from 50% (9
    of 18) in Q4 2025/26. 3 measures with a figure are not rated against a target.``"""
    if not h.rated:
        text = "No measure could be rated, so none is counted as on target."
    else:
        change = share_change(h.share, before)
        text = (
            f"{h.on_target} of the {plural(h.rated, 'rated measure')} ({h.share}%) "
            f"{'was' if h.rated == 1 else 'were'} on or better than target (green)"
            f"{', ' + change if change else ''}."
        )
    if h.not_rated:
        text += (
            f" {plural(h.not_rated, 'measure')} with a figure {'is' if h.not_rated == 1 else 'are'} "
            "not rated against a target."
        )
    return text


def red_sentence(h: Headline) -> str:
    if not h.red:
        return "No measure was red."
    return f"{plural(h.red, 'measure')} {'was' if h.red == 1 else 'were'} red: off target by more than the tolerance."


def change_counts(changes: pd.DataFrame) -> dict[str, int]:
    """How many changes of each kind (:data:`perfsite.rules.report.CHANGE_KINDS`) a list holds."""
    tally = Counter(changes["change"])
    return {kind: tally[kind] for kind in report.CHANGE_KINDS}


def _change_parts(counts: dict[str, int], short: bool) -> list[str]:
    words = (
        {"better": "better", "worse": "worse", "grey": "to or from grey"}
        if short
        else {
            "better": "to a better status",
            "worse": "to a worse one" if counts["better"] else "to a worse status",
            "grey": "to or from grey (no figure yet, or not rated)",
        }
    )
    return [f"{counts[kind]} {words[kind]}" for kind in report.CHANGE_KINDS if counts[kind]]


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def changes_sentence(counts: dict[str, int], previous_label: str) -> str:
    """``Since Q4 2025/26, 11 measures changed status: 6 to a better status, 3 to a worse one and
    2 to or from grey (…).`` The count is the length of the list of changes."""
    total = sum(counts.values())
    if not total:
        return f"No measure changed status since {previous_label}."
    return (
        f"Since {previous_label}, {plural(total, 'measure')} changed status: "
        f"{_joined(_change_parts(counts, short=False))}."
    )


def tile_change_words(counts: dict[str, int], previous_label: str) -> str:
    """A tile's changes: ``Since Q4 2025/26: 1 better, 2 to or from grey``."""
    if not sum(counts.values()):
        return f"No change in status since {previous_label}"
    return f"Since {previous_label}: {', '.join(_change_parts(counts, short=True))}"


def since_sentence(corrected: int, withdrawn: int, waiting: int = 0) -> str:
    """What became of the report's figures since it was published: ``Since this report was
    published, 1 of its figures has been corrected and 1 withdrawn; the counts are as the committee
    considered them…`` ('' when nothing changed). ``waiting``: corrections not yet public (a preview)."""
    parts = []
    if corrected:
        parts.append(
            f"{plural(corrected, 'of its figures', 'of its figures')} {'has' if corrected == 1 else 'have'} been corrected"
        )
    if withdrawn:
        parts.append(
            f"{withdrawn} withdrawn"
            if parts
            else f"{plural(withdrawn, 'of its figures', 'of its figures')} {'has' if withdrawn == 1 else 'have'} been withdrawn"
        )
    text = ""
    if parts:
        text = (
            f"Since this report was published, {_joined(parts)}; the counts are as the committee considered "
            "them, and each change is marked in the report and listed in the revisions log."
        )
    if waiting:
        text += (" " if text else "") + (
            f"{plural(waiting, 'figure')} of this report {'has' if waiting == 1 else 'have'} a correction "
            "that is not yet public."
        )
    return text


def quarter_sentences(h: Headline, label: str, before: tuple[str, Headline] | None = None) -> list[str]:
    """The headline of a quarter (or a priority of it) in words: how many had a figure, how many
    rated measures were on target, how many were red."""
    return [figures_sentence(h, label), on_target_sentence(h, before), red_sentence(h)]


# -- the numbers ------------------------------------------------------------------------------------
def trend_point(period: str, h: Headline | None) -> dict:
    """One quarter of a trend: its label, share on target and counts; a gap (``gap``:
    :data:`GAP_WORDS`) when it had no report (``h`` None) or nothing was rated."""
    counts = (h or Headline()).counts()
    gap = "no_report" if h is None else ("" if h.rated else "none_rated")
    return {
        "period": period,
        "label": periods.short_label(period),
        "share": None if h is None else h.share,
        "gap": gap,
        **counts,
    }


def quarter_numbers(
    quarter: str,
    previous: str | None,
    priorities: pd.DataFrame,
    overall: Headline,
    by_priority: dict[str, Headline],
    changes: pd.DataFrame | None,
    trend: list[dict],
    key_projects: pd.DataFrame,
    before: tuple[str, Headline] | None = None,
    since: str = "",
) -> dict:
    """Everything the infographic shows for ``quarter``.

    ``priorities`` in Council Plan order (``priority_id``, ``title``); ``overall`` and
    ``by_priority`` are the quarter's headlines; ``changes`` is
    :func:`perfsite.rules.report.status_changes` against ``previous`` (None for the first quarter);
    ``trend`` is :func:`trend_point` for each quarter in sequence, oldest first, ending with this
    one; ``key_projects`` has ``title``, ``status`` and ``percent_complete`` for the quarter's
    updates of key projects; ``before`` is the latest earlier quarter with rated measures (its
    short label and headline), for the change in the share on target; ``since``: what became of the
    report's figures since it was published (:func:`since_sentence`), said last.
    """
    label = periods.parse(quarter).label()
    previous_label = periods.parse(previous).short_label() if previous else ""
    tile_changes: dict[str, dict[str, int]] = {}
    if changes is not None:
        by = changes["priority_id"] if "priority_id" in changes else pd.Series("", index=changes.index)
        for priority_id, kind in zip(by, changes["change"], strict=True):
            counts = tile_changes.setdefault(priority_id, dict.fromkeys(report.CHANGE_KINDS, 0))
            counts[kind] += 1
    tiles = []
    for priority_id, title in zip(priorities["priority_id"], priorities["title"], strict=True):
        h = by_priority.get(priority_id)
        if h is None or not h.measures:
            continue
        changed = tile_changes.get(priority_id, dict.fromkeys(report.CHANGE_KINDS, 0))
        tiles.append(
            {
                "priority_id": priority_id,
                "title": str(title),
                "on_target": h.on_target,
                "rated": h.rated,
                "total": h.measures,
                "with_figure": h.with_figure,
                "counts": {"green": h.green, "amber": h.amber, "red": h.red, "grey": h.grey},
                "changes": changed if previous else None,
                "change": tile_change_words(changed, previous_label) if previous else "",
            }
        )
    headlines = quarter_sentences(overall, periods.parse(quarter).short_label(), before)
    counts = change_counts(changes) if previous and changes is not None else None
    changed = changes_sentence(counts, previous_label) if counts is not None else ""
    if changed:
        headlines.append(changed)
    projects = [
        {"title": str(title), "status": str(status), "percent": None if pd.isna(percent) else int(percent)}
        for title, status, percent in zip(
            key_projects["title"], key_projects["status"], key_projects["percent_complete"], strict=True
        )
    ]
    if projects:
        well = sum(p["status"] in PROJECTS_WELL for p in projects)
        headlines.append(
            f"{well} of {plural(len(projects), 'key project')} {'is' if len(projects) == 1 else 'are'} on track or completed."
        )
    if since:
        headlines.append(since)
    return {
        "quarter": quarter,
        "label": label,
        "short_label": periods.parse(quarter).short_label(),
        "previous_label": previous_label,
        "headline": overall,
        "on_target": overall.on_target,
        "rated": overall.rated,
        "total": overall.measures,
        "share": overall.share,
        "changes": counts,
        "changes_sentence": changed,
        "tiles": tiles,
        "headlines": headlines,
        "trend": trend,
        "trend_title": trend_title(trend),
        "projects": projects,
    }


def trend_title(trend: list[dict]) -> str:
    """``Share of rated measures on target (green), Q2 2024/25 to Q1 2026/27``: the quarters shown."""
    if not trend:
        return ""
    span = trend[0]["label"] if len(trend) == 1 else f"{trend[0]['label']} to {trend[-1]['label']}"
    return f"Share of rated measures on target (green), {span}"


def trend_words(point: dict) -> str:
    """A quarter's share, or why it has none: ``53%``, ``no report``, ``none rated``."""
    return GAP_WORDS[point["gap"]] if point["gap"] else f"{point['share']}%"


def trend_sentence(numbers: dict) -> str:
    """The trend in words, for the text beside (and inside) the drawing."""
    parts = [f"{t['label']}: {trend_words(t)}" for t in numbers["trend"]]
    return f"{numbers['trend_title']}, oldest first: " + "; ".join(parts) + "." if parts else ""


def figures_words(tile: dict) -> str:
    """A tile's measures and how many had a figure: ``4 of 6 measures had a figure``."""
    if tile["with_figure"] == tile["total"]:
        return f"{_every(tile['total'])} had a figure"
    return f"{tile['with_figure']} of {plural(tile['total'], 'measure')} had a figure"


PROJECT_WORDS = {
    "not_started": "not started",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "completed": "completed",
    "on_hold": "on hold",
    "cancelled": "cancelled",
}
