"""A corpus of bad packages: each case copies the example package and plants one defect.

A case's ``plant`` function edits the copied package and returns the expected
``(code, file, row, field)`` of the error perfsite must report (row as a spreadsheet
user counts it, header = row 1). Cases are data so the same corpus drives the
in-process tests and the subprocess test that proves no traceback ever reaches the user.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "example"

Expected = tuple[str, str, int | None, str | None]


# -- editing helpers -----------------------------------------------------------------


def read_rows(pkg: Path, file: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(pkg / file, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(pkg: Path, file: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(pkg / file, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def measures_by(pkg: Path, **where: str) -> list[str]:
    _, rows = read_rows(pkg, "measures.csv")
    return [r["measure_id"] for r in rows if all(r[k] == v for k, v in where.items())]


def set_cell(
    pkg: Path, file: str, field: str, value: str, where: Callable[[dict], bool] = lambda r: True
) -> int:
    """Set ``field`` of the first row matching ``where``; return its spreadsheet row number."""
    header, rows = read_rows(pkg, file)
    for index, row in enumerate(rows):
        if where(row):
            row[field] = value
            write_rows(pkg, file, header, rows)
            return index + 2
    raise LookupError(f"no row of {file} matches")


def append_row(pkg: Path, file: str, values: dict[str, str]) -> int:
    header, rows = read_rows(pkg, file)
    rows.append({h: values.get(h, "") for h in header})
    write_rows(pkg, file, header, rows)
    return len(rows) + 1


def edit_descriptor(pkg: Path, change: Callable[[dict], None]) -> None:
    path = pkg / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    change(d)
    path.write_text(json.dumps(d, indent=2), encoding="utf-8")


def set_resource_path(pkg: Path, name: str, path: str) -> None:
    def change(d: dict) -> None:
        for r in d["resources"]:
            if r["name"] == name:
                r["path"] = path

    edit_descriptor(pkg, change)


def is_measure(pkg: Path, **where: str) -> Callable[[dict], bool]:
    ids = set(measures_by(pkg, **where))
    return lambda r: r["measure_id"] in ids and r.get("value", "x") != ""


# -- the cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    plant: Callable[[Path], Expected]
    hint: str = ""  # a phrase the fix must contain


def _percent_sign(p):
    row = set_cell(p, "outturns.csv", "value", "47.5%", is_measure(p, unit="percent"))
    return ("type-error", "outturns.csv", row, "value")


def _thousands(p):
    row = set_cell(p, "outturns.csv", "value", "1,095", is_measure(p, unit="count"))
    return ("type-error", "outturns.csv", row, "value")


def _placeholder(p):
    row = set_cell(p, "outturns.csv", "value", "N/A", is_measure(p))
    return ("type-error", "outturns.csv", row, "value")


def _uk_date(p):
    row = set_cell(p, "publications.csv", "committee_date", "31/12/2025")
    return ("type-error", "publications.csv", row, "committee_date")


def _boolean_yes(p):
    row = set_cell(p, "measures.csv", "is_key", "Yes")
    return ("type-error", "measures.csv", row, "is_key")


def _bad_unit(p):
    row = set_cell(p, "measures.csv", "unit", "percentage")
    return ("not-allowed", "measures.csv", row, "unit")


def _bad_polarity(p):
    row = set_cell(p, "measures.csv", "polarity", "Higher is better")
    return ("not-allowed", "measures.csv", row, "polarity")


def _decimal_places(p):
    row = set_cell(p, "measures.csv", "decimal_places", "7")
    return ("out-of-range", "measures.csv", row, "decimal_places")


def _percent_complete(p):
    row = set_cell(p, "project_updates.csv", "percent_complete", "120")
    return ("out-of-range", "project_updates.csv", row, "percent_complete")


def _required_title(p):
    row = set_cell(p, "measures.csv", "title", "")
    return ("required", "measures.csv", row, "title")


def _quarterly_with_month(p):
    q = set(measures_by(p, frequency="quarterly"))
    row = set_cell(p, "outturns.csv", "period", "2024-25-M03", lambda r: r["measure_id"] in q)
    return ("period-frequency", "outturns.csv", row, "period")


def _percent_over_100(p):
    row = set_cell(p, "outturns.csv", "value", "104.2", is_measure(p, unit="percent"))
    return ("percent-over-100", "outturns.csv", row, "value")


def _negative_count(p):
    row = set_cell(p, "outturns.csv", "value", "-3", is_measure(p, unit="count"))
    return ("negative-value", "outturns.csv", row, "value")


def _negative_days_target(p):
    ids = set(measures_by(p, unit="days"))
    row = set_cell(p, "targets.csv", "target", "-5", lambda r: r["measure_id"] in ids)
    return ("negative-value", "targets.csv", row, "target")


def _missing_reason(p):
    row = set_cell(p, "outturns.csv", "value", "", lambda r: r["value"] != "" and r["missing_reason"] == "")
    return ("missing-reason", "outturns.csv", row, "missing_reason")


def _override_reason(p):
    row = set_cell(
        p,
        "outturns.csv",
        "status_override",
        "green",
        lambda r: r["status_override"] == "" and r["value"] != "",
    )
    return ("override-reason", "outturns.csv", row, "override_reason")


def _outside_plan(p):
    _, rows = read_rows(p, "outturns.csv")
    q = set(measures_by(p, frequency="quarterly"))
    first = next(r for r in rows if r["measure_id"] in q)
    row = append_row(
        p, "outturns.csv", {"measure_id": first["measure_id"], "period": "2030-31-Q1", "value": "1"}
    )
    return ("outside-plan", "outturns.csv", row, "period")


def _duplicate_outturn(p):
    _, rows = read_rows(p, "outturns.csv")
    row = append_row(p, "outturns.csv", rows[0])
    return ("duplicate-row", "outturns.csv", row, "period")


def _duplicate_target(p):
    _, rows = read_rows(p, "targets.csv")
    row = append_row(p, "targets.csv", rows[-1])
    return ("duplicate-row", "targets.csv", row, "period")


def _published_without_outturns(p):
    row = append_row(
        p,
        "publications.csv",
        {
            "period": "2020-21-Q1",
            "title": "Old report",
            "status": "published",
            "committee_date": "2020-09-01",
            "published_date": "2020-09-05",
        },
    )
    return ("published-without-outturns", "publications.csv", row, "period")


def _committee_after_published(p):
    row = set_cell(
        p, "publications.csv", "committee_date", "2099-01-01", lambda r: r["status"] == "published"
    )
    return ("published-before-committee", "publications.csv", row, "committee_date")


def _tolerance_order(p):
    row = set_cell(
        p, "measures.csv", "green_tolerance", "0.2", lambda r: r["amber_tolerance"] in ("", "0.05")
    )
    return ("tolerance-order", "measures.csv", row, "green_tolerance")


def _script(p):
    row = set_cell(p, "outturns.csv", "commentary", "Good quarter <script>alert('x')</script>")
    return ("unsafe-html", "outturns.csv", row, "commentary")


def _img_onerror(p):
    row = set_cell(p, "exceptions.csv", "actions", 'See <img src=x onerror="alert(1)">')
    return ("unsafe-html", "exceptions.csv", row, "actions")


def _javascript_link(p):
    row = set_cell(p, "project_updates.csv", "update", "Read [the plan](javascript:alert(1))")
    return ("unsafe-html", "project_updates.csv", row, "update")


def _formula(p):
    row = set_cell(p, "outturns.csv", "commentary", '=HYPERLINK("http://bad.example","click")')
    return ("formula-text", "outturns.csv", row, "commentary")


def _formula_plus(p):
    row = set_cell(p, "methodology.csv", "summary", "+44 call volumes")
    return ("formula-text", "methodology.csv", row, "summary")


def _absolute_path(p):
    set_resource_path(p, "targets", "/etc/passwd")
    return ("unsafe-path", "datapackage.json", None, "resources[3].path")


def _dotdot_path(p):
    set_resource_path(p, "targets", "../targets.csv")
    return ("unsafe-path", "datapackage.json", None, "resources[3].path")


def _url_path(p):
    set_resource_path(p, "targets", "https://example.org/targets.csv")
    return ("unsafe-path", "datapackage.json", None, "resources[3].path")


def _not_utf8(p):
    text = (p / "priorities.csv").read_text(
        encoding="utf-8"
    ) + "extra,Caf\u00e9 culture and \u00a3 savings,,99\n"
    (p / "priorities.csv").write_bytes(text.encode("cp1252"))
    return ("file-not-utf8", "priorities.csv", text.count("\n"), None)  # the line the first bad byte is on


def _empty_file(p):
    (p / "benchmarks.csv").write_text("", encoding="utf-8")
    return ("file-empty", "benchmarks.csv", None, None)


def _binary_file(p):
    (p / "projects.csv").write_bytes(b"PK\x03\x04\x00\x00binary spreadsheet")
    return ("file-binary", "projects.csv", None, None)


def _renamed_header(p):
    text = (p / "targets.csv").read_text(encoding="utf-8").replace("target,", "target_value,", 1)
    (p / "targets.csv").write_text(text, encoding="utf-8")
    return ("bad-header", "targets.csv", 1, "target")


def _missing_column(p):
    header, rows = read_rows(p, "priorities.csv")
    header.remove("description")
    for r in rows:
        r.pop("description")
    write_rows(p, "priorities.csv", header, rows)
    return ("bad-header", "priorities.csv", 1, "sort_order")


def _unknown_objective(p):
    row = set_cell(p, "measures.csv", "objective_id", "no-such-objective")
    return ("unknown-reference", "measures.csv", row, "objective_id")


def _bad_identifier(p):
    row = append_row(p, "priorities.csv", {"priority_id": "Green spaces", "title": "Green spaces"})
    return ("bad-identifier", "priorities.csv", row, "priority_id")


def _identifier_case_collision(p):
    _, rows = read_rows(p, "priorities.csv")
    row = append_row(
        p, "priorities.csv", {"priority_id": rows[0]["priority_id"].upper(), "title": "Shouting"}
    )
    return ("identifier-collision", "priorities.csv", row, "priority_id")


def _years_do_not_follow(p):
    row = set_cell(p, "targets.csv", "period", "2024-26")
    return ("bad-period", "targets.csv", row, "period")


def _no_descriptor(p):
    (p / "datapackage.json").unlink()
    return ("descriptor-missing", "datapackage.json", None, None)


def _bad_json(p):
    (p / "datapackage.json").write_text('{"name": "x", "resources": [', encoding="utf-8")
    return ("descriptor-invalid-json", "datapackage.json", None, None)


def _missing_resource(p):
    edit_descriptor(
        p, lambda d: d.__setitem__("resources", [r for r in d["resources"] if r["name"] != "methodology"])
    )
    return ("resource-missing", "datapackage.json", None, "resources")


def _rag_type(p):
    edit_descriptor(p, lambda d: d["rag"].__setitem__("tolerance_type", "percent"))
    return ("rag-invalid", "datapackage.json", None, "rag.tolerance_type")


def _symlink_outside(p):
    (p / "secrets.csv").symlink_to("/etc/passwd")
    return ("symlink-outside", "secrets.csv", None, None)


def _symlinked_resource(p):
    target = p.parent / f"{p.name}-outside.csv"
    shutil.copyfile(p / "targets.csv", target)
    os.remove(p / "targets.csv")
    (p / "targets.csv").symlink_to(target)
    return ("symlink-outside", "targets.csv", None, None)


def _unquoted_comma(p):
    with open(p / "priorities.csv", "a", encoding="utf-8") as fh:
        fh.write("culture,Culture, leisure and heritage,More text,9\n")
    _, rows = read_rows(p, "priorities.csv")
    return ("extra-cell", "priorities.csv", len(rows) + 1, None)


CASES = [
    Case("percent-sign", _percent_sign, "write 47.5; the unit is set on the measure"),
    Case("thousands-separator", _thousands, "remove the thousands separator"),
    Case("placeholder-na", _placeholder, "leave the value empty and say why in missing_reason"),
    Case("uk-date", _uk_date, "dates are written 2025-12-31"),
    Case("boolean-yes", _boolean_yes, "true or false"),
    Case("unknown-unit", _bad_unit, "use one of: percent"),
    Case("polarity-words", _bad_polarity, "higher_is_better"),
    Case("decimal-places-range", _decimal_places, "between 0 and 4"),
    Case("percent-complete-range", _percent_complete, "between 0 and 100"),
    Case("required-title", _required_title, "fill in title"),
    Case("period-frequency", _quarterly_with_month, "2024-25-Q1"),
    Case("percent-over-100", _percent_over_100, "percent_change"),
    Case("negative-count", _negative_count, "check the sign"),
    Case("negative-days-target", _negative_days_target, "check the sign"),
    Case("missing-reason", _missing_reason, "missing_reason"),
    Case("override-without-reason", _override_reason, "computed status"),
    Case("outside-plan", _outside_plan, "plan.start"),
    Case("duplicate-outturn", _duplicate_outturn, "one row per measure_id and period"),
    Case("duplicate-target", _duplicate_target, "one row per measure_id and period"),
    Case("published-without-outturns", _published_without_outturns, "add the period's outturns"),
    Case("committee-after-published", _committee_after_published, "check both dates"),
    Case("tolerance-order", _tolerance_order, "green_tolerance ≤ amber_tolerance"),
    Case("script-in-commentary", _script, "plain text"),
    Case("img-onerror", _img_onerror, "plain text"),
    Case("javascript-link", _javascript_link, "plain text"),
    Case("formula-equals", _formula, "start the text with a word"),
    Case("formula-plus", _formula_plus, "start the text with a word"),
    Case("absolute-path", _absolute_path, "relative path"),
    Case("dotdot-path", _dotdot_path, "relative path"),
    Case("url-path", _url_path, "relative path"),
    Case("not-utf8", _not_utf8, "CSV UTF-8"),
    Case("empty-file", _empty_file, "header row"),
    Case("binary-file", _binary_file, "CSV"),
    Case("renamed-header", _renamed_header, "measure_id,period,target,note"),
    Case("missing-column", _missing_column, "priority_id,title,description,sort_order"),
    Case("unknown-objective", _unknown_objective, "objectives.csv"),
    Case("identifier-with-space", _bad_identifier, "no spaces"),
    Case("identifier-case-collision", _identifier_case_collision, "different identifier"),
    Case("years-do-not-follow", _years_do_not_follow, "second year follows the first"),
    Case("no-descriptor", _no_descriptor, "perfsite init"),
    Case("descriptor-not-json", _bad_json, "missing comma"),
    Case("resource-missing", _missing_resource, "methodology"),
    Case("rag-tolerance-type", _rag_type, "relative"),
    Case("symlink-outside", _symlink_outside, "copy the file"),
    Case("symlinked-resource", _symlinked_resource, "copy the file"),
    Case("unquoted-comma", _unquoted_comma, "double quotes"),
]


# -- issue 11: every field inert, every valid package builds ----------------------------


def _js_report_url(p):
    row = set_cell(p, "publications.csv", "report_url", "JaVaScRiPt:alert(document.domain)")
    return ("unsafe-url", "publications.csv", row, "report_url")


def _js_entity_source_url(p):
    row = set_cell(p, "benchmarks.csv", "source_url", "&#106;avascript&colon;alert(1)")
    return ("unsafe-url", "benchmarks.csv", row, "source_url")


def _js_website(p):
    edit_descriptor(p, lambda d: d["council"].__setitem__("website", "java\tscript:alert(1)"))
    return ("unsafe-url", "datapackage.json", None, "council.website")


def _js_licence_path(p):
    edit_descriptor(p, lambda d: d["licenses"][0].__setitem__("path", " javascript:alert(1)"))
    return ("unsafe-url", "datapackage.json", None, "licenses[0].path")


def _formula_minus_cmd(p):
    row = set_cell(p, "outturns.csv", "commentary", "-2+3+cmd|' /C calc'!A0")
    return ("formula-text", "outturns.csv", row, "commentary")


def _formula_minus_hyperlink(p):
    row = set_cell(p, "exceptions.csv", "overview", '-HYPERLINK("http://x","y")')
    return ("formula-text", "exceptions.csv", row, "overview")


def _formula_after_spaces_and_quote(p):
    row = set_cell(p, "projects.csv", "title", '  "=1+1')
    return ("formula-text", "projects.csv", row, "title")


def _formula_tab(p):
    row = set_cell(p, "methodology.csv", "calculation", "\t=cmd")
    return ("formula-text", "methodology.csv", row, "calculation")


def _bidi_title(p):
    row = set_cell(p, "measures.csv", "title", "Rent collected \u202egnidaelsim")
    return ("invisible-character", "measures.csv", row, "title")


def _zero_width_title(p):
    row = set_cell(p, "priorities.csv", "title", "Green\u200bspaces")
    return ("invisible-character", "priorities.csv", row, "title")


def _licences_string(p):
    edit_descriptor(p, lambda d: d.__setitem__("licenses", "OGL-UK-3.0"))
    return ("licence-invalid", "datapackage.json", None, "licenses")


def _published_2107(p):
    row = set_cell(
        p, "publications.csv", "published_date", "2107-01-01", lambda r: r["status"] == "published"
    )
    return ("date-out-of-range", "publications.csv", row, "published_date")


def _rename_measure(p, new_id):
    _, rows = read_rows(p, "measures.csv")
    old = rows[0]["measure_id"]
    for file in (
        "measures.csv",
        "targets.csv",
        "outturns.csv",
        "methodology.csv",
        "exceptions.csv",
        "benchmarks.csv",
    ):
        header, rows = read_rows(p, file)
        for r in rows:
            if r["measure_id"] == old:
                r["measure_id"] = new_id
        write_rows(p, file, header, rows)
    return 2


def _measure_index_md(p):
    return ("reserved-identifier", "measures.csv", _rename_measure(p, "index.md"), "measure_id")


def _measure_feed_xml(p):
    return ("reserved-identifier", "measures.csv", _rename_measure(p, "feed.xml"), "measure_id")


def _measure_windows_device(name):
    def plant(p):
        return ("reserved-identifier", "measures.csv", _rename_measure(p, name), "measure_id")

    return plant


def _measure_id_line_break(p):
    return ("line-break-in-identifier", "measures.csv", _rename_measure(p, "env-01\n"), "measure_id")


def _period_line_break(p):
    row = set_cell(p, "outturns.csv", "period", "2026-27-Q2\n", lambda r: r["period"] == "2026-27-Q2")
    return ("line-break-in-identifier", "outturns.csv", row, "period")


def _priority_assets(p):
    header, rows = read_rows(p, "priorities.csv")
    row = append_row(p, "priorities.csv", {"priority_id": "Assets", "title": "Assets"})
    return ("reserved-identifier", "priorities.csv", row, "priority_id")


def _long_cell(p):
    row = set_cell(p, "outturns.csv", "commentary", "word " * 30_000)
    return ("cell-too-long", "outturns.csv", row, "commentary")


def _duplicate_header(p):
    text = (p / "projects.csv").read_text(encoding="utf-8").replace(",lead,", ",title,", 1)
    (p / "projects.csv").write_text(text, encoding="utf-8")
    return ("duplicate-header", "projects.csv", 1, "title")


def _deep_json(p):
    (p / "datapackage.json").write_text('{"resources": [], "x": ' + "[" * 50_000 + "]" * 50_000 + "}")
    return ("descriptor-too-deep", "datapackage.json", None, None)


def _value(text):
    def plant(p):
        row = set_cell(p, "outturns.csv", "value", text, is_measure(p, unit="count"))
        return ("number-out-of-range", "outturns.csv", row, "value")

    return plant


def _tolerance_nan(p):
    row = set_cell(p, "measures.csv", "amber_tolerance", "NaN")
    return ("number-out-of-range", "measures.csv", row, "amber_tolerance")


def _rag_nan(p):
    path = p / "datapackage.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"amber_tolerance": 0.05', '"amber_tolerance": NaN')
    )
    return ("number-out-of-range", "datapackage.json", None, "rag.amber_tolerance")


SAFETY_CASES = [
    Case("javascript-report-url", _js_report_url, "https://"),
    Case("javascript-entity-source-url", _js_entity_source_url, "https://"),
    Case("javascript-council-website", _js_website, "https://"),
    Case("javascript-licence-path", _js_licence_path, "https://"),
    Case("formula-minus-cmd", _formula_minus_cmd, "start the text with a word"),
    Case("formula-minus-hyperlink", _formula_minus_hyperlink, "start the text with a word"),
    Case("formula-after-spaces-and-quote", _formula_after_spaces_and_quote, "start the text with a word"),
    Case("formula-tab", _formula_tab, "start the text with a word"),
    Case("bidi-override-in-title", _bidi_title, "U+202E RIGHT-TO-LEFT OVERRIDE"),
    Case("zero-width-space-in-title", _zero_width_title, "U+200B ZERO WIDTH SPACE"),
    Case("licences-as-text", _licences_string, '"licenses": ['),
    Case("published-in-2107", _published_2107, "check the year"),
    Case("measure-id-index-md", _measure_index_md, "choose another identifier"),
    Case("measure-id-feed-xml", _measure_feed_xml, "choose another identifier"),
    Case("priority-id-assets", _priority_assets, "choose another identifier"),
    Case("measure-id-con", _measure_windows_device("con"), "Windows"),
    Case("measure-id-aux-dot-x", _measure_windows_device("AUX.x"), "Windows"),
    Case("measure-id-com1", _measure_windows_device("com1"), "Windows"),
    Case("measure-id-ending-with-a-dot", _measure_windows_device("env-01."), "ending with a dot"),
    Case("measure-id-line-break", _measure_id_line_break, "delete the line break"),
    Case("period-line-break", _period_line_break, "delete the line break"),
    Case("cell-over-128k", _long_cell, "shorten the text"),
    Case("duplicate-header", _duplicate_header, "each column appears once"),
    Case("deeply-nested-json", _deep_json, "nested more than"),
    Case("value-1e20", _value("1e20"), "ordinary number"),
    Case("value-inf", _value("inf"), "ordinary number"),
    Case("value-minus-inf", _value("-inf"), "ordinary number"),
    Case("value-nan", _value("NaN"), "missing_reason"),
    Case("tolerance-nan", _tolerance_nan, "ordinary number"),
    Case("rag-tolerance-nan", _rag_nan, "ordinary number"),
]
CASES += SAFETY_CASES


def make(case: Case, where: Path) -> tuple[Path, Expected]:
    """Copy the example into ``where``/case-id, plant the case's defect, return (path, expected)."""
    pkg = where / case.id
    shutil.copytree(EXAMPLE, pkg, symlinks=True)
    return pkg, case.plant(pkg)


