"""Open data downloads, in memory: CSVs, per-measure CSVs, the data package and its zip.

Everything here is made from frames that have already passed the approval gate, so a
download can only hold published periods. The downloadable ``datapackage.json`` carries
its schemas inline, so ``frictionless validate`` checks it with nothing else at hand, and the
data dictionary on the site is generated from the same descriptor. Output is deterministic:
sorted rows, fixed zip timestamps, no build dates. performance.csv is written once and each
measure's file is cut from its lines.

CSVs start with a UTF-8 byte order mark and are declared ``utf-8-sig``: Excel then reads
``£`` and accented names correctly when a resident double-clicks the file, and frictionless,
pandas and Python's ``csv`` (with ``utf-8-sig``) read them as plain UTF-8.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd

from .. import rules, standard
from ..standard import periods
from ..standard.formatting import decimal_text, quantise, quantise_scalar
from ..validation.checks import safety

#: the encoding every downloadable CSV is written in and declared with
CSV_ENCODING = "utf-8-sig"

#: how each unit is written when a measure has no unit label of its own
UNIT_WORDS = {
    "percent": "%",
    "percent_change": "% change",
    "count": "count",
    "currency_gbp": "£",
    "days": "days",
    "weeks": "weeks",
    "minutes": "minutes",
    "rate": "rate",
    "ratio": "ratio",
    "score": "score",
    "number": "",
}

#: a title for each downloadable table, as the data package and the data dictionary give it
TITLES = {
    "priorities": "Council Plan priorities",
    "objectives": "Objectives under each priority",
    "measures": "Measures (key performance indicators)",
    "targets": "Targets",
    "outturns": "Outturns as published",
    "methodology": "Methodology statements",
    "exceptions": "Exception reports",
    "projects": "Council Plan projects",
    "project_updates": "Project progress each quarter",
    "benchmarks": "Comparisons with other councils",
    "publications": "Publications: quarterly reports",
    "performance": "Performance: status and direction of every measure in every period",
    "revisions": "Revisions: published figures that were later corrected",
    "headlines": "Headlines: each quarter's counts, for the council and each priority",
    "withdrawals": "Withdrawals: published figures or reports that were later withdrawn",
}

#: schemas of the tables perfsite publishes beside the council's own (performance, revisions)
PUBLISHED_SCHEMA_DIR = standard.SCHEMA_DIR / "published"


def published_schema(name: str) -> dict:
    """The Table Schema of one of perfsite's own published tables."""
    return json.loads((PUBLISHED_SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


PERFORMANCE_SCHEMA = published_schema("performance")
# the columns are the rules engine's; the schema above only documents them, in the same order
PERFORMANCE_COLUMNS = rules.PUBLISHED_COLUMNS
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """Text a spreadsheet would run as a formula made inert (validation refuses it in the
    package; this guards anything else); numbers, even negative ones, are left alone."""
    text_columns = [
        c for c in frame.columns if frame[c].dtype.kind == "O" or isinstance(frame[c].dtype, pd.StringDtype)
    ]
    changed = {}
    for c in text_columns:
        column = frame[c]
        safe = safety.neutralise_column(column)
        if safe is not column:  # rebuilding the frame costs more than checking it: only when needed
            changed[c] = safe
    return frame.assign(**changed) if changed else frame


def csv_text(frame: pd.DataFrame, checked: bool = False) -> str:
    """A frame as the standard writes CSV: comma, LF, empty cells for missing values, formula
    text made inert (``checked``: the frame has been through :func:`inert` already)."""
    return (frame if checked else inert(frame)).to_csv(index=False, lineterminator="\n", na_rep="")


def csv_bytes(text: str) -> bytes:
    """CSV text as downloaded: UTF-8 with a byte order mark, so Excel shows £ as £."""
    return text.encode(CSV_ENCODING)


def _chronological(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if frame.empty or "period" not in frame.columns:
        return frame.sort_values(keys, kind="stable") if keys and not frame.empty else frame
    # each distinct period's place in time, as a number: a table repeats a few hundred periods
    codes, distinct = pd.factorize(frame["period"], use_na_sentinel=False)
    when = [periods.sort_key(p) for p in distinct]
    place = {key: rank for rank, key in enumerate(sorted(set(when)))}
    order = frame.assign(_k=np.array([place[key] for key in when], dtype="int64")[codes])
    others = [k for k in keys if k != "period"]
    return order.sort_values([*others[:1], "_k", *others[1:]], kind="stable").drop(columns="_k")


def resource_csvs(raw: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Each resource as CSV text, in the standard's column order, as the council wrote the cells."""
    out = {}
    for name in standard.RESOURCES:
        frame = raw.get(name)
        columns = standard.field_names(name)
        if frame is None:
            frame = pd.DataFrame(columns=columns)
        frame = frame.reindex(columns=columns, fill_value="")
        out[name] = csv_text(_chronological(frame, standard.schema(name)["primaryKey"]))
    return out


def unit_labels(measures: pd.DataFrame) -> pd.Series:
    """How each measure's unit is written: its own label, else the unit's usual sign or word."""
    label = measures["unit_label"].fillna("").astype(str).str.strip()
    return label.where(label != "", measures["unit"].map(UNIT_WORDS).fillna(""))


def tidy_performance(performance: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """The performance table with its measure's title, unit, polarity and frequency on every row,
    so that performance.csv answers questions without joining another file."""
    context = measures[["measure_id", *rules.MEASURE_CONTEXT_COLUMNS]].copy()
    context["unit_label"] = unit_labels(measures).to_numpy()
    joined = performance.merge(context, on="measure_id", how="left", validate="many_to_one")
    places = joined["decimal_places"].astype("int64").to_numpy()
    for column in ("value", "target"):  # written as the site shows them: 152340, not 152340.0
        joined[column] = _plain_numbers(joined[column].to_numpy(dtype="float64"), places)
    return joined[PERFORMANCE_COLUMNS]


def _plain_numbers(values: np.ndarray, places: np.ndarray) -> list[str]:
    """Each value rounded to its decimal places, without thousands separators; "" when missing.
    Each distinct (value, places) is written once: a table repeats its targets and many values."""
    if not len(values):
        return []
    value_ids = pd.factorize(values.view("int64"))[0]  # by bits: 0.0 and -0.0 are written apart
    place_ids, distinct_places = pd.factorize(places)
    pair_ids = value_ids * len(distinct_places) + place_ids
    _, first, where = np.unique(pair_ids, return_index=True, return_inverse=True)
    numbers, dps = values[first], places[first]
    missing = np.isnan(numbers)
    steps = np.abs(np.where(missing, 0.0, numbers)) * 10.0**dps
    # below 1e8 steps both roundings keep all their guard digits, so the vectorised one gives
    # quantise_scalar's answer to the bit; the rare larger figure is rounded one at a time
    vectorised = ~missing & (steps < 1e8)
    rounded = np.zeros(len(numbers), dtype="int64")
    rounded[vectorised] = quantise(numbers[vectorised], dps[vectorised])
    counts = rounded.tolist()
    for i in np.flatnonzero(~vectorised & ~missing).tolist():
        counts[i] = quantise_scalar(numbers[i], int(dps[i]))
    texts = [
        "" if gap else decimal_text(q, dp, thousands=False)
        for gap, q, dp in zip(missing.tolist(), counts, dps.tolist(), strict=True)
    ]
    return np.array(texts, dtype=object)[where.reshape(-1)].tolist()


def _measure_files(tidy: pd.DataFrame, text: str, measures: pd.DataFrame) -> dict[str, str]:
    """performance.csv (``text``, written from ``tidy``) cut into one file per measure: its rows in
    the same order under the same header. When a cell holds a line break, lines are not rows, so
    each measure's rows are written on their own instead (as for dates, below)."""
    groups = tidy.groupby("measure_id", sort=True)
    lines = text.split("\n")  # the header, one line per row, and "" after the last line end
    # pandas words dates and times for a whole column at once, so a measure's dates could read
    # differently in a file of its own: only text and number columns are cut from the table
    dated = any(kind in "mM" for kind in (dtype.kind for dtype in tidy.dtypes if isinstance(dtype, np.dtype)))
    if len(lines) == len(tidy) + 2 and not dated:
        header, rows = lines[0] + "\n", lines[1:-1]
        out = {
            measure_id: header + "".join(rows[i] + "\n" for i in where)
            for measure_id, where in sorted(groups.indices.items())
        }
    else:
        out = {measure_id: csv_text(rows, checked=True) for measure_id, rows in groups}
    for measure_id in measures["measure_id"]:
        out.setdefault(measure_id, ",".join(PERFORMANCE_COLUMNS) + "\n")
    return out


def measure_csvs(
    performance: pd.DataFrame, measures: pd.DataFrame, tidy: pd.DataFrame | None = None
) -> dict[str, str]:
    """One CSV per measure, with the same columns as performance.csv (``tidy``: the table
    already made by :func:`tidy_performance` and :func:`inert`, so it is made once)."""
    tidy = inert(tidy_performance(performance, measures)) if tidy is None else tidy
    return _measure_files(tidy, csv_text(tidy, checked=True), measures)


def _resource(name: str, schema: dict, description: str) -> dict:
    entry = standard.resource_descriptor(name)
    entry["title"] = TITLES[name]
    entry["description"] = description
    entry["encoding"] = CSV_ENCODING
    entry["schema"] = schema
    return entry


def data_package(descriptor: dict) -> dict:
    """The downloadable datapackage.json: the council's metadata, inline schemas, plus
    perfsite's own tables (performance.csv, revisions.csv), each resource with a title."""
    keep = ("name", "title", "description", "council", "plan", "rag", "licenses", "contributors", "homepage")
    package = {k: descriptor[k] for k in keep if k in descriptor}
    package.setdefault("name", "council-performance")
    package.setdefault("licenses", [standard.LICENCE_OGL])
    resources = [
        _resource(name, standard.schema(name), standard.RESOURCE_DESCRIPTIONS[name])
        for name in standard.RESOURCES
    ]
    resources.append(
        _resource(
            "performance",
            PERFORMANCE_SCHEMA,
            "perfsite's tidy table: one row per measure and period, with the measure's title, unit, "
            "polarity and frequency, the period's dates, the target and tolerances used, and the "
            "status, direction and sentence shown on the site.",
        )
    )
    resources.append(
        _resource(
            "headlines",
            published_schema("headlines"),
            "The headline figures of each quarter's report, for the whole council and for each "
            "priority, exactly as the site shows them: how many measures had a figure, how many were "
            "rated, each status, the measures on target counted both ways, the share on target, and "
            "how many changed status since the quarter before.",
        )
    )
    resources.append(
        _resource(
            "revisions",
            published_schema("revisions"),
            "Published figures that were later corrected: the value first published and the value now, "
            "the releases and dates of each, and the council's note on what changed and why.",
        )
    )
    package["resources"] = resources
    return package


def dictionary(package: dict) -> list[dict]:
    """The data dictionary: one entry per downloadable table, its fields from the same schemas
    that the data package declares (so the two can never disagree)."""
    out = []
    for resource in package["resources"]:
        fields = []
        for f in resource["schema"]["fields"]:
            constraints = f.get("constraints", {})
            fields.append(
                {
                    "field": f["name"],
                    "title": f.get("title", ""),
                    "type": f["type"],
                    "required": bool(constraints.get("required")),
                    "allowed": ", ".join(map(str, constraints.get("enum", []))),
                    "description": f.get("description", ""),
                }
            )
        out.append(
            {
                "name": resource["name"],
                "path": resource["path"],
                "title": resource["title"],
                "description": resource["description"],
                "fields": fields,
            }
        )
    return out


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A deterministic zip: sorted names, fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def headline_columns() -> list[str]:
    """The columns of headlines.csv, from its schema."""
    return [f["name"] for f in published_schema("headlines")["fields"]]


def render_downloads(
    descriptor: dict,
    raw: dict[str, pd.DataFrame],
    performance: pd.DataFrame,
    measures: pd.DataFrame,
    revisions: pd.DataFrame | None = None,
    headlines: pd.DataFrame | None = None,
) -> dict[str, bytes]:
    """Every download, keyed by path under ``site_src`` (all under ``data/``); ``revisions`` is the
    revisions log (:func:`perfsite.site.revisionlog.revision_log`), empty when nothing was revised;
    ``headlines`` is each quarter's headline figures (the renderer's ``headline_rows``)."""
    files: dict[str, bytes] = {f"{name}.csv": csv_bytes(text) for name, text in resource_csvs(raw).items()}
    tidy = inert(tidy_performance(performance, measures))
    performance_text = csv_text(tidy, checked=True)  # written once: each measure's file is cut from it
    files["performance.csv"] = csv_bytes(performance_text)
    columns = [f["name"] for f in published_schema("revisions")["fields"]]
    log = revisions if revisions is not None else pd.DataFrame(columns=columns)
    files["revisions.csv"] = csv_bytes(csv_text(log.reindex(columns=columns)))
    counts = headlines if headlines is not None else pd.DataFrame(columns=headline_columns())
    # whole numbers as whole numbers: a column with an empty cell would otherwise be written 77.0
    counts = counts.reindex(columns=headline_columns()).astype(
        {c: "Int64" for c in headline_columns() if c not in ("period", "priority_id", "compared_with")}
    )
    files["headlines.csv"] = csv_bytes(csv_text(counts))
    files["datapackage.json"] = (
        json.dumps(data_package(descriptor), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    ).encode("utf-8")
    out = {f"data/{name}": data for name, data in files.items()}
    out["data/performance-data.zip"] = zip_bytes(files)
    for measure_id, text in _measure_files(tidy, performance_text, measures).items():
        out[f"data/measures/{measure_id.lower()}.csv"] = csv_bytes(text)
    return out
