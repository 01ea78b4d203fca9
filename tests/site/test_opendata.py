"""What a journalist downloads: tidy CSVs that read alone, a dictionary of every file, Excel-safe text."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from perfsite import rules
from perfsite.site import downloads

from ..conftest import EXAMPLE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
BOM = b"\xef\xbb\xbf"


def test_a_journalist_answers_from_performance_csv_alone(example_site):
    """Which lower-is-better measures got worse over the last year, in their units? One file, no join."""
    perf = pd.read_csv(example_site[0] / "data" / "performance.csv", dtype={"period": str})
    lower = perf[perf["polarity"] == "lower_is_better"].copy()
    lower["period_end"] = pd.to_datetime(lower["period_end"])
    latest = lower.sort_values("period_end").groupby("measure_id").tail(1)
    year_before = lower.assign(period_end=lower["period_end"] + pd.DateOffset(years=1))
    year_before["period_end"] = year_before["period_end"] + pd.offsets.MonthEnd(0)
    compared = latest.merge(
        year_before[["measure_id", "period_end", "value"]],
        on=["measure_id", "period_end"],
        suffixes=("", "_before"),
    )
    worse = compared[compared["value"] > compared["value_before"]]
    answer = [
        f"{r.title}: {r.value_before:g} → {r.value:g} {r.unit_label} ({r.frequency})"
        for r in worse.itertuples()
    ]
    assert answer, "the example has lower-is-better measures that got worse"
    # the same answer as the rules engine's direction of travel, which the pages show
    assert set(worse["measure_id"]) == set(
        latest.loc[latest["direction_vs_last_year"] == "worsening", "measure_id"]
    )
    # every answer names its unit and covers a whole period with dates
    assert worse["unit_label"].notna().all() and worse["unit"].notna().all()
    assert (pd.to_datetime(worse["period_start"]) < worse["period_end"]).all()


def test_performance_csv_carries_the_context_and_its_schema_documents_every_column(example_site):
    site = example_site[0]
    perf = pd.read_csv(site / "data" / "performance.csv", dtype=str, keep_default_na=False)
    assert list(perf.columns) == rules.PUBLISHED_COLUMNS
    measures = pd.read_csv(EXAMPLE / "measures.csv", dtype=str, keep_default_na=False).set_index("measure_id")
    for column in ("title", "unit", "polarity", "frequency"):
        assert (perf[column] == perf["measure_id"].map(measures[column])).all(), column
    assert (perf["unit_label"] != "").all(), "every row says how its unit is written"
    q2 = perf[perf["period"] == "2024-25-Q2"].iloc[0]
    assert (q2["period_start"], q2["period_end"]) == ("2024-07-01", "2024-09-30")
    rated = perf[perf["status"].isin(["red", "amber", "green"]) & (perf["status_source"] == "computed")]
    assert (rated["amber_tolerance_used"] != "").all() and (rated["tolerance_type"] != "").all()
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r for r in package["resources"] if r["name"] == "performance")["schema"]
    assert [f["name"] for f in schema["fields"]] == rules.PUBLISHED_COLUMNS
    assert all(f.get("title") and f.get("description") for f in schema["fields"])
    own = pd.read_csv(site / "data" / "measures" / "env-01.csv", dtype=str, keep_default_na=False)
    assert list(own.columns) == rules.PUBLISHED_COLUMNS and set(own["measure_id"]) == {"env-01"}


def test_every_downloadable_table_has_a_title_and_is_in_the_data_dictionary(example_site):
    site = example_site[0]
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    for resource in package["resources"]:
        assert resource["title"] and resource["description"], resource["name"]
        assert (site / "data" / resource["path"]).exists(), resource["path"]
        assert f"Fields of {resource['path']}" in page, resource["path"]
        for field in resource["schema"]["fields"]:
            assert f"<code>{field['name']}</code>" in page, (resource["path"], field["name"])
    assert "measures/&lt;measure id&gt;.csv</code>, has the same fields" in page
    assert "`" not in re.sub(r"<code>.*?</code>", "", page.split('class="md-content"', 1)[1])


def test_csvs_open_cleanly_in_excel_and_still_read_as_utf8_everywhere(example_site):
    site = example_site[0]
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["encoding"] for r in package["resources"]} == {downloads.CSV_ENCODING}
    csvs = [p for p in (site / "data").rglob("*.csv") if "archive" not in p.parts]
    assert len(csvs) > 12
    for path in csvs:
        data = path.read_bytes()
        assert data.startswith(BOM) and not data.startswith(BOM * 2), path
        data[3:].decode("utf-8")  # strictly UTF-8 after the mark
    with open(site / "data" / "benchmarks.csv", encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[0] == "measure_id"
    pounds = (site / "data" / "performance.csv").read_bytes()
    assert "£".encode() in pounds, "the example has a £ to garble"
    from frictionless import Package

    rows = Package(str(site / "data" / "datapackage.json")).get_resource("performance").read_rows()
    assert list(rows[0])[0] == "measure_id" and any("£" in str(r["summary"]) for r in rows)


def test_a_carriage_return_in_a_cell_never_breaks_a_downloaded_row(tmp_path):
    """A cell holding a bare carriage return (an old Mac's line break) or a Windows one: Python's
    csv writer leaves a bare one unquoted, which split the row in every CSV written from it. Line
    breaks inside cells are read as "\\n", so each download has one row per measure."""
    import shutil

    from perfsite.commands.build import build

    pkg = shutil.copytree(EXAMPLE, tmp_path / "pkg")
    measures = pd.read_csv(pkg / "measures.csv", dtype=str, keep_default_na=False)
    measures.loc[0, "directorate"] = "Place\rand growth"
    measures.loc[1, "description"] = "First line\r\nsecond line"
    measures.to_csv(pkg / "measures.csv", index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    out = tmp_path / "site"
    build(pkg, out=out)
    with open(out / "data" / "measures.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["measure_id"]: r for r in rows}
    assert sorted(by_id) == sorted(measures["measure_id"]) and len(rows) == len(measures)
    assert by_id[measures.loc[0, "measure_id"]]["directorate"] == "Place\nand growth"
    assert by_id[measures.loc[1, "measure_id"]]["description"] == "First line\nsecond line"
    for path in (out / "data").rglob("*.csv"):
        if "archive" not in path.parts:
            assert b"\r" not in path.read_bytes(), path
