"""Every headline tells the truth: counts, changes and trends agree wherever a quarter is shown.

The counts are read back out of the built site (:mod:`tests.headline_reader`) — the sentences,
the tiles, the status and "on target" lists, the list of changes, the report's rows, the SVG,
headlines.csv, performance.csv and the feed — and held to each other, for every report of the
example council, of generated packages, of a 500-measure council and of a council whose measures
are mostly annual.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings

from perfsite.commands import publish
from perfsite.commands.synth import synthesise
from perfsite.errors import errors_of
from perfsite.validation.validate import validate

from .. import headline_reader as reader
from ..annual_package import OUTAGE, annual_council
from ..conftest import build_site
from ..strategies import packages, write_package

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
EXAMPLES = int(os.environ.get("PERFSITE_HEADLINE_EXAMPLES", "6"))


def test_every_report_of_the_example_agrees_with_itself(example_site):
    site = example_site[0]
    assert reader.included_quarters(site)
    assert reader.disagreements(site) == []


@settings(
    deadline=None,
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example builds a site
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=packages())
def test_every_report_of_a_generated_package_agrees_with_itself(spec):
    with tempfile.TemporaryDirectory(prefix="perfsite-headlines-") as tmp:
        package = write_package(spec, Path(tmp) / "package")
        _, issues = validate(package)
        if any(i.code != "published-without-snapshot" for i in errors_of(issues)):
            event("refused")
            return
        if errors_of(issues):  # published before perfsite: archived as `publish --adopt` does
            publish.adopt(package, today=dt.date(2100, 1, 1))
        event("built")
        # the preview shows every quarter, drafts too, so more reports are compared
        out, _ = build_site(package, Path(tmp) / "build", preview=True)
        assert reader.disagreements(out) == []


@pytest.fixture(scope="module")
def large_site(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("large")
    package = synthesise(where / "pkg", measures=500, years=2, projects=10, seed=21)
    out, _ = build_site(package, where)
    return out


def test_a_500_measure_council_agrees_with_itself(large_site):
    # a report this large is split into a page per priority: its rows are read from those pages
    assert list((large_site / "reports").glob("*/*/index.html"))
    assert reader.disagreements(large_site) == []


# -- a council whose measures are mostly annual --------------------------------------------------------
@pytest.fixture(scope="module")
def annual_package(tmp_path_factory) -> Path:
    return annual_council(tmp_path_factory.mktemp("annual") / "pkg")


@pytest.fixture(scope="module")
def annual_site(annual_package) -> Path:
    out, _ = build_site(annual_package, annual_package.parent)
    return out


def test_status_lists_the_changes_the_report_lists(annual_package, annual_site):
    """`perfsite status` counts what changed by the site's rule: the same measures, the same kinds."""
    from perfsite.commands.status import status

    for quarter in reader.included_quarters(annual_site)[1:]:
        listed = reader.read_report(annual_site, quarter).changes
        said = status(annual_package, quarter)
        assert sorted(c["measure_id"].lower() for c in said.changes) == sorted(
            m for kind in listed.values() for m in kind
        ), quarter
    # and the command says the headline in the site's words, with how many had a figure
    from click.testing import CliRunner

    from perfsite.cli import cli

    shown = CliRunner().invoke(cli, ["status", str(annual_package), "2025-26-Q1"]).output
    assert reader.read_report(annual_site, "2025-26-Q1").headlines[0] in shown
    assert "2 of the 4 rated measures (50%) were on or better than target (green)." in shown


def test_the_annual_council_agrees_with_itself(annual_site):
    assert reader.included_quarters(annual_site) == [
        "2024-25-Q1", "2024-25-Q2", "2024-25-Q4", "2025-26-Q1", "2025-26-Q2",
    ]  # fmt: skip
    assert reader.disagreements(annual_site) == []


def _words(path: Path) -> str:
    return reader.text(reader.article(path))


#: what the site said before it counted honestly: never again, on any page
DISHONEST = [
    r"counting green, amber and grey",
    r"\d+ of 27 measures (?:were )?on (?:or better than )?target",
    r"Of 27 measures reported",
    r"moved to a better status and 0 to a worse one",
    r"(?<!\d)0% (?:Q2 2024/25|none)",
]


def test_home_page_of_a_mostly_annual_council_says_how_many_had_a_figure(annual_site):
    words = _words(annual_site / "index.html")
    assert (
        "In Q2 2025/26 (July to September 2025), 2 of the 3 rated measures (67%) were on or better" in words
    )
    assert (
        "6 of 27 measures had a figure for Q2 2025/26; 21 had no figure yet (20 of them reported at the end of the year)."
        in words
    )
    assert "up from 50% (2 of 4) in Q1 2025/26" in words  # the counts beside the share: bases differ
    assert "3 measures with a figure are not rated against a target." in words
    assert "Grey 24 not rated: 3 with a figure but no rating, 21 with no figure yet" in words
    assert "Reported once a year: the latest figure, for 2024/25, was 55.0%, rated green." in words
    for pattern in DISHONEST:
        assert not re.search(pattern, words), pattern


