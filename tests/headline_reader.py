"""Read a built site's headline figures back out of what it shows, as a reader would.

Every count of a quarter is read from each place that shows it — the sentences at the top of
the report, the tiles, the status list, the "on target" list, the list of changes, the rows of
the report's tables, the downloadable SVG, headlines.csv, performance.csv (each measure's row for
the quarter, found by hand) and the feed — without calling perfsite's own counting code, so
:func:`disagreements` can hold them all to each other.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SVG = "{http://www.w3.org/2000/svg}"
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
KINDS = ("green", "amber", "red", "not_rated", "not_due", "missing")


def article(path: Path) -> str:
    match = _ARTICLE.search(path.read_text(encoding="utf-8"))
    assert match, path
    return match.group(1)


def text(fragment: str) -> str:
    """What a reader sees: tags as spaces, white space collapsed, no space before punctuation."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([,.;:)])", r"\1", words)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# -- the sentences ----------------------------------------------------------------------------------
def figures_of(sentence: str) -> dict[str, int]:
    """``25 of 32 measures had a figure for …; 7 had no figure yet (5 of them reported …).``"""
    if m := re.match(r"No measure was reported for ", sentence):
        return {"measures": 0, "with_figure": 0, "no_figure": 0, "not_due": 0}
    if re.match(r"The measure had a figure for ", sentence):
        return {"measures": 1, "with_figure": 1, "no_figure": 0, "not_due": 0}
    if re.match(r"Both measures had a figure for ", sentence):
        return {"measures": 2, "with_figure": 2, "no_figure": 0, "not_due": 0}
    if m := re.match(r"All (\d+) measures had a figure for ", sentence):
        n = int(m[1])
        return {"measures": n, "with_figure": n, "no_figure": 0, "not_due": 0}
    m = re.match(
        r"(?:(\d+) of (\d+) measures? had a figure for .+?; (\d+) had no figure yet"
        r"|None of the (\d+) measures? had a figure for .+? yet)"
        r"(, as (?:it is|they are) reported at the end of the year| \((\d+) of them reported at the end of the year\))?\.$",
        sentence,
    )
    assert m, sentence
    if m[1] is not None:
        measures, with_figure, no_figure = int(m[2]), int(m[1]), int(m[3])
    else:
        measures, with_figure, no_figure = int(m[4]), 0, int(m[4])
    not_due = no_figure if m[5] and m[5].startswith(", as") else int(m[6] or 0)
    return {"measures": measures, "with_figure": with_figure, "no_figure": no_figure, "not_due": not_due}


def on_target_of(sentence: str) -> dict:
    """``17 of the 22 rated measures (77%) were on or better than target (green)[, up from …]. 3
    measures with a figure are not rated against a target.``"""
    out: dict = {}
    if sentence.startswith("No measure could be rated"):
        out.update(on_target=0, rated=0, share=None)
    else:
        m = re.match(
            r"(\d+) of the (\d+) rated measures? \((\d+)%\) (?:was|were) on or better than target \(green\)",
            sentence,
        )
        assert m, sentence
        out.update(on_target=int(m[1]), rated=int(m[2]), share=int(m[3]))
        change = re.search(
            r"\(green\), (up|down) from (\d+)% \((\d+) of (\d+)\) in (.+?)\."
            r"|\(green\), the same as the (\d+)% \((\d+) of (\d+)\) in (.+?)\.",
            sentence,
        )
        out["change"] = change.group(0) if change else None
        # the quarter compared with, and its share and counts as the sentence gives them
        out["change_from"] = None
        if change:
            got = change.groups()[1:5] if change[1] else change.groups()[5:9]
            out["change_from"] = (got[3], int(got[0]), int(got[1]), int(got[2]))
    m = re.search(r"(\d+) measures? with a figure (?:is|are) not rated against a target\.$", sentence)
    out["not_rated"] = int(m[1]) if m else 0
    return out


def red_of(sentence: str) -> int:
    if sentence == "No measure was red.":
        return 0
    m = re.match(r"(\d+) measures? (?:was|were) red: ", sentence)
    assert m, sentence
    return int(m[1])


