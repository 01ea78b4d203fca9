"""Safety checks: every field inert wherever it ends up (a web page, a link, a spreadsheet).

Three rules, each returning :class:`~perfsite.errors.Issue` values:

- **links** — URL fields (``format: uri`` columns and the descriptor's addresses) accept only
  ``http``, ``https`` and ``mailto``; everything else (``javascript:`` in any disguise) is refused;
- **formulas** — text a spreadsheet would execute when a data user opens the CSV (``=``, ``+``,
  ``-``, ``@``, tab or carriage return first, even after spaces or quotes) is refused in every
  text field; number, integer and date columns are never looked at, so ``-5`` stays a number;
- **invisible characters** — bidirectional controls (which reorder what a reader sees) anywhere,
  and zero-width characters in identifiers, titles and names.

:func:`neutralise_column` is the downloads' second wall for text that reaches a CSV anyway.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from ... import standard
from ...errors import Issue
from ...files.load import Package
from .cells import cell_issue, cells_containing, cells_searched, cells_starting, column_issues

ALLOWED_SCHEMES = standard.SAFE_URL_SCHEMES
url_problem = standard.url_problem

# a spreadsheet executes a cell starting with one of these, also after spaces, line breaks or quotes
FORMULA = re.compile(r"^[ \n\u00a0\"']*[=+\-@\t\r]")
#: the characters a FORMULA match can start with: other cells are not searched
FORMULA_STARTS = " \n\u00a0\"'=+-@\t\r"
# a plain number written as text ("-5", "+1.5e3") is read as a number by a spreadsheet, not run
_PLAIN_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")

BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI)) + "]")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(BIDI | ZERO_WIDTH)) + "]")

#: text columns where a zero-width character would make two names look alike
NAME_FIELDS = frozenset({"title", "comparator", "lead", "responsible", "committee", "directorate", "service"})

#: descriptor properties that hold an address (dotted paths)
DESCRIPTOR_URLS = ("homepage", "site_url", "council.website")


def char_name(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: how a character is named in a message."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED CHARACTER')}"


def _text_fields(resource: str) -> list[str]:
    """Every string column that is not a URL: free text, identifiers, enums, periods."""
    return [
        f["name"]
        for f in standard.schema(resource)["fields"]
        if f["type"] == "string" and f.get("format") != "uri"
    ]


def _url_fields(resource: str) -> list[str]:
    return [f["name"] for f in standard.schema(resource)["fields"] if f.get("format") == "uri"]


def _id_fields(resource: str) -> list[str]:
    return [
        f["name"]
        for f in standard.schema(resource)["fields"]
        if "pattern" in f.get("constraints", {}) and f["name"] != "period"
    ]


def link_issues(package: Package) -> list[Issue]:
    """URL columns and descriptor addresses: http, https or mailto only."""

    def unsafe(resource: str, column: str, values: list[str]):
        return [url_problem(v) is not None for v in values]

    issue = cell_issue(
        "unsafe-url",
        lambda resource, column, value: f"{column} is not a safe link: {url_problem(value)}",
        "write a full web address starting https:// (or leave it empty)",
    )
    return column_issues(package, _url_fields, unsafe, issue) + descriptor_link_issues(package.descriptor)


def _dig(descriptor: dict, dotted: str) -> object:
    value: object = descriptor
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def descriptor_link_issues(descriptor: dict) -> list[Issue]:
    """Addresses in datapackage.json: the council's website, the site, licences, sources, contributors."""
    where = "datapackage.json"
    found: list[tuple[str, object]] = [(p, _dig(descriptor, p)) for p in DESCRIPTOR_URLS]
    for key in ("licenses", "sources", "contributors"):
        entries = descriptor.get(key)
        if isinstance(entries, list):
            found += [
                (f"{key}[{i}].path", e.get("path")) for i, e in enumerate(entries) if isinstance(e, dict)
            ]
    issues = []
    for field, value in found:
        if value is None:
            continue
        problem = "it is not text" if not isinstance(value, str) else url_problem(value)
        if problem:
            issues.append(
                Issue(
                    "unsafe-url",
                    f"{field} is not a safe link: {problem}",
                    file=where,
                    field=field,
                    value=str(value),
                    hint="write a full web address starting https:// (or leave it out)",
                )
            )
    email = _dig(descriptor, "council.contact_email")
    if email not in (None, "") and (
        not isinstance(email, str)
        or not re.fullmatch(r"[^@\s<>\"'`()\[\]:;,\\]+@[^@\s<>\"'`()\[\]:;,\\]+", email)
    ):
        issues.append(
            Issue(
                "bad-email",
                "council.contact_email is not an email address",
                file=where,
                field="council.contact_email",
                value=str(email),
                hint="write an address such as performance@council.gov.uk (or leave it empty)",
            )
        )
    return issues


