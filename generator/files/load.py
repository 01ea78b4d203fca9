"""Load: read a council's data package from disk into pandas frames.

This is the only module that reads the package. It never raises for bad input: a
problem with the package itself (no ``datapackage.json``, an unsafe path, a file that
is not UTF-8) becomes an :class:`~perfsite.errors.Issue` and the resource is left out.
Cells are read as text (``""`` when empty) so the checks can quote exactly what the
officer wrote; :func:`typed` converts them once the package is valid.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import standard
from ..errors import Issue

#: a resource file larger than this is refused: a council's package is a few MB
MAX_FILE_BYTES = 100 * 1024 * 1024
#: a cell longer than this is refused (Python's csv module, which frictionless uses, stops there)
MAX_CELL_CHARS = 131_072
#: datapackage.json nested deeper than this is refused before it can exhaust the stack
MAX_JSON_DEPTH = 64


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
    # what was read once from the package's archive (archive.snapshot_outturns), for validation and site
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


def _is_url(path: str) -> bool:
    return "://" in path or path.startswith("//")


def _outside(package_dir: Path, target: Path) -> bool:
    """True when ``target`` leads outside the package folder, or nowhere (a symbolic link loop)."""
    try:
        target.resolve().relative_to(package_dir.resolve())
        return False
    except ValueError:
        return True
    except (OSError, RuntimeError):  # a link loop: RuntimeError before Python 3.13, OSError after
        return True


def _loops(path: Path) -> bool:
    """True for a symbolic link that never reaches a file or folder (it points to itself)."""
    try:
        path.resolve(strict=True)
        return False
    except RuntimeError:
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP


def _not_regular(path: Path) -> str | None:
    """Why ``path`` cannot be read as a resource file, or None when it is an ordinary file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # missing: reported as file-missing
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "it is not an ordinary file (a pipe, a device or a socket)"
    return None


def read_descriptor(package_dir: Path) -> tuple[dict, list[Issue]]:
    """Read ``datapackage.json``; problems come back as issues, never as exceptions."""
    path = package_dir / "datapackage.json"
    try:
        is_folder = package_dir.is_dir()
    except OSError as exc:  # a name too long for the system, a folder on the way that cannot be read
        return {}, [
            Issue(
                "package-not-found",
                f"no package folder at {package_dir}: it cannot be looked at ({exc.strerror or exc})",
                hint="give the folder that holds datapackage.json",
            )
        ]
    if not is_folder:
        if package_dir.is_symlink() and _loops(package_dir):
            why = "it is a symbolic link that points to itself"
        elif package_dir.exists():
            why = "it is a file, not a folder"
        else:
            why = "it does not exist"
        return {}, [
            Issue(
                "package-not-found",
                f"no package folder at {package_dir}: {why}",
                hint="give the folder that holds datapackage.json",
            )
        ]
    odd = _not_regular(path) or ("it is a symbolic link that points to itself" if _loops(path) else None)
    if odd:
        return {}, [
            Issue(
                "descriptor-unreadable",
                f"datapackage.json cannot be read: {odd}",
                file="datapackage.json",
                hint="datapackage.json must be an ordinary JSON file in the package folder",
            )
        ]
    if not path.is_file():
        return {}, [
            Issue(
                "descriptor-missing",
                "there is no datapackage.json in the package folder",
                file="datapackage.json",
                hint="run `perfsite init DIR` to start a package, or check the folder name",
            )
        ]
    if path.is_symlink() and _outside(package_dir, path):
        return {}, [
            Issue(
                "symlink-outside",
                "datapackage.json is a symbolic link to a file outside the package folder",
                file="datapackage.json",
                hint="copy the file into the package instead of linking to it",
            )
        ]
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return {}, [
                Issue(
                    "file-too-large",
                    f"datapackage.json is {size / 1e6:.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MB perfsite accepts",
                    file="datapackage.json",
                    hint="check it is the right file; a package descriptor is a few KB",
                )
            ]
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return {}, [_unreadable("datapackage.json", exc)]
    except RecursionError:
        return {}, [_too_deep()]
    except UnicodeDecodeError:
        return {}, [
            Issue(
                "descriptor-encoding",
                "datapackage.json is not UTF-8",
                file="datapackage.json",
                hint="save it as UTF-8",
            )
        ]
    except json.JSONDecodeError as exc:
        return {}, [
            Issue(
                "descriptor-invalid-json",
                f"datapackage.json is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                file="datapackage.json",
                hint="check for a missing comma or quote near that line",
            )
        ]
    if _depth(descriptor) > MAX_JSON_DEPTH:
        return {}, [_too_deep()]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return {}, [
            Issue(
                "descriptor-no-resources",
                "datapackage.json has no list of resources",
                file="datapackage.json",
                field="resources",
                hint='list each resource, e.g. {"name": "measures", "path": "measures.csv"}',
            )
        ]
    return descriptor, []