def changes_of(sentence: str) -> dict[str, int]:
    """``Since Q4 2025/26, 11 measures changed status: 6 to a better status, 3 to a worse one and 2
    to or from grey (…).`` or ``No measure changed status since …``."""
    if sentence.startswith("No measure changed status since"):
        return {"better": 0, "worse": 0, "grey": 0, "total": 0}
    m = re.match(r"Since .+?, (\d+) measures? changed status: (.*)\.$", sentence)
    assert m, sentence
    parts = m[2]
    got = {
        "better": re.search(r"(\d+) to a better status", parts),
        "worse": re.search(r"(\d+) to a worse (?:one|status)", parts),
        "grey": re.search(r"(\d+) to or from grey", parts),
    }
    out = {k: int(v[1]) if v else 0 for k, v in got.items()}
    out["total"] = int(m[1])
    return out


def brief_of(clause: str) -> dict:
    """``17 of the 22 rated measures (77%) were on or better than target (green), and 25 of 32
    measures had a figure`` (home page, descriptions, feed)."""
    m = re.search(
        r"(?:(\d+) of the (\d+) rated measures? \((\d+)%\) (?:was|were) on or better than target \(green\)"
        r"|[Nn]o measure could be rated), and (\d+) of (\d+) measures? had a figure",
        clause,
    )
    assert m, clause
    rated = int(m[2]) if m[2] else 0
    return {
        "on_target": int(m[1] or 0),
        "rated": rated,
        "share": int(m[3]) if m[3] else None,
        "with_figure": int(m[4]),
        "measures": int(m[5]),
    }


def tile_change_of(words: str | None) -> dict[str, int] | None:
    if not words:
        return None
    if words.startswith("No change in status since"):
        return {"better": 0, "worse": 0, "grey": 0}
    m = re.match(r"Since .+?: (.*)$", words)
    assert m, words
    got = {
        k: re.search(rf"(\d+) {w}", m[1])
        for k, w in (("better", "better"), ("worse", "worse"), ("grey", "to or from grey"))
    }
    return {k: int(v[1]) if v else 0 for k, v in got.items()}


def figures_words_of(words: str) -> tuple[int, int]:
    """A tile's ``4 of 6 measures had a figure`` / ``All 6 measures had a figure``: (with, total)."""
    if words == "The measure had a figure":
        return 1, 1
    if words == "Both measures had a figure":
        return 2, 2
    if m := re.match(r"All (\d+) measures had a figure$", words):
        return int(m[1]), int(m[1])
    m = re.match(r"(\d+) of (\d+) measures? had a figure$", words)
    assert m, words
    return int(m[1]), int(m[2])


# -- a report as shown --------------------------------------------------------------------------------
@dataclass
class Tile:
    priority: str
    on_target: int | None  # None: "None rated"
    rated: int | None
    change: dict[str, int] | None
    counts: dict[str, int]
    with_figure: int
    total: int


@dataclass
class Report:
    quarter: str
    headlines: list[str]
    figures: dict
    on_target: dict
    red: int
    changes_sentence: dict | None
    tiles: list[Tile]
    status_list: dict[str, int]
    groupings: dict[str, tuple[int, int]]  # grouping words → (on target, rated)
    changes: dict[str, list[str]]  # kind → measure ids (lower case)
    rows: dict[str, str] = field(default_factory=dict)  # measure id (lower case) → kind, from the tables
    trend: list[tuple[str, str]] = field(default_factory=list)  # (label, words)
    trend_title: str = ""


def _glance(page: str) -> str:
    match = re.search(r'<section class="ps-glance".*?</section>', page, re.S)
    assert match
    return match.group(0)