# -- issue 21: every problem in one run; periods no report releases or not yet ended; printed statuses --


def _too_many_digits(p):
    header, rows = read_rows(p, "measures.csv")
    measure = next(r for r in rows if r["unit"] == "count")
    measure["decimal_places"] = "4"
    write_rows(p, "measures.csv", header, rows)
    row = append_row(
        p,
        "outturns.csv",
        {"measure_id": measure["measure_id"], "period": "2026-27-Q1", "value": "123456789012"},
    )
    return ("too-many-digits", "outturns.csv", row, "value")


def _publication_for_a_month(p):
    row = append_row(
        p,
        "publications.csv",
        {"period": "2026-27-M07", "title": "October", "status": "draft", "committee_date": "2026-12-20"},
    )
    return ("publication-for-a-month", "publications.csv", row, "period")


def _publication_for_a_year(p):
    # the reports list would link to a page no build makes: a year's figures are in its Q4 report
    row = append_row(
        p,
        "publications.csv",
        {"period": "2026-27", "title": "Annual report", "status": "draft", "committee_date": "2027-06-20"},
    )
    return ("publication-for-a-year", "publications.csv", row, "period")


CASES.append(Case("value-with-too-many-digits", _too_many_digits, "decimal_places"))
CASES.append(Case("publication-for-a-month", _publication_for_a_month, "2026-27-Q3"))
CASES.append(Case("publication-for-a-year", _publication_for_a_year, "2026-27-Q4"))

