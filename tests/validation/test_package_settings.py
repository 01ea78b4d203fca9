"""Package settings set once (the site's address, the plan's dates) and every problem reported at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfsite import standard
from perfsite.errors import errors_of, warnings_of
from perfsite.validation.checks import settings as checks
from perfsite.validation.validate import validate

from ..corpus import EXAMPLE, edit_descriptor, read_rows, set_cell, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture
def pkg(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))


def test_the_site_address_comes_from_the_package():
    import json

    descriptor = json.loads((EXAMPLE / "datapackage.json").read_text())
    assert standard.site_url(descriptor) == "https://performance.northmoor.example/"
    assert standard.site_url({"site_url": "https://a.example/perf"}) == "https://a.example/perf/"
    assert standard.site_url({}) is None
    assert standard.site_url({"site_url": "javascript:alert(1)"}) is None
    assert checks.no_site_address(descriptor) == []
    assert checks.no_site_address({}, given="https://x.example/") == []
    [warning] = checks.no_site_address({})
    assert warning.code == "no-site-address" and warning.severity == "warning"


@pytest.mark.parametrize("value", ["ftp://files.example/", "javascript:alert(1)", "performance.example", 42])
def test_a_site_address_that_is_not_http_is_an_error(pkg, value):
    edit_descriptor(pkg, lambda d: d.update(site_url=value))
    _, issues = validate(pkg)
    assert ("site-url-invalid", "datapackage.json", "site_url") in [
        (i.code, i.file, i.field) for i in errors_of(issues)
    ]


@pytest.mark.parametrize(
    ("start", "end"), [("2023-04-01", "2027-03-31"), ("2023-24", "2027-03-31"), ("2023-04-01", "2026-27")]
)
def test_plan_dates_may_be_iso_dates_or_financial_years(pkg, start, end):
    edit_descriptor(pkg, lambda d: d["plan"].update(start=start, end=end))
    _, issues = validate(pkg)
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))


def test_a_plan_date_is_checked_like_a_year(pkg):
    edit_descriptor(pkg, lambda d: d["plan"].update(start="2023-13-01", end="2025-03-31"))
    _, issues = validate(pkg)
    found = [(i.code, i.field) for i in errors_of(issues)]
    assert ("plan-bad-year", "plan.start") in found
    edit_descriptor(pkg, lambda d: d["plan"].update(start="2023-04-01", end="2025-03-31"))
    _, issues = validate(pkg)
    assert "outside-plan" in {i.code for i in errors_of(issues)}, (
        "2025-26 figures fall outside a plan ending March 2025"
    )


def test_an_undecodable_file_hides_no_other_problem_and_adds_no_spurious_one(pkg):
    text = (pkg / "measures.csv").read_text(encoding="utf-8")
    (pkg / "measures.csv").write_bytes(text.replace("e", "é", 1).encode("cp1252"))
    row = set_cell(pkg, "projects.csv", "objective_id", "no-such-objective")
    _, issues = validate(pkg)
    found = {(i.code, i.file) for i in errors_of(issues)}
    assert ("file-not-utf8", "measures.csv") in found
    assert ("unknown-reference", "projects.csv") in found, "other files are still checked"
    assert not [
        i for i in errors_of(issues) if i.code == "unknown-reference" and "measures" in (i.message or "")
    ]
    assert [i.row for i in errors_of(issues) if i.file == "projects.csv"] == [row]


def test_warnings_appear_beside_errors_in_other_files(pkg):
    header, exceptions = read_rows(pkg, "exceptions.csv")
    write_rows(pkg, "exceptions.csv", header, [e for e in exceptions if e["period"] != "2026-27-Q1"])
    set_cell(pkg, "projects.csv", "objective_id", "no-such-objective")
    _, issues = validate(pkg)
    assert errors_of(issues)
    assert "no-exception-report" in {i.code for i in warnings_of(issues)}