def read_glance(page: str) -> tuple[list[str], list[Tile], list[tuple[str, str]], str]:
    glance = _glance(page)
    block = glance.split('class="ps-glance__headlines">', 1)[1].split("</ul>", 1)[0]
    headlines = [text(li) for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    tiles = []
    for tile in re.findall(r'<li class="ps-glance__tile">(.*?)</li>', glance, re.S):
        priority = re.search(r'priorities/([^/]+)/"', tile)[1]
        big = re.search(r'<p class="ps-glance__big"><strong>(\d+|None)</strong>(?: of (\d+))? <span>', tile)
        change = re.search(r'<p class="ps-glance__change">(.*?)</p>', tile)
        counts = re.search(r'ps-glance__counts">(\d+) green, (\d+) amber, (\d+) red, (\d+) grey</p>', tile)
        figures = figures_words_of(text(re.search(r'ps-glance__figures">(.*?)</p>', tile)[1]))
        tiles.append(
            Tile(
                priority,
                None if big[1] == "None" else int(big[1]),
                None if big[1] == "None" else int(big[2]),
                tile_change_of(text(change[1]) if change else None),
                dict(zip(("green", "amber", "red", "grey"), map(int, counts.groups()), strict=True)),
                *figures,
            )
        )
    trend = []
    title = ""
    if 'class="ps-glance__trend"' in glance:
        title = text(re.search(r"<h3[^>]*>([^<]*Share of rated[^<]*)</h3>", glance)[1])
        block = glance.split('class="ps-glance__trend">', 1)[1].split("</ol>", 1)[0]
        trend = [
            (text(label), text(words))
            for words, label in re.findall(r"<strong>(.*?)</strong> <span>(.*?)</span>", block)
        ]
    return headlines, tiles, trend, title


def read_status_list(page: str) -> dict[str, int]:
    block = page.split('<ul class="ps-counts">', 1)[1].split("</ul>", 1)[0]
    got = {s: int(n) for s, n in re.findall(r'ps-count--(\w+)">.*?<strong>(\d+)</strong>', block)}
    split = re.search(r"(\d+) with a figure but no rating, (\d+) with no figure yet", text(block))
    got["not_rated"], got["no_figure"] = int(split[1]), int(split[2])
    return got


def read_groupings(page: str) -> dict[str, tuple[int, int]]:
    match = re.search(r'<ul class="ps-on-target">(.*?)</ul>', page, re.S)
    if not match:
        assert 'class="ps-on-target">No measure could be rated' in page
        return {}
    return {
        words: (int(a), int(b))
        for a, b, words in re.findall(
            r"<strong>(\d+) of (\d+)</strong> rated measures? on target — (.*?)\.</li>", match[1]
        )
    }


def read_changes(page: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"better": [], "worse": [], "grey": []}
    for kind, block in re.findall(r'<ul class="ps-changes" data-change="(\w+)">(.*?)</ul>', page, re.S):
        out[kind] = re.findall(r'<li><a href="[^"]*measures/([^/]+)/">', block)
    return out


def read_rows(page: str) -> dict[str, str]:
    """Each measure row of a report's tables: what it counts as, from what it shows (an outturn or
    "—", its status badge, "reported at year end")."""
    out = {}
    for table in re.findall(r'<table class="ps-table ps-table--measures">(.*?)</table>', page, re.S):
        for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S):
            measure = re.search(r'measures/([^/]+)/"', row)[1]
            outturn = text(re.search(r'<td data-label="Outturn">(.*?)</td>', row, re.S)[1])
            status_cell = re.search(r'<td data-label="Status">(.*?)</td>', row, re.S)[1]
            status = re.search(r"ps-status--(\w+)", status_cell)[1]
            out[measure] = _kind(outturn, status, status_cell)
    return out


def _kind(outturn: str, status: str, status_cell: str) -> str:
    """What a row shows itself to be: a rated badge beside "—" (no figure) is a contradiction,
    named so that it disagrees with every count."""
    if outturn.startswith("—"):
        if status in ("green", "amber", "red"):
            return f"{status} badge without a figure"
        return "not_due" if "reported at year end" in status_cell else "missing"
    return status if status in ("green", "amber", "red") else "not_rated"


