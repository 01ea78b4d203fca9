"""What the plugin checks and adds among a site's files: clashes with a council's own pages, the
performance section of the navigation, links to folders, and the compact search entry of a page."""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

from .. import sitegen


def _where(file: File, project: Path) -> str:
    """A file of the site as its owner knows it: its path in the project, or where it comes from."""
    if file.abs_src_path and not file.generated_by:
        source = Path(file.abs_src_path)
        return source.relative_to(project).as_posix() if source.is_relative_to(project) else str(source)
    return f"{file.src_uri} (made by {file.generated_by or 'the theme'})"


def _clashes(mine: dict[str, str], theirs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Where a file of the site (``theirs``: who, written path) would be written to the address
    of one of perfsite's (``mine``: written path → perfsite's own path), or would need a folder
    where perfsite writes a file, or the reverse: ``(their file, written path, what perfsite has
    there)``. Paths are compared as a case-insensitive web host or disk would."""
    at = {dest.casefold(): dest for dest in mine}
    folders = {parent.casefold(): parent for dest in mine for parent in _parents(dest)}
    found = []
    for source, dest in theirs:
        key = dest.casefold()
        if key in at:
            found.append((source, dest, f"perfsite writes its page or file {mine[at[key]]}"))
        elif key in folders:
            found.append((source, dest, f"perfsite needs the folder {folders[key]}/"))
        elif clash := next((p for p in _parents(key) if p in at), None):
            found.append((source, dest, f"perfsite writes the file {at[clash]}"))
    return found


def _parents(path: str) -> list[str]:
    """The folders a written path needs: ``a/b/c.html`` → ``a``, ``a/b``."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


#: a relative link to a folder: not a scheme (https:, mailto:), not from the root, not an anchor
_FOLDER_LINK = re.compile(r'(\shref=")(?![A-Za-z][A-Za-z0-9+.-]*:|/|#)([^"#?]*/)([?#][^"]*)?"')


def file_links(text: str) -> str:
    """``href="measures/"`` → ``href="measures/index.html"`` (and ``../`` → ``../index.html``)."""
    return _FOLDER_LINK.sub(lambda m: f'{m[1]}{m[2]}index.html{m[3] or ""}"', text)


def _mentions(item, prefix: str) -> bool:
    """Whether a navigation entry (a path, or a section of them) points into ``prefix``."""
    if isinstance(item, str):
        return item.lstrip("/").startswith(prefix) or item.strip("/") + "/" == prefix
    if isinstance(item, dict):
        return any(_mentions(child, prefix) for child in item.values())
    if isinstance(item, list):
        return any(_mentions(child, prefix) for child in item)
    return False


def _rendered(page, generated: sitegen.Page, config, files) -> None:
    """``Page.render`` for a page perfsite rendered: what MkDocs' Markdown pass would have set."""
    page.content = ""  # the HTML is handed over later (on_page_content, on_page_context)
    page.toc = get_toc(_toc_tokens(generated.toc))
    page.present_anchor_ids = {slug for _, slug, _ in generated.toc}
    page.links_to_anchors = {}


def _toc_tokens(headings) -> list[dict]:
    """Python-Markdown's toc_tokens shape, which MkDocs' get_toc reads, from (level, id, text)."""
    tokens: list[dict] = []
    stack: list[dict] = []
    for level, slug, text in headings:
        token = {
            "level": level,
            "id": slug,
            "name": html.escape(text),
            "html": html.escape(text),
            "children": [],
        }
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
    return tokens