def formula_issues(package: Package) -> list[Issue]:
    """Text cells a spreadsheet would run as a formula; number and date columns are never flagged."""

    def risky(resource: str, column: str, values: list[str]):
        return cells_searched(values, FORMULA, cells_starting(values, FORMULA_STARTS))

    issue = cell_issue(
        "formula-text",
        "the text starts with a character spreadsheets run as a formula (=, +, -, @, tab or line break)",
        "start the text with a word (for a list, start the lines with * instead of -)",
    )

    # identifiers, periods and allowed words cannot start with these: their own checks refuse them
    return column_issues(package, standard.free_text_fields, risky, issue)


def _first(pattern: re.Pattern, text: str) -> str:
    match = pattern.search(text)
    return match.group(0) if match else ""


def invisible_issues(package: Package) -> list[Issue]:
    """Bidi controls in any text; zero-width characters in identifiers, titles and names."""

    def strict(resource: str, column: str) -> bool:
        return column in NAME_FIELDS or column in _id_fields(resource)

    def found(resource: str, column: str, values: list[str]):
        return cells_containing(values, BIDI | ZERO_WIDTH if strict(resource, column) else BIDI)

    def issue(resource: str, file: str, row: int, column: str, value: str) -> Issue:
        pattern = _INVISIBLE_RE if strict(resource, column) else _BIDI_RE
        return _invisible_issue(_first(pattern, value), file, row, column, value)

    issues = column_issues(package, _text_fields, found, issue)
    return issues + descriptor_invisible_issues(package.descriptor)


def _invisible_issue(ch: str, file: str, row: int | None, field: str, value: str) -> Issue:
    return Issue(
        "invisible-character",
        f"the text contains the invisible character {char_name(ch)}, which can make text read differently from what it is",
        file=file,
        row=row,
        field=field,
        value=value,
        hint="delete the character (it is often pasted in from another document)",
    )


def descriptor_invisible_issues(descriptor: dict) -> list[Issue]:
    """Names and titles in datapackage.json: no invisible characters."""
    found = _descriptor_texts(descriptor, names_only=True)
    issues = []
    for field, value in found:
        if isinstance(value, str) and _INVISIBLE_RE.search(value):
            issues.append(
                _invisible_issue(_first(_INVISIBLE_RE, value), "datapackage.json", None, field, value)
            )
    return issues


#: text of datapackage.json that reaches a page, a download or the workbook's settings sheet
DESCRIPTOR_TEXTS = ("name", "title", "description", "council.name", "plan.title")


def _descriptor_texts(descriptor: dict, names_only: bool = False) -> list[tuple[str, object]]:
    """(field, value) of the descriptor's text; ``names_only``: names and titles, no description."""
    fields = [f for f in DESCRIPTOR_TEXTS if not (names_only and f == "description")]
    found: list[tuple[str, object]] = [(f, _dig(descriptor, f)) for f in fields]
    for key in ("licenses",) if names_only else ("licenses", "sources", "contributors"):
        entries = descriptor.get(key)
        if isinstance(entries, list):
            for i, e in enumerate(entries):
                if isinstance(e, dict):
                    found += [(f"{key}[{i}].{k}", e.get(k)) for k in ("name", "title")]
    return found


def descriptor_formula_issues(descriptor: dict) -> list[Issue]:
    """Names and titles in datapackage.json that a spreadsheet would run as a formula (the council's
    name goes into the workbook and the downloads' descriptions like any cell)."""
    return [
        Issue(
            "formula-text",
            f"{field} starts with a character spreadsheets run as a formula (=, +, -, @, tab or line break)",
            file="datapackage.json",
            field=field,
            value=value,
            hint="start the text with a word or a digit",
        )
        for field, value in _descriptor_texts(descriptor)
        if isinstance(value, str) and FORMULA.match(value) and not _PLAIN_NUMBER.match(value)
    ]