def read_priority_table(page: str) -> dict[str, dict[str, int]]:
    """The table "Measures by status and priority" (home page, a large council's report): priority
    id (lower case) → green, amber, red, grey, measures and with_figure."""
    if "<caption>Measures by status and priority" not in page:
        return {}
    table = page.split("<caption>Measures by status and priority", 1)[1].split("</table>", 1)[0]
    out = {}
    for priority, cells in re.findall(
        r'<th scope="row"><a href="[^"]*?([^/"]+)/">.*?</th>(.*?)</tr>', table, re.S
    ):
        numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
        out[priority] = dict(
            zip(("green", "amber", "red", "grey", "measures", "with_figure"), numbers, strict=True)
        )
    return out


def read_measures_list(page: str) -> dict[str, str]:
    """The rows of /measures/ (or a priority page's tables): measure id (lower case) → kind."""
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        link = re.search(r'href="[^"]*?([^/"]+)/">', row)
        cell = re.search(r'<td data-label="Outturn"[^>]*>(.*?)</td>', row, re.S)
        status_cell = re.search(r'<td data-label="Status"[^>]*>(.*?)</td>', row, re.S)
        if not (link and cell and status_cell):
            continue
        outturn = text(cell[1].split("<br>", 1)[0])
        out[link[1]] = _kind(outturn, re.search(r"ps-status--(\w+)", status_cell[1])[1], status_cell[1])
    return out


def read_status_filters(page: str) -> dict[str, int]:
    """The status filters of /measures/ as links: ``Red (2) · Amber (2) · Green (6) · Grey (4)``."""
    return {status: int(n) for status, n in re.findall(r'href="by-status/(\w+)/">\w+ \((\d+)\)</a>', page)}


def read_report(site: Path, quarter: str) -> Report:
    folder = site / "reports" / quarter.lower()
    page = article(folder / "index.html")
    headlines, tiles, trend, title = read_glance(page)
    changes_sentence = next((changes_of(h) for h in headlines if "changed status" in h), None)
    rows = read_rows(page)
    for sub in sorted(folder.glob("*/index.html")):  # a large council's report: a page per priority
        rows.update(read_rows(article(sub)))
    return Report(
        quarter,
        headlines,
        figures_of(headlines[0]),
        on_target_of(headlines[1]),
        red_of(headlines[2]),
        changes_sentence,
        tiles,
        read_status_list(page),
        read_groupings(page),
        read_changes(page),
        rows,
        trend,
        title,
    )


def read_svg(site: Path, quarter: str) -> list[str]:
    root = ET.parse(site / "data" / f"infographic-{quarter.lower()}.svg").getroot()
    return [" ".join((t.text or "").split()) for t in root.iter(f"{SVG}text")]


# -- performance.csv, by hand -------------------------------------------------------------------------
def shown_period(frequency: str, quarter: str) -> str | None:
    year, q = quarter[:7], int(quarter[-1])
    if frequency == "quarterly":
        return quarter
    if frequency == "monthly":
        return f"{year}-M{q * 3:02d}"
    return year if q == 4 else None


def changed_since(site: Path) -> set[tuple[str, str]]:
    """(measure_id, period) of every published figure corrected (in a release) or withdrawn since:
    performance.csv has the figure as it is now, a considered report the figure as published."""
    keys = {
        (r["measure_id"], r["period"]) for r in read_csv(site / "data" / "revisions.csv") if r["revised_in"]
    }
    return keys | {(r["measure_id"], r["period"]) for r in read_csv(site / "data" / "withdrawals.csv")}


def kinds_from_performance(site: Path, quarter: str, shown: dict[str, str] | None = None) -> dict[str, str]:
    """What each measure counts as in ``quarter``, from measures.csv and performance.csv alone;
    for a figure corrected or withdrawn since, what the report shows (``shown``: its rows)."""
    measures = read_csv(site / "data" / "measures.csv")
    rows = {(r["measure_id"], r["period"]): r for r in read_csv(site / "data" / "performance.csv")}
    changed = changed_since(site)
    out = {}
    for m in measures:
        period = shown_period(m["frequency"], quarter)
        row = rows.get((m["measure_id"], period)) if period else None
        if shown is not None and (m["measure_id"], period) in changed:
            kind = shown[m["measure_id"].lower()]
        elif period is None:
            kind = "not_due"
        elif row is None or row["value"] == "":
            kind = "missing"
        else:
            kind = row["status"] if row["status"] in ("green", "amber", "red") else "not_rated"
        out[m["measure_id"].lower()] = kind
    return out