def test_a_quarter_with_nothing_rated_is_a_gap_never_zero(annual_site):
    report = _words(annual_site / "reports" / "2024-25-q2" / "index.html")
    assert (
        "3 of 27 measures had a figure for Q2 2024/25; 24 had no figure yet (20 of them reported at the end of the year)."
        in report
    )
    assert "No measure could be rated, so none is counted as on target." in report
    assert "none rated Q2 2024/25" in report  # the trend: words where the bar would be
    assert not re.search(r"(?<![\d.])0%", report)
    # the next report's trend: Q2 is a gap, Q3 (no report) is a gap, and "up" compares with Q1
    q4 = _words(annual_site / "reports" / "2024-25-q4" / "index.html")
    assert "Share of rated measures on target (green), Q1 2024/25 to Q4 2024/25" in q4
    assert "75% Q1 2024/25 none rated Q2 2024/25 no report Q3 2024/25" in q4
    assert re.search(
        r"\(\d+%\) were on or better than target \(green\), (?:up|down) from 75% \(3 of 4\) in Q1 2024/25", q4
    )
    # the image and the CSV: no 0% and no 0 for the quarter with nothing rated
    svg = " ".join(reader.read_svg(annual_site, "2024-25-Q2"))
    assert "none rated" in svg and not re.search(r"(?<![\d.])0%", svg)
    svg_q4 = reader.read_svg(annual_site, "2024-25-Q4")
    assert "no report" in svg_q4 and "none rated" in svg_q4 and "0%" not in svg_q4
    row = next(
        r
        for r in reader.read_csv(annual_site / "data" / "headlines.csv")
        if r["period"] == "2024-25-Q2" and not r["priority_id"]
    )
    assert (row["rated"], row["share_on_target"], row["with_figure"], row["not_due"]) == ("0", "", "3", "20")
    # the reports' page: a row saying no report was published, and "none rated" instead of 0%
    index = _words(annual_site / "reports" / "index.html")
    assert "Q3 2024/25 No report was published for this quarter." in index
    assert re.search(r"Q2 2024/25 0 0 0 27 27 3 0 none rated", index)
    figure = json.loads(
        html.unescape(
            re.search(
                r'id="chart-status-by-quarter" data-figure="([^"]+)"',
                (annual_site / "reports" / "index.html").read_text(encoding="utf-8"),
            ).group(1)
        )
    )
    labels = [label.replace("<br>", " ") for label in figure["data"][0]["y"]]
    # its text alternative says what a bar is: a quarter, never a priority
    words = (annual_site / "reports" / "index.html").read_text(encoding="utf-8")
    alternatives = re.findall(r"<desc[^>]*>([^<]*)</desc>", words)
    assert alternatives and all("quarter by quarter" in d and "by priority" not in d for d in alternatives)
    assert all("Q3 2024/25 (no report);" in d for d in alternatives)
    # counts of measures, never a share: no percentage in the chart's data
    assert "Q3 2024/25 (no report)" in labels and not re.search(r"\d%", json.dumps(figure["data"]))


def test_changes_to_and_from_grey_are_their_own_kind(annual_site):
    # Q4 → Q1: the annual measures are only not due until the year end: not a change at all
    page = reader.article(annual_site / "reports" / "2025-26-q1" / "index.html")
    report = reader.read_report(annual_site, "2025-26-Q1")
    assert not [m for kind in report.changes.values() for m in kind if m.startswith("a")]
    assert report.changes == {"better": ["m02"], "worse": ["m03"], "grey": ["y01", "y02"]}
    assert report.changes_sentence == {"better": 1, "worse": 1, "grey": 2, "total": 4}
    assert [t.change for t in report.tiles] == [
        {"better": 0, "worse": 0, "grey": 2},
        {"better": 1, "worse": 0, "grey": 0},
        {"better": 0, "worse": 1, "grey": 0},
    ]
    row = next(
        r
        for r in reader.read_csv(annual_site / "data" / "headlines.csv")
        if r["period"] == "2025-26-Q1" and not r["priority_id"]
    )
    assert (row["changed_better"], row["changed_worse"], row["changed_grey"]) == ("1", "1", "2")
    # a running total with only a target for the year is not rated mid-year: to grey, its own kind
    assert "Green to Grey (no target)" in reader.text(page)
    assert "to or from grey (no figure yet, or not rated)" in reader.text(page)
    assert (
        "reported at year end" not in reader.text(page).split("What changed", 1)[1].split("Measures by", 1)[0]
    )
    assert not re.search(r"moved to a (?:better|worse) status", reader.text(page))
    # the annual measures' first figures (2024/25), in Q4: a move from grey, there being none before
    q4 = reader.read_report(annual_site, "2024-25-Q4")
    assert len([m for m in q4.changes["grey"] if m.startswith("a")]) == 20
    # the quarter with the outage: monthly measures went grey with no figure, and the report says why
    q2 = reader.text(reader.article(annual_site / "reports" / "2024-25-q2" / "index.html"))
    assert "Since Q1 2024/25, 4 measures changed status: 4 to or from grey" in q2
    assert f"no figure: {OUTAGE}" in q2


