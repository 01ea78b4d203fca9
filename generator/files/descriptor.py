"""Reading ``datapackage.json``, the package's descriptor: its JSON, within safe limits, with
perfsite's defaults filled in, and the file each standard resource is in (refusing a path that is
a web address, leads outside the package folder or is missing)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import standard
from ..errors import Issue
from . import safe_files

#: datapackage.json nested deeper than this is refused before it can exhaust the stack
MAX_JSON_DEPTH = 64


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
        if package_dir.is_symlink() and safe_files.loops(package_dir):
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
    odd = safe_files.not_regular(path) or (
        "it is a symbolic link that points to itself" if safe_files.loops(path) else None
    )
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
    if path.is_symlink() and safe_files.outside(package_dir, path):
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
        if size > safe_files.MAX_FILE_BYTES:
            return {}, [
                Issue(
                    "file-too-large",
                    f"datapackage.json is {size / 1e6:.0f} MB, more than the {safe_files.MAX_FILE_BYTES // 2**20} MB perfsite accepts",
                    file="datapackage.json",
                    hint="check it is the right file; a package descriptor is a few KB",
                )
            ]
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return {}, [safe_files.unreadable("datapackage.json", exc)]
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


def _is_url(path: str) -> bool:
    return "://" in path or path.startswith("//")


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
