"""Validate: every problem in a package, all at once, sorted by file and row.

Three layers, each returning :class:`~perfsite.errors.Issue` values:

1. the package itself (descriptor, paths, encodings) — found by :mod:`perfsite.files.load`;
2. the Table Schemas and keys — checked by frictionless against perfsite's *canonical*
   schemas, whatever the package declares (:mod:`perfsite.validation.schema_check`);
3. the domain rules no schema can express — :mod:`perfsite.validation.checks`.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from pathlib import Path

from .. import parallel
from ..errors import ERROR, WARNING, Issue, ValidationFailed, errors_of
from ..files.load import Package, load
from . import schema_check
from .checks import domain_issues, limits, safety, status_checks
from .checks import releases as release
from .checks.record import record_issues
from .checks.settings import package_issues


def validate_package(
    package: Package,
    meanwhile: Callable[[], object] | None = None,
    today: datetime.date | None = None,
) -> list[Issue]:
    """Every issue of a loaded package, errors and warnings, sorted by file, row and field.

    ``meanwhile``: work done in this process while frictionless checks a large council's files
    in the second one, once perfsite's own checks have found no error (compiling templates, and
    working out the figures that are kept if frictionless finds no error either). ``today``: the
    day a figure's period must have ended by (default: the real day)."""
    today = today or datetime.date.today()
    issues = list(package.issues)
    if package.descriptor:
        issues += schema_check.declared_schema_issues(package)
        issues += package_issues(package)

        measures = package.raw.get("measures")
        large = measures is not None and len(measures) >= parallel.LARGE_COUNCIL_MEASURES

        # the two halves read the package and nothing else: run side by side, listed in one order.
        # perfsite's own checks run in this process, which keeps the archive snapshots they read
        # (Package.archive_cache) and the compiled templates for the site that is built next
        def ours_then_meanwhile() -> list[Issue]:
            found = [
                *domain_issues(package),
                *safety.safety_issues(package),
                *limits.limit_issues(package),
                *record_issues(package),
                *release.release_issues(package, today),
            ]
            if meanwhile is not None and large and not errors_of(issues + found):
                meanwhile()
            return found

        def frictionless_then_warnings() -> tuple[list[Issue], list[Issue] | None]:
            # frictionless finishes first: the second process then works out the warnings that
            # need statuses, in case perfsite's checks find no error either (usually so)
            found = schema_check.schema_issues(package)
            early = None
            if large and not errors_of(issues + found):
                with contextlib.suppress(Exception):  # if needed, worked out again below
                    early = status_checks.status_issues(package, issues + found)
            return found, early

        by_perfsite, (by_frictionless, early) = parallel.side_by_side(
            ours_then_meanwhile, frictionless_then_warnings, parallel=large
        )
        issues += by_frictionless + by_perfsite
        # statuses are computed over the rows no error makes unusable, whatever else is wrong
        exact = early is not None and not errors_of(by_perfsite)
        issues += early if exact else status_checks.status_issues(package, issues)
    elif package.by_standard_names:
        issues += standard_names_issues(package, today)
    # one problem can be seen by two layers (e.g. an unreadable file); keep the first
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=lambda i: (i.severity != ERROR, *i.sort_key()))


#: checks that need datapackage.json (the package's tolerances): left out while it cannot be read
NEEDS_DESCRIPTOR = {"tolerance-order"}


def standard_names_issues(package: Package, today: datetime.date) -> list[Issue]:
    """datapackage.json could not be read, so its files were read by the standard's names: check
    each file (its schema, keys and domain rules) all the same, so one run lists every problem.
    Left out, as they would only follow from the unread descriptor: the package's settings, the
    archive (checked against the resources it lists) and statuses (its tolerances)."""
    found = [
        *schema_check.schema_issues(package),
        *domain_issues(package),
        *safety.safety_issues(package),
        *limits.limit_issues(package),
        *release.release_issues(package, today),
    ]
    read = ", ".join(sorted(package.files.values()))
    note = Issue(
        "checked-by-standard-names",
        f"datapackage.json could not be read, so these files were checked under the standard's names: {read}",
        file="datapackage.json",
        hint="fix datapackage.json first (the error above); the problems listed for the files are theirs",
        severity=WARNING,
    )
    return [note, *(i for i in found if i.code not in NEEDS_DESCRIPTOR)]


def validate(package_dir: str | Path, today: datetime.date | None = None) -> tuple[Package, list[Issue]]:
    """Load and validate a package folder (``today``: see :func:`validate_package`); when
    datapackage.json cannot be read, its files are still checked by the standard's names."""
    package = load(package_dir, standard_names=True)
    return package, validate_package(package, today=today)


def require_valid(package_dir: str | Path, strict: bool = False) -> Package:
    """Load a package or raise :class:`ValidationFailed` listing every issue."""
    package, issues = validate(package_dir)
    failing = issues if strict else errors_of(issues)
    if failing:
        raise ValidationFailed(issues)
    package.issues = issues
    return package
