"""Golden files of the whole built tree of a small synthetic package, made by the real ``build()``.

Every file of the output is accounted for: ``tree.txt`` lists every path; what perfsite writes
(each page's content — the part inside Material's ``<article>`` — the downloads and the feed) is
compared in full; Material's own files are compared by path only, so a Material upgrade does not
churn the goldens. After an intended change, regenerate with ``PERFSITE_REGENERATE_GOLDEN=1``
and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from perfsite import parallel
from perfsite.commands import build as build_module
from perfsite.commands.synth import synthesise
from perfsite.site import render

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "site"
SITE_URL = "https://performance.example.org/"
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
# Material's own assets (their names carry content hashes that change between Material releases)
MATERIAL = re.compile(r"^assets/(javascripts|stylesheets|images)/")
# perfsite's own files, compared byte for byte (the zip holds the same CSVs, so it is skipped)
OURS = re.compile(r"^(data/(?!performance-data\.zip).*|feed\.xml|\.perfsite-site)$")


def golden_files(site: Path) -> tuple[list[str], dict[str, str]]:
    paths = sorted(
        rel
        for rel in (p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
        if not MATERIAL.match(rel)
    )
    compared = {}
    for rel in paths:
        if rel.endswith("index.html"):
            match = _ARTICLE.search((site / rel).read_text(encoding="utf-8"))
            compared[rel.replace("index.html", "article.html")] = match.group(1) if match else ""
        elif OURS.match(rel):
            compared[rel] = (site / rel).read_text(encoding="utf-8")
    return paths, compared


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("golden")
    pkg = synthesise(where / "pkg", measures=8, years=2, projects=3, seed=11)
    build_module.build(pkg, out=where / "site", site_url=SITE_URL)
    return where / "site"


def test_built_tree_matches_golden(built):
    paths, compared = golden_files(built)
    if os.environ.get("PERFSITE_REGENERATE_GOLDEN"):
        import shutil

        shutil.rmtree(GOLDEN, ignore_errors=True)
        GOLDEN.mkdir(parents=True)
        (GOLDEN / "tree.txt").write_text("\n".join(paths) + "\n", encoding="utf-8")
        for rel, text in compared.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    assert (GOLDEN / "tree.txt").read_text(encoding="utf-8").split() == paths
    expected = {
        p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file() and p.name != "tree.txt"
    }
    assert expected == set(compared), "files perfsite writes were added or removed"
    different = [rel for rel, text in compared.items() if (GOLDEN / rel).read_text(encoding="utf-8") != text]
    assert different == [], f"differ from the golden files: {different[:10]}"


def site_data(tmp_path: Path) -> render.SiteData:
    """What the pages of a 20-measure synthetic council are rendered from."""
    from perfsite import rules
    from perfsite.files.load import load, typed
    from perfsite.rules import gate

    package = load(synthesise(tmp_path / "pkg", measures=20, years=2, projects=5, seed=4))
    frames = typed(package)
    publications = gate.included_publications(frames["publications"])
    gated = gate.restrict(frames, publications)
    performance = rules.performance_table(gated["measures"], gated["targets"], gated["outturns"], package.rag)
    return render.SiteData(package.descriptor, gated, performance, publications)


def test_rendering_on_two_cores_gives_the_same_pages(tmp_path, monkeypatch):
    data = site_data(tmp_path)
    serial = render.Renderer(data).render()
    monkeypatch.setattr(render, "PARALLEL_MEASURES", 10)
    monkeypatch.setattr(parallel, "single_threaded", lambda: True)  # a browser test's server thread
    forked = []
    real_fork = parallel.fork
    monkeypatch.setattr(parallel, "fork", lambda work, **kw: forked.append(work) or real_fork(work, **kw))
    twice = render.Renderer(data).render()
    assert len(forked) == 1, "the pages were not rendered on two processes"
    assert list(twice) == list(serial) and twice == serial


def test_measure_pages_are_the_same_whatever_order_and_blocks_their_rows_come_in(tmp_path, monkeypatch):
    """A measure's rows are converted a block of measures at a time (render.measures.MEASURE_BLOCK); pages
    made in reverse order, with blocks of three, must equal those made in order."""
    data = site_data(tmp_path)
    in_order = render.Renderer(data).render()
    monkeypatch.setattr(render.measures, "MEASURE_BLOCK", 3)
    reverse = lambda jobs, parallel=True: [job() for job in jobs[::-1]][::-1]  # noqa: E731
    monkeypatch.setattr(render.parallel, "run_jobs", reverse)
    backwards = render.Renderer(data).render()
    measures = [path for path in in_order if path.startswith("measures/m")]
    assert len(measures) == 20
    assert backwards == in_order
