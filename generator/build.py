"""Build: validate → compute → render → write ``site_src`` → MkDocs, atomically.

The only module with side effects on the site: it writes generated pages into the docs
folder (leaving hand-written ones alone, and leaving unchanged files untouched so their
modification times stay put), then runs MkDocs into a temporary folder and swaps it in
only when the whole build succeeded. A failed build leaves the previous site as it was.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import charts, downloads, feed, gate, periods, publish, render, rules, standard
from .errors import BuildError, ValidationFailed, errors_of
from .load import load, typed
from .validate import validate_package

ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = ROOT / "mkdocs.yml"
DOCS_DIR = ROOT / "site_src"
MANIFEST = ".generated.json"  # the generated files of the last build, so stale ones can be removed
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


@dataclass
class BuildResult:
    """What a build did, for the command line's summary and the benchmark."""

    out: Path
    pages: int = 0
    downloads: int = 0  # files under data/ plus the feed
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    warnings: list = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    mkdocs_args: dict = field(default_factory=dict)  # how MkDocs was run, so the benchmark can rerun it bare


def _nav(pages: dict[str, str], titles: dict[str, str]) -> list:
    """The navigation: reports and priorities listed; measures and projects reached from their index
    pages. Material renders the nav into every page, so listing hundreds of measures would make
    every page (and the build) grow with the square of the measure count."""

    def section(prefix: str, label: str, listed: bool = True) -> dict:
        children = (
            sorted(p for p in pages if p.startswith(prefix) and p != f"{prefix}index.md") if listed else []
        )
        if prefix == "reports/":
            children.sort(key=lambda p: periods.sort_key(p.split("/")[1].upper()), reverse=True)
        return {label: [f"{prefix}index.md", *({titles.get(p, p): p} for p in children)]}

    return [
        {"Home": "index.md"},
        section("reports/", "Reports"),
        section("priorities/", "Priorities"),
        {"Measures": "measures/index.md"},
        {"Projects": "projects/index.md"},
        {"Open data": "data/index.md"},
        {"About": ["about/index.md", {"Accessibility": "accessibility/index.md"}]},
    ]


def _title_of(markdown: str) -> str:
    for line in markdown.splitlines()[1:6]:
        if line.startswith("title:"):
            value = line.split(":", 1)[1].strip()
            return value[1:-1] if value.startswith('"') and value.endswith('"') else value
    return ""


def write_generated(docs_dir: Path, files: dict[str, bytes]) -> tuple[int, int, int]:
    """Write generated files, skipping unchanged ones and removing those no longer generated.

    Returns (written, unchanged, removed). Refuses to overwrite a hand-written file.
    """
    manifest_path = docs_dir / MANIFEST
    previous = set(json.loads(manifest_path.read_text(encoding="utf-8"))) if manifest_path.exists() else set()
    clashes = sorted(p for p in files if p not in previous and (docs_dir / p).exists())
    if clashes:
        raise BuildError(
            f"the build would overwrite hand-written files in {docs_dir}: {', '.join(clashes[:5])}"
        )
    written = unchanged = removed = 0
    for rel, content in files.items():
        path = docs_dir / rel
        if path.is_file() and path.stat().st_size == len(content) and path.read_bytes() == content:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written += 1
    for rel in sorted(previous - set(files)):
        path = docs_dir / rel
        if path.is_file():
            path.unlink()
            removed += 1
            parent = path.parent
            while parent != docs_dir and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    manifest_path.write_text(json.dumps(sorted(files), indent=0) + "\n", encoding="utf-8")
    return written, unchanged, removed


def source_date_epoch(publications) -> int:
    """The build's notion of "now": the latest date in the included publications, so the same
    data gives the same bytes on any day (MkDocs stamps sitemap lastmod and gzip headers with it)."""
    dates = [d for column in ("published_date", "committee_date") for d in publications[column] if d]
    latest = max(dates, default="2000-01-01")
    return int(datetime.datetime.fromisoformat(latest).replace(tzinfo=datetime.UTC).timestamp())


