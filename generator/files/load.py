"""Load: read a council's data package from disk into pandas frames.

This is the only module that reads the package (through :mod:`perfsite.files.descriptor` for
``datapackage.json`` and :mod:`perfsite.files.safe_files` for each file). It never raises for bad
input: a problem with the package itself (no ``datapackage.json``, an unsafe path, a file that is
not UTF-8) becomes an :class:`~perfsite.errors.Issue` and the resource is left out.
Cells are read as text (``""`` when empty) so the checks can quote exactly what the
officer wrote; :func:`typed` converts them once the package is valid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import standard
from ..errors import Issue
from .descriptor import read_descriptor, resource_paths, with_defaults
from .safe_files import read_text_file, symlink_issues

#: a cell longer than this is refused (Python's csv module, which frictionless uses, stops there)
MAX_CELL_CHARS = 131_072


@dataclass
class Package:
    """A data package as read from disk: its descriptor, raw text frames and load issues."""

    path: Path
    descriptor: dict = field(default_factory=dict)
    raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # resource → path relative to the package
    encodings: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    typed_cache: dict[str, pd.DataFrame] | None = field(default=None, repr=False)  # see typed()
    # what was read once from the package's archive (archive_figures.snapshot_outturns), for validation and site
    archive_cache: dict = field(default_factory=dict, repr=False)
    # datapackage.json could not be read, so the files were read by the standard's own names
    # (measures.csv…): validation still checks them, and nothing is ever built from them
    by_standard_names: bool = False

    @property
    def rag(self) -> dict:
        """Package RAG settings with the standard's defaults filled in."""
        rag = dict(standard.DEFAULT_RAG)
        given = self.descriptor.get("rag")
        if isinstance(given, dict):
            rag.update({k: v for k, v in given.items() if v is not None})
        return rag

    def file_of(self, resource: str) -> str:
        return self.files.get(resource, f"{resource}.csv")


def read_csv_text(text: str, resource: str) -> pd.DataFrame:
    """Parse CSV text into a frame of strings ('' when empty), keeping the file's own header.

    Cells of any length are read (see :func:`shape_issues` for the limit)."""
    saved = csv.field_size_limit()
    csv.field_size_limit(max(saved, len(text) + 1))  # the module's default stops at 128 KB with an exception
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(saved)
    header = rows[0] if rows else []
    body = rows[1:]
    if "\r" in text:
        # a line break inside a cell is "\n" from here on: Python's csv writer (3.11) leaves a cell
        # holding a bare "\r" unquoted, and every CSV perfsite writes would then break its rows
        body = [[c.replace("\r\n", "\n").replace("\r", "\n") for c in r] for r in body]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in body]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return frame


def shape_issues(frame: pd.DataFrame, file: str) -> list[Issue]:
    """A repeated column name (the file cannot be checked further) or an over-long cell."""
    issues = []
    seen = set()
    for name in frame.columns:
        if name in seen:
            issues.append(
                Issue(
                    "duplicate-header",
                    f"the header repeats the column {name!r}",
                    file=file,
                    row=1,
                    field=name,
                    value=name,
                    hint="each column appears once: delete or rename the second one",
                )
            )
        seen.add(name)
    if frame.empty or issues:
        return issues
    lengths = frame.apply(lambda column: column.str.len())
    for index, position in zip(*(lengths > MAX_CELL_CHARS).to_numpy().nonzero(), strict=True):
        column = frame.columns[position]
        issues.append(
            Issue(
                "cell-too-long",
                f"the cell is too long ({lengths.iat[index, position]:,} characters; at most {MAX_CELL_CHARS:,})",
                file=file,
                row=int(index) + 2,
                field=column,
                value=frame.iat[index, position][:60],
                hint="shorten the text, or link to a document that holds it",
            )
        )
    return issues


def load(package_dir: str | Path, standard_names: bool = False) -> Package:
    """Read a package folder: descriptor, each resource's text frame, and every load issue.

    ``standard_names``: when datapackage.json cannot be read, read the files the standard names
    (``measures.csv``…) all the same, so that validation lists their problems in the same run."""
    package_dir = Path(package_dir)
    package = Package(path=package_dir)
    descriptor, issues = read_descriptor(package_dir)
    package.issues.extend(issues)
    if issues:
        if not standard_names or any(i.code == "package-not-found" for i in issues):
            return package
        # every problem in one run: the files are still checked, by the names the standard gives them
        paths = {name: f"{name}.csv" for name in standard.RESOURCES if (package_dir / f"{name}.csv").exists()}
        package.by_standard_names = bool(paths)
    else:
        package.descriptor = with_defaults(descriptor)
        paths, issues = resource_paths(package_dir, descriptor)
        package.issues.extend(issues)
    if paths:  # (a folder holding none of the standard's files is not walked)
        package.issues.extend(symlink_issues(package_dir))
    _read_resources(package, paths)
    return package


def _read_resources(package: Package, paths: dict[str, str]) -> None:
    """Read each resource's file into ``package.raw`` (its problems into ``package.issues``)."""
    package_dir = package.path
    for name, rel in paths.items():
        package.files[name] = rel
        text, encoding, issues = read_text_file(package_dir, rel)
        package.issues.extend(issues)
        if text is not None:
            frame = read_csv_text(text, name)
            problems = shape_issues(frame, rel)
            package.issues.extend(problems)
            # a repeated column makes the file ambiguous: it is left out, like an unreadable one
            # (an over-long cell is reported, and the rest of the file is still checked)
            if not any(i.code == "duplicate-header" for i in problems):
                package.raw[name] = frame
                package.encodings[name] = encoding


def _typed_column(values: pd.Series, spec: dict) -> pd.Series:
    kind = spec["type"]
    if kind == "number":
        return pd.to_numeric(values.replace("", None), errors="coerce").astype("float64")
    if kind == "integer":
        numbers = pd.to_numeric(values.replace("", None), errors="coerce").astype("float64")
        # validation refuses what does not fit; typed frames must still be made to report it
        fits = numbers.abs().lt(2**53) & numbers.eq(numbers.round())
        return numbers.where(fits).astype("Int64")
    if kind == "boolean":
        return values.eq("true")
    return values.astype(object)


def typed(package: Package) -> dict[str, pd.DataFrame]:
    """Frames with the schema's types: numbers float (NaN when empty), integers Int64,
    booleans bool (empty = false), text as str ('' when empty). Absent optional
    resources come back empty with the right columns.

    Converted once per package (validation and the build both need them); treat the frames as
    read-only."""
    if package.typed_cache is not None:
        return package.typed_cache
    out = {}
    for name in standard.RESOURCES:
        specs = standard.fields(name)
        raw = package.raw.get(name)
        if raw is None:
            raw = pd.DataFrame({col: pd.Series(dtype=object) for col in specs})
        frame = pd.DataFrame(index=raw.index)
        for col, spec in specs.items():
            values = raw[col] if col in raw.columns else pd.Series("", index=raw.index, dtype=object)
            frame[col] = _typed_column(values, spec)
        out[name] = frame.reset_index(drop=True)
    if "decimal_places" in out["measures"]:
        out["measures"]["decimal_places"] = out["measures"]["decimal_places"].fillna(0).astype("int64")
    if "sort_order" in out["measures"]:
        for name in ("priorities", "objectives", "measures", "projects"):
            out[name]["sort_order"] = out[name]["sort_order"].astype("float64")
    package.typed_cache = out
    return out
