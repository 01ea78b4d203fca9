"""The checks validation runs on a package's text frames, one concern each: the package settings,
identifiers, periods, values and limits, outturns, measures, publications, text safety, statuses,
releases, printed statuses, the published record and the archive. :func:`domain_issues` runs the
checks of the data standard that no Table Schema can express."""

from __future__ import annotations

from ...errors import Issue
from ...files.load import Package
from .identifiers import identifier_collisions
from .measures import measure_issues
from .outturns import outturn_issues
from .period_checks import period_issues
from .publications import publication_issues
from .settings import site_url_issues
from .text import text_issues
from .values import value_issues


def domain_issues(package: Package) -> list[Issue]:
    """Every domain check over the package's text frames."""
    return [
        *site_url_issues(package),
        *identifier_collisions(package),
        *period_issues(package),
        *value_issues(package),
        *outturn_issues(package),
        *measure_issues(package),
        *publication_issues(package),
        *text_issues(package),
    ]