def run_mkdocs(
    docs_dir: Path,
    site_dir: Path,
    site_name: str,
    site_url: str,
    nav: list,
    extra: dict,
    copyright: str,
    epoch: int,
) -> None:
    """Run MkDocs in-process on the docs folder into ``site_dir``, with SOURCE_DATE_EPOCH set."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(
            config_file=str(MKDOCS_YML),
            docs_dir=str(docs_dir),
            site_dir=str(site_dir),
            site_name=site_name,
            site_url=site_url,
            nav=nav,
            extra=extra,
            copyright=copyright,
        )
        mkdocs_build(config)
    except MkDocsException as exc:
        raise BuildError(f"MkDocs could not build the site: {exc}") from exc
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` by ``tmp`` with renames, so the old site stays whole until the new one is ready."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(
    package_dir: str | Path,
    out: str | Path = "site",
    preview: bool = False,
    site_url: str | None = None,
    docs_dir: str | Path | None = None,
    template_dirs: list[Path] | None = None,
    on_stage: Callable[[str, float], None] | None = None,
) -> BuildResult:
    """Build the site for a package; raise :class:`ValidationFailed` or :class:`BuildError`."""
    out = Path(out).resolve()
    docs_dir = Path(docs_dir).resolve() if docs_dir else DOCS_DIR
    result = BuildResult(out=out)
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stages[name] = now - clock
        clock = now
        if on_stage:
            on_stage(name, result.stages[name])

    package = load(package_dir)
    stage("load")
    issues = validate_package(package)
    if errors_of(issues):
        raise ValidationFailed(issues)
    result.warnings = issues
    stage("validate")

    frames = typed(package)
    publications = gate.included_publications(frames["publications"], preview)
    gated = gate.restrict(frames, publications)
    raw_gated = gate.restrict(
        {**package.raw, **{k: v for k, v in frames.items() if k not in package.raw}}, publications
    )
    performance = rules.performance_table(gated["measures"], gated["targets"], gated["outturns"], package.rag)
    stage("compute")

    revised = publish.revisions(package)
    revised = revised[revised["period"].isin(set(gated["outturns"]["period"]))].copy()
    revised["published_value"] = revised["published_value"].replace("", None).astype("float64")
    data = render.SiteData(
        package.descriptor, gated, performance, publications, preview=preview, revisions=revised
    )
    renderer = render.Renderer(data, render.environment(template_dirs))
    pages = renderer.render()
    files = downloads.render_downloads(package.descriptor, raw_gated, performance, gated["measures"])
    site_url = site_url or package.descriptor.get("site_url") or DEFAULT_SITE_URL
    files.update(
        archive_downloads(package, set(publications.loc[publications["status"] == "published", "period"]))
    )
    files["feed.xml"] = feed.atom(publications, data.council, site_url).encode("utf-8")
    sizes = {k: _size(len(v)) for k, v in files.items()}
    pages["data/index.md"] = renderer.data_page(sizes, {k: len(v) for k, v in raw_gated.items()})
    generated = {path: text.encode("utf-8") for path, text in pages.items()}
    generated.update(files)
    generated["assets/plotly.min.js"] = charts.plotly_bundle()
    result.pages = len(pages) + 1  # + the hand-written accessibility statement
    result.downloads = len(files)
    stage("render")

    result.written, result.unchanged, result.removed = write_generated(docs_dir, generated)
    stage("write")

    council = data.council
    titles = {p: _title_of(t) for p, t in pages.items()}
    licence = (package.descriptor.get("licenses") or [standard.LICENCE_OGL])[0]
    extra = {
        "preview": preview,
        "council": council,
        "licence": {"title": licence.get("title", licence.get("name", "")), "path": licence.get("path", "")},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    epoch = source_date_epoch(publications)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    result.mkdocs_args = dict(
        site_name=f"{council} performance" + (" (DRAFT)" if preview else ""),
        site_url=site_url,
        nav=_nav(pages, titles),
        extra=extra,
        copyright=f"Published by {council} under the {extra['licence']['title']}",
        epoch=epoch,
    )
    try:
        run_mkdocs(docs_dir, tmp, **result.mkdocs_args)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    stage("mkdocs")
    return result


def archive_downloads(package, published: set[str]) -> dict[str, bytes]:
    """Every snapshot of a published period, as published, under data/archive/<period>/."""
    files = {}
    for snapshot in publish.snapshots(package.path):
        if snapshot.name not in published:
            continue
        for path in sorted(snapshot.iterdir()):
            if path.is_file() and path.suffix in (".csv", ".json"):
                files[f"data/archive/{snapshot.name.lower()}/{path.name}"] = path.read_bytes()
    return files


def _size(n: int) -> str:
    return (
        f"{n} bytes"
        if n < 1024
        else (f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB")
    )