#: the day warning cases are validated on (a figure for a period after it is "not ended")
TODAY = datetime.date(2026, 12, 3)


def drop_exception_report(p: Path) -> tuple[str, str, int]:
    """Delete the last exception report (a red in the last quarter); return the measure, quarter and
    the spreadsheet row of the outturn its report shows, which then is a red without one."""
    from perfsite.rules import report

    header, rows = read_rows(p, "exceptions.csv")
    dropped = rows[-1]
    write_rows(p, "exceptions.csv", header, rows[:-1])
    measure, quarter = dropped["measure_id"], dropped["period"]
    frequency = {r["measure_id"]: r["frequency"] for r in read_rows(p, "measures.csv")[1]}[measure]
    shown = report.reporting_period(frequency, quarter)
    _, outturns = read_rows(p, "outturns.csv")
    row = next(i + 2 for i, r in enumerate(outturns) if (r["measure_id"], r["period"]) == (measure, shown))
    return measure, quarter, row


def _figure_before_period_ends(p):
    q = set(measures_by(p, frequency="quarterly"))
    row = set_cell(
        p,
        "outturns.csv",
        "period",
        "2026-27-Q3",
        lambda r: r["measure_id"] in q and r["period"] == "2026-27-Q2",
    )
    return ("period-not-ended", "outturns.csv", row, "period")