def test_priorities_and_measures_pages_never_call_a_grey_measure_on_target(annual_site):
    for path in sorted((annual_site / "priorities").glob("*/index.html")):
        words = _words(path)
        assert re.search(
            r"(?:\d+ of \d+ measures|None of the \d+ measures) had a figure for Q2 2025/26", words
        ), path
        assert "reported at year end" in words  # every priority has annual measures, grey mid-year
        for pattern in DISHONEST:
            assert not re.search(pattern, words), (path, pattern)
    measures = _words(annual_site / "measures" / "index.html")
    for pattern in DISHONEST:
        assert not re.search(pattern, measures), pattern
    # neither higher nor lower is better: compared in words, never "Not comparable"
    n01 = _words(annual_site / "measures" / "n01" / "index.html")
    assert "Up from 590 applications (neither higher nor lower is better)" in n01
    assert "up from 640 applications in the previous quarter" not in n01  # 602 after 640 is down
    assert (
        "It is down from 640 applications in the previous quarter and unchanged from the same quarter last year; neither higher nor lower is better."
        in n01
    )
    row = n01.split("Q2 2025/26 602 applications", 1)[1][:200]
    assert "Not comparable" not in row.split("Q1 2025/26", 1)[0]


def test_percent_axes_end_at_100(annual_site):
    page = (annual_site / "measures" / "m04" / "index.html").read_text(encoding="utf-8")  # 95–99%
    figure = json.loads(html.unescape(re.search(r'data-figure="([^"]+)"', page).group(1)))
    assert figure["layout"]["yaxis"]["range"][1] == 100
    assert all(layout["yaxis"]["range"][1] == 100 for layout in figure["layouts"].values())
    ticks = re.findall(r">(\d+)%</text>", page)
    assert ticks and max(map(int, ticks)) == 100


def test_the_report_pager_links_are_separate_and_labelled(annual_site):
    page = reader.article(annual_site / "reports" / "2025-26-q1" / "index.html")
    pager = re.search(r'<nav class="ps-pager".*?</nav>', page, re.S).group(0)
    links = re.findall(r"<li><a [^>]*>([^<]+)</a></li>", pager)
    assert links == ["Previous: Q4 2024/25", "All reports", "Next: Q2 2025/26"]
    assert 'rel="prev"' in pager and 'rel="next"' in pager


# -- an officer's status on a period with no figure --------------------------------------------------
def test_an_override_without_a_figure_is_no_figure_on_every_page(tmp_path):
    """Every count says "no figure" for it, so no page may show the officer's green: the report's
    row, /measures/ and its status filters, the measure page and performance.csv all say grey."""
    from ..corpus import WARNING_CASES, make, read_rows

    case = next(c for c in WARNING_CASES if c.id == "override-without-figure")
    pkg, (_, _, row, _) = make(case, tmp_path)
    measure = read_rows(pkg, "outturns.csv")[1][row - 2]["measure_id"]
    out, _ = build_site(pkg, tmp_path, preview=True)  # 2026-27-Q2 is approved: a preview shows it
    assert reader.disagreements(out) == []
    assert reader.read_report(out, "2026-27-Q2").rows[measure.lower()] == "missing"
    page = reader.article(out / "reports" / "2026-27-q2" / "index.html")
    line = page[page.index(f'<tr><th scope="row"><a href="../../measures/{measure.lower()}/"') :]
    line = line.split("</tr>", 1)[0]
    assert "ps-status--grey" in line and "officer override" not in line
    assert "no figure: The contractor has not sent the figure yet" in reader.text(line)
    listed = reader.read_measures_list(reader.article(out / "measures" / "index.html"))
    assert listed[measure.lower()] == "missing"
    words = _words(out / "measures" / measure.lower() / "index.html")
    assert "An officer rated it green" not in words and "officer override" not in words
    performance = {
        (r["measure_id"], r["period"]): r for r in reader.read_csv(out / "data" / "performance.csv")
    }
    shown = performance[(measure, "2026-27-Q2")]
    assert (shown["status"], shown["status_source"], shown["override_reason"]) == ("grey", "computed", "")


