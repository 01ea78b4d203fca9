"""``perfsite status``: read and validate a package, then say what publishing its next quarter would
show and release (the report itself is worked out by :mod:`perfsite.rules.status_report`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import PerfsiteError, warnings_of
from ..files.load import typed
from ..rules.status_report import StatusReport, next_period, summarise
from ..validation import history
from ..validation.validate import require_valid


def report_of(package, period: str) -> StatusReport:
    """The status report of ``period`` for a validated package."""
    return summarise(
        typed(package),
        package.rag,
        period,
        history.revisions(package),
        history.withdrawals(package),
        warnings=len(warnings_of(package.issues)),
        corrections=history.pending_release(package),
    )


def status(package_dir: str | Path, period: str | None = None) -> StatusReport:
    """Read and validate the package, then summarise ``period`` (default: the next to publish)."""
    package = require_valid(package_dir)
    if period is None:
        period = next_period(typed(package)["publications"])
        if period is None:
            raise PerfsiteError(
                "no draft or approved quarter follows the last published one: add the next quarter to publications.csv"
            )
    return report_of(package, period)
