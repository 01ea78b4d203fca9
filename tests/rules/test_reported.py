"""Printed statuses (``outturns.reported_status``): every disagreement with the site's status, its
cause, and the tolerance settings that would reproduce the council's own ratings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from perfsite import rules
from perfsite.commands.status import status
from perfsite.errors import errors_of, warnings_of
from perfsite.files.load import Package, load, typed
from perfsite.rules import reported
from perfsite.validation.validate import validate

from ..corpus import EXAMPLE, TODAY, edit_descriptor, read_rows, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

GREEN_5_AMBER_10 = {"green_tolerance": 0.05, "amber_tolerance": 0.1, "tolerance_type": "relative"}
MET_AMBER_10 = {"green_tolerance": 0, "amber_tolerance": 0.1, "tolerance_type": "relative"}


def frames(measures: list[dict], targets: list[dict], outturns: list[dict]) -> dict[str, pd.DataFrame]:
    """Typed frames from rows written as in the CSVs (only the columns that matter given)."""
    measure = {
        "measure_id": "m",
        "polarity": "higher_is_better",
        "decimal_places": "1",
        "frequency": "quarterly",
        "aggregation": "snapshot",
        "unit": "percent",
    }
    raw = {
        "measures": pd.DataFrame([{**measure, **m} for m in measures], dtype=object),
        "targets": pd.DataFrame(targets, columns=["measure_id", "period", "target"], dtype=object),
        "outturns": pd.DataFrame(
            [{"measure_id": "m", "period": "2025-26-Q1", **o} for o in outturns], dtype=object
        ).fillna(""),
    }
    return typed(Package(path=Path("."), raw=raw))


def compare(measures, targets, outturns, rag=None) -> reported.Comparison:
    f = frames(measures, targets, outturns)
    return reported.compare(f["measures"], f["targets"], f["outturns"], rag)


def one(measure: dict, target: str | None, outturn: dict) -> reported.Disagreement:
    targets = [] if target is None else [{"measure_id": "m", "period": "2025-26-Q1", "target": target}]
    result = compare([measure], targets, [outturn])
    assert len(result.disagreements) == 1, result
    return result.disagreements[0]


@pytest.mark.parametrize(
    ("measure", "target", "outturn", "cause"),
    [
        # 4% worse: amber by the defaults; a council with green within 5% printed green
        ({}, "100", {"value": "96", "reported_status": "green"}, "tolerance"),
        # 94.96 is 95.0 at one decimal place, on target; compared unrounded it is just below
        ({}, "95", {"value": "94.96", "reported_status": "amber"}, "rounding"),
        # lower is better here, and 120 against 100 is far worse; the council read it the other way
        ({"polarity": "lower_is_better"}, "100", {"value": "120", "reported_status": "green"}, "polarity"),
        ({"polarity": "none"}, "100", {"value": "50", "reported_status": "red"}, "polarity"),
        ({"monitoring_only": "true"}, "100", {"value": "50", "reported_status": "red"}, "monitoring only"),
        ({}, None, {"value": "50", "reported_status": "red"}, "missing target"),
        ({}, "100", {"value": "50", "reported_status": "grey"}, "missing target"),
        ({}, "100", {"value": "", "missing_reason": "late", "reported_status": "amber"}, "no figure"),
        (
            {},
            "100",
            {
                "value": "50",
                "status_override": "green",
                "override_reason": "one-off",
                "reported_status": "red",
            },
            "override",
        ),
        # half the target: red by any of the common settings, and not a polarity slip (it was rated amber)
        ({}, "100", {"value": "50", "reported_status": "amber"}, "unexplained"),
    ],
)
def test_each_disagreement_has_its_cause(measure, target, outturn, cause):
    d = one(measure, target, outturn)
    assert (d.reported_status, d.cause) == (outturn["reported_status"], cause), d
    assert d.explanation


def test_agreeing_statuses_and_no_printed_status_give_nothing():
    target = [{"measure_id": "m", "period": "2025-26-Q1", "target": "100"}]
    agree = compare([{}], target, [{"value": "96", "reported_status": "amber"}])
    assert agree.disagreements == [] and agree.suggestion is None
    assert (agree.current.reproduced, agree.current.compared) == (1, 1)
    assert compare([{}], target, [{"value": "96", "reported_status": ""}]) is None


# five figures against a target of 100 (higher is better) and what each council key printed
FIGURES = ["100", "97", "93", "88", "80"]
PRINTED = {
    "green within 5%, amber within 10%": (["green", "green", "amber", "red", "red"], GREEN_5_AMBER_10),
    "green when met, amber within 10%": (["green", "amber", "amber", "red", "red"], MET_AMBER_10),
}


@pytest.mark.parametrize("key", PRINTED)
def test_the_council_key_is_found_from_its_printed_statuses(key):
    statuses, rag = PRINTED[key]
    quarters = [f"2025-26-Q{q}" for q in range(1, 5)] + ["2026-27-Q1"]
    targets = [{"measure_id": "m", "period": q, "target": "100"} for q in quarters]
    outturns = [
        {"period": q, "value": v, "reported_status": s}
        for q, v, s in zip(quarters, FIGURES, statuses, strict=True)
    ]
    result = compare([{}], targets, outturns, rules.DEFAULT_RAG)
    assert result.suggestion is not None
    assert result.suggestion.rag() == {k: pytest.approx(v) for k, v in rag.items()}
    assert (result.suggestion.reproduced, result.suggestion.compared) == (5, 5)
    assert result.current.reproduced < 5
    assert {d.cause for d in result.disagreements} == {"tolerance"}
    assert len(result.disagreements) == 5 - result.current.reproduced
    # with the council's own key there is nothing left to explain
    assert compare([{}], targets, outturns, rag).disagreements == []


def test_describe_reads_like_a_council_key():
    assert reported.describe(GREEN_5_AMBER_10) == "green within 5% of target, amber within 10%"
    assert reported.describe(MET_AMBER_10) == "green when on target or better, amber within 10%"
    assert reported.describe(
        {"green_tolerance": 2.5, "amber_tolerance": 5, "tolerance_type": "absolute"}
    ) == ("green within 2.5 of target, amber within 5 (absolute, in each measure's units)")
    assert len(reported.GRID) == 18


def council_that_printed(tmp_path: Path, key: dict, years: tuple[str, ...] = ("2025-26",)) -> Path:
    """The example package, its figures of ``years`` given the statuses a council with ``key`` printed."""
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    f = typed(load(pkg))
    performance = rules.performance_table(
        f["measures"], f["targets"], f["outturns"], key, with_summaries=False
    )
    printed = dict(
        zip(
            zip(performance["measure_id"], performance["period"], strict=True),
            performance["status"],
            strict=True,
        )
    )
    header, rows = read_rows(pkg, "outturns.csv")
    for r in rows:
        if r["period"].startswith(years):
            r["reported_status"] = printed[(r["measure_id"], r["period"])]
    write_rows(pkg, "outturns.csv", header, rows)
    return pkg


def test_validate_lists_every_disagreement_and_suggests_the_councils_tolerances(tmp_path):
    """A council that printed with green within 5% and amber within 10% moves to perfsite's defaults."""
    pkg = council_that_printed(tmp_path, GREEN_5_AMBER_10)
    f = typed(load(pkg))
    outturns = f["outturns"][f["outturns"]["reported_status"] != ""]
    ours = rules.performance_table(f["measures"], f["targets"], outturns, load(pkg).rag, with_summaries=False)
    differ = ours.merge(outturns, on=["measure_id", "period"])
    differ = differ[differ["status"] != differ["reported_status"]]
    assert len(differ) > 5

    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == []
    listed = [i for i in warnings_of(issues) if i.code == "reported-status-differs"]
    assert {(i.value, i.field) for i in listed} <= {(s, "reported_status") for s in rules.STATUSES}
    header, rows = read_rows(pkg, "outturns.csv")
    row_of = {(r["measure_id"], r["period"]): n + 2 for n, r in enumerate(rows)}
    assert sorted(i.row for i in listed) == sorted(
        row_of[k] for k in zip(differ["measure_id"], differ["period"], strict=True)
    )
    assert all("(cause: tolerance)" in i.message for i in listed)
    (suggestion,) = [i for i in warnings_of(issues) if i.code == "reported-status-tolerance"]
    assert (suggestion.file, suggestion.field) == ("datapackage.json", "rag")
    assert "green within 5% of target, amber within 10%" in suggestion.message
    assert f"reproduce {len(outturns)} of the {len(outturns)} statuses" in suggestion.message
    assert '"green_tolerance": 0.05' in suggestion.hint and '"amber_tolerance": 0.1' in suggestion.hint

    # the council takes the suggestion: nothing differs any more
    edit_descriptor(pkg, lambda d: d.__setitem__("rag", GREEN_5_AMBER_10))
    _, issues = validate(pkg, today=TODAY)
    assert not [i for i in issues if i.code.startswith("reported-status")], "\n".join(map(str, issues))


