"""A preview is marked wherever it is seen: the DRAFT notice's words, its insertion into any theme's
page (never twice), and the report's wording before, on and after its committee meeting."""

from __future__ import annotations

import datetime
import re

import pytest

from perfsite.files.load import load
from perfsite.site import preview, render
from perfsite.site.figures import figures
from perfsite.site.page import plain

from ..conftest import EXAMPLE

COUNCIL = "Northmoor District Council"
ROWS = [
    {"period": "2026-27-Q1", "status": "published", "committee": "Cabinet", "committee_date": "2026-09-10"},
    {
        "period": "2026-27-Q2",
        "status": "approved",
        "committee": "Overview and Scrutiny Committee",
        "committee_date": "2026-12-03",
    },
]


def test_the_notice_names_the_council_the_quarter_and_the_meeting_it_is_for():
    mark = preview.notice(COUNCIL, ROWS)
    assert mark.text == (
        f"DRAFT — {COUNCIL} — Q2 2026/27, for the Overview and Scrutiny Committee meeting on 3 December 2026"
    )
    assert "2026-27-Q1" not in mark.text and "Q1" not in mark.text  # published: not part of the draft
    assert plain(mark.banner).startswith(mark.text + ". Not for publication")
    assert preview.NOINDEX in mark.head


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (
            [{"period": "2026-27-Q3", "status": "draft", "committee": "The Cabinet", "committee_date": ""}],
            "Q3 2026/27, for the Cabinet (meeting date not yet set)",
        ),
        (
            [{"period": "2026-27-Q3", "status": "draft", "committee": None, "committee_date": "2027-03-11"}],
            "Q3 2026/27, for the committee meeting on 11 March 2027",
        ),
        (
            [
                {
                    "period": "2026-27-Q2",
                    "status": "approved",
                    "committee": "Cabinet",
                    "committee_date": "2026-12-03",
                },
                {
                    "period": "2026-27-Q3",
                    "status": "draft",
                    "committee": "Cabinet",
                    "committee_date": "2027-03-11",
                },
            ],
            "Q2 2026/27, for the Cabinet meeting on 3 December 2026; Q3 2026/27, for the Cabinet meeting on 11 March 2027",
        ),
        ([{"period": "2026-27-Q1", "status": "published"}], "a preview"),
    ],
)
def test_the_notice_of_other_previews(rows, words):
    assert preview.notice(COUNCIL, rows).text == f"DRAFT — {COUNCIL} — {words}"


HOSTILE = 'Borough of "Quotes" </style><script>alert(1)</script> \\ & \n'


def test_a_hostile_council_name_stays_text_in_the_banner_and_the_print_style():
    mark = preview.notice(HOSTILE, ROWS)
    assert "<script>" not in mark.banner and "&lt;script&gt;" in mark.banner
    style = mark.head.split("<style", 1)[1]
    assert style.count("</style>") == 1 and style.endswith("</style>")
    assert "<script>" not in mark.head
    content = re.search(r"content:(\"[^\"]*\")", mark.head).group(1)  # the margin box's one string
    assert content == preview.css_string(" ".join(mark.text.split()))


def test_css_strings_escape_everything_but_plain_text():
    text = 'DRAFT — "x" \\ </style> {}; é'
    literal = preview.css_string(text)
    inner = literal[1:-1]
    assert literal[0] == literal[-1] == '"' and '"' not in inner and "<" not in inner and "{" not in inner
    # reading the escapes back gives the text (CSS consumes one space after a hex escape)
    decoded = re.sub(r"\\([0-9a-f]{6}) ", lambda m: chr(int(m[1], 16)), inner)
    assert decoded == text


