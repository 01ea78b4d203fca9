"""Free text: no raw HTML or script in any text a page shows."""

from __future__ import annotations

import numpy as np

from ... import standard
from ...errors import Issue
from ...files.load import Package
from .cells import _HTML, HTML_NEEDS, cell_issue, cells_containing, cells_searched, column_issues


def text_issues(package: Package) -> list[Issue]:
    """Text that would be dangerous on a page: raw HTML or script (formulas: :mod:`perfsite.validation.checks.safety`)."""

    def html(resource: str, column: str, values: list[str]) -> np.ndarray:
        return cells_searched(values, _HTML, cells_containing(values, HTML_NEEDS))

    issue = cell_issue(
        "unsafe-html",
        "the text contains HTML or script, which is not allowed",
        "write plain text; simple Markdown (*emphasis*, lists, [links](https://…)) is allowed",
    )
    return column_issues(package, standard.free_text_fields, html, issue)
