"""What each release published, read back from the archive's snapshots: the figures as first
published (and the statuses officers set), the newest release's tables, and a build's outturns of
each snapshot. Read once per package and kept in ``Package.archive_cache``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..rules import gate
from ..standard import periods
from .archive import ARCHIVE, regular_file, releases, unfinished
from .load import Package

#: an outturn's fields as first published (the figure, and the status an officer set), and their names
FIRST_FIELDS = {
    "measure_id": "measure_id",
    "period": "period",
    "value": "published_value",
    "status_override": "published_override",
    "override_reason": "published_override_reason",
}


def _read_outturns(snapshot: Path, rows: int | None = None) -> pd.DataFrame | None:
    path = snapshot / "outturns.csv"
    if regular_file(path) is None:
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", nrows=rows)
    except (OSError, UnicodeDecodeError, ValueError):
        return None  # reported by archivecheck
    return frame if {"measure_id", "period", "value"} <= set(frame.columns) else None


def snapshot_outturns(package: Package, only: set[tuple[str, str]] | None = None):
    """The outturns each snapshot carried, by release name in release order, as text, one snapshot
    at a time (a large council's archive holds millions of rows: never all in memory at once);
    ``only`` keeps just those (measure_id, period) figures. An empty ``only`` keeps no row, so
    just each file's header is read (the usual case: nothing was revised)."""
    for release in releases(package.path):
        frame = _read_outturns(release.path, 0 if only is not None and not only else None)
        if frame is None:
            continue
        if only:
            frame = _only(frame, only)
        yield release.name, frame


def _only(frame: pd.DataFrame, only: set[tuple[str, str]]) -> pd.DataFrame:
    """The rows of ``frame`` whose (measure_id, period) is in ``only``, in their order."""
    # the revised measures' rows first (a vectorised test), then each of those rows' pair
    measure_ids = frame["measure_id"].to_numpy(dtype=object)
    period_ids = frame["period"].to_numpy(dtype=object)
    candidates = np.flatnonzero(frame["measure_id"].isin({measure_id for measure_id, _ in only}).to_numpy())
    keep = np.zeros(len(frame), dtype=bool)
    keep[[i for i in candidates.tolist() if (measure_ids[i], period_ids[i]) in only]] = True
    return frame[keep]


def _read_archive(package: Package) -> None:
    """Read each snapshot's outturns once: what each report released first, and every row the
    newest release carried (the figures as the public last received them)."""
    frames = []
    newest: pd.DataFrame | None = None
    newest_name = ""
    interrupted = unfinished(package)
    for release in releases(package.path):
        frame = _read_outturns(release.path)
        if frame is None:
            continue
        if release.name in interrupted:
            continue  # a release whose publish is unfinished is not public yet (and may be set aside)
        newest, newest_name = frame, release.name
        if release.kind != "report":
            continue  # a corrections release first publishes nothing
        # each snapshot repeats earlier publications: keep what this one released
        ours = [
            p
            for p in frame["period"].unique()
            if bool(periods.try_parse(p)) and gate.releasing_publication(p) == release.name
        ]
        released = frame.loc[frame["period"].isin(ours)].reindex(columns=list(FIRST_FIELDS), fill_value="")
        frames.append(released.assign(publication=release.name))
    if not frames:
        first = pd.DataFrame(columns=[*FIRST_FIELDS.values(), "publication"])
    else:
        first = pd.concat(frames).drop_duplicates(["measure_id", "period"], keep="first")
        first = first.rename(columns=FIRST_FIELDS).reset_index(drop=True)
    package.archive_cache["first"] = first
    package.archive_cache["newest"] = (newest_name, newest)


def first_published_values(package: Package) -> pd.DataFrame:
    """(measure_id, period, published_value, published_override, published_override_reason,
    publication) as each period's outturns were first published: the figure and the status an
    officer set on it; ``publication`` is the snapshot that released the figure."""
    if "first" not in package.archive_cache:  # read once per loaded package: validation and site share it
        _read_archive(package)
    return package.archive_cache["first"].copy()


def newest_release(package: Package) -> tuple[str, pd.DataFrame | None]:
    """The newest release's name and the outturns it carried (text, every row), or ``("", None)``
    when nothing is archived: what the public site shows of published figures."""
    if "newest" not in package.archive_cache:
        _read_archive(package)
    return package.archive_cache["newest"]


def newest_release_frame(package: Package, resource: str) -> pd.DataFrame | None:
    """The rows of ``resource`` the newest release carried (text), or ``None`` when nothing is
    archived or its file cannot be read (validation reports that)."""
    key = ("newest", resource)
    if key not in package.archive_cache:
        name, _ = newest_release(package)
        frame = None
        path = Path(package.path) / ARCHIVE / name / f"{resource}.csv"
        if name and regular_file(path) is not None:
            try:
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            except (OSError, UnicodeDecodeError, ValueError):
                frame = None
        package.archive_cache[key] = frame
    return package.archive_cache[key]
