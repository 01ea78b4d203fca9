"""`perfsite validate`: the example is valid, and every bad package in the corpus says file, row, field and fix."""

from __future__ import annotations

import json
import subprocess
import sys
import traceback

import pytest

from perfsite import standard
from perfsite.errors import errors_of, warnings_of
from perfsite.validation.validate import validate

from ..corpus import (
    CASES,
    EXAMPLE,
    SEVERAL,
    TODAY,
    WARNING_CASES,
    make,
    make_several,
    read_rows,
    set_cell,
    write_rows,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "perfsite.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_example_package_is_valid():
    _, issues = validate(EXAMPLE)
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))


def test_example_package_has_no_warnings():
    _, issues = validate(EXAMPLE)
    assert warnings_of(issues) == [], "\n".join(map(str, warnings_of(issues)))


def test_frictionless_cli_accepts_the_example():
    exe = [sys.executable, "-m", "frictionless"]
    result = subprocess.run(
        [*exe, "validate", str(EXAMPLE / "datapackage.json")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_example_ships_the_canonical_schemas():
    for name in standard.RESOURCES:
        shipped = json.loads((EXAMPLE / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        assert shipped == standard.schema(name), name


def test_every_field_is_documented_for_officers():
    for name in standard.RESOURCES:
        for field in standard.schema(name)["fields"]:
            assert field.get("title") and len(field.get("description", "")) > 15, (name, field["name"])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_package_reports_file_row_field_and_fix(case, tmp_path):
    pkg, (code, file, row, field) = make(case, tmp_path)
    _, issues = validate(pkg)
    found = [(i.code, i.file, i.row, i.field) for i in errors_of(issues)]
    assert (code, file, row, field) in found, "\n".join(map(str, issues))
    issue = next(i for i in issues if (i.code, i.file, i.row, i.field) == (code, file, row, field))
    assert case.hint.lower() in (issue.hint or "").lower() + issue.message.lower(), str(issue)


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


def run_in_process(*args: str):
    """The CLI in this process (click's runner): the corpus runs in seconds, not a process each."""
    from click.testing import CliRunner

    from perfsite.cli import cli

    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_never_shows_a_traceback_for_bad_input(case, tmp_path):
    """Exit code 1, a message naming the file, row and field, and no exception escaping."""
    pkg, (code, file, row, field) = make(case, tmp_path)
    result = run_in_process("validate", str(pkg))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        case.id,
        "".join(traceback.format_exception(*result.exc_info)),
    )
    output = result.output
    assert result.exit_code == 1, (case.id, output[-2000:])
    assert file in output, (case.id, output[-2000:])
    if row is not None:
        assert f"row {row}" in output, (case.id, output[-2000:])
    if field is not None:
        assert f"field {field}" in output, (case.id, output[-2000:])


def test_the_real_command_shows_no_traceback(tmp_path):
    """One real subprocess, for what only a process shows: the entry point, stderr, the exit code."""
    for case in (CASES[0], next(c for c in CASES if c.id == "deeply-nested-json")):
        pkg, (code, file, row, field) = make(case, tmp_path)
        result = run_cli("validate", str(pkg))
        output = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in output, (case.id, output[-2000:])
        assert file in output, (case.id, output[-2000:])


def test_cli_exit_codes_and_json(tmp_path):
    ok = run_cli("validate", str(EXAMPLE))
    assert ok.returncode == 0, ok.stderr
    assert "is valid" in ok.stdout
    usage = run_cli("validate")
    assert usage.returncode == 2
    missing = run_cli("validate", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    pkg, (code, file, row, field) = make(CASES[0], tmp_path)
    result = run_cli("validate", "--json", str(pkg))
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["valid"] is False
    assert {"code": code, "file": file, "row": row, "field": field}.items() <= report["errors"][0].items()


def test_all_errors_are_reported_at_once_sorted_by_file_and_row(tmp_path):
    pkg, _ = make(CASES[0], tmp_path)  # percent sign in outturns.csv
    set_cell(pkg, "measures.csv", "unit", "percentage")
    set_cell(pkg, "targets.csv", "period", "2024-26")
    _, issues = validate(pkg)
    files = [i.file for i in errors_of(issues)]
    assert {"measures.csv", "outturns.csv", "targets.csv"} <= set(files)
    assert files == sorted(files)


def test_warnings_do_not_fail_unless_strict(tmp_path):
    pkg = tmp_path / "warn"
    pkg, _ = make(CASES[0], tmp_path)
    # undo the planted error: re-copy and add only a warning (a measure with no methodology)
    import shutil

    shutil.rmtree(pkg)
    shutil.copytree(EXAMPLE, pkg)
    header, rows = read_rows(pkg, "methodology.csv")
    write_rows(pkg, "methodology.csv", header, rows[1:])
    _, issues = validate(pkg)
    assert errors_of(issues) == []
    assert [i.code for i in warnings_of(issues)] == ["no-methodology"]
    assert run_cli("validate", str(pkg)).returncode == 0
    assert run_cli("validate", "--strict", str(pkg)).returncode == 1


def test_more_decimals_than_reported_is_a_warning(tmp_path):
    import shutil

    pkg = tmp_path / "decimals"
    shutil.copytree(EXAMPLE, pkg)
    _, measures = read_rows(pkg, "measures.csv")
    zero_dp = {m["measure_id"] for m in measures if m["decimal_places"] == "0"}
    unpublished = ("2026-27-Q2", "2026-27-M04", "2026-27-M05", "2026-27-M06")  # a published one is a revision
    row = set_cell(
        pkg,
        "outturns.csv",
        "value",
        "12.345",
        lambda r: r["measure_id"] in zero_dp and r["value"] and r["period"] in unpublished,
    )
    _, issues = validate(pkg)
    assert errors_of(issues) == []
    assert ("too-many-decimals", "outturns.csv", row, "value") in [
        (i.code, i.file, i.row, i.field) for i in issues
    ]


def test_init_writes_a_valid_empty_package(tmp_path):
    result = run_cli("init", str(tmp_path / "new"))
    assert result.returncode == 0, result.stderr
    _, issues = validate(tmp_path / "new")
    assert errors_of(issues) == []
    again = run_cli("init", str(tmp_path / "new"))
    assert again.returncode == 2 and "Traceback" not in again.stderr  # misuse: nothing was touched


def test_oversized_file_fails_cleanly(tmp_path, monkeypatch):
    import shutil

    from perfsite.files import safe_files

    pkg = tmp_path / "big"
    shutil.copytree(EXAMPLE, pkg)
    monkeypatch.setattr(safe_files, "MAX_FILE_BYTES", 4096)  # the real limit is 100 MB
    _, issues = validate(pkg)
    assert ("file-too-large", "outturns.csv") in [(i.code, i.file) for i in errors_of(issues)]


def test_a_red_without_an_exception_report_is_a_warning(tmp_path):
    import shutil

    pkg = tmp_path / "noexc"
    shutil.copytree(EXAMPLE, pkg)
    header, rows = read_rows(pkg, "exceptions.csv")
    dropped = rows[-1]
    write_rows(pkg, "exceptions.csv", header, rows[:-1])
    _, issues = validate(pkg)
    assert errors_of(issues) == []
    warned = [i for i in warnings_of(issues) if i.code == "no-exception-report"]
    assert len(warned) == 1 and warned[0].file == "outturns.csv" and warned[0].row
    assert f"measure {dropped['measure_id']} is red in the {dropped['period']} report" in warned[0].message


# -- issue 21: every problem in one run, and the warnings that need statuses or the calendar -------


@pytest.mark.parametrize("case", WARNING_CASES, ids=[c.id for c in WARNING_CASES])
def test_warning_cases_name_file_row_and_field_and_do_not_fail(case, tmp_path):
    pkg, (code, file, row, field) = make(case, tmp_path)
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))
    found = [(i.code, i.file, i.row, i.field) for i in warnings_of(issues)]
    assert (code, file, row, field) in found, "\n".join(map(str, issues))
    issue = next(
        i for i in warnings_of(issues) if (i.code, i.file, i.row, i.field) == (code, file, row, field)
    )
    assert case.hint.lower() in (issue.hint or "").lower() + issue.message.lower(), str(issue)


@pytest.mark.parametrize("case", SEVERAL, ids=[c.id for c in SEVERAL])
def test_every_problem_is_reported_in_one_run_and_nothing_that_only_follows(case, tmp_path):
    pkg, expected = make_several(case, tmp_path)
    _, issues = validate(pkg, today=TODAY)
    found = [(i.code, i.file, i.row, i.field) for i in issues]
    for planted in expected:
        assert planted in found, (planted, "\n".join(map(str, issues)))
    cascaded = [str(i) for i in issues if i.code in case.absent]
    assert cascaded == [], "\n".join(cascaded)
    planted_files = {file for _, file, _, _ in expected}
    # an unreadable file or a wrong header is one error, not one per row of another check
    if all(code in ("file-not-utf8", "bad-header") for code, *_ in expected):
        assert [
            i
            for i in errors_of(issues)
            if i.file not in planted_files or i.code not in {c for c, *_ in expected}
        ] == []


def test_the_red_without_a_report_is_found_beside_type_errors_on_the_command_line(tmp_path):
    """Issue 21's example, as an officer runs it: both type errors and the warning in one run."""
    pkg, expected = make_several(SEVERAL[0], tmp_path)
    result = run_in_process("validate", str(pkg))
    assert result.exit_code == 1
    for _, file, row, field in expected:
        assert f"{file}, row {row}, field {field}" in result.output, result.output[-3000:]
    assert "has no exception report" in result.output


def test_a_figure_for_a_period_ended_yesterday_is_fine_and_one_ending_today_is_not(tmp_path):
    import datetime
    import shutil

    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    end = datetime.date(2026, 9, 30)  # the end of 2026-27-Q2, the example's last quarter
    _, after = validate(pkg, today=end + datetime.timedelta(days=1))
    assert not [i for i in after if i.code == "period-not-ended"]
    _, on = validate(pkg, today=end)
    warned = [i for i in on if i.code == "period-not-ended"]
    rows = read_rows(pkg, "outturns.csv")[1]
    with_figure = [r for r in rows if r["period"] in ("2026-27-Q2", "2026-27-M06") and r["value"] != ""]
    assert len(warned) == len(with_figure) > 0
    assert all(i.severity == "warning" and "2026-09-30" in i.message for i in warned)
    assert errors_of(on) == []
