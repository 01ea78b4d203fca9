"""The pack as typst markup.

Every text from the package reaches typst as a string literal (:func:`lit`), never as markup: a
title holding ``#``, ``*``, ``$``, ``[``, ``]``, ``\\``, ``@`` or ``<`` prints as typed, and
nothing in it can run typst code. Officer prose arrives as the sanitised HTML the site shows
(a handful of tags: paragraphs, lists, emphasis, links, code) and is rebuilt from those tags
(:func:`from_html`), its text again as string literals.

Layout rules a committee asked for: council, quarter and "Page X of Y" on every page; rows that
never split across pages; headings kept with what follows (typst's headings are sticky); no
forced page break between priorities; DRAFT across every page of a preview.
"""

from __future__ import annotations

from ...files.guard import PACK_MARK
from .content import Pack, Row
from .markup import from_html, lit, t

#: said in the PDF's metadata: the write guard knows a pack perfsite made by it
KEYWORD = PACK_MARK.decode()

# status colours of the site (charts.STATUS_STYLE), each with its own shape, so colour is never
# the only signal
SHAPES = {
    "green": 'circle(radius: 0.32em, fill: rgb("#00703c"))',
    "amber": 'polygon(fill: rgb("#f47738"), (0em, 0.62em), (0.36em, 0em), (0.72em, 0.62em))',
    "red": 'rotate(45deg, square(size: 0.5em, fill: rgb("#d4351c")))',
    "grey": 'square(size: 0.56em, fill: rgb("#505a5f"))',
}


def status_mark(status: str, words: str) -> str:
    """A status as shape and words (the colour is the shape's only); the shapes are made once
    (``mark`` in the preamble), so a long table lays each out once."""
    status = status if status in SHAPES else "grey"
    return f"#mark.{status};{t(' ' + words)}"


def _marks() -> str:
    shapes = ", ".join(
        f"{status}: box(width: 0.8em, align(center + horizon, {shape}))" for status, shape in SHAPES.items()
    )
    return f"#let mark = ({shapes})\n"


def _date(pack: Pack) -> str:
    d = pack.date
    return f"datetime(year: {d.year}, month: {d.month}, day: {d.day})"


def _preamble(pack: Pack) -> str:
    quarter = t(pack.short_label)
    draft = (
        ' #h(1fr) #text(fill: rgb("#b10e1e"), weight: "bold")[DRAFT — not yet published]'
        if pack.draft
        else ""
    )
    background = (
        '#set page(background: rotate(-40deg, text(size: 96pt, fill: luma(232), weight: "bold")[DRAFT]))\n'
        if pack.draft
        else ""
    )
    return f"""#set document(title: {lit(pack.title)}, author: {lit(pack.council)}, keywords: ({lit(KEYWORD)},), date: {_date(pack)})
#set text(lang: "en", region: "GB", font: "Libertinus Serif", size: 10.5pt)
#set par(justify: false)
#set page(
  paper: "a4",
  margin: (x: 1.9cm, top: 2.4cm, bottom: 2.2cm),
  header: context [
    #set text(size: 8.5pt)
    {t(pack.council)} — {quarter}{draft}
    #v(-0.4em)
    #line(length: 100%, stroke: 0.4pt + luma(140))
  ],
  footer: context [
    #set text(size: 8.5pt)
    {t(pack.council)} · {quarter} #h(1fr) Page #counter(page).display() of #counter(page).final().first()
  ],
)
{background}{_marks()}#set heading(numbering: none)
#show heading.where(level: 1): set text(size: 16pt)
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 3): set text(size: 11.5pt)
#show heading: set block(above: 1.3em, below: 0.7em)
#set table(stroke: 0.4pt + luma(160), inset: 4pt)
#show table: set text(size: 9pt)
#set table.cell(breakable: false)
#show table.cell.where(y: 0): set text(weight: "bold")
#show link: underline
"""


