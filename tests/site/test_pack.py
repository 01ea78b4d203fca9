"""The quarterly committee pack (PDF): the same figures as the website, council and quarter and
"Page X of Y" on every page, a committee's pack with only its measures, package text printed as
typed, and ``perfsite pack`` checking its arguments like the other commands.

The packs are read back as text with poppler's pdftotext (``-raw``: in the order typst wrote
them, so a table row reads measure, outturn, target, status)."""

from __future__ import annotations

import csv
import dataclasses
import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfsite.cli import cli
from perfsite.files.load import load
from perfsite.rules.report import reporting_period
from perfsite.site import render
from perfsite.site.figures import figures
from perfsite.site.pack import compile as pack_compile
from perfsite.site.pack import make_pack, pack_content, pack_path, site_packs, source
from perfsite.standard import periods
from perfsite.standard.formatting import format_value

from ..conftest import EXAMPLE

COUNCIL = "Northmoor District Council"
STATUS = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Grey"}


def pdftotext(pdf: Path | bytes, *args: str) -> str:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pdftotext is missing (apt-get install -y poppler-utils); CI=true: it must run")
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    data = pdf if isinstance(pdf, bytes) else pdf.read_bytes()
    done = subprocess.run(["pdftotext", *args, "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def site(example_site) -> Path:
    return example_site[0]


@pytest.fixture(scope="module")
def renderer():
    return figures(load(EXAMPLE), False, None, render.environment()).renderer


def _packs(site: Path) -> list[Path]:
    return sorted(site.glob("reports/*/*.pdf"))


def test_every_quarter_and_committee_has_its_pack_linked(site):
    measures = read_csv(site / "data" / "measures.csv")
    committees = {m["committee"] for m in measures if m["committee"]}
    quarters = [p["period"] for p in read_csv(site / "data" / "publications.csv")]
    assert len(committees) == 3 and quarters
    for quarter in quarters:
        expected = {pack_path(COUNCIL, quarter)} | {pack_path(COUNCIL, quarter, c) for c in committees}
        found = {p.relative_to(site).as_posix() for p in site.glob(f"reports/{quarter.lower()}/*.pdf")}
        assert found == expected
        page = (site / "reports" / quarter.lower() / "index.html").read_text(encoding="utf-8")
        for path in expected:  # linked from the report page, beside it
            assert f'href="{path.rsplit("/", 1)[1]}"' in page
    data_page = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="../{p.relative_to(site).as_posix()}"' in data_page for p in _packs(site))


def _shown(measure: dict, row: dict | None) -> tuple[str, str, str]:
    """(outturn, target, status word) as the report shows a measure's performance.csv row."""

    def fmt(value: str) -> str:
        if value in ("", None):
            return "—"
        return format_value(
            float(value), measure["unit"], int(measure["decimal_places"]), measure["unit_label"] or ""
        )

    if row is None:
        return "—", "—", "Grey"
    return fmt(row["value"]), fmt(row["target"]), STATUS[row["status"]]


def test_every_pack_says_the_figures_of_the_site(site):
    """Each measure's outturn, target and status in every pack of the example, and the headline
    counts, are those of the site's performance.csv and headlines.csv for that quarter."""
    data = site / "data"
    measures = {m["measure_id"]: m for m in read_csv(data / "measures.csv")}
    performance = {(r["measure_id"], r["period"]): r for r in read_csv(data / "performance.csv")}
    headlines = {(h["period"], h["priority_id"]): h for h in read_csv(data / "headlines.csv")}
    first = {(r["measure_id"], r["period"]): r for r in read_csv(data / "revisions.csv")}
    publications = read_csv(data / "publications.csv")
    priorities = read_csv(data / "priorities.csv")
    packs = _packs(site)
    assert len(packs) == 4 * len(publications)
    checked = 0
    for publication in publications:
        quarter = publication["period"]
        for pdf in site.glob(f"reports/{quarter.lower()}/*.pdf"):
            committee = next(
                (
                    c
                    for c in {m["committee"] for m in measures.values()}
                    if pdf.name == pack_path(COUNCIL, quarter, c).rsplit("/", 1)[1]
                ),
                None,
            )
            text = flat(pdftotext(pdf, "-raw"))
            mine = [m for m in measures.values() if committee is None or m["committee"] == committee]
            counts = dict.fromkeys(STATUS, 0)
            for m in mine:
                period = reporting_period(m["frequency"], quarter)
                row = performance.get((m["measure_id"], period)) if period else None
                if (
                    row is not None and (m["measure_id"], period) in first
                ):  # the report shows it as first published
                    row = {**row, "value": first[(m["measure_id"], period)]["first_published_value"]}
                value, target, status = _shown(m, row)
                counts[row["status"] if row else "grey"] += 1
                pattern = rf"{re.escape(m['title'])} {re.escape(value)}( \([^)]*\))? .*?{re.escape(target)} {status}\b"
                assert re.search(pattern, text), f"{pdf.name}: {m['title']}: {value} / {target} / {status}"
                checked += 1
            if committee is None:  # the council's headline, as headlines.csv says it
                h = headlines[(quarter, "")]
                assert {k: int(h[k]) for k in STATUS} == counts
                total = int(h["measures"])
                # the report page's summary, sentence for sentence
                page = (site / "reports" / quarter.lower() / "index.html").read_text(encoding="utf-8")
                said = re.search(r"<h2[^>]*>Summary.*?</h2>\s*<p>(.*?)</p>", page, re.S).group(1)
                assert flat(html.unescape(said)) in text
                for p in priorities:  # the infographic's numbers, priority by priority
                    c = headlines.get((quarter, p["priority_id"]))
                    if c is not None:
                        numbers = " ".join(
                            c[k] for k in ("green", "amber", "red", "grey", "measures", "with_figure")
                        )
                        assert f"{p['title']} {numbers}" in text, p["title"]
            else:
                total = len(mine)
                others = [m["title"] for m in measures.values() if m["committee"] != committee]
                for title in others:  # only the committee's own measures
                    if not any(title in own["title"] for own in mine):
                        assert title not in text, f"{pdf.name} holds {title}"
            for status, word in STATUS.items():
                assert re.search(rf"{word} {counts[status]} ", text), f"{pdf.name}: {word} {counts[status]}"
            assert f"Total {total} " in text
    assert checked > 500


def test_every_page_names_council_quarter_and_page_of(site):
    for pdf in _packs(site)[::3]:
        short = periods.short_label(pdf.parent.name.upper())  # Q1 2026/27
        pages = pdftotext(pdf).split("\f")[:-1]
        assert len(pages) >= 4
        for n, page in enumerate(pages, start=1):
            assert COUNCIL in page and short in page, f"{pdf.name} page {n}"
            assert f"Page {n} of {len(pages)}" in page, f"{pdf.name} page {n}"


def test_reds_come_first_with_their_exception_reports(site):
    quarter = "2026-27-Q1"
    pdf = site / pack_path(COUNCIL, quarter)
    text = flat(pdftotext(pdf, "-raw", "-f", "3"))  # after the cover and the contents
    exceptions = {(e["measure_id"], e["period"]): e for e in read_csv(site / "data" / "exceptions.csv")}
    measures = {m["measure_id"]: m for m in read_csv(site / "data" / "measures.csv")}
    reds = [
        r
        for r in read_csv(site / "data" / "performance.csv")
        if r["status"] == "red"
        and r["period"] == reporting_period(measures[r["measure_id"]]["frequency"], quarter)
    ]
    assert reds
    start = text.index("Red measures and their exception reports")
    tables = text.index("Measures by priority", start)
    for r in reds:
        at = text.index(f"{r['title']} Red Outturn", start)
        assert at < tables
        report = exceptions.get((r["measure_id"], r["period"])) or exceptions[(r["measure_id"], quarter)]
        assert flat(report["responsible"]) in text[at:tables]
        assert "Performance overview" in text[at:tables] and "Actions to improve" in text[at:tables]


def test_pdf_metadata_title_language_and_tags(renderer):
    pdf = make_pack(renderer, renderer.latest)
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert f"Title:           {COUNCIL}: performance report, Q1 2026/27" in info
        assert "Tagged:          yes" in info
        assert "CreationDate:    Tue Sep 15 00:00:00 2026 UTC" in info  # the publication date, not the clock
    assert b"/Lang (en-GB)" in pdf or b"/Lang(en-GB)" in pdf


def test_packs_are_the_same_bytes_every_time(renderer, monkeypatch):
    once = site_packs(renderer)
    # a fresh compiler and no remembered packs: made again from nothing
    monkeypatch.setattr(pack_compile, "_MADE", type(pack_compile._MADE)())
    pack_compile._compiler.cache_clear()
    again = site_packs(renderer)
    assert once.keys() == again.keys() and all(once[k] == again[k] for k in once)


HOSTILE = (
    'Rates #set text(red) *bold* _it_ $x^2$ [link](x) \\ @ref <label> // not a comment "q" `c` = - + ~ ---'
)


def test_package_text_prints_as_typed(renderer):
    pack = pack_content(renderer, renderer.latest)
    section = pack.sections[0]
    row = dataclasses.replace(section.rows[0], title=HOSTILE)
    red = dataclasses.replace(
        pack.reds[0],
        row=dataclasses.replace(pack.reds[0].row, title=HOSTILE + " red"),
        responsible=HOSTILE + " officer",
        overview="<p>Overview "
        + HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
        + "</p><ul><li><em>one</em></li></ul>",
    )
    hostile = dataclasses.replace(
        pack,
        council=HOSTILE + " council",
        sections=[dataclasses.replace(section, title=HOSTILE + " priority", rows=[row, *section.rows[1:]])],
        reds=[red],
        sentences=[HOSTILE + " sentence"],
    )
    text = flat(pdftotext(pack_compile.compile_pdf(source(hostile), hostile.date), "-raw"))
    expected = flat(HOSTILE).replace("---", "---")
    for tail in ("council", "priority", "sentence", "red", "officer"):
        assert f"{expected} {tail}" in text, tail
    assert f"Overview {expected}" in text
    assert "text(red)" in text  # the typst code was shown, not run


def test_a_preview_pack_says_draft_on_every_page(tmp_path):
    out = tmp_path / "draft.pdf"
    result = CliRunner().invoke(cli, ["pack", str(EXAMPLE), "--preview", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "DRAFT" in result.output and "2026-27-Q2" in result.output
    pages = pdftotext(out).split("\f")[:-1]
    assert pages and all("DRAFT" in page for page in pages)


def test_a_preview_build_drafts_only_the_quarters_not_yet_published():
    renderer = figures(load(EXAMPLE), True, None, render.environment()).renderer
    draft, published = renderer.quarters[-1], renderer.quarters[-2]
    pages = pdftotext(make_pack(renderer, draft)).split("\f")[:-1]
    assert pages and all("DRAFT" in page for page in pages)
    assert "DRAFT" not in pdftotext(make_pack(renderer, published))


def test_file_names_stay_short_whatever_the_names():
    path = pack_path("Long commentary about performance. " * 40, "2019-20-Q2", "Committee " * 40)
    assert max(len(part) for part in path.split("/")) < 120


def test_pack_command_writes_a_committee_pack(tmp_path):
    out = tmp_path / "planning.pdf"
    args = ["pack", str(EXAMPLE), "2025-26-Q2", "--committee", "Planning Committee", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = flat(pdftotext(out, "-raw"))
    assert "Planning Committee" in text and "Q2 2025/26" in text
    assert "Household waste recycled or composted" not in text
    # a pack perfsite made is replaced when asked again
    assert CliRunner().invoke(cli, args).exit_code == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["2030-31-Q2"], "2030-31-Q2 is not a quarter published in this package"),
        (["2026-27-Q2"], "add --preview for a draft pack"),
        (["--committee", "Cabinet"], "no measure is reported to a committee named 'Cabinet'"),
        (["2026-27-Q9"], "is not a period"),
    ],
)
def test_pack_command_refuses_what_the_package_does_not_hold(tmp_path, args, said):
    out = tmp_path / "pack.pdf"
    result = CliRunner().invoke(cli, ["pack", str(EXAMPLE), *args, "--out", str(out)])
    assert result.exit_code == 2
    assert said in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_pack_command_writes_only_where_it_may(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, package)
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.7 someone else's document")
    for out, said in [
        (package / "pack.pdf", "inside the package"),
        (package / "measures.csv", "does not end .pdf"),
        (other, "not a pack perfsite made"),
        (tmp_path / "missing" / "pack.pdf", "does not exist"),
        (tmp_path, "it is a folder"),
    ]:
        result = CliRunner().invoke(cli, ["pack", str(package), "--out", str(out)])
        assert result.exit_code == 2, out
        assert said in result.output and "Traceback" not in result.output
    assert other.read_bytes() == b"%PDF-1.7 someone else's document"
    assert not (package / "pack.pdf").exists()
