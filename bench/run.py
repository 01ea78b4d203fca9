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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SIZES = {
    "S": None,  # the example package
    "M": {"measures": 200, "years": 5, "projects": 80},
    "L": {"measures": 500, "years": 10, "projects": 200},
    "XL": {"measures": 4000, "years": 10, "projects": 800},
}
DEFAULT_SIZES = ("S", "M", "L")  # XL takes minutes: `make bench-xl`
SEED = 7
STAGES = ("load", "validate", "compute", "render", "packs", "mkdocs")
# builds per size: the median run is reported (a shared machine's load comes and goes)
RUNS = {"S": 3, "M": 3, "L": 3, "XL": 1}


def _tree(pid: int) -> list[int]:
    """A process and its descendants (Linux /proc)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def peak_memory_of(proc: subprocess.Popen) -> float | None:
    """The build's peak memory, with its second process counted: the largest sum of the processes'
    PSS (each shared page split between the processes sharing it), sampled every 50 ms while it
    runs; None where /proc has no smaps_rollup. Read from outside: the build must stay one thread."""
    peak = None
    while proc.poll() is None:
        total = 0
        for pid in _tree(proc.pid):
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            total += next(
                (int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0
            )
        if total:
            peak = max(peak or 0, total / 1024)
        time.sleep(0.05)
    return round(peak, 1) if peak else None


def median_run(runs: list[dict]) -> dict:
    """The run with the median total time, with every run's total kept beside it."""
    ordered = sorted(runs, key=lambda r: r["total_seconds"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["all_totals_seconds"] = [r["total_seconds"] for r in runs]
    ratios = sorted(
        r["total_seconds"] / r["yardstick_beside_seconds"] for r in runs if r.get("yardstick_beside_seconds")
    )
    chosen["paired_yardsticks"] = ratios[len(ratios) // 2] if ratios else None
    chosen["all_paired_yardsticks"] = ratios
    return chosen


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
    from perfsite.commands import build as build_module
    from perfsite.commands.synth import synthesise
    from perfsite.files.load import load

    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if SIZES[size] is None:
        package = ROOT / "data" / "example"
    else:
        package = synthesise(work / "package", seed=SEED, **SIZES[size])
    site = work / "site"
    started = time.perf_counter()
    result = build_module.build(package, out=site)
    total = time.perf_counter() - started
    first = dict(result.stages)
    generator_seconds = sum(v for k, v in first.items() if k != "mkdocs")
    figures = {
        "size": size,
        "package": SIZES[size] or "data/example",
        "outturn_rows": len(load(package).raw["outturns"]),
        "stages_seconds": {k: round(first.get(k, 0.0), 3) for k in STAGES},
        "total_seconds": round(total, 3),
        "generator_seconds": round(generator_seconds, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **_site_stats(site),
    }
    shutil.rmtree(work, ignore_errors=True)
    return figures


def yardstick_seconds(runs: int = 3) -> float | None:
    """The yardstick: ``mkdocs build`` of a fixed 200-page Material site, timed now, the median
    of ``runs`` (``../shared/bench/yardstick.py`` beside the checkout, or ``PERFSITE_YARDSTICK``)."""
    import importlib.util

    path = Path(os.environ.get("PERFSITE_YARDSTICK", ROOT.parent / "shared" / "bench" / "yardstick.py"))
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("yardstick", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.yardstick(str(Path(sys.executable).parent / "mkdocs"), runs=runs)


def markdown_table(results: list[dict], cores: int, when: str, yardstick: float | None) -> str:
    unit = f"{yardstick:.2f} s" if yardstick else "not measured"
    lines = [
        f"# perfsite benchmark — {when}, {cores} cores, Python {platform.python_version()}, {platform.machine()}",
        "",
        f"Times in seconds and in yardsticks (Y = `mkdocs build` of a fixed 200-page Material site, "
        f"timed in the same run, median of 3: {unit}; *paired*: each build divided by a yardstick timed just "
        f"before it, the median of those ratios). Each size is built {RUNS['L']} times (XL once) and the "
        "median run is shown. *Generator* is every stage before MkDocs; *packs* is the time to make "
        "every committee pack (PDF) of the site. A large council (M, L, XL) is "
        "validated, rendered and passed through MkDocs on two processes, so a stage's seconds are wall "
        "time; its figures are worked out while frictionless checks its files, so *compute* is in "
        "*validate*.",
        "",
        "| size | outturn rows | pages | ms per page | load | validate | compute | render | packs | MkDocs | total | total in Y | every run's total | generator ÷ MkDocs | peak RSS MiB (main process) | peak memory MiB (both processes, PSS) | output MB | largest page KB | median measure page KB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        s = r["stages_seconds"]
        in_y = f"{r['total_seconds'] / yardstick:.1f}" if yardstick else "—"
        if r.get("paired_yardsticks"):
            spread = ", ".join(f"{x:.1f}" for x in r["all_paired_yardsticks"])
            in_y += f" (paired {r['paired_yardsticks']:.1f}: {spread})"
        lines.append(
            f"| {r['size']} | {r['outturn_rows']} | {r['pages']} | {1000 * r['total_seconds'] / r['pages']:.1f} | "
            f"{s['load']:.2f} | {s['validate']:.2f} | {s['compute']:.2f} | {s['render']:.2f} | {s['packs']:.2f} | {s['mkdocs']:.2f} | "
            f"{r['total_seconds']:.2f} | {in_y} | {', '.join(f'{t:.2f}' for t in r.get('all_totals_seconds', [r['total_seconds']]))} | "
            f"{r['generator_seconds'] / max(s['mkdocs'], 1e-9):.0%} | "
            f"{r['peak_rss_mib']:.0f} | {r['peak_memory_mib'] or 0:.0f} | {r['output_bytes'] / 1e6:.1f} | {r['largest_page_bytes'] / 1024:.0f} | "
            f"{r['median_measure_page_bytes'] / 1024:.0f} |"
        )
    by = {r["size"]: r for r in results}
    if "M" in by and "L" in by:
        ratio = (by["L"]["total_seconds"] / by["L"]["pages"]) / (by["M"]["total_seconds"] / by["M"]["pages"])
        per_byte = (by["L"]["total_seconds"] / by["L"]["output_bytes"]) / (
            by["M"]["total_seconds"] / by["M"]["output_bytes"]
        )
        lines += [
            "",
            f"Per-page cost at L is {ratio:.2f}× M's; per megabyte of output (L's pages hold ten "
            f"years of figures, M's five), {per_byte:.2f}× M's.",
        ]
    if "L" in by and "XL" in by:
        lines += [
            f"XL took {by['XL']['total_seconds'] / by['L']['total_seconds']:.1f}× L's time, "
            f"peak {by['XL']['peak_memory_mib'] or by['XL']['peak_rss_mib']:.0f} MiB (both processes)."
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        size = sys.argv[2]
        print(json.dumps(run_one(size, BENCH / "work" / size)))
        return
    sizes = sys.argv[1:] or list(DEFAULT_SIZES)
    print("Timing the yardstick…", file=sys.stderr, flush=True)
    yardstick = yardstick_seconds()
    results = []
    for size in sizes:
        runs = []
        for run in range(RUNS.get(size, 1)):
            # a yardstick just before each build: the machine's speed drifts within a run
            beside = yardstick_seconds(runs=1) if yardstick else None
            print(f"Building {size} ({run + 1} of {RUNS.get(size, 1)})…", file=sys.stderr, flush=True)
            proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--one", size],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            )
            memory = peak_memory_of(proc)
            stdout, stderr = proc.communicate()
            if proc.returncode != 0:
                sys.stderr.write(stderr)
                raise SystemExit(f"the {size} build failed")
            figures = json.loads(stdout.strip().splitlines()[-1])
            figures["yardstick_beside_seconds"] = beside
            figures["peak_memory_mib"] = memory
            runs.append(figures)
        results.append(median_run(runs))
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = os.cpu_count() or 0
    BENCH.mkdir(exist_ok=True)
    (BENCH / "results.json").write_text(
        json.dumps(
            {"date": when, "cores": cores, "yardstick_seconds": yardstick, "results": results}, indent=2
        )
        + "\n"
    )
    table = markdown_table(results, cores, when, yardstick)
    (BENCH / "RESULTS.md").write_text(table + _history())
    print(table)


def _history() -> str:
    """Earlier measurements kept below the new table (bench/HISTORY.md, written by hand)."""
    path = BENCH / "HISTORY.md"
    return "\n" + path.read_text(encoding="utf-8") if path.exists() else ""


if __name__ == "__main__":
    main()