# -- a considered report stays as considered ------------------------------------------------------------
def _edit_outturns(pkg: Path, change) -> None:
    from ..corpus import read_rows, write_rows

    header, rows = read_rows(pkg, "outturns.csv")
    write_rows(pkg, "outturns.csv", header, change(rows))


def test_a_considered_report_keeps_its_counts_and_marks_what_changed_since(tmp_path):
    """A correction that changes a rating, released on its own, and a withdrawn figure: every count
    of the reports, their images, headlines.csv and the feed stay as the committee considered them,
    and each changed figure is marked where its report shows it."""
    today = dt.date(2027, 1, 15)
    pkg = synthesise(tmp_path / "pkg", measures=14, years=2, projects=4, seed=3)
    publish.publish_period(pkg, "2026-27-Q2", dt.date(2026, 11, 20), today=today)
    before, _ = build_site(pkg, tmp_path / "before")

    def correct(rows):  # 76.6% against a target of 67.1%, green as published: red once corrected
        for r in rows:
            if (r["measure_id"], r["period"]) == ("m0001", "2026-27-Q2"):
                assert r["value"] == "76.6"
                r.update(value="60.0", revision_note="A duplicate count was found")
        return rows

    _edit_outturns(pkg, correct)
    publish.publish_corrections(pkg, dt.date(2026, 12, 1), today=today)
    _edit_outturns(
        pkg, lambda rows: [r for r in rows if (r["measure_id"], r["period"]) != ("m0003", "2026-27-Q1")]
    )
    with open(pkg / "withdrawals.csv", "a", encoding="utf-8") as fh:
        fh.write("2026-27-Q1,m0003,2026-12-05,The figure double-counted transferred cases\n")
    after, _ = build_site(pkg, tmp_path / "after")

    assert reader.disagreements(after) == []
    assert reader.read_csv(after / "data" / "headlines.csv") == reader.read_csv(
        before / "data" / "headlines.csv"
    )
    for quarter in reader.included_quarters(after):
        was, now = reader.read_report(before, quarter), reader.read_report(after, quarter)
        assert (now.rows, now.status_list, now.changes, now.trend) == (
            was.rows,
            was.status_list,
            was.changes,
            was.trend,
        )
        assert now.headlines[: len(was.headlines)] == was.headlines, quarter
        tiles = [reader.read_svg(site, quarter) for site in (after, before)]  # from the first tile on
        assert [t[t.index("Priority 1") :] for t in tiles] == [tiles[1][tiles[1].index("Priority 1") :]] * 2
    # each report says what became of its figures, on the page and in its image
    since = {
        "2026-27-Q1": "Since this report was published, 1 of its figures has been withdrawn; the counts are as",
        "2026-27-Q2": "Since this report was published, 1 of its figures has been corrected; the counts are as",
    }
    for quarter, words in since.items():
        assert reader.read_report(after, quarter).headlines[-1].startswith(words)
        assert words in " ".join(reader.read_svg(after, quarter))
    # the marks, where the reports show the figures
    q2 = reader.text(reader.article(after / "reports" / "2026-27-q2" / "index.html"))
    assert (
        "76.6% Revised to 60.0% in the corrections release of 1 December 2026; the corrected figure is red. "
        "A duplicate count was found." in q2
    )
    q1 = reader.text(reader.article(after / "reports" / "2026-27-q1" / "index.html"))
    assert re.search(
        r"Measure 3 \(days\) [\d.]+ days Withdrawn on 5 December 2026: the figure no longer stands\. "
        r"The figure double-counted transferred cases\.",
        q1,
    )
    home = _words(after / "index.html")
    assert "Revision note" not in home.split("Key measures", 1)[1]  # the note is the mark's, once
    # the feed: the reports' entries as they were, and the corrections release told
    feed = (after / "feed.xml").read_text(encoding="utf-8")
    for entry in re.findall(r"<entry>.*?</entry>", (before / "feed.xml").read_text(encoding="utf-8"), re.S):
        assert entry in feed
    assert "<title>Corrections to published figures, 1 December 2026</title>" in feed
    assert "Measure 1 (percent), Q2 2026/27" in feed and "<updated>2026-12-01T00:00:00Z</updated>" in feed
    # the data page cites the release its downloads hold: the corrections, not the report before them
    assert "Performance data, corrections release, published 1 December 2026." in _words(
        after / "data" / "index.html"
    )
