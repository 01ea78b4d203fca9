"""Officer text is rendered as limited Markdown and sanitised: no HTML from the data reaches a page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from perfsite.site.text import ALLOWED_TAGS, officer_markdown

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"></svg>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert(payload):
    html = str(officer_markdown(f"Before {payload} after"))
    for tag, attrs in Elements(html).tags:
        assert tag in ALLOWED_TAGS, html
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        href = attrs.get("href")
        assert href is None or href.split(":", 1)[0] in ("http", "https", "mailto"), html
    assert "Before" in html and "after" in html


def test_limited_markdown_is_kept():
    html = str(
        officer_markdown("Recycling *rose* to **47%**:\n\n- more bins\n- [details](https://example.gov.uk/a)")
    )
    assert "<em>rose</em>" in html and "<strong>47%</strong>" in html
    assert "<li>more bins</li>" in html
    assert 'href="https://example.gov.uk/a"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_typed_html_is_shown_as_text():
    html = str(officer_markdown("Less than <5 days & falling"))
    assert "&lt;5 days &amp; falling" in html


def test_empty_text_renders_nothing():
    assert str(officer_markdown("")) == "" and str(officer_markdown(None)) == ""
