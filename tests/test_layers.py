"""The layout keeps the pipeline honest: each layer of perfsite imports only the layers below it,
and no module imports itself back through others (no import cycle).

The layers, bottom up: the shared modules at the top of the package (errors, parallel), the data
standard, the rules (pure), files (the disk), validation, the site, the commands, and the command
line. Every import is read from the source (ast), so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generator"
PACKAGE = "perfsite"

#: the floors, bottom up; a module may import its own floor and the floors below it
FLOORS = ["shared", "standard", "rules", "files", "validation", "site", "commands", "cli"]
ENTRY = {"perfsite.cli", "perfsite.__main__"}  # the command line: the top floor
#: the modules at the top of the package, shared by every floor
SHARED = {"perfsite", "perfsite.errors", "perfsite.parallel"}
#: modules over 400 lines that are still to be split along their seams; none may grow, none may join
LONG_MODULES: dict[str, int] = {}
MAX_LINES = 400


def floor(module: str) -> int:
    """The floor of a dotted module name under perfsite."""
    if module in ENTRY:
        return FLOORS.index("cli")
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FLOORS:
        return FLOORS.index(parts[1])
    return FLOORS.index("shared")  # perfsite itself, errors, parallel


def module_name(path: Path, source: Path = SOURCE) -> str:
    parts = list(path.relative_to(source).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([PACKAGE, *parts])


def modules(source: Path = SOURCE) -> dict[str, Path]:
    return {module_name(p, source): p for p in sorted(source.rglob("*.py")) if "__pycache__" not in p.parts}


def imports(module: str, text: str, is_package: bool, known: set[str]) -> set[str]:
    """The perfsite modules ``module`` imports: ``from . import x`` names the module ``x`` when
    there is one, else the package it comes from."""
    here = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == PACKAGE:
                target = node.module
            else:
                continue
            for alias in node.names:
                child = f"{target}.{alias.name}"
                found.add(child if child in known else target)
    found.discard(module)
    return found


def graph(source: Path = SOURCE) -> dict[str, set[str]]:
    found = modules(source)
    known = set(found)
    return {
        name: imports(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", known)
        for name, path in found.items()
    }


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Every import of a floor above the importer's own."""
    return sorted(
        f"{m} ({FLOORS[floor(m)]}) imports {t} ({FLOORS[floor(t)]})"
        for m, targets in edges.items()
        for t in targets
        if floor(t) > floor(m)
    )


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: groups of modules that reach each other (Tarjan's strongly connected
    components, iteratively), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_each_layer_imports_only_the_layers_below_it():
    assert upward(graph()) == []


def test_no_import_cycle():
    assert cycles(graph()) == []


def test_the_site_never_imports_a_command():
    edges = graph()
    assert not [
        (m, t) for m, ts in edges.items() if m.startswith("perfsite.site") for t in ts if ".commands" in t
    ]


def test_every_module_is_on_a_floor_and_says_what_it_does():
    """A new folder or top-level module is placed on a floor here before it is used."""
    unplaced = [name for name in modules() if name not in SHARED | ENTRY and name.split(".")[1] not in FLOORS]
    assert unplaced == [], f"put these on a floor (FLOORS, SHARED) in tests/test_layers.py: {unplaced}"
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree) or path.stat().st_size == 0, f"{name} has no docstring"


def test_no_module_grows_past_400_lines():
    """Modules over 400 lines are listed until they are split; a listed one may only shrink."""
    for name, path in modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= max(MAX_LINES, LONG_MODULES.get(name, 0)), f"{name}: {lines} lines"


def test_the_guard_sees_a_bad_import_and_a_cycle(tmp_path):
    """The checks above fail on an upward import and on a cycle (a planted package)."""
    source = tmp_path / "generator"
    for folder in ("rules", "site", "files"):
        (source / folder).mkdir(parents=True)
        (source / folder / "__init__.py").write_text('"""A floor."""\n')
    (source / "__init__.py").write_text('"""perfsite."""\n')
    (source / "rules" / "gate.py").write_text('"""Gate."""\nfrom ..site import render\n')
    (source / "site" / "render.py").write_text('"""Render."""\nfrom . import page\n')
    (source / "site" / "page.py").write_text('"""Page."""\ndef f():\n    from .render import x\n')
    (source / "files" / "load.py").write_text('"""Load."""\nfrom perfsite.rules import gate\n')
    edges = graph(source)
    assert upward(edges) == ["perfsite.rules.gate (rules) imports perfsite.site.render (site)"]
    assert cycles(edges) == [["perfsite.site.page", "perfsite.site.render"]]
    assert edges["perfsite.files.load"] == {"perfsite.rules.gate"}