def test_a_kept_printed_status_is_an_override_and_still_needs_its_reason(tmp_path):
    pkg = council_that_printed(tmp_path, MET_AMBER_10)
    _, issues = validate(pkg, today=TODAY)
    first = next(i for i in issues if i.code == "reported-status-differs")
    assert f"set status_override to {first.value}" in first.hint
    header, rows = read_rows(pkg, "outturns.csv")
    rows[first.row - 2]["status_override"] = first.value
    write_rows(pkg, "outturns.csv", header, rows)
    _, issues = validate(pkg, today=TODAY)
    assert ("override-reason", first.row) in [(i.code, i.row) for i in errors_of(issues)]
    assert first.row not in [i.row for i in issues if i.code == "reported-status-differs"]


def test_status_lists_the_quarters_disagreements_and_the_suggestion(tmp_path):
    pkg = council_that_printed(tmp_path, GREEN_5_AMBER_10, years=("2026-27",))
    r = status(pkg)
    assert r.period == "2026-27-Q2" and r.disagreements
    assert {d["period"] for d in r.disagreements} <= {
        "2026-27-Q2",
        "2026-27-M04",
        "2026-27-M05",
        "2026-27-M06",
    }
    assert all(d["cause"] == "tolerance" for d in r.disagreements)
    assert r.suggested_tolerance["words"] == "green within 5% of target, amber within 10%"
    assert r.suggested_tolerance["reproduced"] == r.suggested_tolerance["compared"]

    from click.testing import CliRunner

    from perfsite.cli import cli

    out = CliRunner().invoke(cli, ["status", str(pkg)]).output
    assert f"Printed status differs (the site shows perfsite's) ({len(r.disagreements)}):" in out
    assert "Tolerances: green within 5% of target, amber within 10% would reproduce" in out