MKDOCS_THEME_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Report</title></head>
<body class="homepage"><div class="navbar fixed-top">Council</div>
<div class="container"><div class="col-md-9" role="main"><h1>Report</h1></div></div></body></html>"""


def test_a_page_of_another_theme_gets_the_banner_in_its_main_content_and_the_head_part():
    mark = preview.notice(COUNCIL, ROWS)
    marked = preview.mark_page(MKDOCS_THEME_PAGE, mark)
    head, body = marked.split("</head>")
    assert preview.NOINDEX in head and 'id="ps-draft-print"' in head
    assert '<div class="col-md-9" role="main">' + mark.banner + "\n<h1>Report</h1>" in body
    assert preview.mark_page(marked, mark) == marked  # never twice


def test_the_banner_goes_into_body_without_a_main_landmark_and_first_without_a_body():
    mark = preview.notice(COUNCIL, ROWS)
    page = "<html><head></head><body data-x='1'><p>Hi</p></body></html>"
    assert "<body data-x='1'>" + mark.banner in preview.mark_page(page, mark)
    fragment = preview.mark_page("<p>Hi</p>", mark)
    assert fragment.count(mark.banner) == 1 and preview.NOINDEX in fragment


def test_what_the_theme_placed_is_not_placed_again():
    """Material with perfsite's overrides places the banner and the head part itself; a council's
    own robots meta that says noindex counts, one that does not gets perfsite's beside it."""
    mark = preview.notice(COUNCIL, ROWS)
    themed = f"<html><head>{mark.head}</head><body><main>{mark.banner}<p>x</p></main></body></html>"
    assert preview.mark_page(themed, mark) == themed
    own = '<html><head><meta name="robots" content="index, follow"></head><body><main></main></body></html>'
    assert preview.mark_page(own, mark).count("noindex") == 1
    # the words "ps-draft-banner" in a page's text are not a banner
    text = "<html><head></head><body><main><p>class=&quot;ps-draft-banner&quot;</p></main></body></html>"
    assert mark.banner in preview.mark_page(text, mark)


@pytest.mark.parametrize(
    ("today", "when"),
    [("2026-12-02", "future"), ("2026-12-03", "today"), ("2026-12-04", "past")],
)
def test_meeting_when(monkeypatch, today, when):
    monkeypatch.setattr(preview, "today", lambda: datetime.date.fromisoformat(today))
    assert preview.meeting_when("2026-12-03") == when
    assert preview.meeting_when("") == "" and preview.meeting_when(None) == ""


@pytest.fixture(scope="module")
def renderer():
    package = load(EXAMPLE)
    return figures(package, True, None, render.environment()).renderer


def report_meta(renderer, quarter: str) -> str:
    page = renderer.quarter_report(quarter)[f"reports/{quarter.lower()}/index.md"]
    return plain(re.search(r"<p class=\"ps-meta\">(.*?)</p>", page.html, re.S).group(1)).replace(" .", ".")


@pytest.mark.parametrize(
    ("today", "words"),
    [
        (
            "2026-11-20",
            "To be considered by the Overview and Scrutiny Committee on 3 December 2026. Not yet published.",
        ),
        (
            "2026-12-03",
            "For the Overview and Scrutiny Committee meeting today, 3 December 2026; not yet published.",
        ),
        (
            "2026-12-10",
            "Considered by the Overview and Scrutiny Committee on 3 December 2026; not yet published.",
        ),
    ],
)
def test_a_report_not_yet_published_speaks_of_its_meeting_in_the_right_tense(
    renderer, monkeypatch, today, words
):
    monkeypatch.setattr(preview, "today", lambda: datetime.date.fromisoformat(today))
    meta = report_meta(renderer, "2026-27-Q2")
    assert meta == f"Council Plan performance report, Q2 2026/27. {words} Read the committee report."


def test_a_published_report_says_when_it_was_considered_and_published(renderer, monkeypatch):
    monkeypatch.setattr(preview, "today", lambda: datetime.date(2030, 1, 1))
    assert report_meta(renderer, "2026-27-Q1") == (
        "Council Plan performance report, Q1 2026/27. Considered by the Overview and Scrutiny Committee "
        "on 10 September 2026. Published 15 September 2026. Read the committee report."
    )