def descriptor_shape_issues(descriptor: dict) -> list[Issue]:
    """Package properties the site reads must have the shape the standard gives them."""
    where = "datapackage.json"
    issues = []
    council = descriptor.get("council")
    if isinstance(council, dict):
        for key in ("name", "website", "contact_email"):
            if key in council and not isinstance(council[key], str):
                issues.append(
                    Issue(
                        "descriptor-bad-value",
                        f"council.{key} must be text",
                        file=where,
                        field=f"council.{key}",
                        value=str(council[key]),
                        hint='write it in double quotes, e.g. "council": {"name": "Northmoor District Council"}',
                    )
                )
    plan = descriptor.get("plan")
    if isinstance(plan, dict) and "title" in plan and not isinstance(plan["title"], str):
        issues.append(
            Issue(
                "descriptor-bad-value",
                "plan.title must be text",
                file=where,
                field="plan.title",
                value=str(plan["title"]),
                hint='write it in double quotes, e.g. "title": "Council Plan 2024–2028"',
            )
        )
    for key in ("name", "title", "description", "site_url", "homepage"):
        if key in descriptor and not isinstance(descriptor[key], str):
            issues.append(
                Issue(
                    "descriptor-bad-value",
                    f"{key} must be text",
                    file=where,
                    field=key,
                    value=str(descriptor[key]),
                    hint="write it in double quotes",
                )
            )
    licences = descriptor.get("licenses")
    licence_hint = 'write "licenses": [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0", "path": "https://…"}]'
    if licences is not None and not isinstance(licences, list):
        issues.append(
            Issue(
                "licence-invalid",
                "licenses must be a list of licences",
                file=where,
                field="licenses",
                value=str(licences),
                hint=licence_hint,
            )
        )
    elif isinstance(licences, list):
        for i, entry in enumerate(licences):
            bad = not isinstance(entry, dict)
            if not bad:
                texts = [entry.get(k) for k in ("name", "path", "title") if k in entry]
                bad = not (entry.get("name") or entry.get("path")) or any(
                    not isinstance(t, str) for t in texts
                )
            if bad:
                issues.append(
                    Issue(
                        "licence-invalid",
                        "a licence needs a name or a path (its web address), written as text",
                        file=where,
                        field=f"licenses[{i}]",
                        value=str(entry),
                        hint=licence_hint,
                    )
                )
    return issues


def safety_issues(package: Package) -> list[Issue]:
    """Every safety check over a loaded package."""
    return [
        *descriptor_shape_issues(package.descriptor),
        *descriptor_formula_issues(package.descriptor),
        *link_issues(package),
        *formula_issues(package),
        *invisible_issues(package),
    ]


def neutralise_column(column: pd.Series) -> pd.Series:
    """Text cells made inert for spreadsheets with a leading apostrophe; numbers written as text
    (``-5``) and other values pass. A large package has a million cells, nearly all starting with
    a letter or digit: only text whose first character could begin a formula meets the patterns."""
    import numpy as np  # here, not at the top: the rest of this module has no use for it

    values = column.to_numpy(dtype=object)
    try:  # every cell's first character at once (other values give the first of their text)
        firsts = values.astype("U1")
    except (TypeError, ValueError):  # bytes that are not ASCII, or an object with no plain text form
        firsts = np.array([v[:1] if isinstance(v, str) else "" for v in values], dtype="U1")
    could_start = [" ", "\n", "\u00a0", '"', "'", "=", "+", "-", "@", "\t", "\r"]  # all FORMULA can
    risky_rows = [
        i
        for i in np.flatnonzero(np.isin(firsts, could_start)).tolist()
        if isinstance(values[i], str)
        and FORMULA.match(values[i]) is not None
        and _PLAIN_NUMBER.match(values[i]) is None
    ]
    if not risky_rows:
        return column
    risky = np.zeros(len(values), dtype=bool)
    risky[risky_rows] = True
    risky = pd.Series(risky, index=column.index)
    return column.where(~risky, "'" + column[risky].astype(str))