def _update_without_publication(p):
    _, updates = read_rows(p, "project_updates.csv")
    row = append_row(
        p,
        "project_updates.csv",
        {
            "project_id": updates[0]["project_id"],
            "period": "2022-23-Q4",  # before the first report
            "status": "on_track",
            "percent_complete": "40",
            "update": "On track.",
        },
    )
    return ("period-not-released", "project_updates.csv", row, "period")


def _quarter_missing_from_publications(p):
    header, rows = read_rows(p, "publications.csv")
    write_rows(p, "publications.csv", header, [r for r in rows if r["period"] != "2023-24-Q2"])
    shutil.move(p / "archive" / "2023-24-Q2", p.parent / f"{p.name}-2023-24-Q2")  # never published
    _, outturns = read_rows(p, "outturns.csv")
    row = next(i + 2 for i, r in enumerate(outturns) if r["period"] == "2023-24-Q2")
    return ("period-not-released", "outturns.csv", row, "period")


def _target_in_a_gap(p):
    header, rows = read_rows(p, "publications.csv")
    write_rows(p, "publications.csv", header, [r for r in rows if r["period"] != "2023-24-Q3"])
    shutil.move(p / "archive" / "2023-24-Q3", p.parent / f"{p.name}-2023-24-Q3")  # never published
    _, targets = read_rows(p, "targets.csv")
    row = next(i + 2 for i, r in enumerate(targets) if r["period"] == "2023-24-Q3")
    return ("period-not-released", "targets.csv", row, "period")