def compared_kinds(site: Path, quarter: str, kinds: dict[str, str]) -> dict[str, str]:
    """What each measure counts as when "what changed" compares reports: its kind in the report,
    except that an annual measure not due stands as its figure for the year before (the figure
    its last Q4 report showed: read from that report when the figure was corrected since)."""
    year = f"{int(quarter[:4]) - 1}-{quarter[2:4]}"
    rows = {(r["measure_id"], r["period"]): r for r in read_csv(site / "data" / "performance.csv")}
    changed = changed_since(site)
    out = dict(kinds)
    for m in read_csv(site / "data" / "measures.csv"):
        key = m["measure_id"].lower()
        if kinds[key] != "not_due":
            continue
        row = rows.get((m["measure_id"], year))
        q4 = site / "reports" / f"{year}-q4".lower()
        if (m["measure_id"], year) in changed and q4.exists():
            out[key] = read_report(site, f"{year}-Q4").rows[key]
        elif row is None:
            out[key] = "not_due"  # no figure for the year before: still not due
        elif row["value"] == "":
            out[key] = "missing"
        else:
            out[key] = row["status"] if row["status"] in ("green", "amber", "red") else "not_rated"
    return out


def priorities_of(site: Path) -> dict[str, str]:
    """Measure id (lower case) → priority id (lower case), from the downloads."""
    objectives = {o["objective_id"]: o["priority_id"] for o in read_csv(site / "data" / "objectives.csv")}
    return {
        m["measure_id"].lower(): objectives.get(m["objective_id"], "").lower()
        for m in read_csv(site / "data" / "measures.csv")
    }


def tally(kinds: dict[str, str]) -> dict[str, int]:
    c = Counter(kinds.values())
    out = {k: c[k] for k in KINDS}
    out["rated"] = out["green"] + out["amber"] + out["red"]
    out["with_figure"] = out["rated"] + out["not_rated"]
    out["no_figure"] = out["not_due"] + out["missing"]
    out["grey"] = out["not_rated"] + out["no_figure"]
    out["measures"] = len(kinds)
    return out


def change_kind(now: str, before: str) -> str | None:
    rank = {"green": 0, "amber": 1, "red": 2}
    a = now if now in rank else "grey"
    b = before if before in rank else "grey"
    if a == b:
        return None
    if a == "grey" or b == "grey":
        return "grey"
    return "better" if rank[a] < rank[b] else "worse"


def share(on_target: int, rated: int) -> int | None:
    return round(100 * on_target / rated) if rated else None


# -- the whole site ---------------------------------------------------------------------------------
def included_quarters(site: Path) -> list[str]:
    """The quarters with a report on the site, oldest first."""
    found = [p.parent.name.upper() for p in (site / "reports").glob("*/index.html")]
    return sorted(found, key=lambda q: (int(q[:4]), q[-1]))


