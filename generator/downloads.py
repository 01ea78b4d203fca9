"""Open data downloads, in memory: CSVs, per-measure CSVs, the data package and its zip.

Everything here is made from frames that have already passed the approval gate, so a
download can only hold published periods. The downloadable ``datapackage.json`` carries
its schemas inline, so ``frictionless validate`` checks it with nothing else at hand.
Output is deterministic: sorted rows, fixed zip timestamps, no build dates.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd

from . import periods, rules, safety, standard

PERFORMANCE_SCHEMA = {
    "fields": [
        {
            "name": "measure_id",
            "type": "string",
            "title": "Measure identifier",
            "description": "The measure (see measures.csv).",
        },
        {
            "name": "period",
            "type": "string",
            "title": "Period",
            "description": "The period of the outturn: 2024-25, 2024-25-Q2 or 2024-25-M01.",
        },
        {
            "name": "value",
            "type": "number",
            "title": "Outturn",
            "description": "The published outturn in the measure's unit; empty when there is none (see outturns.csv missing_reason).",
        },
        {
            "name": "target",
            "type": "number",
            "title": "Target",
            "description": "The target the status was judged against; empty when none applies.",
        },
        {
            "name": "target_period",
            "type": "string",
            "title": "Target period",
            "description": "Which target was used: the period's own target or the financial year's.",
        },
        {
            "name": "status",
            "type": "string",
            "title": "Status",
            "description": "The status shown on the site: red, amber, green or grey.",
            "constraints": {"enum": ["red", "amber", "green", "grey"]},
        },
        {
            "name": "status_source",
            "type": "string",
            "title": "Status source",
            "description": "computed (by perfsite's rules) or override (set by an officer, with a reason).",
            "constraints": {"enum": ["computed", "override"]},
        },
        {
            "name": "computed_status",
            "type": "string",
            "title": "Computed status",
            "description": "The status perfsite's rules give, kept when an officer overrides it.",
            "constraints": {"enum": ["red", "amber", "green", "grey"]},
        },
        {
            "name": "status_reason",
            "type": "string",
            "title": "Status reason",
            "description": "Why the computed status is what it is (see the site's 'How we rate performance' page).",
        },
        {
            "name": "override_reason",
            "type": "string",
            "title": "Override reason",
            "description": "Why an officer overrode the computed status.",
        },
        {
            "name": "direction_vs_previous",
            "type": "string",
            "title": "Direction since the previous period",
            "description": "improving, worsening, unchanged or not_comparable.",
        },
        {
            "name": "direction_vs_last_year",
            "type": "string",
            "title": "Direction since the same period last year",
            "description": "improving, worsening, unchanged or not_comparable.",
        },
        {
            "name": "summary",
            "type": "string",
            "title": "Summary",
            "description": "The plain-English sentence shown on the site.",
        },
    ],
    "primaryKey": ["measure_id", "period"],
    "missingValues": [""],
}
# the columns are the rules engine's; the schema above only documents them, in the same order
PERFORMANCE_COLUMNS = rules.PERFORMANCE_COLUMNS
PERFORMANCE_SCHEMA["fields"].sort(key=lambda f: PERFORMANCE_COLUMNS.index(f["name"]))
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as the standard writes CSV: UTF-8, comma, LF, empty cells for missing values.

    Text a spreadsheet would run as a formula is made inert (validation refuses it in the
    package; this guards anything else); numbers, even negative ones, are left alone."""
    text_columns = [
        c for c in frame.columns if frame[c].dtype.kind == "O" or isinstance(frame[c].dtype, pd.StringDtype)
    ]
    if text_columns:
        frame = frame.assign(**{c: safety.neutralise_column(frame[c]) for c in text_columns})
    return frame.to_csv(index=False, lineterminator="\n", na_rep="")


def _chronological(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if frame.empty or "period" not in frame.columns:
        return frame.sort_values(keys, kind="stable") if keys and not frame.empty else frame
    order = frame.assign(_k=frame["period"].map(periods.sort_key))
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


def performance_csv(performance: pd.DataFrame) -> str:
    return csv_text(performance[PERFORMANCE_COLUMNS])


def measure_csvs(performance: pd.DataFrame, measures: pd.DataFrame) -> dict[str, str]:
    """One CSV per measure: its title and unit beside every published period."""
    meta = measures[["measure_id", "title", "unit"]]
    joined = performance[PERFORMANCE_COLUMNS].merge(meta, on="measure_id", how="left")
    columns = ["measure_id", "title", "unit", *PERFORMANCE_COLUMNS[1:]]
    out = {}
    for measure_id, rows in joined.groupby("measure_id", sort=True):
        out[measure_id] = csv_text(rows[columns])
    for measure_id in measures["measure_id"]:
        out.setdefault(measure_id, ",".join(columns) + "\n")
    return out


def data_package(descriptor: dict) -> dict:
    """The downloadable datapackage.json: the council's metadata, inline schemas, plus performance.csv."""
    keep = ("name", "title", "description", "council", "plan", "rag", "licenses", "contributors", "homepage")
    package = {k: descriptor[k] for k in keep if k in descriptor}
    package.setdefault("name", "council-performance")
    package.setdefault("licenses", [standard.LICENCE_OGL])
    resources = []
    for name in standard.RESOURCES:
        entry = standard.resource_descriptor(name)
        entry["schema"] = standard.schema(name)
        resources.append(entry)
    perf = standard.resource_descriptor("performance")
    perf["description"] = (
        "perfsite's tidy table: one row per measure and period, with the status, direction and sentence shown on the site."
    )
    perf["schema"] = PERFORMANCE_SCHEMA
    resources.append(perf)
    package["resources"] = resources
    return package


def zip_bytes(files: dict[str, str]) -> bytes:
    """A deterministic zip: sorted names, fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name].encode("utf-8"))
    return buffer.getvalue()


def render_downloads(
    descriptor: dict, raw: dict[str, pd.DataFrame], performance: pd.DataFrame, measures: pd.DataFrame
) -> dict[str, bytes]:
    """Every download, keyed by path under ``site_src`` (all under ``data/``)."""
    files: dict[str, str] = {f"{name}.csv": text for name, text in resource_csvs(raw).items()}
    files["performance.csv"] = performance_csv(performance)
    files["datapackage.json"] = (
        json.dumps(data_package(descriptor), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    )
    out = {f"data/{name}": text.encode("utf-8") for name, text in files.items()}
    out["data/performance-data.zip"] = zip_bytes(files)
    for measure_id, text in measure_csvs(performance, measures).items():
        out[f"data/measures/{measure_id.lower()}.csv"] = text.encode("utf-8")
    return out
