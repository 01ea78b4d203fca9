"""Golden-file tests of generated pages and downloads (the Markdown and CSV perfsite writes, not
Material's HTML). A small synthetic package is rendered in memory and compared with committed
files. After an intended change, regenerate with PERFSITE_REGENERATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import downloads, gate, publish, render, rules
from generator.load import load, typed
from generator.synth import synthesise
from generator.validate import validate_package

GOLDEN = Path(__file__).parent / "golden" / "site"
PAGES = [
    "index.md",
    "reports/index.md",
    "reports/2026-27-q1/index.md",
    "priorities/p01/index.md",
    "measures/index.md",
    "measures/m0001/index.md",
    "measures/m0006/index.md",
    "measures/m0012/index.md",
    "projects/pr0002/index.md",
    "data/performance.csv",
    "data/measures/m0002.csv",
    "data/outturns.csv",
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:
    pkg = synthesise(tmp_path_factory.mktemp("golden") / "pkg", measures=14, years=2, projects=4, seed=11)
    package = load(pkg)
    assert not [i for i in validate_package(package) if i.severity == "error"]
    frames = typed(package)
    publications = gate.included_publications(frames["publications"])
    gated = gate.restrict(frames, publications)
    performance = rules.performance_table(gated["measures"], gated["targets"], gated["outturns"], package.rag)
    data = render.SiteData(
        package.descriptor, gated, performance, publications, revisions=publish.revisions(package)
    )
    pages = render.Renderer(data).render()
    raw = gate.restrict({**package.raw}, publications)
    files = downloads.render_downloads(package.descriptor, raw, performance, gated["measures"])
    return {**pages, **{k: v.decode("utf-8") for k, v in files.items() if not k.endswith(".zip")}}


@pytest.mark.parametrize("path", PAGES)
def test_generated_file_matches_golden(rendered, path):
    golden = GOLDEN / path
    if os.environ.get("PERFSITE_REGENERATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered[path], encoding="utf-8")
    assert golden.exists(), f"no golden file for {path}: run with PERFSITE_REGENERATE_GOLDEN=1 and review it"
    assert rendered[path] == golden.read_text(encoding="utf-8")


def test_rendering_on_two_cores_gives_the_same_pages(tmp_path, monkeypatch):
    pkg = synthesise(tmp_path / "pkg", measures=20, years=2, projects=5, seed=4)
    package = load(pkg)
    frames = typed(package)
    publications = gate.included_publications(frames["publications"])
    gated = gate.restrict(frames, publications)
    performance = rules.performance_table(gated["measures"], gated["targets"], gated["outturns"], package.rag)
    data = render.SiteData(package.descriptor, gated, performance, publications)
    serial = render.Renderer(data).render()
    monkeypatch.setattr(render, "PARALLEL_MEASURES", 10)
    submitted = []

    class Recording(render.ProcessPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            submitted.append(fn)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(render, "ProcessPoolExecutor", Recording)
    parallel = render.Renderer(data).render()
    assert submitted == [render._render_forked]
    assert list(parallel) == list(serial) and parallel == serial
