"""Write packages: a new empty one for a council to start from (``perfsite init``)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from .. import standard
from ..errors import PerfsiteError, errors_of, shorten
from ..files.guard import INIT, guard_write_target, move_into, temp_beside, writing


def descriptor_for(council: str, resources: list[str], schema_prefix: str | None = "schemas/") -> dict:
    """A datapackage.json descriptor in the standard's shape."""
    return {
        "name": "council-performance",
        "title": f"{council} performance data",
        "council": {"name": council, "website": "", "contact_email": ""},
        "plan": {"title": "Council Plan", "start": "2024-25", "end": "2027-28"},
        "rag": dict(standard.DEFAULT_RAG),
        "licenses": [standard.LICENCE_OGL],
        "resources": [
            standard.resource_descriptor(r, f"{schema_prefix}{r}.json" if schema_prefix is not None else None)
            for r in resources
        ],
    }


def write_empty_package(package_dir: Path, council: str) -> Path:
    """Headers-only CSVs, the canonical schemas and a descriptor, in a new or empty folder.

    Refuses (:class:`~perfsite.files.guard.WriteRefused`) a folder that already holds anything, or any
    place :func:`~perfsite.files.guard.guard_write_target` forbids; written beside the folder first and
    moved into place whole, so a full disk leaves nothing half-written."""
    target = guard_write_target(Path(package_dir), INIT)
    with writing(target, "no package was written"):
        staging = temp_beside(target)
        try:
            (staging / "schemas").mkdir()
            for name in standard.RESOURCES:
                shutil.copyfile(standard.SCHEMA_DIR / f"{name}.json", staging / "schemas" / f"{name}.json")
                with open(staging / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
                    csv.writer(fh, lineterminator="\n").writerow(standard.field_names(name))
            descriptor = descriptor_for(council, list(standard.RESOURCES))
            (staging / "datapackage.json").write_text(
                json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            _check_as_package_data(staging, council)
            move_into(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


class InitRefused(PerfsiteError):
    """``init --council``: a name the package's own checks refuse; nothing was written."""

    exit_code = 2


def _check_as_package_data(staging: Path, council: str) -> None:
    """What a person typed for the new package is checked as ``validate`` checks the package."""
    from ..validation.validate import validate

    _, issues = validate(staging)
    problems = [i for i in errors_of(issues) if i.field in ("council.name", "title")]
    if problems:
        raise InitRefused(
            f"--council {shorten(council)!r} cannot be the council's name: {problems[0].message}"
            + (f" — {problems[0].hint}" if problems[0].hint else "")
        )
