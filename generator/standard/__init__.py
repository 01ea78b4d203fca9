"""The perfsite data standard: the canonical Table Schemas and package-level settings.

The schemas in ``generator/standard/schemas/`` are the public contract with performance officers
and data users. perfsite always checks each resource against its own canonical schema,
whatever a package declares.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

SCHEMA_DIR = Path(__file__).parent / "schemas"

#: every resource of the standard, in the order the golden thread reads
RESOURCES = (
    "priorities",
    "objectives",
    "measures",
    "targets",
    "outturns",
    "methodology",
    "exceptions",
    "projects",
    "project_updates",
    "benchmarks",
    "publications",
    "withdrawals",
)
OPTIONAL_RESOURCES = frozenset({"benchmarks", "withdrawals"})
#: columns a file may leave out (each is the last of its schema): perfsite reads an absent one as
#: empty, so packages written before the column existed stay valid
OPTIONAL_FIELDS = {"outturns": ("reported_status",)}

#: one line on each resource, for the data page and the data dictionary
RESOURCE_DESCRIPTIONS = {
    "priorities": "The Council Plan's priorities.",
    "objectives": "The objectives (aims) under each priority.",
    "measures": "The measures (KPIs): unit, polarity, frequency and tolerances.",
    "targets": "Targets for each measure, for the year or profiled by quarter or month.",
    "outturns": "The published figures, with commentary, overrides and revision notes.",
    "methodology": "How each measure is defined, calculated and checked, with a confidence level.",
    "exceptions": "Exception reports for measures that were red.",
    "projects": "The projects and actions that deliver the plan.",
    "project_updates": "Quarterly status and progress of each project.",
    "benchmarks": "Comparisons with other councils.",
    "publications": "Each quarterly report: committee, dates and status.",
    "withdrawals": "Published figures (or whole reports) that were later withdrawn, with the reason.",
}

#: package-level RAG settings when the package says nothing (seed 003 §6.1.7)
DEFAULT_RAG = {"green_tolerance": 0.0, "amber_tolerance": 0.05, "tolerance_type": "relative"}

#: units that are shares or quantities and so cannot be negative; percent is also at most 100
NON_NEGATIVE_UNITS = frozenset({"percent", "count", "days", "weeks", "minutes", "rate", "ratio"})

#: columns holding identifiers that become URLs (resource → column)
#: names Windows keeps for devices, with or without an ending: a file or folder of the site named
#: con, con.txt or com1 cannot be made there, so a copy of the site on a Windows computer breaks
WINDOWS_DEVICE_NAME = re.compile(r"(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?", re.IGNORECASE)

ENTITY_IDS = {
    "priorities": "priority_id",
    "objectives": "objective_id",
    "measures": "measure_id",
    "projects": "project_id",
}

LICENCE_OGL = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}

#: addresses of licences a council may name without giving their path
KNOWN_LICENCES = {
    "OGL-UK-3.0": LICENCE_OGL["path"],
    "OGL-UK-2.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}


#: the schemes a site address may use
SITE_URL_SCHEMES = ("http", "https")

#: the only URL schemes a link from a package may use
SAFE_URL_SCHEMES = ("http", "https", "mailto")


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a safe link, or None when it is (empty means "no link")."""
    if value == "":
        return None
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return "the address contains spaces, line breaks or invisible characters"
    if any(ch in value for ch in '"<>`\\'):
        return 'the address contains a character that is not allowed in a web address (" < > ` \\)'
    try:
        parts = urlsplit(value)
    except ValueError:
        return "the address cannot be read as a web address"
    scheme = parts.scheme.lower()
    if scheme not in SAFE_URL_SCHEMES:
        return f"links may only start with {', '.join(s + ':' for s in SAFE_URL_SCHEMES)}"
    if scheme in ("http", "https") and not parts.netloc:
        return "the address has no site name after https://"
    if scheme == "mailto" and "@" not in parts.path:
        return "a mailto: address needs an email address"
    return None


