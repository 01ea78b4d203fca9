"""What would fix a bad cell: officers paste from spreadsheets, so name the habit."""

from __future__ import annotations

import re

PLACEHOLDERS = frozenset(
    {"-", "–", "—", "n/a", "na", "n.a.", "tbc", "tba", "nil", "none", "null", "?", "..", "x", "#n/a"}
)
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_UK_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_DMY_WORDS = re.compile(r"^\d{1,2} [A-Za-z]+ \d{4}$")


def for_cell(value: str, field_type: str, field_name: str = "") -> str:
    """A fix for a cell that frictionless could not read as ``field_type``."""
    v = value.strip()
    low = v.lower()
    if field_type in ("number", "integer"):
        if low in PLACEHOLDERS:
            if field_name == "value":
                return "leave the value empty and say why in missing_reason"
            return "leave the cell empty instead of writing a placeholder"
        if v.endswith("%"):
            return f"write {v[:-1].strip()}; the unit is set on the measure"
        if v.startswith(("£", "$", "€")):
            return f"write {v[1:].replace(',', '')} without the currency sign; the unit is set on the measure"
        if _THOUSANDS.match(v):
            return f"remove the thousands separator: write {v.replace(',', '')}"
        if "," in v and v.replace(",", ".", 1).replace(".", "", 1).lstrip("-").isdigit():
            return f"use a decimal point, not a comma: write {v.replace(',', '.')}"
        if field_type == "integer" and re.match(r"^-?\d+\.\d+$", v):
            return "write a whole number"
        if v != value:
            return "remove the spaces around the number"
        if field_type == "integer":
            return "write a whole number such as 12 (no units, symbols or words)"
        return "write a plain number such as 47.5 (no units, symbols or words)"
    if field_type == "date":
        if _UK_DATE.match(v):
            parts = re.split(r"[/.-]", v)
            if len(parts[2]) == 4:
                return (
                    f"dates are written {parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d} (year-month-day)"
                )
            return "dates are written 2025-12-31 (year-month-day)"
        if _DMY_WORDS.match(v):
            return "dates are written 2025-12-31 (year-month-day)"
        return "dates are written 2025-12-31 (year-month-day)"
    if field_type == "boolean":
        return "write true or false (lower case)"
    return "check the value against the field's description in the data dictionary"


def for_enum(value: str, allowed: list[str]) -> str:
    """A fix for a value outside a list of allowed words: often only the case or spaces differ."""
    norm = value.strip().lower().replace(" ", "_").replace("-", "_")
    for option in allowed:
        if norm == option:
            return f"write {option} (lower case, with underscores)"
    return "use one of: " + ", ".join(allowed)
