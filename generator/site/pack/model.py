"""What a committee pack holds, as plain values: its rows, reds, sections, changes, projects and
methods (made by :mod:`.content`, laid out by :mod:`.typst_source`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from ..render import STATUS_MEANING

STATUS_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Grey"}


@dataclass(frozen=True)
class Row:
    """One measure in a priority's table (and, when red, in the exception reports)."""

    measure_id: str
    title: str
    status: str  # green, amber, red or grey
    status_words: str  # "Red", "Grey (no figure)", "Green (officer override)"
    value: str  # as the site formats it: unit and decimal places, "—" for none
    target: str
    period_note: str  # the period shown when it is not the quarter (a month, a year)
    since_last: str
    since_year: str
    note: str = ""  # a correction or withdrawal since the report was published


@dataclass(frozen=True)
class Red:
    row: Row
    overview: str = ""  # sanitised HTML
    actions: str = ""
    benchmarking: str = ""
    responsible: str = ""
    expected_recovery: str = ""


@dataclass(frozen=True)
class Section:
    priority_id: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Change:
    title: str
    kind: str  # better, worse, grey
    before: str
    after: str


@dataclass(frozen=True)
class Project:
    title: str
    status: str
    percent: str
    update: str  # sanitised HTML
    milestone: str


@dataclass(frozen=True)
class Method:
    title: str
    summary: str
    definition: str
    calculation: str
    data_source: str
    confidence: str
    confidence_reason: str


@dataclass(frozen=True)
class Pack:
    """Everything a pack says, in words, ready to be set in type."""

    council: str
    plan: str
    quarter: str
    quarter_label: str  # "Q2 2024/25 (July to September 2024)"
    short_label: str
    committee: str | None  # the committee whose measures the pack holds; None: every measure
    meeting: str  # "Overview and Scrutiny Committee, 14 November 2024"
    published: str | None  # the publication date in words; None: not published (a DRAFT)
    date: datetime.date  # the document's date (publication date, else the committee date)
    counts: dict[str, int]
    by_priority: list[tuple[str, dict[str, int]]]  # each priority's title and counts, Council Plan order
    sentences: list[str]
    on_target: list[str]
    grey_note: str
    reds: list[Red]
    sections: list[Section]
    previous_label: str | None
    changes_sentence: str
    changes: list[Change]
    projects: list[Project]
    methods: list[Method]
    rules_html: str
    tolerances: str
    status_meaning: dict[str, str] = field(default_factory=lambda: dict(STATUS_MEANING))
    corrected: str | None = None  # "Corrected version of …" when a correction was released since

    @property
    def draft(self) -> bool:
        return self.published is None

    @property
    def title(self) -> str:
        who = f"{self.committee}: " if self.committee else ""
        return f"{self.council}: {who}performance report, {self.short_label}"