def latest_disagreements(site: Path, quarter: str, kinds: dict[str, str], check) -> None:
    """The pages that show the latest quarter outside its report: the home page, /measures/ and
    its status filters, and each priority's page, against the same quarter's counts."""
    truth = tally(kinds)
    home = article(site / "index.html")
    lede = text(re.search(r'<p class="ps-lede">(.*?)</p>', home, re.S)[1])
    check(
        f"{quarter} home page lede",
        brief_of(lede),
        {
            "on_target": truth["green"],
            "rated": truth["rated"],
            "share": share(truth["green"], truth["rated"]),
            "with_figure": truth["with_figure"],
            "measures": truth["measures"],
        },
    )
    home_list = read_status_list(home)
    for key in ("green", "amber", "red", "grey", "not_rated", "no_figure"):
        check(f"{quarter} home status list {key}", home_list[key], truth[key])
    check(f"{quarter} home table by priority", read_priority_table(home), by_priority(site, kinds))
    listed = article(site / "measures" / "index.html")
    check(f"{quarter} /measures/ rows", read_measures_list(listed), kinds)
    filters = read_status_filters(listed)
    check(
        f"{quarter} /measures/ status filters",
        {s: filters.get(s, 0) for s in ("green", "amber", "red", "grey")},
        {s: truth[s] for s in ("green", "amber", "red", "grey")},
    )
    for status in ("green", "amber", "red", "grey"):
        facet = site / "measures" / "by-status" / status / "index.html"
        if facet.exists():
            rows = read_measures_list(article(facet))
            check(f"{quarter} /measures/by-status/{status}/ rows", len(rows), truth[status])
    priority_of = priorities_of(site)
    for page in sorted((site / "priorities").glob("*/index.html")):
        mine = {m: k for m, k in kinds.items() if priority_of[m] == page.parent.name}
        words = article(page)
        shown = read_measures_list(words)
        check(f"{quarter} priority {page.parent.name} rows", shown, mine)
        sentence = text(re.search(r'<p class="ps-headline">(.*?)</p>', words, re.S)[1])
        t = tally(mine)
        figures = figures_of(re.match(r"(.*?\.)(?= \d| No measure|$)", sentence)[1])
        check(
            f"{quarter} priority {page.parent.name} sentence",
            (figures["measures"], figures["with_figure"], figures["not_due"]),
            (t["measures"], t["with_figure"], t["not_due"]),
        )


def by_priority(site: Path, kinds: dict[str, str]) -> dict[str, dict[str, int]]:
    """Each priority's counts (as the tables by priority give them) from the measures' kinds."""
    priority_of = priorities_of(site)
    # every priority of the plan, one with no measures yet at zero
    every = {r["priority_id"].lower() for r in read_csv(site / "data" / "priorities.csv")}
    out = {}
    for priority in sorted(every | set(priority_of.values())):
        t = tally({m: k for m, k in kinds.items() if priority_of[m] == priority})
        out[priority] = {k: t[k] for k in ("green", "amber", "red", "grey", "measures", "with_figure")}
    return out


def part_disagreements(site: Path, quarter: str, kinds: dict[str, str], check) -> None:
    """A large council's report, split into a page per priority: the report's table by priority,
    and each priority page's sentences and status list, against the same counts."""
    folder = site / "reports" / quarter.lower()
    parts = sorted(folder.glob("*/index.html"))
    if not parts:
        return
    expected = by_priority(site, kinds)
    shown = read_priority_table(article(folder / "index.html"))
    check(f"{quarter} report table by priority", shown, {p: c for p, c in expected.items() if p in shown})
    check(
        f"{quarter} report table lists every priority page",
        sorted(shown),
        sorted(p.parent.name for p in parts),
    )
    priority_of = priorities_of(site)
    for part in parts:
        priority = part.parent.name
        page = article(part)
        t = tally({m: k for m, k in kinds.items() if priority_of[m] == priority})
        listed = read_status_list(page)
        for key in ("green", "amber", "red", "grey", "not_rated", "no_figure"):
            check(f"{quarter} {priority} page status list {key}", listed[key], t[key])
        words = text(re.search(r'<p class="ps-meta">.*?</p>\s*<p>(.*?)</p>', page, re.S)[1])
        figures = figures_of(re.match(r"(.*?\.)(?= \d| No measure|$)", words)[1])
        check(
            f"{quarter} {priority} page sentence",
            (figures["measures"], figures["with_figure"], figures["not_due"]),
            (t["measures"], t["with_figure"], t["not_due"]),
        )


