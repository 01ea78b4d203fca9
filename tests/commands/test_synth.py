"""`perfsite synth`: valid packages of the requested size, the same bytes for the same seed."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys

from perfsite import standard
from perfsite.commands.synth import SHAPES, synthesise
from perfsite.errors import errors_of
from perfsite.validation.validate import validate


def digest(folder):
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def rows(folder, name):
    with open(folder / f"{name}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_synth_package_is_valid_and_has_the_requested_size(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfsite.cli",
            "synth",
            str(tmp_path / "p"),
            "--measures",
            "40",
            "--years",
            "3",
            "--projects",
            "12",
            "--seed",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    pkg = tmp_path / "p"
    _, issues = validate(pkg)
    assert errors_of(issues) == [], "\n".join(map(str, issues))
    assert [i for i in issues if i.code == "no-exception-report"] == []
    measures = rows(pkg, "measures")
    assert len(measures) == 40 and len(rows(pkg, "projects")) == 12
    assert {p["period"][:7] for p in rows(pkg, "publications")} == {"2024-25", "2025-26", "2026-27"}
    # every unit, polarity, frequency and aggregation of the standard appears
    fields = standard.fields("measures")
    for column in ("unit", "polarity", "frequency", "aggregation"):
        assert {m[column] for m in measures} == set(fields[column]["constraints"]["enum"]), column
    assert len(rows(pkg, "methodology")) == 40
    assert rows(pkg, "exceptions"), "reds come with exception reports"
    outturns = rows(pkg, "outturns")
    assert any(o["value"] == "" and o["missing_reason"] for o in outturns)
    assert any(o["status_override"] and o["override_reason"] for o in outturns)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = synthesise(tmp_path / "a", measures=len(SHAPES), years=2, projects=3, seed=9)
    b = synthesise(tmp_path / "b", measures=len(SHAPES), years=2, projects=3, seed=9)
    c = synthesise(tmp_path / "c", measures=len(SHAPES), years=2, projects=3, seed=10)
    assert digest(a) == digest(b)
    assert digest(a)["outturns.csv"] != digest(c)["outturns.csv"]