def with_defaults(descriptor: dict) -> dict:
    """The descriptor with the optional properties the site reads filled in (a copy).

    A council may leave out its website or contact address, and a licence may give only its
    name or only its path (valid Frictionless); the known licences get their address back."""
    out = dict(descriptor)
    council = out.get("council")
    if isinstance(council, dict):
        out["council"] = {"website": "", "contact_email": "", **council}
    licences = out.get("licenses")
    if isinstance(licences, list):
        out["licenses"] = [_licence_with_defaults(e) if isinstance(e, dict) else e for e in licences]
    return out


def _licence_with_defaults(licence: dict) -> dict:
    """A licence with a path (known licences' address, else none) and a title (else its name)."""
    filled = {"path": standard.KNOWN_LICENCES.get(str(licence.get("name")), ""), **licence}
    filled.setdefault("title", str(licence.get("name") or filled["path"]))
    return filled


def _unreadable(rel: str, exc: OSError) -> Issue:
    """A file the system would not let perfsite read (no permission, an input/output error)."""
    return Issue(
        "file-unreadable",
        f"the file cannot be read: {exc.strerror or exc}",
        file=rel,
        hint="check the file's permissions (it must be readable by the account running perfsite)",
    )


def _too_deep() -> Issue:
    return Issue(
        "descriptor-too-deep",
        f"datapackage.json is nested more than {MAX_JSON_DEPTH} levels deep",
        file="datapackage.json",
        hint="a package descriptor is a few levels deep: check for brackets repeated by mistake",
    )