def test_a_package_without_the_column_is_valid_and_one_with_a_wrong_word_is_not(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    header, rows = read_rows(pkg, "outturns.csv")
    write_rows(pkg, "outturns.csv", header[:-1], [{k: r[k] for k in header[:-1]} for r in rows])
    assert header[-1] == "reported_status"
    # the schema copy such a package keeps is the one from before the column existed
    schema = json.loads((pkg / "schemas" / "outturns.json").read_text(encoding="utf-8"))
    schema["fields"] = schema["fields"][:-1]
    (pkg / "schemas" / "outturns.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")
    _, issues = validate(pkg, today=TODAY)
    assert issues == [], "\n".join(map(str, issues))
    assert typed(load(pkg))["outturns"]["reported_status"].eq("").all()
    rows[0]["reported_status"] = "Amber"
    write_rows(pkg, "outturns.csv", header, rows)
    _, issues = validate(pkg, today=TODAY)
    assert [(i.code, i.row, i.field) for i in errors_of(issues)] == [("not-allowed", 2, "reported_status")]


def test_an_old_workbook_without_the_column_imports(tmp_path):
    """A workbook made before the column existed is imported as if the column were empty."""
    from openpyxl import load_workbook

    from perfsite.commands.importer import import_workbook
    from perfsite.files.workbook import write_template

    book = tmp_path / "book.xlsx"
    write_template(book, EXAMPLE)
    wb = load_workbook(book)
    ws = wb["outturns"]
    assert ws.cell(1, ws.max_column).value == "reported_status"
    ws.delete_cols(ws.max_column)
    wb.save(book)
    out = tmp_path / "imported"
    issues = import_workbook(book, out)
    assert errors_of(issues) == [], "\n".join(map(str, issues))
    assert (out / "outturns.csv").read_text(encoding="utf-8") == (EXAMPLE / "outturns.csv").read_text(
        encoding="utf-8"
    )