def disagreements(site: Path) -> list[str]:
    """Every place two parts of the site disagree about a quarter's counts (empty: none)."""
    problems: list[str] = []

    def check(what: str, got, expected) -> None:
        if got != expected:
            problems.append(f"{what}: {got!r} != {expected!r}")

    quarters = included_quarters(site)
    priority_of = priorities_of(site)
    headlines_csv = {
        (r["period"], r["priority_id"].lower()): r for r in read_csv(site / "data" / "headlines.csv")
    }
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    previous_kinds: dict[str, str] | None = None
    # each quarter's counts as its report shows them (a later report's trend and "up from" read them)
    truths = {x: tally(kinds_from_performance(site, x, read_report(site, x).rows)) for x in quarters}
    for index, quarter in enumerate(quarters):
        q = quarter
        report = read_report(site, quarter)
        kinds = kinds_from_performance(site, quarter, report.rows)
        truth = tally(kinds)
        # the rows of the report's tables count what performance.csv says
        check(f"{q} table rows", report.rows, kinds)
        part_disagreements(site, quarter, kinds, check)
        # the sentences
        for key in ("measures", "with_figure", "no_figure", "not_due"):
            check(f"{q} figures sentence {key}", report.figures[key], truth[key])
        check(f"{q} on-target sentence rated", report.on_target["rated"], truth["rated"])
        check(f"{q} on-target sentence on target", report.on_target["on_target"], truth["green"])
        check(
            f"{q} on-target sentence share", report.on_target["share"], share(truth["green"], truth["rated"])
        )
        check(f"{q} on-target sentence not rated", report.on_target["not_rated"], truth["not_rated"])
        # "up from 50% (3 of 6) in Q4 2025/26": the latest earlier report with rated measures, as it counted
        earlier = [x for x in quarters[:index] if truths[x]["rated"]]
        expected_from = None
        if earlier and truth["rated"]:
            t = truths[earlier[-1]]
            expected_from = (short(earlier[-1]), share(t["green"], t["rated"]), t["green"], t["rated"])
        check(f"{q} on-target sentence compared with", report.on_target.get("change_from"), expected_from)
        check(f"{q} red sentence", report.red, truth["red"])
        # the status list and both groupings
        for key in ("green", "amber", "red", "grey", "not_rated", "no_figure"):
            check(f"{q} status list {key}", report.status_list[key], truth[key])
        expected_groupings = (
            {
                "counting green only": (truth["green"], truth["rated"]),
                "counting green and amber (within tolerance), as committee reports often do": (
                    truth["green"] + truth["amber"],
                    truth["rated"],
                ),
            }
            if truth["rated"]
            else {}
        )
        check(f"{q} on-target list", report.groupings, expected_groupings)
        # tiles: each priority's counts, and together the whole
        for tile in report.tiles:
            mine = tally({m: k for m, k in kinds.items() if priority_of[m] == tile.priority.lower()})
            check(
                f"{q} tile {tile.priority} counts",
                tile.counts,
                {k: mine[k] for k in ("green", "amber", "red", "grey")},
            )
            check(
                f"{q} tile {tile.priority} big",
                (tile.on_target, tile.rated),
                (mine["green"], mine["rated"]) if mine["rated"] else (None, None),
            )
            check(
                f"{q} tile {tile.priority} figures",
                (tile.with_figure, tile.total),
                (mine["with_figure"], mine["measures"]),
            )
        check(f"{q} tiles add up", sum(t.total for t in report.tiles), truth["measures"])
        # changes: the list, the sentence and the tiles count the same moves
        if previous_kinds is None:
            check(
                f"{q} first quarter has no changes",
                (report.changes_sentence, [t.change for t in report.tiles]),
                (None, [None] * len(report.tiles)),
            )
        else:
            now = compared_kinds(site, quarter, kinds)
            moved = {m: change_kind(now[m], previous_kinds[m]) for m in now if m in previous_kinds}
            moved = {m: k for m, k in moved.items() if k}
            expected = {
                kind: sorted(m for m, k in moved.items() if k == kind) for kind in ("better", "worse", "grey")
            }
            check(f"{q} list of changes", {k: sorted(v) for k, v in report.changes.items()}, expected)
            counts = {k: len(v) for k, v in expected.items()}
            check(f"{q} changes sentence", report.changes_sentence, {**counts, "total": len(moved)})
            for tile in report.tiles:
                mine = {
                    k: len([m for m in v if priority_of[m] == tile.priority.lower()])
                    for k, v in expected.items()
                }
                check(f"{q} tile {tile.priority} change", tile.change, mine)
        # the downloadable image says what the page says
        svg = read_svg(site, quarter)
        said = " ".join(svg)
        for line in report.headlines:
            check(f"{q} SVG has headline {line!r}", line in said, True)
        bigs = [t for t in svg if re.fullmatch(r"\d+ of \d+|None rated", t)]
        check(
            f"{q} SVG tiles",
            bigs,
            [f"{t.on_target} of {t.rated}" if t.rated else "None rated" for t in report.tiles],
        )
        words = [t for t in svg if re.fullmatch(r"\d+ green, \d+ amber, \d+ red, \d+ grey", t)]
        check(
            f"{q} SVG tile counts",
            words,
            [
                f"{t.counts['green']} green, {t.counts['amber']} amber, {t.counts['red']} red, {t.counts['grey']} grey"
                for t in report.tiles
            ],
        )
        # headlines.csv
        row = headlines_csv.get((quarter, ""))
        check(f"{q} headlines.csv has the quarter", row is not None, True)
        if row:
            for key in (
                "measures",
                "with_figure",
                "no_figure",
                "not_due",
                "missing",
                "rated",
                "not_rated",
                "green",
                "amber",
                "red",
                "grey",
            ):
                check(f"{q} headlines.csv {key}", int(row[key]), truth[key])
            check(f"{q} headlines.csv on target", int(row["on_target_green_only"]), truth["green"])
            check(
                f"{q} headlines.csv share",
                row["share_on_target"],
                "" if not truth["rated"] else str(share(truth["green"], truth["rated"])),
            )
            if report.changes_sentence:
                for kind in ("better", "worse", "grey"):
                    check(
                        f"{q} headlines.csv changed {kind}",
                        int(row[f"changed_{kind}"]),
                        report.changes_sentence[kind],
                    )
            for tile in report.tiles:
                prow = headlines_csv.get((quarter, tile.priority.lower()))
                check(
                    f"{q} headlines.csv {tile.priority}",
                    (int(prow["green"]), int(prow["rated"]), int(prow["measures"])),
                    (
                        tile.counts["green"],
                        tile.counts["green"] + tile.counts["amber"] + tile.counts["red"],
                        tile.total,
                    ),
                )
        # the feed, for a published quarter
        entry = re.search(
            rf"<link href=\"[^\"]*reports/{quarter.lower()}/\"/>.*?<summary>(.*?)</summary>", feed, re.S
        )
        if entry:
            brief = brief_of(html.unescape(entry[1]))
            check(
                f"{q} feed",
                brief,
                {
                    "on_target": truth["green"],
                    "rated": truth["rated"],
                    "share": share(truth["green"], truth["rated"]),
                    "with_figure": truth["with_figure"],
                    "measures": truth["measures"],
                },
            )
        # the trend: never 0% for a quarter with nothing rated; a gap for a quarter with no report
        for label, shown in report.trend:
            if label in {short(x) for x in quarters}:
                other = quarters[[short(x) for x in quarters].index(label)]
                t = truths[other]
                check(
                    f"{q} trend {label}",
                    shown,
                    f"{share(t['green'], t['rated'])}%" if t["rated"] else "none rated",
                )
            else:
                check(f"{q} trend {label}", shown, "no report")
        check(
            f"{q} trend ends with the quarter",
            report.trend[-1][0] if report.trend else short(quarter),
            short(quarter),
        )
        check(
            f"{q} trend is consecutive",
            [label for label, _ in report.trend],
            consecutive(report.trend[0][0], short(quarter)) if report.trend else [],
        )
        previous_kinds = compared_kinds(site, quarter, kinds)
        if index == len(quarters) - 1:
            latest_disagreements(site, quarter, kinds, check)
    return problems


def short(quarter: str) -> str:
    """``2026-27-Q1`` → ``Q1 2026/27``."""
    return f"Q{quarter[-1]} {quarter[:4]}/{quarter[5:7]}"


def consecutive(first_label: str, last_label: str) -> list[str]:
    def parse(label: str) -> int:
        q, year = label.split(" ")
        return int(year[:4]) * 4 + int(q[1]) - 1

    return [
        f"Q{n % 4 + 1} {n // 4}/{str(n // 4 + 1)[2:]}"
        for n in range(parse(first_label), parse(last_label) + 1)
    ]
