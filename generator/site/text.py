"""Officer-written text made safe for the page.

Commentary, project updates and exception reports are written by officers in limited
Markdown. Validation already refuses HTML in them; this is the second wall: the Markdown
is rendered and then sanitised with nh3, allowing only a few formatting tags and
``http``, ``https`` and ``mailto`` links, so no HTML from the data can reach a page.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_MARKDOWN = markdown.Markdown(output_format="html")  # reused: building a Markdown instance per cell is slow


@lru_cache(maxsize=16384)
def officer_markdown(text: str | None) -> Markup:
    """Render officer Markdown to sanitised HTML (empty markup for empty text).

    Cached: the same exception report or update appears on several pages."""
    if not text or not str(text).strip():
        return Markup("")
    # escape first: whatever HTML an officer typed is shown as text, never parsed
    rendered = _MARKDOWN.reset().convert(html.escape(str(text), quote=False))
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


#: the only package fields written in (limited) Markdown; every other field is plain text
MARKDOWN_FIELDS = {
    "outturns": ("commentary",),
    "exceptions": ("overview", "actions", "benchmarking"),
    "project_updates": ("update",),
}

_CODE = re.compile(r"`([^`]+)`")


def code_spans(text: object) -> Markup:
    """Plain text with its `backtick` spans shown as code (for the schemas' own descriptions)."""
    escaped = html.escape("" if text is None else str(text), quote=False)
    return Markup(_CODE.sub(r"<code>\1</code>", escaped))