def _benchmark_before_the_first_report(p):
    _, benchmarks = read_rows(p, "benchmarks.csv")
    row = append_row(p, "benchmarks.csv", {**benchmarks[0], "period": "2022-23"})
    return ("period-not-released", "benchmarks.csv", row, "period")


def _printed_status_differs(p):
    row = set_cell(
        p,
        "outturns.csv",
        "reported_status",
        "red",
        lambda r: r["value"] != "" and r["status_override"] == "" and r["period"] == "2026-27-Q1",
    )
    return ("reported-status-differs", "outturns.csv", row, "reported_status")


def _published_tomorrow(p):
    # a date typed by hand ahead of publishing: a published report's date is held by its snapshot
    row = set_cell(
        p, "publications.csv", "published_date", "2026-12-04", lambda r: r["period"] == "2026-27-Q2"
    )
    return ("published-date-in-future", "publications.csv", row, "published_date")


def _override_without_figure(p):
    # an officer's green on a quarter with no figure: every count says "no figure", so the page must too
    header, rows = read_rows(p, "outturns.csv")
    quarterly = set(measures_by(p, frequency="quarterly"))
    index = next(
        i for i, r in enumerate(rows) if r["measure_id"] in quarterly and r["period"] == "2026-27-Q2"
    )
    rows[index].update(
        value="",
        missing_reason="The contractor has not sent the figure yet",
        status_override="green",
        override_reason="The contractor says the target was met",
    )
    write_rows(p, "outturns.csv", header, rows)
    return ("override-without-figure", "outturns.csv", index + 2, "status_override")


