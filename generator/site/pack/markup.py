"""Package text as typst markup: escaped so that it prints as typed and can never run typst code,
and the sanitised officer HTML the site shows rebuilt from its few tags."""

from __future__ import annotations

import string
from functools import lru_cache
from html.parser import HTMLParser

_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\t"): "\\t"}
_ESCAPES.update({c: f"\\u{{{c:x}}}" for c in (*range(32), 127) if c not in _ESCAPES})


def lit(text: object) -> str:
    """``text`` as a typst string literal: shown exactly as typed, never read as markup or code."""
    return '"' + ("" if text is None else str(text)).translate(_ESCAPES) + '"'


#: every ASCII punctuation mark is escaped in markup: none can start markup, code or a comment
_MARKUP = {ord(ch): "\\" + ch for ch in string.punctuation}
_MARKUP.update({c: " " for c in (*range(32), 127) if chr(c) not in "\n\t"})


def t(text: object) -> str:
    """``text`` placed in markup, every punctuation mark escaped (``\\#``, ``\\*``, ``\\[``…), so
    it prints as typed. (Cheaper for typst than a string literal, ``#"…";``: a pack holds tens of
    thousands of them.)"""
    return ("" if text is None else str(text)).translate(_MARKUP)


class _Html(HTMLParser):
    """Sanitised officer HTML (:func:`generator.text.officer_markdown`) to typst markup."""

    OPEN = {
        "em": "#emph[",
        "strong": "#strong[",
        "blockquote": "#quote(block: true)[",
        "h1": "\n#heading(level: 4)[",
        "h2": "\n#heading(level: 4)[",
        "h3": "\n#heading(level: 5)[",
        "h4": "\n#heading(level: 5)[",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[str] = []
        self.stack: list[str] = []
        self.code: list[str] | None = None
        # a table (perfsite's own text only: officer prose has none): its rows of cells, and
        # where the cell being read starts in ``out``
        self.rows: list[list[str]] | None = None
        self.cell: int | None = None
        self.header = 0  # rows in <thead>

    def _table_tag(self, tag: str, start: bool) -> bool:
        if tag == "table":
            if start:
                self.rows, self.header = [], 0
            elif self.rows is not None:
                width = max((len(r) for r in self.rows), default=1)
                cells = [f"[{c}]" for r in self.rows for c in r + [""] * (width - len(r))]
                head = ", ".join(cells[: width * self.header])
                body = ", ".join(cells[width * self.header :])
                header = f"table.header({head}), " if head else ""
                self.out.append(f"\n#table(columns: {width}, {header}{body})\n")
                self.rows = None
            return True
        if self.rows is None:
            return False
        if tag == "tr" and start:
            self.rows.append([])
        elif tag in ("td", "th"):
            if start:
                self.cell = len(self.out)
            elif self.cell is not None and self.rows:
                self.rows[-1].append("".join(self.out[self.cell :]).strip())
                del self.out[self.cell :]
                self.cell = None
        elif tag == "thead" and not start:
            self.header = len(self.rows)
        return tag in ("tr", "td", "th", "thead", "tbody")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._table_tag(tag, True):
            return
        if tag == "code":
            self.code = []
            return
        if tag == "p":
            self.out.append("\n\n")
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.out.append("\n")
        elif tag == "li":
            mark = "+" if self.lists and self.lists[-1] == "ol" else "-"
            self.out.append("\n" + "  " * max(len(self.lists) - 1, 0) + mark + " ")
        elif tag == "br":
            self.out.append(" \\\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.out.append(f"#link({lit(href)})[")
            self.stack.append(tag)
        elif tag in self.OPEN:
            self.out.append(self.OPEN[tag])
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._table_tag(tag, False):
            return
        if tag == "code" and self.code is not None:
            self.out.append(f"#raw({lit(''.join(self.code))});")
            self.code = None
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n\n")
        elif tag == "p":
            self.out.append("\n\n")
        elif self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self.out.append("]" + ("\n" if tag.startswith("h") else ""))

    def handle_data(self, data: str) -> None:
        if self.code is not None:
            self.code.append(data)
        elif data.strip():
            # runs of white space (line breaks inside a paragraph) are one space, as in HTML
            lead = " " if data[:1].isspace() else ""
            tail = " " if data[-1:].isspace() else ""
            self.out.append(lead + t(" ".join(data.split())) + tail)
        elif data and self.out and not self.out[-1].endswith("\n"):
            self.out.append(" ")


@lru_cache(maxsize=4096)
def from_html(fragment: str) -> str:
    """Sanitised officer HTML as typst markup (empty for none)."""
    if not fragment:
        return ""
    parser = _Html()
    parser.feed(fragment)
    parser.close()
    while parser.stack:  # unclosed tags cannot come from nh3; close them anyway
        parser.stack.pop()
        parser.out.append("]")
    return "".join(parser.out).strip()
