"""`perfsite status`: the officer's summary of the next quarter to publish, from the site's own rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfsite import rules
from perfsite.commands.status import status
from perfsite.files.load import load, typed
from perfsite.rules import report
from perfsite.rules.status_report import next_period, one_line

from ..corpus import EXAMPLE, read_rows, set_cell, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

NEXT, LAST = "2026-27-Q2", "2026-27-Q1"


@pytest.fixture
def pkg(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))


def test_next_period_is_the_earliest_waiting_quarter_after_the_last_published():
    frames = typed(load(EXAMPLE))
    assert next_period(frames["publications"]) == NEXT


def test_status_counts_match_the_report_rules_and_say_what_publish_releases():
    r = status(EXAMPLE)
    frames = typed(load(EXAMPLE))
    performance = rules.performance_table(
        frames["measures"], frames["targets"], frames["outturns"], load(EXAMPLE).rag, with_summaries=False
    )
    rows = report.quarter_rows(performance, frames["measures"], NEXT)
    assert r.period == NEXT and r.previous == LAST and r.publication_status == "approved"
    assert r.counts["total"] == len(frames["measures"])
    assert r.counts["red"] == int((rows["status"] == "red").sum())
    assert r.reds_with_report and not r.reds_without_report
    released = [
        o
        for o in read_rows(EXAMPLE, "outturns.csv")[1]
        if o["period"] in (NEXT, "2026-27-M04", "2026-27-M05", "2026-27-M06")
    ]
    assert r.would_publish["outturns"] == len(released)
    assert r.would_publish["publications"] == 1
    assert len(r.changes) > 0 and all(c["status_before"] != c["status"] for c in r.changes)
    line = one_line(r)
    assert line.startswith(f"{NEXT} (approved): 32 measures") and f"since {LAST}" in line


def test_status_lists_reds_without_reports_missing_figures_revisions_and_withdrawals(pkg):
    r = status(pkg)
    red = r.reds_with_report[0]
    header, exceptions = read_rows(pkg, "exceptions.csv")
    write_rows(
        pkg,
        "exceptions.csv",
        header,
        [e for e in exceptions if not (e["measure_id"] == red and e["period"] == NEXT)],
    )
    quarterly = next(c["measure_id"] for c in r.changes)
    set_cell(pkg, "outturns.csv", "value", "", lambda o: o["measure_id"] == quarterly and o["period"] == NEXT)
    set_cell(
        pkg,
        "outturns.csv",
        "missing_reason",
        "System outage",
        lambda o: o["measure_id"] == quarterly and o["period"] == NEXT,
    )
    first = next(
        o
        for o in read_rows(pkg, "outturns.csv")[1]
        if o["period"] == LAST and o["value"] and "." not in o["value"]
    )
    set_cell(
        pkg,
        "outturns.csv",
        "value",
        str(int(first["value"]) + 1),
        lambda o: o is not None and (o["measure_id"], o["period"]) == (first["measure_id"], LAST),
    )
    set_cell(
        pkg,
        "outturns.csv",
        "revision_note",
        "Late returns",
        lambda o: (o["measure_id"], o["period"]) == (first["measure_id"], LAST),
    )
    r = status(pkg)
    assert r.reds_without_report == [red]
    assert {"measure_id": quarterly, "period": NEXT, "reason": "System outage"} in r.missing
    assert [(x["measure_id"], x["period"], x["revision_note"]) for x in r.revisions] == [
        (first["measure_id"], LAST, "Late returns")
    ]
    result = subprocess.run(
        [sys.executable, "-m", "perfsite.cli", "status", str(pkg), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["reds_without_report"] == [red]
