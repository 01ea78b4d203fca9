"""Filters on /measures/: a page per status, priority, directorate and committee (no JavaScript needed)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from perfsite.site import facets

from ..conftest import EXAMPLE

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
ROW = re.compile(r"<tr([^>]*)><td data-label=\"ID\">([^<]+)</td>")


def listed(html: str) -> dict[str, str]:
    """measure_id → the row's attributes, for each row of the measures table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {m: attrs for attrs, m in ROW.findall(body)}


def test_every_facet_value_has_a_page_listing_exactly_its_measures(example_site):
    site = example_site[0]
    measures = pd.read_csv(EXAMPLE / "measures.csv", dtype=str, keep_default_na=False)
    objectives = pd.read_csv(EXAMPLE / "objectives.csv", dtype=str, keep_default_na=False)
    measures = measures.merge(objectives[["objective_id", "priority_id"]], on="objective_id")
    index = (site / "measures" / "index.html").read_text(encoding="utf-8")
    rows = listed(index)
    assert set(rows) == set(measures["measure_id"])
    for facet, column in (
        ("priority", "priority_id"),
        ("directorate", "directorate"),
        ("committee", "committee"),
    ):
        for value, group in measures.groupby(column):
            value_slug = value.lower() if facet == "priority" else facets.slug(value)
            page = site / "measures" / f"by-{facet}" / value_slug / "index.html"
            html = page.read_text(encoding="utf-8")
            assert set(listed(html)) == set(group["measure_id"]), page
            assert f'href="by-{facet}/{value_slug}/"' in index  # a plain link from /measures/
            for measure_id in group["measure_id"]:
                assert f'data-{facet}="{value_slug}"' in rows[measure_id]
    statuses = {m: re.search(r'data-status="(\w+)"', a).group(1) for m, a in rows.items()}
    for status in set(statuses.values()):
        html = (site / "measures" / "by-status" / status / "index.html").read_text(encoding="utf-8")
        assert set(listed(html)) == {m for m, s in statuses.items() if s == status}
        assert html.count(f"ps-status--{status}") >= len(listed(html))


def test_priorities_are_offered_in_council_plan_order_and_names_get_unique_slugs():
    rows = pd.DataFrame(
        {
            "measure_id": ["a", "b", "c", "d"],
            "status": ["green", "red", "grey", "red"],
            "priority_id": ["zeta", "alpha", "zeta", "alpha"],
            "directorate": ["Place", "Place!", "", "Resources"],
            "committee": ["Cabinet", "Cabinet", "Cabinet", "Cabinet"],
        }
    )
    priorities = pd.DataFrame({"priority_id": ["zeta", "alpha"], "title": ["First", "Second"]})
    options = facets.facet_options(rows, priorities)
    assert [o["slug"] for o in options["status"]] == ["red", "green", "grey"]
    assert [o["label"] for o in options["priority"]] == ["First", "Second"]
    assert [o["slug"] for o in options["directorate"]] == ["place", "place-2", "resources"]
    assert options["status"][0]["measure_ids"] == ["b", "d"]
    assert facets.row_attributes(rows, options)["c"] == {
        "status": "grey",
        "priority": "zeta",
        "committee": "cabinet",
    }


def test_a_very_long_committee_name_gets_a_short_distinct_address():
    """Found by the property test: a facet folder named after a 3,000-character committee."""
    from perfsite.site.facets import SLUG_LENGTH, _unique_slugs

    long = "Long commentary about performance " * 100
    slugs = _unique_slugs([long, long + " Two", "Cabinet"])
    assert all(len(s) <= SLUG_LENGTH + 3 for s in slugs.values())
    assert len(set(slugs.values())) == 3


@pytest.mark.parametrize(
    ("name", "expected"), [("Con", "con-other"), ("AUX", "aux-other"), ("COM1", "com1-other")]
)
def test_a_facet_named_like_a_windows_device_gets_a_folder_windows_can_hold(name, expected):
    from perfsite.site.facets import slug

    assert slug(name) == expected
