"""Reporting periods of the council's financial year.

The financial year runs April to March and is written ``2024-25``. A quarter is
``2024-25-Q2`` (Q1 April–June … Q4 January–March) and a month of the financial
year is ``2024-25-M01`` (M01 = April … M12 = March). Period identifiers appear in
URLs and CSVs, so they are the single way a period is written anywhere in perfsite.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

PERIOD_PATTERN = r"^(\d{4})-(\d{2})(?:-(Q[1-4]|M(?:0[1-9]|1[0-2])))?$"
_PERIOD_RE = re.compile(PERIOD_PATTERN)

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: frequency of a measure → kind of period its outturns are reported for
FREQUENCY_KIND = {"annual": "year", "quarterly": "quarter", "monthly": "month"}


@dataclass(frozen=True, order=True)
class Period:
    """A parsed period: ``start_year`` is the calendar year the financial year starts in."""

    start_year: int
    kind: str  # "year", "quarter" or "month"
    number: int  # quarter 1–4, month 1–12 (of the financial year), 0 for a year

    @property
    def id(self) -> str:
        """The period identifier, e.g. ``2024-25-Q2``."""
        year = f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
        if self.kind == "quarter":
            return f"{year}-Q{self.number}"
        if self.kind == "month":
            return f"{year}-M{self.number:02d}"
        return year

    @property
    def year_id(self) -> str:
        """The financial year this period falls in, e.g. ``2024-25``."""
        return Period(self.start_year, "year", 0).id

    @property
    def ordinal(self) -> int:
        """A number that increases by one from each period to the next of the same kind."""
        per_year = {"year": 1, "quarter": 4, "month": 12}[self.kind]
        return self.start_year * per_year + max(self.number, 1) - 1

    def months(self) -> tuple[int, int]:
        """First and last month of the period as (year*12 + calendar month - 1) numbers."""
        first_fy_month = self.start_year * 12 + 3  # April of the starting year
        if self.kind == "year":
            return first_fy_month, first_fy_month + 11
        if self.kind == "quarter":
            first = first_fy_month + (self.number - 1) * 3
            return first, first + 2
        first = first_fy_month + self.number - 1
        return first, first

    def dates(self) -> tuple[datetime.date, datetime.date]:
        """First and last day of the period: ``2024-25-Q2`` → 1 July 2024, 30 September 2024."""
        first, last = self.months()
        year, month = divmod(last, 12)
        end = datetime.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        return datetime.date(first // 12, first % 12 + 1, 1), end

    def end_key(self) -> int:
        """Sort key: the last month covered (so a year sorts after its Q4)."""
        return self.months()[1]

    def previous(self) -> Period:
        """The previous period of the same kind."""
        return shift(self, -1)

    def year_earlier(self) -> Period:
        """The same period one financial year earlier."""
        return Period(self.start_year - 1, self.kind, self.number)

    def quarter(self) -> Period | None:
        """The quarter a month falls in; the quarter itself; ``None`` for a year."""
        if self.kind == "quarter":
            return self
        if self.kind == "month":
            return Period(self.start_year, "quarter", (self.number - 1) // 3 + 1)
        return None

    def label(self) -> str:
        """How residents read it: ``Q2 2026/27 (July to September 2026)``."""
        fy = f"{self.start_year}/{(self.start_year + 1) % 100:02d}"
        first, last = self.months()
        if self.kind == "year":
            return f"{self.start_year}/{(self.start_year + 1) % 100:02d} (April {self.start_year} to March {self.start_year + 1})"
        if self.kind == "quarter":
            return f"Q{self.number} {fy} ({month_name(first)} to {month_year(last)})"
        return month_year(first)

    def span(self) -> str:
        """The months covered, for sentences: ``between July and September 2026``."""
        first, last = self.months()
        if first == last:
            return f"in {month_year(first)}"
        if first // 12 == last // 12:
            return f"between {month_name(first)} and {month_year(last)}"
        return f"between {month_year(first)} and {month_year(last)}"

    def short_label(self) -> str:
        """Compact label for tables and chart axes: ``Q2 2026/27``, ``2026/27``, ``Jul 2026``."""
        fy = f"{self.start_year}/{(self.start_year + 1) % 100:02d}"
        if self.kind == "quarter":
            return f"Q{self.number} {fy}"
        if self.kind == "month":
            m = self.months()[0]
            return f"{MONTH_NAMES[m % 12][:3]} {m // 12}"
        return fy


def month_name(month_number: int) -> str:
    return MONTH_NAMES[month_number % 12]


def month_year(month_number: int) -> str:
    return f"{MONTH_NAMES[month_number % 12]} {month_number // 12}"


def shift(period: Period, steps: int) -> Period:
    """Move a period forward (or back, with negative steps) by whole periods of its kind."""
    if period.kind == "year":
        return Period(period.start_year + steps, "year", 0)
    per_year = 4 if period.kind == "quarter" else 12
    index = period.start_year * per_year + period.number - 1 + steps
    return Period(index // per_year, period.kind, index % per_year + 1)


class PeriodError(ValueError):
    """A period identifier that is not written as the standard says."""


@lru_cache(maxsize=4096)
def parse(text: str) -> Period:
    """Parse ``2024-25``, ``2024-25-Q2`` or ``2024-25-M01``; raise :class:`PeriodError`."""
    match = _PERIOD_RE.fullmatch(text or "")  # fullmatch: "$" would let a last line break through
    if not match:
        raise PeriodError(f"{text!r} is not a period (write 2024-25, 2024-25-Q1 or 2024-25-M01)")
    start, end, part = int(match[1]), int(match[2]), match[3]
    if (start + 1) % 100 != end:
        raise PeriodError(
            f"{text!r}: the second year must follow the first (did you mean {start}-{(start + 1) % 100:02d}?)"
        )
    if part is None:
        return Period(start, "year", 0)
    if part[0] == "Q":
        return Period(start, "quarter", int(part[1]))
    return Period(start, "month", int(part[1:]))


def try_parse(text: str) -> Period | None:
    """Like :func:`parse` but ``None`` for text that is not a period."""
    try:
        return parse(text)
    except PeriodError:
        return None


def report_period_problem(text: str) -> str | None:
    """What is wrong with ``text`` as the period of a report that a person typed (a command's
    argument), or ``None`` for a quarter or a financial year written as the standard writes it."""
    p = try_parse(text)
    if p is None or p.id != text:
        fixed = try_parse(text.strip().upper())
        if fixed is not None and fixed.kind != "month":
            return f"{text!r} is not written as periods are: write {fixed.id}"
        match = _PERIOD_RE.match(text.strip())
        if match and (int(match[1]) + 1) % 100 != int(match[2]):
            start = int(match[1])
            return f"{text!r} is not a period: the second year must follow the first ({start}-{(start + 1) % 100:02d})"
        return (
            f"{text!r} is not a period: a report's period is written like 2026-27-Q2 "
            "(a quarter of the financial year; Q1 is April to June) or 2026-27 (the financial year)"
        )
    if p.kind == "month":
        return f"{text} is a month: a report is for a quarter (this month is in {p.quarter().id})"
    return None


def financial_year_of(day: date) -> Period:
    """The financial year (April to March) a calendar date falls in."""
    return Period(day.year if day.month >= 4 else day.year - 1, "year", 0)


def plan_year(text: str) -> Period | None:
    """A plan boundary as a financial year: ``2024-25`` or an ISO date such as ``2024-04-01``
    (the financial year the date falls in); ``None`` for anything else."""
    text = str(text or "").strip()
    p = try_parse(text)
    if p is not None:
        return p if p.kind == "year" else None
    try:
        return financial_year_of(date.fromisoformat(text)) if len(text) == 10 else None
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def label(period_id: str) -> str:
    """Resident-facing label of a period identifier."""
    return parse(period_id).label()


@lru_cache(maxsize=4096)
def short_label(period_id: str) -> str:
    """Compact label of a period identifier, for tables and chart axes (``Q2 2026/27``)."""
    return parse(period_id).short_label()


def sort_key(period_id: str) -> tuple[int, int]:
    """Chronological sort key for period identifiers (years after their last quarter)."""
    p = parse(period_id)
    return (p.end_key(), {"month": 0, "quarter": 1, "year": 2}[p.kind])
