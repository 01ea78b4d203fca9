"""The shortcuts validation takes for speed give the same issues as the plain way.

Each cell check first narrows the cells to search with a cheap test (a character the pattern
needs) and frictionless builds a foreign key's lookup table from the key values it read while
validating the referenced file. These tests hold each shortcut to the rule it stands in for.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import checks, limits, safety, validate
from generator.load import load

from .corpus import EXAMPLE, read_rows, set_cell, write_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

CELLS = st.lists(
    st.one_of(
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
        st.text(st.sampled_from("ab <=:\x00\u202e\u200b\t\n\"'=-+@\u00a0nN😀"), max_size=8),
    ),
    max_size=12,
)


@given(CELLS, st.text(st.sampled_from("<=:\u202e\u200bnN😀a"), min_size=1, max_size=3))
def test_cells_containing_is_a_search_of_each_cell(values, chars):
    assert checks.cells_containing(values, chars).tolist() == [any(c in v for c in chars) for v in values]


@given(CELLS, st.text(st.sampled_from(" \n\"'=+-@\t\r\u00a0ab😀"), min_size=1, max_size=4))
def test_cells_starting_looks_at_the_first_character(values, chars):
    assert checks.cells_starting(values, chars).tolist() == [v[:1] != "" and v[0] in chars for v in values]


@given(CELLS)
def test_narrowed_searches_find_what_a_search_of_every_cell_finds(values):
    everywhere = np.ones(len(values), dtype=bool)

    def plain(pattern: re.Pattern) -> list[bool]:
        return checks.cells_searched(values, pattern, everywhere).tolist()

    html = checks.cells_containing(values, checks.HTML_NEEDS)
    assert checks.cells_searched(values, checks._HTML, html).tolist() == plain(checks._HTML)
    starts = checks.cells_starting(values, safety.FORMULA_STARTS)
    assert checks.cells_searched(values, safety.FORMULA, starts).tolist() == plain(safety.FORMULA)
    nan = checks.cells_containing(values, "nN")
    assert checks.cells_searched(values, limits._NAN, nan).tolist() == plain(limits._NAN)


def test_no_other_character_can_start_a_formula_or_a_nan():
    for code in range(0x110000):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if ch not in safety.FORMULA_STARTS:
            assert not safety.FORMULA.match(ch + "=") and not safety.FORMULA.match(ch)
        if ch not in "nN":
            assert not limits._NAN.match(ch + "an")


@pytest.mark.parametrize(
    "text",
    ["<b>", "< img src=x>", "<script", "a onclick = 1", "JavaScript :x", "vbscript:x", "DATA : text/html,x"],
)
def test_html_needs_one_of_its_characters(text):
    assert checks._HTML.search(text)
    assert not checks._HTML.search("".join(c for c in text if c not in checks.HTML_NEEDS))


def _unknown_references(tmp_path, plant) -> list:
    pkg = shutil.copytree(EXAMPLE, tmp_path / "pkg")
    set_cell(pkg, "outturns.csv", "measure_id", "no-such-measure")
    set_cell(pkg, "project_updates.csv", "project_id", "no-such-project")
    plant(pkg)
    return validate.schema_issues(load(pkg))


def _measures_with(change):
    def plant(pkg):
        header, rows = read_rows(pkg, "measures.csv")
        write_rows(pkg, "measures.csv", header, change(rows))

    return plant


@pytest.mark.parametrize(
    "plant",
    [
        lambda pkg: None,
        _measures_with(lambda rows: [{**rows[0], "unit": "furlongs"}, *rows[1:]]),  # a cell error
        _measures_with(lambda rows: [*rows, rows[0]]),  # a duplicate key
        _measures_with(lambda rows: [{**r, "decimal_places": "x"} for r in rows] * 40),  # stops early
        lambda pkg: (pkg / "measures.csv").write_text("measure_id;title\nm1;x\n", encoding="utf-8"),
        lambda pkg: (pkg / "objectives.csv").write_bytes(b"objective_id,priority_id,title\n\xff,x,y\n"),
    ],
    ids=["valid", "cell-error", "duplicate", "stops-early", "semicolons", "not-utf8"],
)
def test_lookups_from_values_read_once_match_reading_the_file_again(tmp_path, monkeypatch, plant):
    stand_ins = []
    real = validate._lookup_resource
    monkeypatch.setattr(validate, "_lookup_resource", lambda *a: stand_ins.append(a[0]) or real(*a))
    once = _unknown_references(tmp_path / "once", plant)
    assert "projects" in stand_ins  # at least the untouched files lend their keys
    monkeypatch.setattr(validate, "_read_in_full", lambda task, rows: False)  # every file is read again
    again = _unknown_references(tmp_path / "again", plant)
    assert once == again
    assert any(i.code == "unknown-reference" for i in once)
