"""Build: package → site in memory → MkDocs (with the perfsite plugin) → a guarded output folder.

A build is a function of its inputs that writes its output folder and nothing else. The pages
and downloads reach MkDocs in memory (:mod:`perfsite.site.plugin`); MkDocs writes into a fresh
temporary folder beside the output, which is swapped in whole only when the build succeeded.
A failed or killed build leaves the previous site untouched; the next build removes its
leftovers. The output folder is checked first (:mod:`perfsite.files.outdir`): a build never
writes over the package, the checkout, a parent of the current folder or a folder it did
not build.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import standard
from ..errors import BuildError, PerfsiteError
from ..files import outdir
from ..files.guard import writing
from ..site import sitegen
from ..site.shipped import HAND_WRITTEN, MKDOCS_YML
from ..validation.checks.settings import no_site_address


class SiteUrlRefused(PerfsiteError):
    """``--site-url`` is not an address a site can be served from (the rule of ``site_url``)."""

    exit_code = 2


#: the build's stages in order: what the command line says when one is done, and what comes next
STAGES: dict[str, tuple[str, str | None]] = {
    "load": ("Read the package", "Validating…"),
    "validate": ("Validated", "Computing statuses…"),
    "compute": ("Computed statuses", "Rendering pages…"),
    "render": ("Rendered pages", "Making the committee packs (PDF)…"),
    "packs": ("Made the committee packs", "Running MkDocs…"),
    "mkdocs": ("Built with MkDocs", None),
}


def checked_site_url(site_url: str | None) -> str | None:
    """A site address given on the command line, checked by the same rule as the package's
    ``site_url`` (:func:`perfsite.standard.site_url_problem`) and ending with ``/``."""
    if site_url is None:
        return None
    problem = standard.site_url_problem(site_url)
    if problem is not None:
        raise SiteUrlRefused(
            f"--site-url {site_url.strip()[:80]!r} is not a site address: {problem}; "
            "give the address the site is served from, e.g. https://performance.example.gov.uk/"
        )
    return standard.normal_site_url(site_url)


@dataclass
class BuildResult:
    """What a build did, for the command line's summary and the benchmark."""

    out: Path
    pages: int = 0
    downloads: int = 0  # files under data/ plus the feed
    warnings: list = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    summary: str = ""


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(site: sitegen.Site, site_dir: Path) -> None:
    """Run MkDocs in-process with the perfsite plugin, which hands it ``site`` in memory."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(site.epoch)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    errors = _Errors()  # MkDocs logs the cause of a failed build, then raises "Aborted with a BuildError!"
    logger.addHandler(errors)
    try:
        config = load_config(
            config_file=str(MKDOCS_YML),
            docs_dir=str(HAND_WRITTEN),
            site_dir=str(site_dir),
            site_url=site.site_url,
            plugins=["search", {"perfsite": {"preview": site.preview}}],
        )
        plugin = config.plugins["perfsite"]
        plugin.site = site
        plugin.whole_build = True
        mkdocs_build(config)
    except MkDocsException as exc:
        cause = "; ".join(errors.messages) or str(exc)
        raise BuildError(f"MkDocs could not build the site: {cause}") from exc
    finally:
        logger.removeHandler(errors)
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def build(
    package_dir: str | Path,
    out: str | Path = "site",
    preview: bool = False,
    site_url: str | None = None,
    template_dirs: list[Path] | None = None,
    on_stage: Callable[[str, float], None] | None = None,
) -> BuildResult:
    """Build the site for a package into ``out``.

    Raises :class:`~perfsite.errors.ValidationFailed` (bad package), :class:`SiteUrlRefused`,
    :class:`outdir.OutputRefused` (an output folder perfsite must not write),
    :class:`~perfsite.files.guard.WriteFailed` (the disk is full or read-only) or :class:`BuildError`;
    ``out`` is then unchanged."""
    site_url = checked_site_url(site_url)
    target = outdir.check_output(Path(out), Path(package_dir))
    site = sitegen.generate(
        package_dir, preview=preview, site_url=site_url, template_dirs=template_dirs, on_stage=on_stage
    )
    result = BuildResult(
        out=target, warnings=list(site.warnings), stages=dict(site.stages), summary=site.summary
    )
    if not preview:
        result.warnings += no_site_address({}, site.site_url)
    result.pages = len(site.pages) + 1  # + the hand-written accessibility statement
    result.downloads = sum(1 for path in site.files if not path.startswith("assets/")) + len(site.copies)
    clock = time.perf_counter()
    kept = "the previous site is left as it was" if target.exists() else "no site was written"
    with writing(target, kept):
        tmp = outdir.fresh_temp(target)
        try:
            run_mkdocs(site, tmp)
            outdir.mark(tmp)
            outdir.swap_in(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    result.stages["mkdocs"] = time.perf_counter() - clock
    if on_stage:
        on_stage("mkdocs", result.stages["mkdocs"])
    return result