WARNING_CASES = [
    Case("figure-before-its-period-ends", _figure_before_period_ends, "once its period is over"),
    Case(
        "project-update-without-publication",
        _update_without_publication,
        "add 2022-23-Q4 to publications.csv",
    ),
    Case(
        "quarter-missing-from-publications",
        _quarter_missing_from_publications,
        "add 2023-24-Q2 to publications.csv",
    ),
    Case("target-between-reports", _target_in_a_gap, "add 2023-24-Q3 to publications.csv"),
    Case("benchmark-before-the-first-report", _benchmark_before_the_first_report, "2022-23-Q4"),
    Case("printed-status-differs", _printed_status_differs, "status_override"),
    Case("published-tomorrow", _published_tomorrow, "sets it on the day of publishing"),
    Case("override-without-figure", _override_without_figure, "give the figure in value"),
]


# -- several problems at once: each is reported, and nothing that only follows from another --------


@dataclass(frozen=True)
class Several:
    id: str
    plant: Callable[[Path], list[tuple[str, str, int | None, str | None]]]  # every (code, file, row, field)
    absent: frozenset[str] = frozenset()  # codes that would only follow from the planted problems


def _not_utf8(p, file):
    (p / file).write_bytes((p / file).read_bytes() + "x,Caf\u00e9\n".encode("cp1252"))
    return ("file-not-utf8", file, (p / file).read_bytes().count(b"\n"), None)


