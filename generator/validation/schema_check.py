"""The Table Schema checks: each file checked by frictionless against perfsite's canonical schema
(whatever the package declares), its errors turned into perfsite issues, and a warning where a
package declares a schema that differs from the canonical one."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pandas as pd

from .. import standard
from ..errors import WARNING, Issue, shorten
from ..files.load import Package
from ..files.safe_files import MAX_FILE_BYTES
from .hints import for_cell, for_enum


def _frictionless_resource(package: Package, name: str, loaded: set[str]):
    from frictionless import Resource, Schema

    descriptor = json.loads(json.dumps(standard.schema(name)))
    # an optional column the file leaves out is read as empty, not reported missing
    expected = standard.expected_header(name, list(package.raw[name].columns))
    descriptor["fields"] = [f for f in descriptor["fields"] if f["name"] in expected]
    # a foreign key into a resource that could not be read would only add noise
    descriptor["foreignKeys"] = [
        fk for fk in descriptor.get("foreignKeys", []) if fk["reference"]["resource"] in loaded
    ]
    return Resource(
        name=name,
        path=package.file_of(name),
        basepath=str(package.path),
        schema=Schema.from_descriptor(descriptor),
        encoding=package.encodings.get(name, "utf-8"),
        format="csv",
    )


def _article(kind: str) -> str:
    words = {"integer": "a whole number", "number": "a number", "date": "a date", "boolean": "true or false"}
    return words.get(kind, f"a {kind}")


def _issue_from_frictionless(
    name: str, file: str, error: dict, row_values: dict[int, dict], header: list[str]
) -> Issue:
    kind = error.get("type", "error")
    row = error.get("rowNumber")
    field = error.get("fieldName") or None
    cell = error.get("cell")
    specs = standard.fields(name)
    if kind == "type-error":
        spec = specs.get(field, {})
        kind_word = (
            "a web address (https://…)"
            if spec.get("format") == "uri"
            else _article(spec.get("type", "value"))
        )
        return Issue(
            "type-error",
            f"{field} must be {kind_word}",
            file=file,
            row=row,
            field=field,
            value=cell,
            hint=for_cell(cell or "", spec.get("type", ""), field or ""),
        )
    if kind == "constraint-error":
        spec = specs.get(field, {})
        cons = spec.get("constraints", {})
        note = error.get("note", "")
        if "required" in note or (cell in ("", None) and cons.get("required")):
            return Issue(
                "required",
                f"{field} is required",
                file=file,
                row=row,
                field=field,
                value=cell,
                hint=f"fill in {field}: {spec.get('description', '')}",
            )
        if "enum" in note and "enum" in cons:
            return Issue(
                "not-allowed",
                f"{field} is not one of the allowed words",
                file=file,
                row=row,
                field=field,
                value=cell,
                hint=for_enum(cell or "", cons["enum"]),
            )
        if "pattern" in note and field == "period":
            return Issue(
                "bad-period",
                "period is not written as the standard says",
                file=file,
                row=row,
                field=field,
                value=cell,
                hint="write 2024-25 (year), 2024-25-Q1 (quarter) or 2024-25-M01 (month, M01 = April)",
            )
        if "pattern" in note:
            return Issue(
                "bad-identifier",
                f"{field} is not a safe identifier",
                file=file,
                row=row,
                field=field,
                value=cell,
                hint="use letters, digits, dot, hyphen or underscore (no spaces), at most 40 characters, starting with a letter or digit",
            )
        if "minimum" in note or "maximum" in note:
            lo, hi = cons.get("minimum"), cons.get("maximum")
            bounds = (
                f"between {lo} and {hi}"
                if lo is not None and hi is not None
                else (f"at least {lo}" if lo is not None else f"at most {hi}")
            )
            return Issue(
                "out-of-range",
                f"{field} must be {bounds}",
                file=file,
                row=row,
                field=field,
                value=cell,
                hint=f"write a value {bounds}",
            )
        return Issue("constraint-error", f"{field}: {note}", file=file, row=row, field=field, value=cell)
    if kind == "primary-key":
        key = standard.schema(name)["primaryKey"]
        values = row_values.get(row, {})
        shown = ", ".join(f"{k}={values.get(k, '')}" for k in key)
        return Issue(
            "duplicate-row",
            f"this row repeats an earlier row's {' + '.join(key)} ({error.get('note', '')})",
            file=file,
            row=row,
            field=key[-1],
            value=shown,
            hint="keep one row per " + " and ".join(key) + "; delete or correct the duplicate",
        )
    if kind == "foreign-key":
        fields = error.get("fieldNames") or []
        cells = error.get("fieldCells") or []
        target = error.get("referenceName", "")
        return Issue(
            "unknown-reference",
            f"{', '.join(fields)} does not match any row of {target}.csv",
            file=file,
            row=row,
            field=", ".join(fields),
            value=", ".join(str(c) for c in cells),
            hint=f"use an identifier that exists in {target}.csv, or add that row there first",
        )
    if kind in ("missing-label", "incorrect-label", "extra-label", "duplicate-label", "blank-label"):
        expected = ",".join(header)
        what = {
            "missing-label": f"the header lacks the column {field}",
            "incorrect-label": f"the header has {error.get('label')!r} where the schema expects {field}",
            "extra-label": f"the header has an extra column {error.get('label')!r}",
            "duplicate-label": f"the header repeats the column {error.get('label')!r}",
            "blank-label": "the header has a blank column name",
        }[kind]
        return Issue(
            "bad-header",
            what,
            file=file,
            row=1,
            field=field,
            value=error.get("label"),
            hint=f"the header row must be exactly: {expected}",
        )
    if kind in ("extra-cell", "missing-cell"):
        return Issue(
            kind,
            "this row has more cells than the header"
            if kind == "extra-cell"
            else "this row has fewer cells than the header",
            file=file,
            row=row,
            field=field,
            value=cell,
            hint="check for an unquoted comma in a text cell (put the text in double quotes)",
        )
    if kind == "blank-row":
        return Issue(
            "blank-row",
            "this row is blank",
            file=file,
            row=row,
            hint="delete the blank row",
            severity=WARNING,
        )
    return Issue(
        kind,
        error.get("message", "frictionless reported a problem"),
        file=file,
        row=row,
        field=field,
        value=cell,
    )


def schema_issues(package: Package) -> list[Issue]:
    """Table Schema, primary-key and foreign-key checks by frictionless, as perfsite issues."""
    from frictionless import FrictionlessException
    from frictionless import Package as FrictionlessPackage

    loaded = set(package.raw)
    if not loaded:
        return []
    resources = [
        _frictionless_resource(package, name, loaded) for name in standard.RESOURCES if name in loaded
    ]
    issues: list[Issue] = []
    limit = csv.field_size_limit()
    try:
        # a cell over the csv module's limit is reported by the loader; the rest of its file is
        # still checked (no cell is longer than its file)
        csv.field_size_limit(max(limit, MAX_FILE_BYTES + 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tasks = FrictionlessPackage(resources=resources, basepath=str(package.path)).validate().tasks
    except FrictionlessException as exc:
        reasons = "; ".join(str(r) for r in getattr(exc, "reasons", []) or []) or str(exc)
        return [
            Issue(
                "package-unreadable",
                f"frictionless could not read the package: {shorten(reasons, 300)}",
                file="datapackage.json",
            )
        ]
    finally:
        csv.field_size_limit(limit)
    for task in tasks:
        name = task.name
        file = package.file_of(name)
        raw = package.raw.get(name)
        key = standard.schema(name).get("primaryKey", [])
        header = standard.expected_header(name, list(raw.columns) if raw is not None else [])
        for error in task.errors:
            descriptor = error.to_descriptor()
            row_values = _key_values(raw, key, descriptor)
            issues.append(_issue_from_frictionless(name, file, descriptor, row_values, header))
        stopped = _stopped_early(task, file, len(raw) if raw is not None else 0)
        if stopped:
            issues.append(stopped)
    return issues


def _key_values(raw: pd.DataFrame | None, key: list[str], error: dict) -> dict[int, dict]:
    """The key a duplicate row repeats, as its file has it (only a primary-key error quotes it)."""
    row = error.get("rowNumber")
    if error.get("type") != "primary-key" or not row or raw is None or not 0 <= row - 2 < len(raw):
        return {}
    return {row: {k: raw[k].iat[row - 2] if k in raw.columns else "" for k in key}}


def _stopped_early(task, file: str, rows: int) -> Issue | None:
    """Frictionless stops reading a file after 1000 problems: say so, and how much went unchecked."""
    if not any("reached error limit" in str(w) for w in task.warnings):
        return None
    checked = int(task.stats.get("rows") or 0)
    unchecked = max(rows - checked, 0)
    return Issue(
        "checking-stopped",
        f"checking stopped after {len(task.errors):,} problems in this file: "
        f"{unchecked:,} of its {rows:,} rows were not checked and may hold more",
        file=file,
        row=checked + 2 if unchecked else None,
        hint="fix the problems listed (often one mistake repeated down a column), then validate again",
    )


def _without_optional_fields(name: str) -> dict:
    """The canonical schema as it was before its optional columns were added (packages keep a copy)."""
    schema = standard.schema(name)
    optional = standard.OPTIONAL_FIELDS.get(name, ())
    return {**schema, "fields": [f for f in schema["fields"] if f["name"] not in optional]}


def declared_schema_issues(package: Package) -> list[Issue]:
    """A package may declare schemas; one that differs from the canonical schema is a warning."""
    issues = []
    for index, entry in enumerate(package.descriptor.get("resources", [])):
        if (
            not isinstance(entry, dict)
            or entry.get("name") not in standard.RESOURCES
            or "schema" not in entry
        ):
            continue
        declared = entry["schema"]
        if isinstance(declared, str):
            path = package.path / declared
            if "://" in declared or ".." in Path(declared).parts or not path.is_file():
                declared = None
            else:
                try:
                    declared = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    declared = None
        name = entry["name"]
        if declared != standard.schema(name) and declared != _without_optional_fields(name):
            issues.append(
                Issue(
                    "schema-differs",
                    f"the schema declared for {name!r} differs from perfsite's canonical schema; perfsite checks against its own",
                    file="datapackage.json",
                    field=f"resources[{index}].schema",
                    hint="run `perfsite init` to get the canonical schemas, or drop the schema entry",
                    severity=WARNING,
                )
            )
    return issues
