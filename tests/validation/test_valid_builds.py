"""Property: every package ``validate`` accepts builds, public and preview; every one it refuses says where.

Drawn from the canonical schemas (see :mod:`tests.strategies`). ``make test`` runs a few
examples; ``make fuzz`` runs many (``PERFSITE_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings

from perfsite.errors import errors_of
from perfsite.validation.validate import validate

from ..conftest import build_site
from ..strategies import packages, write_package

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

EXAMPLES = int(os.environ.get("PERFSITE_FUZZ_EXAMPLES", "15"))
# problems with a whole file, which no row or field can name
FILE_LEVEL = {
    "file-empty",
    "file-binary",
    "file-missing",
    "file-too-large",
    "file-not-utf8",
    "checking-stopped",
}
# row problems about the shape of the row rather than one of its cells
ROW_LEVEL = {"extra-cell", "missing-cell", "blank-row"}


@settings(
    deadline=None,
    max_examples=EXAMPLES,
    # no shrinking: each example builds two sites, and a drawn package is already small to read
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=packages())
def test_a_valid_package_builds_and_a_refused_one_says_where(spec):
    with tempfile.TemporaryDirectory(prefix="perfsite-fuzz-") as tmp:
        where = Path(tmp)
        package = write_package(spec, where / "package")
        _, issues = validate(package)
        errors = errors_of(issues)
        outcome = "refused: " + ", ".join(sorted({i.code for i in errors})) if errors else "valid, built"
        event(outcome)
        if os.environ.get("PERFSITE_FUZZ_LOG"):  # make fuzz: one line per package, to follow a long run
            with open(os.environ["PERFSITE_FUZZ_LOG"], "a", encoding="utf-8") as log:
                log.write(outcome + "\n")
        if errors:
            for issue in errors:
                assert issue.file, str(issue)
                if issue.file.endswith(".csv") and issue.code not in FILE_LEVEL:
                    assert issue.row is not None, str(issue)
                    assert issue.field or issue.code in ROW_LEVEL, str(issue)
            return
        for preview in (False, True):
            (where / "build").mkdir(exist_ok=True)
            out, result = build_site(package, where / "build", preview=preview)
            assert (out / "index.html").is_file()
            assert result.pages > 0


def test_a_package_with_nothing_published_builds(tmp_path):
    """A new council's package, its first quarter still a draft: valid, so the public site builds."""
    import shutil

    from ..corpus import EXAMPLE, read_rows, write_rows

    package = tmp_path / "package"
    shutil.copytree(EXAMPLE, package, ignore=shutil.ignore_patterns("archive"))
    header, rows = read_rows(package, "publications.csv")
    for row in rows:
        row.update(status="draft", published_date="")
    write_rows(package, "publications.csv", header, rows)
    _, issues = validate(package)
    assert errors_of(issues) == [], "\n".join(map(str, issues))
    build_site(package, tmp_path / "build")
