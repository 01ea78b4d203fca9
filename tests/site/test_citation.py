"""Cite this: a citation line on measure pages and /data/, schema.org Dataset JSON-LD on /data/."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from perfsite.site import citation

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_measure_pages_and_the_data_page_say_how_to_cite_them(example_site):
    site, _ = example_site
    page = (site / "measures" / "env-01" / "index.html").read_text(encoding="utf-8")
    cite = re.search(r'<p class="ps-cite">(.*?)</p>', page, re.S).group(1)
    assert cite.startswith("Northmoor District Council (")
    assert "Household waste recycled or composted." in cite
    assert re.search(r"Q\d 20\d\d/\d\d release, published \d{1,2} [A-Z][a-z]+ 20\d\d\.", cite)
    assert re.search(r"Available at: http://127\.0\.0\.1:\d+/measures/env-01/ \(accessed: ", cite)
    data = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert "Council Plan performance. Performance data," in data
    assert re.search(r"Available at: http://127\.0\.0\.1:\d+/data/ ", data)


def test_the_data_page_describes_the_dataset_for_search_engines(example_site):
    site, _ = example_site
    html = (site / "data" / "index.html").read_text(encoding="utf-8")
    scripts = JSONLD.findall(html)
    assert len(scripts) == 1
    [dataset] = json.loads(scripts[0])
    assert dataset["@type"] == "Dataset" and dataset["@context"] == "https://schema.org"
    assert dataset["creator"]["name"] == "Northmoor District Council"
    assert "open-government-licence" in dataset["license"]
    urls = {d["contentUrl"].rsplit("/", 1)[1] for d in dataset["distribution"]}
    assert {"performance.csv", "revisions.csv", "datapackage.json", "outturns.csv"} <= urls
    for name in urls:
        assert (site / "data" / name).exists(), name
    start, end = dataset["temporalCoverage"].split("/")
    assert start < end and dataset["dateModified"]


def test_jsonld_cannot_close_its_script_and_runs_harmlessly_as_javascript():
    descriptor = {"title": "Evil </script><script>alert(1)</script>", "council": {"name": "X"}}
    text = citation.dataset_jsonld(
        descriptor, "X", "https://x.example/data/", {"a.csv": "A"}, None, None, None
    )
    assert "</" not in text
    assert json.loads(text)[0]["name"] == descriptor["title"]
    if shutil.which("node"):  # Material's instant navigation re-runs the script's text as JavaScript
        subprocess.run(["node", "-e", text], check=True, timeout=30)
