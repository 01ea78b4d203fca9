"""The revisions log: each corrected figure with the value first published, the value now and both dates."""

from __future__ import annotations

import csv
import datetime

import pandas as pd
import pytest

from perfsite.commands.publish import publish, publish_corrections
from perfsite.commands.synth import synthesise
from perfsite.site.revisionlog import COLUMNS, revision_log
from perfsite.standard.formatting import format_value

from ..commands.test_build import UNPUBLISHED, rewrite
from ..conftest import build_site

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

MEASURES = pd.DataFrame(
    {"measure_id": ["m1"], "title": ["Calls answered"], "unit": ["percent"], "unit_label": [""]}
)
RELEASES = [("2025-26-Q1", "2025-09-20"), ("2025-26-Q2", "2025-11-21")]


def snapshot(value: str) -> pd.DataFrame:
    return pd.DataFrame({"measure_id": ["m1"], "period": ["2025-26-Q1"], "value": [value]})


def test_the_log_names_the_release_and_date_of_each_value_and_ignores_extra_columns():
    revised = pd.DataFrame(
        {
            "measure_id": ["m1"],
            "period": ["2025-26-Q1"],
            "published_value": [71.0],
            "value": ["73.5"],
            "revision_note": ["Late returns added"],
            "row": [5],
            "kind": ["revised"],  # publish may add withdrawals and other columns: ignored
        }
    )
    snapshots = {"2025-26-Q1": snapshot("71"), "2025-26-Q2": snapshot("73.5")}
    log = revision_log(revised, RELEASES, snapshots, MEASURES)
    assert list(log.columns) == COLUMNS
    row = log.iloc[0].to_dict()
    assert row["first_published_value"] == 71.0 and row["value"] == 73.5
    assert (row["first_published_in"], row["first_published_date"]) == ("2025-26-Q1", "2025-09-20")
    assert (row["revised_in"], row["revised_published_date"]) == ("2025-26-Q2", "2025-11-21")
    assert row["unit_label"] == "%" and row["revision_note"] == "Late returns added"
    # corrected after the latest release: no release carries the new value yet
    later = revision_log(revised, RELEASES, {"2025-26-Q1": snapshot("71")}, MEASURES).iloc[0]
    assert later["revised_in"] == "" and later["revised_published_date"] == ""
    assert revision_log(revised.iloc[0:0], RELEASES, snapshots, MEASURES).empty


def test_a_revised_figure_is_in_revisions_csv_and_on_the_revisions_page(tmp_path):
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    publish(pkg, UNPUBLISHED, date=datetime.date(2026, 11, 20))
    with open(pkg / "archive" / UNPUBLISHED / "outturns.csv", encoding="utf-8") as fh:
        first = next(
            r for r in csv.DictReader(fh) if r["period"] == UNPUBLISHED and r["measure_id"] == "m0002"
        )
    note = "Revised after late returns from the county council"
    revised_value = int(float(first["value"])) + 17

    def revise(row):
        if (row["measure_id"], row["period"]) == ("m0002", UNPUBLISHED):
            row.update(value=str(revised_value), revision_note=note)

    rewrite(pkg / "outturns.csv", revise)
    publish_corrections(pkg, datetime.date(2026, 11, 27), today=datetime.date(2026, 12, 1))
    out, _ = build_site(pkg, tmp_path / "w")
    log = pd.read_csv(out / "data" / "revisions.csv", dtype=str, keep_default_na=False)
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["measure_id"], row["period"], row["revision_note"]) == ("m0002", UNPUBLISHED, note)
    assert float(row["first_published_value"]) == float(first["value"])
    assert float(row["value"]) == revised_value
    assert row["first_published_date"] == "2026-11-20"
    assert (row["revised_in"], row["revised_published_date"]) == ("corrections-2026-11-27", "2026-11-27")
    page = (out / "data" / "revisions" / "index.html").read_text(encoding="utf-8")
    assert format_value(float(first["value"]), "count", 0) in page
    assert format_value(float(revised_value), "count", 0) in page
    assert "20 November 2026" in page and note + "." in page
    assert "the corrections release of 27 November 2026" in page
    assert 'href="../revisions.csv"' in page
    assert 'href="revisions/"' in (out / "data" / "index.html").read_text(encoding="utf-8")