def _depth(value: object) -> int:
    """How deeply lists and objects nest (iterative: the check must not itself overflow)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def resource_paths(package_dir: Path, descriptor: dict) -> tuple[dict[str, str], list[Issue]]:
    """Map each standard resource to its file, refusing unsafe or missing paths."""
    issues: list[Issue] = []
    paths: dict[str, str] = {}
    seen = set()
    for index, entry in enumerate(descriptor.get("resources", [])):
        where = f"resources[{index}]"
        if not isinstance(entry, dict):
            issues.append(
                Issue(
                    "descriptor-bad-resource",
                    "a resource entry is not an object",
                    file="datapackage.json",
                    field=where,
                )
            )
            continue
        name = entry.get("name")
        path = entry.get("path")
        if name not in standard.RESOURCES:
            issues.append(
                Issue(
                    "unknown-resource",
                    f"resource {name!r} is not part of the perfsite standard and is ignored",
                    file="datapackage.json",
                    field=f"{where}.name",
                    value=str(name),
                    hint="resources are: " + ", ".join(standard.RESOURCES),
                    severity="warning",
                )
            )
            continue
        if name in seen:
            issues.append(
                Issue(
                    "duplicate-resource",
                    f"resource {name!r} is listed twice",
                    file="datapackage.json",
                    field=f"{where}.name",
                )
            )
            continue
        seen.add(name)
        if not isinstance(path, str) or not path:
            issues.append(
                Issue(
                    "resource-no-path",
                    f"resource {name!r} has no path",
                    file="datapackage.json",
                    field=f"{where}.path",
                    hint=f'add "path": "{name}.csv"',
                )
            )
            continue
        problem = None
        if _is_url(path):
            problem = "is a URL; the package must be self-contained"
        elif os.path.isabs(path) or path.startswith(("/", "\\")):
            problem = "is an absolute path"
        elif ".." in Path(path).parts or ".." in path.replace("\\", "/").split("/"):
            problem = "goes outside the package folder (contains ..)"
        if problem:
            issues.append(
                Issue(
                    "unsafe-path",
                    f"the path of resource {name!r} {problem}",
                    file="datapackage.json",
                    field=f"{where}.path",
                    value=path,
                    hint=f"put the file inside the package folder and write a relative path such as {name}.csv",
                )
            )
            continue
        paths[name] = path
    for name in standard.RESOURCES:
        if name not in seen and name not in standard.OPTIONAL_RESOURCES:
            issues.append(
                Issue(
                    "resource-missing",
                    f"the package has no {name!r} resource",
                    file="datapackage.json",
                    field="resources",
                    hint=f'add {{"name": "{name}", "path": "{name}.csv"}} and the CSV (perfsite init writes an empty one)',
                )
            )
    return paths, issues


def symlink_issues(package_dir: Path) -> list[Issue]:
    """Symlinks that point outside the package would publish files the officer never meant to."""
    issues = []
    for root, dirs, files in os.walk(package_dir):  # links to folders are not followed
        for name in sorted(dirs + files):
            p = Path(root) / name
            if p.is_symlink() and _loops(p):
                issues.append(
                    Issue(
                        "symlink-loop",
                        "a symbolic link points to itself (directly or through other links)",
                        file=str(p.relative_to(package_dir)),
                        value=_readlink(p),
                        hint="delete the link",
                    )
                )
            elif p.is_symlink() and _outside(package_dir, p):
                issues.append(
                    Issue(
                        "symlink-outside",
                        "a symbolic link points outside the package folder",
                        file=str(p.relative_to(package_dir)),
                        value=_readlink(p),
                        hint="copy the file into the package instead of linking to it",
                    )
                )
    return issues


def _readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def read_text_file(package_dir: Path, rel: str) -> tuple[str | None, str, list[Issue]]:
    """Read a resource file as UTF-8 text; returns (text, encoding, issues)."""
    path = package_dir / rel
    if _outside(package_dir, path):
        return None, "utf-8", []  # only through a link, which symlink_issues reports
    odd = _not_regular(path)
    if odd:
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-not-regular",
                    f"the file cannot be read: {odd}",
                    file=rel,
                    hint="point the resource's path in datapackage.json at its CSV file",
                )
            ],
        )
    if not path.is_file():
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-missing",
                    "the file does not exist",
                    file=rel,
                    hint="check the path in datapackage.json and the file name",
                )
            ],
        )
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        return None, "utf-8", [_unreadable(rel, exc)]
    if size > MAX_FILE_BYTES:
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-too-large",
                    f"the file is {size / 1e6:.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MB perfsite accepts",
                    file=rel,
                    hint="check it is the right file; a council's resource is usually well under 10 MB",
                )
            ],
        )
    if not data.strip():
        return (
            None,
            "utf-8",
            [Issue("file-empty", "the file is empty", file=rel, hint="it needs at least the header row")],
        )
    if b"\x00" in data[:65536]:
        return (
            None,
            "utf-8",
            [
                Issue(
                    "file-binary",
                    "the file is not a CSV text file (it holds binary data)",
                    file=rel,
                    hint="export the sheet as CSV UTF-8",
                )
            ],
        )
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"  # Excel's "CSV UTF-8" writes a byte order mark; it is still UTF-8
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (
            None,
            encoding,
            [
                Issue(
                    "file-not-utf8",
                    f"the file is not UTF-8 (byte {data[exc.start]:#x} on line {line})",
                    file=rel,
                    row=line,
                    hint="save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)",
                )
            ],
        )
    return text, encoding, []


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
