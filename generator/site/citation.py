"""How to cite the data: a citation line for people and schema.org ``Dataset`` JSON-LD for search engines.

Pure functions of the package's metadata and the latest release. The date a reader accessed a
page cannot be known when the site is built, so the citation leaves a place for it, as
reference styles ask.
"""

from __future__ import annotations

import json

from .. import standard
from ..standard import periods
from ..standard.formatting import uk_date


def page_url(site_url: str | None, path: str) -> str:
    """The address of a page (``measures/env-01/``) on the site, or its path when the site has no address."""
    return (site_url.rstrip("/") + "/" if site_url else "/") + path


def citation(council: str, title: str, release: str | None, published: str | None, url: str) -> str:
    """``Northmoor District Council (2024) Household waste recycled or composted. Performance data,
    Q2 2024/25 release, published 21 November 2024. Available at: <url> (accessed: …)``.
    ``release``: a quarter's report, or a corrections release (``corrections-2026-12-01``)."""
    year = f" ({published[:4]})" if published else ""
    parts = [f"{council}{year} {title.rstrip('.')}."]
    if release:
        released = f", published {uk_date(published)}" if published else ""
        name = periods.short_label(release) if periods.try_parse(release) else "corrections"
        parts.append(f"Performance data, {name} release{released}.")
    parts.append(f"Available at: {url} (accessed: the date you viewed it).")
    return " ".join(parts)


def dataset_jsonld(
    descriptor: dict,
    council: str,
    data_url: str,
    files: dict[str, str],
    first_period: str | None,
    last_period: str | None,
    modified: str | None,
) -> str:
    """schema.org ``Dataset`` JSON-LD for the /data/ page, safe inside ``<script>``.

    ``files`` maps each download's file name to its title. ``</`` is escaped so no value from
    the package can close the script element.
    """
    council_info = descriptor.get("council") if isinstance(descriptor.get("council"), dict) else {}
    organisation = {"@type": "GovernmentOrganization", "name": council}
    website = standard.safe_url(council_info.get("website"), ("http", "https"))
    if website:
        organisation["url"] = website
    licence = standard.licence(descriptor)
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": str(descriptor.get("title") or f"{council} performance data"),
        "description": str(
            descriptor.get("description") or f"Published performance data of {council}'s Council Plan."
        ),
        "url": data_url,
        "inLanguage": "en-GB",
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "license": licence["path"] or licence["title"],
        "keywords": ["council performance", "key performance indicators", "Council Plan", council],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": title,
                "contentUrl": data_url + name,
                "encodingFormat": "application/json" if name.endswith(".json") else "text/csv",
            }
            for name, title in files.items()
        ],
    }
    if modified:
        dataset["dateModified"] = modified
    if first_period and last_period:
        start = periods.parse(first_period).dates()[0]
        end = periods.parse(last_period).dates()[1]
        dataset["temporalCoverage"] = f"{start.isoformat()}/{end.isoformat()}"
    # a list, not a bare object: Material's instant navigation re-runs inline scripts as
    # JavaScript (dropping their type), and an array literal is a harmless expression there
    text = json.dumps([dataset], ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("</", "<\\/")
