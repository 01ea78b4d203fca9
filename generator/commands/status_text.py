"""The words of ``perfsite status``: a status report as the lines the command line prints, for the
officer checking a quarter before it is published."""

from __future__ import annotations

from pathlib import Path

from .. import rules
from ..rules.status_report import StatusReport, correction_line, one_line
from ..site import infographic
from ..standard import periods


def _sections(r: StatusReport) -> list[tuple[str, list]]:
    """The lists of the report, each under its heading (empty ones are not printed)."""
    return [
        (
            f"Changed since {r.previous}",
            [f"{x['measure_id']} {x['title']}: {x['status_before']} → {x['status']}" for x in r.changes],
        ),
        ("Red with an exception report", r.reds_with_report),
        ("Red WITHOUT an exception report (add one to exceptions.csv)", r.reds_without_report),
        (
            "No figure for this quarter",
            [f"{x['measure_id']} ({x['period']}): {x['reason']}" for x in r.missing],
        ),
        (
            "Revised published figures",
            [
                f"{x['measure_id']} {x['period']}: {x['published_value']} → {x['value']} ({x['revision_note']})"
                for x in r.revisions
            ],
        ),
        (
            "Withdrawn published figures",
            [f"{x['measure_id'] or 'whole report'} {x['period']}: {x['reason']}" for x in r.withdrawals],
        ),
        (
            "Printed status differs (the site shows perfsite's)",
            [
                f"{x['measure_id']} {x['period']}: printed {x['reported_status']}, perfsite {x['status']} "
                f"({x['cause']}: {x['explanation']})"
                for x in r.disagreements
            ],
        ),
        (
            "Corrections not yet public (the next publish releases them)",
            [correction_line(x) for x in r.corrections],
        ),
    ]


def status_lines(r: StatusReport, package_dir: Path) -> list[str]:
    """The report as printed lines (a line may start with a blank line of its own)."""
    lines = [one_line(r)]
    c = r.counts
    lines.append(f"\n{r.period}: {r.publication_status}, committee {r.committee_date or 'date not recorded'}")
    line = (
        f"  {c['red']} red, {c['amber']} amber, {c['green']} green, {c['grey']} grey of {c['total']} measures"
    )
    if r.previous_counts:
        p = r.previous_counts
        line += (
            f" (in {r.previous}: {p['red']} red, {p['amber']} amber, {p['green']} green, {p['grey']} grey)"
        )
    lines.append(line)
    # the headline in the site's own words: how many had a figure, how many rated were on target
    h = rules.Headline(**{kind: int(c[kind]) for kind in rules.HEADLINE_KINDS})
    lines.append(
        f"  {infographic.figures_sentence(h, periods.short_label(r.period))} {infographic.on_target_sentence(h)}"
    )
    for title, items in _sections(r):
        if items:
            lines.append(f"\n{title} ({len(items)}):")
            lines.extend(f"  - {item}" for item in items)
    if r.suggested_tolerance:
        t = r.suggested_tolerance
        lines.append(
            f"\nTolerances: {t['words']} would reproduce {t['reproduced']} of the {t['compared']} statuses "
            "the council printed (see `perfsite validate` for the setting)"
        )
    lines.append(f"\n`perfsite publish {package_dir} {r.period}` would make public:")
    lines.extend(f"  {name}.csv: {rows} more row(s)" for name, rows in sorted(r.would_publish.items()))
    if r.warnings:
        lines.append(f"\n{r.warnings} warning(s): run `perfsite validate {package_dir}` to see them")
    return lines
