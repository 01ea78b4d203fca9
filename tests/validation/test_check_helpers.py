"""The shortcuts validation takes for speed give the same issues as the plain way.

Each cell check first narrows the cells to search with a cheap test (a character the pattern
needs) and frictionless builds a foreign key's lookup table from the key values it read while
validating the referenced file. These tests hold each shortcut to the rule it stands in for.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfsite.validation.checks import cells as checks
from perfsite.validation.checks import limits, safety

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
