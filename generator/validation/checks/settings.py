"""The package's settings in datapackage.json: council, plan, RAG tolerances, the site's address."""

from __future__ import annotations

from ... import standard
from ...errors import WARNING, Issue
from ...files.load import Package
from ...standard import periods


def package_issues(package: Package) -> list[Issue]:
    """Package-level properties: council, plan, RAG settings, licence."""
    d = package.descriptor
    issues: list[Issue] = []
    where = "datapackage.json"
    council = d.get("council")
    if not isinstance(council, dict) or not str(council.get("name", "")).strip():
        issues.append(
            Issue(
                "council-missing",
                "the package does not name the council",
                file=where,
                field="council.name",
                hint='add "council": {"name": "…", "website": "https://…"}',
            )
        )
    plan = d.get("plan")
    if not isinstance(plan, dict):
        issues.append(
            Issue(
                "plan-missing",
                "the package does not describe the Council Plan",
                file=where,
                field="plan",
                hint='add "plan": {"title": "…", "start": "2023-24", "end": "2026-27"}',
            )
        )
    else:
        for key in ("start", "end"):
            if periods.plan_year(plan.get(key, "")) is None:
                issues.append(
                    Issue(
                        "plan-bad-year",
                        f"plan.{key} must be a financial year or a date",
                        file=where,
                        field=f"plan.{key}",
                        value=str(plan.get(key)),
                        hint="write a financial year like 2023-24, or a date like 2023-04-01",
                    )
                )
        start, end = periods.plan_year(plan.get("start", "")), periods.plan_year(plan.get("end", ""))
        if start and end and start.start_year > end.start_year:
            issues.append(
                Issue(
                    "plan-end-before-start",
                    "the plan ends before it starts",
                    file=where,
                    field="plan.end",
                    value=str(plan.get("end")),
                    hint="swap plan.start and plan.end",
                )
            )
    rag = d.get("rag", {})
    if not isinstance(rag, dict):
        issues.append(
            Issue(
                "rag-invalid",
                "rag must be an object",
                file=where,
                field="rag",
                hint='e.g. "rag": {"green_tolerance": 0, "amber_tolerance": 0.05, "tolerance_type": "relative"}',
            )
        )
        rag = {}
    for key in ("green_tolerance", "amber_tolerance"):
        if key in rag and (
            not isinstance(rag[key], int | float) or isinstance(rag[key], bool) or rag[key] < 0
        ):
            issues.append(
                Issue(
                    "rag-invalid",
                    f"rag.{key} must be a number of at least 0",
                    file=where,
                    field=f"rag.{key}",
                    value=str(rag[key]),
                    hint="write 0.05 for 5% (relative) or a number of units (absolute)",
                )
            )
    if rag.get("tolerance_type", "relative") not in ("relative", "absolute"):
        issues.append(
            Issue(
                "rag-invalid",
                "rag.tolerance_type must be relative or absolute",
                file=where,
                field="rag.tolerance_type",
                value=str(rag.get("tolerance_type")),
                hint="write relative (a fraction of the target) or absolute (in the measure's units)",
            )
        )
    eff = package.rag
    if (
        all(isinstance(eff.get(k), int | float) for k in ("green_tolerance", "amber_tolerance"))
        and eff["green_tolerance"] > eff["amber_tolerance"]
    ):
        issues.append(
            Issue(
                "tolerance-order",
                "rag.green_tolerance is larger than rag.amber_tolerance",
                file=where,
                field="rag.green_tolerance",
                value=str(eff["green_tolerance"]),
                hint="the green band must sit inside the amber band: make green_tolerance ≤ amber_tolerance",
            )
        )
    if not d.get("licenses"):
        issues.append(
            Issue(
                "licence-missing",
                "the package states no licence",
                file=where,
                field="licenses",
                hint="add the Open Government Licence v3.0 (perfsite init writes it)",
                severity=WARNING,
            )
        )
    return issues


def site_url_issues(package: Package) -> list[Issue]:
    """``site_url``, the address the site is served from, must be an http(s) address."""
    value = package.descriptor.get("site_url")
    problem = standard.site_url_problem(value)  # the same rule as build --site-url and the plugin's
    if value is None or value == "" or problem is None:
        return []
    return [
        Issue(
            "site-url-invalid",
            f"site_url must be the web address the site is served from, starting https:// or http://: {problem}",
            file="datapackage.json",
            field="site_url",
            value=str(value),
            hint='e.g. "site_url": "https://performance.example.gov.uk/"',
        )
    ]


def no_site_address(descriptor: dict, given: str | None = None) -> list[Issue]:
    """The warning a public build gives when neither the package nor ``--site-url`` sets the address
    (without it MkDocs cannot write canonical links, the sitemap or instant navigation)."""
    if given or standard.site_url(descriptor):
        return []
    return [
        Issue(
            "no-site-address",
            "the site's address is not set, so pages have no canonical link and the sitemap has no addresses",
            file="datapackage.json",
            field="site_url",
            hint='add "site_url": "https://…/" to datapackage.json (or pass --site-url to build)',
            severity=WARNING,
        )
    ]