def _cover(pack: Pack) -> str:
    lines = [
        "#v(3cm)",
        f"#text(size: 13pt)[{t(pack.council)}]",
        "#v(0.6em)",
        f'#text(size: 24pt, weight: "bold")[{t("Performance report: " + pack.quarter_label)}]',
        "#v(0.6em)",
    ]
    if pack.plan:
        lines.append(f"#text(size: 13pt)[{t(pack.plan)}]")
    if pack.committee:
        lines.append(f"\n#text(size: 13pt)[{t('The measures of the ' + pack.committee)}]")
    lines.append("#v(1.5em)")
    meeting = ("Considered by " if not pack.draft else "For ") + pack.meeting
    lines.append(f"{t(meeting)}\n")
    if pack.draft:
        lines.append(
            '#block(stroke: 1.5pt + rgb("#b10e1e"), inset: 10pt)[#text(weight: "bold", size: 14pt)[DRAFT]'
            " — not yet published. The figures may change before publication.]"
        )
    else:
        lines.append(f"{t('Published ' + str(pack.published))}\n")
    if pack.corrected:
        lines.append(f"\n#block(stroke: 1pt, inset: 8pt)[#strong[Corrected version.] {t(pack.corrected)}]")
    lines.append("#v(2em)")
    lines.append(
        "#text(size: 9pt)[Every figure, status and sentence in this pack is worked out from the "
        "council's published data by the same rules as its performance website.]"
    )
    lines.append("#pagebreak()")
    lines.append("#outline(title: [Contents], depth: 2)")
    lines.append("#pagebreak()")
    return "\n".join(lines)


def _summary(pack: Pack) -> str:
    c = pack.counts
    parts = ["= Summary", " ".join(t(s) for s in pack.sentences), ""]
    rows = [
        ("green", c["green"], pack.status_meaning["green"]),
        ("amber", c["amber"], pack.status_meaning["amber"]),
        ("red", c["red"], pack.status_meaning["red"]),
        (
            "grey",
            c["grey"],
            f"not rated: {c['not_rated']} with a figure but no rating, {c['no_figure']} with no figure yet",
        ),
    ]
    cells = ", ".join(f"[{status_mark(s, s.capitalize())}], [{n}], [{t(meaning)}]" for s, n, meaning in rows)
    parts.append(
        "#table(columns: (auto, auto, 1fr), align: (left, right, left),\n"
        "  table.header([Status], [Measures], [Meaning]),\n"
        f"  {cells},\n  [*Total*], [{c['measures']}], [{c['with_figure']} with a figure],\n)"
    )
    parts.append("")
    parts.extend(f"- {t(line)}" for line in pack.on_target)
    if pack.grey_note:
        parts.append(f"\n{t(pack.grey_note)}")
    if pack.by_priority:
        rows = ",\n  ".join(
            f"[{t(title)}], "
            + ", ".join(f"[{c[k]}]" for k in ("green", "amber", "red", "grey", "measures", "with_figure"))
            for title, c in pack.by_priority
        )
        parts.append(
            "\n=== Measures by status and priority\n"
            "#table(columns: (2.4fr, 1fr, 1fr, 1fr, 1fr, 1fr, 1.2fr), align: (left, ..(right,) * 6),\n"
            f"  table.header([Priority], {', '.join(f'[{status_mark(s, s.capitalize())}]' for s in ('green', 'amber', 'red', 'grey'))}, [Total], [With a figure]),\n"
            f"  {rows},\n)"
        )
    return "\n".join(parts)


def _figure_cells(r: Row) -> str:
    value = r.value + (f" ({r.period_note})" if r.period_note else "")
    note = f" #linebreak() #text(size: 8.5pt)[{t(r.note)}]" if r.note else ""
    return f"[{t(value)}{note}], [{t(r.target)}], [{status_mark(r.status, r.status_words)}]"


def _reds(pack: Pack) -> str:
    parts = ["= Red measures and their exception reports"]
    if not pack.reds:
        parts.append("No measure was red this quarter, so no exception report was needed.")
        return "\n".join(parts)
    n = len(pack.reds)
    parts.append(
        f"{n} measure{'s were' if n != 1 else ' was'} red this quarter. Every measure that is red needs an "
        "exception report saying why and what is being done."
    )
    for red in pack.reds:
        r = red.row
        parts.append(f"\n== {t(r.title)}")
        first = f"{status_mark('red', r.status_words)} Outturn {t(r.value)}"
        if r.period_note:
            first += f" ({t(r.period_note)})"
        first += f" against a target of {t(r.target)}."
        if r.note:
            first += f" {t(r.note)}"
        parts.append(first + "\n")
        if not red.overview:
            parts.append("_No exception report was published for this measure._")
            continue
        parts.append(f"=== Performance overview\n{from_html(red.overview)}\n")
        parts.append(f"=== Actions to improve\n{from_html(red.actions)}\n")
        if red.benchmarking:
            parts.append(f"=== Benchmarking\n{from_html(red.benchmarking)}\n")
        facts = [
            (k, v)
            for k, v in (("Responsible", red.responsible), ("Expected recovery", red.expected_recovery))
            if v
        ]
        if facts:
            parts.append(
                "#block(breakable: false)[" + " #linebreak() ".join(f"*{k}:* {t(v)}" for k, v in facts) + "]"
            )
    return "\n".join(parts)