def _rename_column(p, file, old, new):
    text = (p / file).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    (p / file).write_text(
        ",".join(new if c == old else c for c in header.split(",")) + "\n" + rest, encoding="utf-8"
    )
    return ("bad-header", file, 1, old)


def _issue_example(p):
    measure, quarter, row = drop_exception_report(p)
    other = lambda r: r["measure_id"] != measure and r["value"] != "" and r["period"] == "2024-25-Q1"  # noqa: E731
    first = set_cell(p, "outturns.csv", "value", "47.5%", other)
    second = set_cell(p, "outturns.csv", "value", "1,095", lambda r: other(r) and r["value"] != "47.5%")
    return [
        ("type-error", "outturns.csv", first, "value"),
        ("type-error", "outturns.csv", second, "value"),
        ("no-exception-report", "outturns.csv", row, "period"),
    ]


def _beside(plant_other):
    """A red without an exception report beside another problem: both are listed."""

    def plant(p):
        measure, _, row = drop_exception_report(p)
        return [("no-exception-report", "outturns.csv", row, "period"), *plant_other(p, measure, row)]

    return plant


def _other_measure(p, measure, **where):
    return [m for m in measures_by(p, **where) if m != measure]


def _bad_polarity_elsewhere(p, measure, red_row):
    row = set_cell(p, "measures.csv", "polarity", "up", lambda r: r["measure_id"] != measure)
    return [("not-allowed", "measures.csv", row, "polarity")]


def _unknown_measure_in_outturns(p, measure, red_row):
    row = append_row(
        p, "outturns.csv", {"measure_id": "no-such-measure", "period": "2026-27-Q1", "value": "4"}
    )
    return [("unknown-reference", "outturns.csv", row, "measure_id")]


def _duplicate_outturn_elsewhere(p, measure, red_row):
    _, rows = read_rows(p, "outturns.csv")
    row = append_row(p, "outturns.csv", next(r for r in rows if r["measure_id"] != measure))
    return [("duplicate-row", "outturns.csv", row, "period")]


def _bad_period_elsewhere(p, measure, red_row):
    row = set_cell(p, "outturns.csv", "period", "2024-26-Q1", lambda r: r["measure_id"] != measure)
    return [("bad-period", "outturns.csv", row, "period")]


def _huge_value_elsewhere(p, measure, red_row):
    row = set_cell(
        p,
        "outturns.csv",
        "value",
        "1e20",
        lambda r: r["measure_id"] in _other_measure(p, measure, unit="count") and r["value"] != "",
    )
    return [("number-out-of-range", "outturns.csv", row, "value")]


def _unreadable_benchmarks(p, measure, red_row):
    return [_not_utf8(p, "benchmarks.csv")]


def _no_council_name(p, measure, red_row):
    edit_descriptor(p, lambda d: d["council"].__setitem__("name", ""))
    return [("council-missing", "datapackage.json", None, "council.name")]


def _html_in_the_reds_commentary(p, measure, red_row):
    """An error in free text does not change a status: the red's own row is still rated."""
    header, rows = read_rows(p, "outturns.csv")
    rows[red_row - 2]["commentary"] = "<b>late</b>"
    write_rows(p, "outturns.csv", header, rows)
    return [("unsafe-html", "outturns.csv", red_row, "commentary")]


