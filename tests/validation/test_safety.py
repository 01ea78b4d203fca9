"""Issue 11: every field inert (links, formulas, invisible characters), every valid package builds."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from perfsite import cli as cli_module
from perfsite.errors import errors_of
from perfsite.files.workbook import write_template
from perfsite.site.downloads import csv_text
from perfsite.validation.checks.safety import char_name, url_problem
from perfsite.validation.validate import validate

from ..conftest import build_site
from ..corpus import EXAMPLE, edit_descriptor, is_measure, read_rows, set_cell, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def copy_example(tmp_path, name="pkg"):
    return shutil.copytree(EXAMPLE, tmp_path / name)


def found(issues):
    return [(i.code, i.file, i.row, i.field) for i in errors_of(issues)]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "javascript\u200b:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "https://",
        "https://example.org/a b",
        'https://example.org/"onmouseover="alert(1)',
        "mailto:",
    ],
)
def test_unsafe_links_are_refused(url):
    assert url_problem(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://example.org/report.pdf?a=1&b=2",
        "http://example.org",
        "mailto:a@b.example",
        "HTTPS://EXAMPLE.ORG",
    ],
)
def test_ordinary_links_are_accepted(url):
    assert url_problem(url) is None


def test_a_character_is_named_in_words():
    assert char_name("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert char_name("\ufeff") == "U+FEFF ZERO WIDTH NO-BREAK SPACE"


def test_negative_numbers_stay_numbers_and_markdown_text_is_not_a_formula(tmp_path):
    pkg = copy_example(tmp_path)
    ids = {
        m
        for m in [r["measure_id"] for r in read_rows(pkg, "measures.csv")[1] if r["unit"] == "percent_change"]
    }
    assert ids, "the example has a percent_change measure"
    first = lambda r: r["measure_id"] in ids and r["value"] != ""  # noqa: E731
    row = set_cell(pkg, "outturns.csv", "revision_note", "Corrected after late returns", first)
    set_cell(pkg, "outturns.csv", "value", "-5", first)
    set_cell(pkg, "outturns.csv", "commentary", "*Fewer* than <5 complaints; 3 - 2 = 1", lambda r: True)
    _, issues = validate(pkg)
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))
    assert not [i for i in issues if i.row == row and i.field == "value"]


def test_a_markdown_list_with_hyphens_is_refused_with_the_fix(tmp_path):
    pkg = copy_example(tmp_path)
    row = set_cell(pkg, "outturns.csv", "commentary", "- first point\n- second point")
    _, issues = validate(pkg)
    issue = next(
        i for i in errors_of(issues) if (i.code, i.row, i.field) == ("formula-text", row, "commentary")
    )
    assert "start the lines with * instead of -" in issue.hint


def test_a_zero_width_joiner_in_commentary_is_allowed_but_a_bidi_override_is_not(tmp_path):
    pkg = copy_example(tmp_path)
    set_cell(pkg, "outturns.csv", "commentary", "Family day 👨\u200d👩\u200d👧 was busy")
    row = set_cell(pkg, "outturns.csv", "data_quality_note", "Checked \u2067by\u2069 audit")
    _, issues = validate(pkg)
    assert found(issues) == [("invisible-character", "outturns.csv", row, "data_quality_note")]
    assert "U+2067 RIGHT-TO-LEFT ISOLATE" in errors_of(issues)[0].message


def test_an_invisible_character_in_an_identifier_is_named(tmp_path):
    pkg = copy_example(tmp_path)
    first = read_rows(pkg, "priorities.csv")[1][0]["priority_id"]
    row = set_cell(pkg, "priorities.csv", "priority_id", first + "\u200b")
    _, issues = validate(pkg)
    named = [i for i in errors_of(issues) if i.code == "invisible-character"]
    assert [(i.file, i.row, i.field) for i in named] == [("priorities.csv", row, "priority_id")]
    assert "U+200B ZERO WIDTH SPACE" in named[0].message


def test_nan_in_a_value_does_not_dodge_the_missing_reason_rule(tmp_path):
    pkg = copy_example(tmp_path)
    row = set_cell(pkg, "outturns.csv", "value", "nan", is_measure(pkg, unit="count"))
    _, issues = validate(pkg)
    assert ("number-out-of-range", "outturns.csv", row, "value") in found(issues)


@pytest.mark.parametrize("text", ["1e13", "-1e13", "Infinity", "1e400", "99999999999999999999"])
def test_numbers_must_be_finite_and_sane(tmp_path, text):
    pkg = copy_example(tmp_path)
    row = set_cell(pkg, "targets.csv", "target", text)
    _, issues = validate(pkg)
    assert ("number-out-of-range", "targets.csv", row, "target") in found(issues)


def test_a_huge_sort_order_is_refused(tmp_path):
    pkg = copy_example(tmp_path)
    row = set_cell(pkg, "priorities.csv", "sort_order", "99999999999999999999")
    _, issues = validate(pkg)
    assert ("number-out-of-range", "priorities.csv", row, "sort_order") in found(issues)


def test_other_descriptor_addresses_are_checked(tmp_path):
    pkg = copy_example(tmp_path)

    def change(d):
        d["homepage"] = "javascript:alert(1)"
        d["site_url"] = "data:text/html,x"
        d["council"]["contact_email"] = '"><script>@x'

    edit_descriptor(pkg, change)
    _, issues = validate(pkg)
    assert {
        ("unsafe-url", "datapackage.json", None, "homepage"),
        ("unsafe-url", "datapackage.json", None, "site_url"),
        ("bad-email", "datapackage.json", None, "council.contact_email"),
    } <= set(found(issues))


def test_a_real_councils_licence_and_council_without_contact_validate_and_build(tmp_path):
    """A licence with name and title but no path, a council with only its name: valid Frictionless, so it builds."""
    pkg = copy_example(tmp_path)

    def change(d):
        d["licenses"] = [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0"}]
        d["council"] = {"name": d["council"]["name"]}

    edit_descriptor(pkg, change)
    _, issues = validate(pkg)
    assert errors_of(issues) == [], "\n".join(map(str, errors_of(issues)))
    out, _ = build_site(pkg, tmp_path / "build")
    data_page = (out / "data" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"' in data_page
    published = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert published["licenses"][0]["path"].startswith("https://www.nationalarchives.gov.uk/")


def test_frictionless_stopping_early_is_said_with_the_rows_left_unchecked(tmp_path):
    pkg = copy_example(tmp_path)
    header, rows = read_rows(pkg, "targets.csv")
    rows += [
        {
            "measure_id": rows[0]["measure_id"],
            "period": f"{2000 + i // 4}-{(1 + i // 4) % 100:02d}-Q{i % 4 + 1}",
            "target": "47.5%",
            "note": "",
        }
        for i in range(1500)
    ]
    write_rows(pkg, "targets.csv", header, rows)
    _, issues = validate(pkg)
    stopped = [i for i in errors_of(issues) if i.code == "checking-stopped"]
    assert len(stopped) == 1 and stopped[0].file == "targets.csv"
    assert (
        "rows were not checked" in stopped[0].message and f"of its {len(rows):,} rows" in stopped[0].message
    )


def test_a_cut_list_says_how_many_errors_were_not_shown(tmp_path, monkeypatch):
    pkg = copy_example(tmp_path)
    header, rows = read_rows(pkg, "outturns.csv")
    counts = set(r["measure_id"] for r in rows) & {
        m for m in [r["measure_id"] for r in read_rows(pkg, "measures.csv")[1] if r["unit"] == "count"]
    }
    bad = 0
    for r in rows:
        if r["measure_id"] in counts and r["value"]:
            r["value"] = "-1"
            r["revision_note"] = "Corrected"  # published figures may change only with a note
            bad += 1
    write_rows(pkg, "outturns.csv", header, rows)
    assert bad > 5
    monkeypatch.setattr(cli_module, "MAX_SHOWN", 3)
    text = CliRunner().invoke(cli_module.cli, ["validate", str(pkg)])
    assert text.exit_code == 1
    assert f"{bad:,} error(s):" in text.output
    assert f"… and {bad - 3:,} more not shown" in text.output
    assert text.output.count("✗ ") == 3
    as_json = CliRunner().invoke(cli_module.cli, ["validate", "--json", str(pkg)])
    report = json.loads(as_json.stdout)
    assert len(report["errors"]) == 3 and report["errors_not_shown"] == bad - 3


def test_downloads_never_write_a_formula_cell_and_leave_numbers_alone():
    frame = pd.DataFrame(
        {
            "text": [
                "=1+1",
                " -2+3+cmd|' /C calc'!A0",
                '-HYPERLINK("http://x","y")',
                "@SUM(A1)",
                "\tx",
                "Fine",
                None,
            ],
            "raw_number": ["-5", "+1.5", "-1e-3", " -7 ", "0", "", "12"],
            "number": [-5.0, 1, 2, 3, 4, 5, 6],
        }
    )
    written = pd.read_csv(io.StringIO(csv_text(frame)), dtype=str, keep_default_na=False)
    assert all(not v.startswith(("=", "+", "-", "@", "\t", " ")) for v in written["text"] if v)
    assert written["text"][0] == "'=1+1" and written["text"][5] == "Fine"
    assert list(written["raw_number"]) == ["-5", "+1.5", "-1e-3", " -7 ", "0", "", "12"]
    assert written["number"][0] == "-5.0"


def test_the_workbook_template_never_holds_a_formula(tmp_path):
    pkg = copy_example(tmp_path)
    set_cell(pkg, "outturns.csv", "commentary", '=HYPERLINK("http://bad.example","click")')
    set_cell(pkg, "priorities.csv", "title", "=1+1")
    edit_descriptor(pkg, lambda d: d["council"].__setitem__("name", "=cmd|' /C calc'!A0"))
    book = load_workbook(write_template(tmp_path / "template.xlsx", pkg))
    formulas = [
        (ws.title, c.coordinate)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert {'=HYPERLINK("http://bad.example","click")', "=1+1", "=cmd|' /C calc'!A0"} <= texts


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("council.name", '=HYPERLINK("https://x.example","Northmoor")'),
        ("council.name", " @SUM(1+1)*cmd|' /C calc'!A0"),
        ("title", "+Northmoor performance"),
        ("plan.title", "-2+3+cmd|' /C calc'!A0"),
        ("description", "\tHidden"),
        ("licenses[0].title", "=1+1"),
    ],
)
def test_descriptor_text_a_spreadsheet_would_run_is_refused(tmp_path, field, value):
    pkg = copy_example(tmp_path)

    def change(d: dict) -> None:
        where, key = d, field
        if field.startswith("licenses[0]."):
            where, key = d["licenses"][0], field.split(".", 1)[1]
        elif "." in field:
            head, key = field.split(".")
            where = d.setdefault(head, {})
        where[key] = value

    edit_descriptor(pkg, change)
    _, issues = validate(pkg)
    assert ("formula-text", "datapackage.json", None, field) in found(issues), found(issues)


def test_a_council_name_with_an_ordinary_start_passes(tmp_path):
    pkg = copy_example(tmp_path)
    edit_descriptor(pkg, lambda d: d["council"].update(name="3Rivers District Council"))
    _, issues = validate(pkg)
    assert not [i for i in errors_of(issues) if i.code == "formula-text"]