def _tables(pack: Pack) -> str:
    parts = ["= Measures by priority"]
    for section in pack.sections:
        parts.append(f"\n== {t(section.title)}")
        rows = ",\n  ".join(
            f"[{t(r.title)}], {_figure_cells(r)}, [{t(r.since_last)}], [{t(r.since_year)}]"
            for r in section.rows
        )
        parts.append(
            "#table(columns: (2.3fr, 1fr, 1fr, 1.5fr, 0.9fr, 0.9fr),\n"
            "  table.header([Measure], [Outturn], [Target], [Status], [Since last period], [Since last year]),\n"
            f"  {rows},\n)"
        )
    return "\n".join(parts)


def _changes(pack: Pack) -> str:
    parts = ["= What changed since last quarter"]
    if pack.previous_label is None:
        parts.append("This is the first published quarter, so there is nothing to compare with yet.")
        return "\n".join(parts)
    parts.append(t(pack.changes_sentence) + "\n")
    for kind, heading in (
        ("better", "Better"),
        ("worse", "Worse"),
        ("grey", "To or from grey: neither better nor worse"),
    ):
        group = [c for c in pack.changes if c.kind == kind]
        if group:
            parts.append(f"=== {heading} ({len(group)})")
            parts.extend(f"- {t(c.title)}: {t(c.before)} to {t(c.after)}" for c in group)
            parts.append("")
    return "\n".join(parts)


def _projects(pack: Pack) -> str:
    parts = ["= Project progress"]
    if not pack.projects:
        parts.append("No project updates were reported this quarter.")
        return "\n".join(parts)
    rows = ",\n  ".join(
        f"[{t(p.title)}], [{t(p.status)}], [{t(p.percent)}], [{from_html(p.update)}], [{t(p.milestone)}]"
        for p in pack.projects
    )
    parts.append(
        "#table(columns: (1.3fr, 0.8fr, 0.85fr, 2.3fr, 1.2fr),\n"
        "  table.header([Project], [Status], [Complete], [Update], [Next milestone]),\n"
        f"  {rows},\n)"
    )
    return "\n".join(parts)


def _annex(pack: Pack) -> str:
    parts = ["= Annex: how the figures are made", "== The rating rules", t(pack.tolerances), ""]
    parts.append(from_html(pack.rules_html))
    parts.append("\n== Confidence in the data")
    parts.append(
        "Each measure's methodology statement says how far its figure can be relied on: "
        "#strong[high] (the figure comes from a system), #strong[medium] (compiled by hand in a "
        "spreadsheet) or #strong[low] (project-based or estimated).\n"
    )
    parts.append("== Methodology notes")
    if not pack.methods:
        parts.append("No methodology statement was published for these measures.")
    for m in pack.methods:
        fields = [
            ("Summary", m.summary),
            ("Definition", m.definition),
            ("Calculation", m.calculation),
            ("Data source", m.data_source),
            ("Confidence", m.confidence + (f". {m.confidence_reason}" if m.confidence_reason else "")),
        ]
        body = " #linebreak() ".join(f"*{k}:* {t(v)}" for k, v in fields if v)
        parts.append(f"#block(breakable: false, above: 1em)[#strong[{t(m.title)}] #linebreak() {body}]")
    return "\n".join(parts)


def source(pack: Pack) -> str:
    """The whole pack as one typst document."""
    return (
        "\n\n".join(
            [
                _preamble(pack),
                _cover(pack),
                _summary(pack),
                _reds(pack),
                _tables(pack),
                _changes(pack),
                _projects(pack),
                _annex(pack),
            ]
        )
        + "\n"
    )