def safe_url(value: object, schemes: tuple[str, ...] = SAFE_URL_SCHEMES) -> str | None:
    """``value`` if it is a link validation accepts and of one of ``schemes``, else None: the same
    rule at render time as in ``validate``, so a page never links to ``javascript:``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if url_problem(text) is not None or urlsplit(text).scheme.lower() not in schemes:
        return None
    return text


#: a site's address is short; a longer one is a mistake (or an attack on the pages that print it)
MAX_SITE_URL_CHARS = 200
#: what a site's address may hold besides letters and digits (any script): scheme, host, port
#: and path. Quotes, brackets, ``&``, ``?``, ``#``, spaces… never belong in the address of a site
#: and would break out of the HTML, XML and JSON it is written into.
_SITE_URL_PUNCTUATION = frozenset("-._~:/%+")


def site_url_problem(value: object) -> str | None:
    """Why ``value`` cannot be the address a site is served from, or None when it can.

    The one rule for ``site_url`` in datapackage.json, ``perfsite build --site-url`` and the MkDocs
    plugin's ``site_url``: an ``http://`` or ``https://`` address with a host, at most
    :data:`MAX_SITE_URL_CHARS` characters, of letters, digits and ``- . _ ~ : / % +`` only, with no
    user name, query or fragment. Spaces around it are ignored."""
    if not isinstance(value, str):
        return "the address must be text"
    text = value.strip()
    if not text:
        return "the address is empty"
    if len(text) > MAX_SITE_URL_CHARS:
        return (
            f"the address is {len(text):,} characters long; a site's address has at most {MAX_SITE_URL_CHARS}"
        )
    try:
        parts = urlsplit(text)
    except ValueError:
        return "the address cannot be read as a web address"
    if parts.scheme.lower() not in SITE_URL_SCHEMES:
        return "the address must start https:// (or http://)"
    problem = url_problem(text)
    if problem is not None:
        return problem
    odd = sorted({ch for ch in text if not ch.isalnum() and ch not in _SITE_URL_PUNCTUATION})
    if odd:
        shown = " ".join(odd)
        return f"the address holds {shown}: a site's address has only letters, digits and - . _ ~ : / % +"
    try:
        port = parts.port
    except ValueError:
        return "the port after the site name must be a number from 1 to 65535"
    if not parts.hostname or port == 0:
        return "the address has no site name after https://" if not parts.hostname else "the port cannot be 0"
    return None


def normal_site_url(value: str) -> str:
    """A site address that passed :func:`site_url_problem`, as pages use it: ending with ``/``."""
    text = value.strip()
    return text if text.endswith("/") else text + "/"


def site_url(descriptor: dict) -> str | None:
    """The address the public site is served from (the package's ``site_url``), or ``None``.

    Only an address :func:`site_url_problem` accepts counts: anything else is reported by
    :func:`perfsite.validation.checks.settings.site_url_issues` and treated here as absent, so a build never
    writes another address into pages."""
    value = descriptor.get("site_url") if isinstance(descriptor, dict) else None
    if site_url_problem(value) is not None:
        return None
    return normal_site_url(value)


def licence(descriptor: dict) -> dict:
    """The package's (first) licence as ``{"title", "path"}``, path only when it is a safe URL.

    Real councils' packages name a licence without a path; the site then shows its title only."""
    licences = descriptor.get("licenses")
    first = licences[0] if isinstance(licences, list) and licences and isinstance(licences[0], dict) else None
    if first is None:
        first = LICENCE_OGL
    title = str(first.get("title") or first.get("name") or "licence")
    return {"title": title, "path": safe_url(first.get("path"), ("http", "https")) or ""}


@cache
def schema(resource: str) -> dict:
    """The canonical Table Schema descriptor of a resource (a fresh copy is not made: do not mutate)."""
    return json.loads((SCHEMA_DIR / f"{resource}.json").read_text(encoding="utf-8"))


def field_names(resource: str) -> list[str]:
    return [f["name"] for f in schema(resource)["fields"]]


def fields(resource: str) -> dict[str, dict]:
    return {f["name"]: f for f in schema(resource)["fields"]}


def expected_header(resource: str, header: list[str]) -> list[str]:
    """The columns a file with ``header`` must have: the schema's, less the optional columns
    (:data:`OPTIONAL_FIELDS`) the file leaves out."""
    absent = set(OPTIONAL_FIELDS.get(resource, ())) - set(header)
    return [name for name in field_names(resource) if name not in absent]


def free_text_fields(resource: str) -> list[str]:
    """String fields an officer types freely (no enum, no pattern, no format): where unsafe text hides."""
    out = []
    for f in schema(resource)["fields"]:
        c = f.get("constraints", {})
        if f["type"] == "string" and "enum" not in c and "pattern" not in c and "format" not in f:
            out.append(f["name"])
    return out


def resource_descriptor(resource: str, schema_ref: str | None = None) -> dict:
    """The datapackage.json entry of a resource as perfsite writes it."""
    d = {
        "name": resource,
        "type": "table",
        "path": f"{resource}.csv",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
    }
    if schema_ref:
        d["schema"] = schema_ref
    return d
