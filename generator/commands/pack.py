"""``perfsite pack``: one committee pack, written to a PDF file of the person's choosing."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import PerfsiteError, ValidationFailed, errors_of
from ..files.guard import PACK, guard_write_target, writing
from ..files.load import load
from ..site.figures import figures
from ..site.pack import committees, make_pack
from ..site.render import Renderer, environment
from ..validation.validate import validate_package


class PackRefused(PerfsiteError):
    """``perfsite pack`` was asked for a quarter or committee the package does not report."""

    exit_code = 2


def _choose(renderer: Renderer, period: str | None, committee: str | None, preview: bool) -> str:
    kind = "included in the preview" if preview else "published"
    if not renderer.quarters:
        raise PackRefused(
            f"no quarter is {kind} yet, so there is no pack to make"
            + ("" if preview else "; add --preview for a draft pack of approved and draft quarters")
        )
    if period is None:
        quarter = renderer.latest
    elif period in renderer.quarters:
        quarter = period
    else:
        shown = ", ".join(renderer.quarters[-8:])
        hint = "" if preview else " (a quarter not yet published: add --preview for a draft pack)"
        raise PackRefused(f"{period} is not a quarter {kind} in this package{hint}; the latest are: {shown}")
    if committee is not None and committee not in committees(renderer):
        names = "; ".join(committees(renderer)) or "none"
        raise PackRefused(
            f"no measure is reported to a committee named {committee!r}; the committees in "
            f"measures.csv are: {names}"
        )
    assert quarter is not None
    return quarter


def write_pack(
    package_dir: str | Path,
    out: str | Path,
    period: str | None = None,
    committee: str | None = None,
    preview: bool = False,
) -> tuple[Path, str]:
    """``perfsite pack``: validate the package, make one pack and write it to ``out`` (a new PDF,
    or one perfsite made before). Returns the path written and the quarter."""
    target = guard_write_target(out, PACK)
    package = load(package_dir)
    issues = validate_package(package)
    if errors_of(issues):
        raise ValidationFailed(issues)
    renderer = figures(package, preview, None, environment()).renderer
    quarter = _choose(renderer, period, committee, preview)
    pdf = make_pack(renderer, quarter, committee)
    with writing(target, "nothing was changed"):
        temp = target.with_name(f".{target.name}.perfsite-tmp-{os.getpid()}")
        try:
            temp.write_bytes(pdf)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
    return target, quarter