def _long_cell_and_type_error(p):
    row = set_cell(
        p, "outturns.csv", "value", "47.5%", lambda r: r["value"] != "" and r["period"] == "2026-27-Q1"
    )
    header, rows = read_rows(p, "outturns.csv")
    rows[0]["commentary"] = "word " * 30_000
    write_rows(p, "outturns.csv", header, rows)
    return [("cell-too-long", "outturns.csv", 2, "commentary"), ("type-error", "outturns.csv", row, "value")]


def _rag_invalid_and_type_error(p):
    drop_exception_report(p)
    edit_descriptor(p, lambda d: d["rag"].__setitem__("tolerance_type", "percent"))
    row = set_cell(p, "measures.csv", "is_key", "Yes")
    return [
        ("rag-invalid", "datapackage.json", None, "rag.tolerance_type"),
        ("type-error", "measures.csv", row, "is_key"),
    ]


def _broken_descriptor_and_bad_files(p):
    """datapackage.json cannot be read: the files are still checked, by the standard's names."""
    (p / "datapackage.json").write_text('{"name": "northmoor",\n', encoding="utf-8")
    value = set_cell(p, "outturns.csv", "value", "47.5%", lambda r: r["value"] != "")
    polarity = set_cell(p, "measures.csv", "polarity", "up")
    reason = set_cell(p, "outturns.csv", "missing_reason", "", lambda r: r["value"] == "")
    return [
        ("descriptor-invalid-json", "datapackage.json", None, None),
        ("checked-by-standard-names", "datapackage.json", None, None),
        ("type-error", "outturns.csv", value, "value"),
        ("not-allowed", "measures.csv", polarity, "polarity"),
        ("missing-reason", "outturns.csv", reason, "missing_reason"),
    ]


SEVERAL = [
    Several("issue-21-two-type-errors-and-a-red-without-report", _issue_example),
    # nothing that needs the descriptor: its settings, the archive it lists, statuses by its tolerances
    Several(
        "unreadable-descriptor-beside-errors-in-the-files",
        _broken_descriptor_and_bad_files,
        frozenset({"council-missing", "plan-missing", "no-exception-report", "published-without-snapshot"}),
    ),
    Several("red-without-report-beside-a-bad-measure", _beside(_bad_polarity_elsewhere)),
    Several("red-without-report-beside-an-unknown-measure", _beside(_unknown_measure_in_outturns)),
    Several("red-without-report-beside-a-duplicate-row", _beside(_duplicate_outturn_elsewhere)),
    Several("red-without-report-beside-a-bad-period", _beside(_bad_period_elsewhere)),
    Several("red-without-report-beside-a-huge-value", _beside(_huge_value_elsewhere)),
    Several("red-without-report-beside-an-unreadable-file", _beside(_unreadable_benchmarks)),
    Several("red-without-report-beside-a-package-error", _beside(_no_council_name)),
    Several("red-without-report-beside-html-in-its-own-row", _beside(_html_in_the_reds_commentary)),
    Several("long-cell-and-a-type-error-in-one-file", _long_cell_and_type_error),
    # tolerances that are not valid give no statuses; everything else is still checked
    Several(
        "rag-invalid-beside-a-type-error", _rag_invalid_and_type_error, frozenset({"no-exception-report"})
    ),
    Several(
        "unreadable-outturns",
        lambda p: [_not_utf8(p, "outturns.csv")],
        frozenset({"published-figure-removed", "published-without-outturns", "no-exception-report"}),
    ),
    Several(
        "unreadable-publications",
        lambda p: [_not_utf8(p, "publications.csv")],
        frozenset({"unpublished-without-withdrawal", "period-not-released"}),
    ),
    Several(
        "outturns-value-column-renamed",
        lambda p: [_rename_column(p, "outturns.csv", "value", "figure")],
        frozenset({"missing-reason", "published-figure-removed"}),
    ),
    Several(
        "outturns-period-column-renamed",
        lambda p: [_rename_column(p, "outturns.csv", "period", "quarter")],
        frozenset({"published-figure-removed", "published-without-outturns", "period-not-released"}),
    ),
    Several("measures-id-column-renamed", lambda p: [_rename_column(p, "measures.csv", "measure_id", "id")]),
    Several(
        "publications-period-column-renamed",
        lambda p: [_rename_column(p, "publications.csv", "period", "quarter")],
        frozenset({"unpublished-without-withdrawal", "period-not-released"}),
    ),
    Several(
        "project-updates-period-column-renamed",
        lambda p: [_rename_column(p, "project_updates.csv", "period", "quarter")],
    ),
]


def make_several(case: Several, where: Path) -> tuple[Path, list[Expected]]:
    pkg = where / case.id
    shutil.copytree(EXAMPLE, pkg, symlinks=True)
    return pkg, case.plant(pkg)
