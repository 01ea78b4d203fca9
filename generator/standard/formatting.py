"""Numbers as residents read them: unit-aware, UK English, rounded to the measure's decimal places.

Rounding is *half away from zero* on the number as written (2.25 → 2.3, −2.25 → −2.3, 1.005 → 1.01
at two places), never on the binary float (where ``round(1.005, 2)`` is ``1.0``). The same
arithmetic serves the status rules (:func:`quantise`, vectorised) and display
(:func:`quantise_scalar`), so a status or trend can never contradict the rounded figures on the page.

A *quantised* number is an integer count of the measure's smallest step: 47.3 at one decimal
place is ``473``. Comparisons and differences are made on these integers, exactly.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd

#: extra decimal digits used to read a float back as the decimal it was written as
GUARD_DIGITS = 6
#: a scaled value must stay below this for the arithmetic to be exact (2**53 ≈ 9.007e15)
MAX_SCALED = 1e15

#: default word for units measured in time; ``unit_label`` replaces it when given
TIME_UNITS = {"days": ("day", "days"), "weeks": ("week", "weeks"), "minutes": ("minute", "minutes")}
PERCENT_UNITS = frozenset({"percent", "percent_change"})


def quantise(values, decimal_places) -> np.ndarray:
    """Round floats half away from zero to ``decimal_places``, as int64 counts of the smallest step.

    ``values`` must not hold NaN (fill them first and mask the result). A value is read back as the
    decimal it was written as by first rounding it to a few guard digits beyond its precision.
    """
    x = np.asarray(values, dtype="float64")
    dp = np.broadcast_to(np.asarray(decimal_places, dtype="int64"), x.shape)
    scaled = x * np.power(10.0, dp)
    size = np.abs(scaled)
    if size.size and not np.all(size < MAX_SCALED):
        raise ValueError("a value is too large to round exactly (more than 15 significant digits)")
    magnitude = np.floor(np.log10(np.maximum(size, 1.0)))
    guard = np.clip(14 - magnitude, 0, GUARD_DIGITS).astype("int64")
    step = np.power(10, guard).astype("int64")
    fine = np.abs(np.rint(scaled * step)).astype("int64")
    return np.sign(scaled).astype("int64") * ((fine + step // 2) // step)


def quantise_scalar(value: float, decimal_places: int) -> int:
    """:func:`quantise` for one number (same arithmetic, no numpy overhead)."""
    scaled = float(value) * 10.0 ** int(decimal_places)
    size = abs(scaled)
    if not size < MAX_SCALED:
        raise ValueError(f"{value!r} is too large to round exactly (more than 15 significant digits)")
    guard = int(min(max(14 - math.floor(math.log10(max(size, 1.0))), 0), GUARD_DIGITS))
    step = 10**guard
    fine = abs(round(scaled * step))
    magnitude = (fine + step // 2) // step
    return -magnitude if scaled < 0 else magnitude


def decimal_text(q: int, decimal_places: int, thousands: bool = True) -> str:
    """A quantised number as text: ``decimal_text(-123456, 1)`` → ``-12,345.6``."""
    sign = "-" if q < 0 else ""
    whole, frac = divmod(abs(int(q)), 10**decimal_places)
    text = f"{whole:,}" if thousands else str(whole)
    if decimal_places:
        text += "." + str(frac).zfill(decimal_places)
    return sign + text


def _compact_gbp(q: int, decimal_places: int) -> str | None:
    """£1.2m / £3.4bn for a quantised amount of at least a million pounds (else None)."""
    pounds_step = 10**decimal_places
    tenths_of_million = _round_div(abs(q), pounds_step * 100_000)
    if tenths_of_million < 10:
        return None
    sign = "-" if q < 0 else ""
    if tenths_of_million >= 10_000:
        tenths_of_billion = _round_div(abs(q), pounds_step * 100_000_000)
        return f"{sign}£{decimal_text(tenths_of_billion, 1)}bn"
    return f"{sign}£{decimal_text(tenths_of_million, 1)}m"


def _round_div(n: int, d: int) -> int:
    """n / d rounded half away from zero, for n ≥ 0."""
    return (n + d // 2) // d


def format_quantised(
    q: int, unit: str, decimal_places: int, unit_label: str = "", compact: bool = False
) -> str:
    """A quantised value with its unit: ``47.3%``, ``£1,234``, ``£1.2m`` (compact), ``21.4 days``."""
    number = decimal_text(q, decimal_places)
    if unit == "percent":
        return f"{number}%"
    if unit == "percent_change":
        return f"+{number}%" if q > 0 else f"{number}%"
    if unit == "currency_gbp":
        if compact:
            short = _compact_gbp(q, decimal_places)
            if short:
                return short
        return f"-£{number[1:]}" if q < 0 else f"£{number}"
    if unit in TIME_UNITS:
        if unit_label:
            return f"{number} {unit_label}"
        singular, plural = TIME_UNITS[unit]
        return f"{number} {singular if number == '1' else plural}"
    return f"{number} {unit_label}" if unit_label else number


def format_value(
    value: float, unit: str, decimal_places: int, unit_label: str = "", compact: bool = False
) -> str:
    """A value as shown on the site, rounded to the measure's decimal places.

    >>> format_value(47.25, "percent", 1)
    '47.3%'
    >>> format_value(1234567, "currency_gbp", 0, compact=True)
    '£1.2m'
    """
    if value is None or pd.isna(value):
        return "—"
    return format_quantised(quantise_scalar(value, decimal_places), unit, decimal_places, unit_label, compact)


def format_difference(
    q: int, unit: str, decimal_places: int, unit_label: str = "", compact: bool = False
) -> str:
    """The size of a difference (sign dropped): ``2.7 percentage points``, ``£1,234``, ``3 days``.

    Differences between percentages are in percentage points; counts, rates, scores and plain
    numbers are given as bare numbers (the sentence around them names the unit).
    """
    q = abs(int(q))
    number = decimal_text(q, decimal_places)
    if unit in PERCENT_UNITS:
        return f"{number} percentage {'point' if number == '1' else 'points'}"
    if unit == "currency_gbp" or unit in TIME_UNITS:
        return format_quantised(q, unit, decimal_places, unit_label, compact)
    return number


def decimals_of(number: float) -> int:
    """How many decimal places a setting such as a tolerance is written with (0.05 → 2)."""
    exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def format_fraction_as_percent(fraction: float) -> str:
    """A relative tolerance as a percentage: 0.05 → ``5%``, 0.025 → ``2.5%``."""
    percent = (Decimal(repr(float(fraction))) * 100).normalize()
    text = f"{percent:f}"
    return f"{text}%"


def uk_date(value: object) -> str:
    """An ISO date as residents write it: ``2026-09-10`` → ``10 September 2026`` (other text unchanged)."""
    import datetime

    text = "" if value is None else str(value).strip()
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


def sentence(value: object) -> str:
    """Officer text closed with one full stop: ``report..`` and ``report`` both become ``report.``"""
    text = "" if value is None else " ".join(str(value).split())
    if not text:
        return ""
    text = text.rstrip(" .")
    return text + ("" if text[-1:] in "!?" else ".")
