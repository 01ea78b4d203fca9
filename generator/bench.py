"""``make bench``: build packages of three sizes and measure each stage against bare MkDocs.

S is the example package; M and L are synthetic (``perfsite synth``). Each size is built
in its own process so peak memory (RSS) is that build's alone. In the same run, a bare
``mkdocs build`` over the same generated pages gives the floor any MkDocs site pays, so the
generator's own cost is reported as a ratio that holds on a noisy machine. Results go to
``bench/results.json`` and ``bench/RESULTS.md``.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SIZES = {
    "S": None,  # the example package
    "M": {"measures": 200, "years": 5, "projects": 80},
    "L": {"measures": 500, "years": 10, "projects": 200},
}
STAGES = ("load", "validate", "compute", "render", "write", "mkdocs")


def _site_stats(site: Path) -> dict:
    pages = sorted(site.rglob("*.html"))
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in pages}
    measure_pages = [n for path, n in sizes.items() if path.startswith("measures/") and path.count("/") == 2]
    largest = max(sizes.items(), key=lambda kv: kv[1])
    plotly_urls = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for chunk in html.split("plotly.min.js")[:-1]:
            plotly_urls.add(chunk[chunk.rfind('"') + 1 :] + "plotly.min.js")
    scripts = (site / "assets" / "perfsite.js").read_text(encoding="utf-8")
    return {
        "pages": len(pages),
        "output_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "largest_page": largest[0],
        "largest_page_bytes": largest[1],
        "median_measure_page_bytes": int(statistics.median(measure_pages)) if measure_pages else 0,
        "plotly_urls_in_pages": len(plotly_urls),
        "plotly_loaded_by_one_script": "plotly.min.js" in scripts,
    }


def run_one(size: str, work: Path) -> dict:
    """Build one size in this process and return its figures (called in a child process)."""
    from . import build as build_module
    from .synth import synthesise

    work.mkdir(parents=True, exist_ok=True)
    if SIZES[size] is None:
        package = ROOT / "data" / "example"
    else:
        package = synthesise(work / "package", seed=1, **SIZES[size])
    docs = work / "site_src"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(build_module.DOCS_DIR, docs, ignore=shutil.ignore_patterns(*_generated_roots()))
    site = work / "site"
    result = build_module.build(package, out=site, docs_dir=docs)
    first = dict(result.stages)
    # rebuild with nothing changed: nothing generated should be rewritten
    again = build_module.build(package, out=site, docs_dir=docs)
    # the floor: MkDocs alone over exactly the same pages
    from .load import load

    bare_site = Path(tempfile.mkdtemp(prefix="bare-", dir=work))
    started = time.perf_counter()
    build_module.run_mkdocs(docs, bare_site, **again.mkdocs_args)
    bare = time.perf_counter() - started
    shutil.rmtree(bare_site)
    outturn_rows = len(load(package).raw["outturns"])
    generator_seconds = sum(v for k, v in first.items() if k != "mkdocs")
    return {
        "size": size,
        "package": SIZES[size] or "data/example",
        "outturn_rows": outturn_rows,
        "stages_seconds": {k: round(first.get(k, 0.0), 3) for k in STAGES},
        "total_seconds": round(sum(first.values()), 3),
        "generator_seconds": round(generator_seconds, 3),
        "bare_mkdocs_seconds": round(bare, 3),
        "generator_share_of_bare_mkdocs": round(generator_seconds / bare, 3) if bare else None,
        "rebuild_rewritten_files": again.written,
        "rebuild_unchanged_files": again.unchanged,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **_site_stats(site),
    }


def _generated_roots() -> list[str]:
    return [
        ".generated.json",
        "index.md",
        "reports",
        "priorities",
        "measures",
        "projects",
        "data",
        "about",
        "feed.xml",
        "plotly.min.js",
    ]


def markdown_table(results: list[dict], cores: int, when: str) -> str:
    lines = [
        f"# perfsite benchmark — {when}, {cores} cores, Python {platform.python_version()}, {platform.machine()}",
        "",
        "Times in seconds. *Generator* is every stage except MkDocs; *bare MkDocs* is `mkdocs build` alone over the same pages.",
        "",
        "| size | outturn rows | pages | ms per page | load | validate | compute | render | write | MkDocs | total | bare MkDocs | generator ÷ bare | peak RSS MiB | output MB | largest page KB | median measure page KB | rebuild rewrites |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        s = r["stages_seconds"]
        lines.append(
            f"| {r['size']} | {r['outturn_rows']} | {r['pages']} | {1000 * r['total_seconds'] / r['pages']:.1f} | {s['load']:.2f} | {s['validate']:.2f} | {s['compute']:.2f} | "
            f"{s['render']:.2f} | {s['write']:.2f} | {s['mkdocs']:.2f} | {r['total_seconds']:.2f} | {r['bare_mkdocs_seconds']:.2f} | "
            f"{r['generator_share_of_bare_mkdocs']:.1%} | {r['peak_rss_mib']:.0f} | {r['output_bytes'] / 1e6:.1f} | "
            f"{r['largest_page_bytes'] / 1024:.0f} | {r['median_measure_page_bytes'] / 1024:.0f} | {r['rebuild_rewritten_files']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        size = sys.argv[2]
        print(json.dumps(run_one(size, BENCH / "work" / size)))
        return
    sizes = sys.argv[1:] or list(SIZES)
    results = []
    for size in sizes:
        print(f"Building {size}…", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "generator.bench", "--one", size],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"the {size} build failed")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = os.cpu_count() or 0
    BENCH.mkdir(exist_ok=True)
    (BENCH / "results.json").write_text(
        json.dumps({"date": when, "cores": cores, "results": results}, indent=2) + "\n"
    )
    table = markdown_table(results, cores, when)
    (BENCH / "RESULTS.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
