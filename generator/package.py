"""Write packages: a new empty one for a council to start from (``perfsite init``)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from . import standard
from .errors import PerfsiteError


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


def write_empty_package(package_dir: Path, council: str) -> None:
    """Headers-only CSVs, the canonical schemas and a descriptor; refuses to overwrite."""
    package_dir = Path(package_dir)
    if (package_dir / "datapackage.json").exists():
        raise PerfsiteError(f"{package_dir} already holds a datapackage.json; choose an empty folder")
    (package_dir / "schemas").mkdir(parents=True, exist_ok=True)
    for name in standard.RESOURCES:
        shutil.copyfile(standard.SCHEMA_DIR / f"{name}.json", package_dir / "schemas" / f"{name}.json")
        with open(package_dir / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerow(standard.field_names(name))
    descriptor = descriptor_for(council, list(standard.RESOURCES))
    (package_dir / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
