"""What every release shares — a quarter's report, a corrections release, a quarter adopted from
before perfsite: what a publish did (:class:`PublishResult`), the files of its snapshot, the
checks made before anything is written (the package valid, the period's row in publications.csv,
the dates: not in advance, not before committee, not before the period ended, in order), and a
plain message when a write fails."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import standard
from ..errors import PublishError, ValidationFailed, errors_of
from ..files import archive, archive_writer
from ..files.load import Package
from ..rules import gate
from ..site.downloads import resource_csvs
from ..standard import periods
from ..standard.formatting import uk_date


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: ``completed`` when it finished an interrupted publish, ``adopted`` for
    --adopt; ``finished`` names other interrupted releases it finished first."""

    period: str
    snapshot: Path
    published_date: str
    completed: bool = False
    adopted: bool = False
    corrections: int = 0  # figures a corrections release made public
    finished: tuple[str, ...] = field(default=())


#: what a publish tells the officer before it archives (see :func:`perfsite.rules.status_report.publish_warnings`)
Report = Callable[[list[str]], None]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows(frame.astype(str).itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def _with_all_resources(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = dict(raw)
    for name in standard.RESOURCES:
        if name not in out:
            out[name] = pd.DataFrame({c: pd.Series(dtype=object) for c in standard.field_names(name)})
    return out


def snapshot_files(raw: dict[str, pd.DataFrame], publications: pd.DataFrame) -> dict[str, bytes]:
    """Every resource as the public site holds it when ``publications`` (rows) are the published ones."""
    gated = gate.restrict(_with_all_resources(raw), publications)
    return {f"{name}.csv": text.encode("utf-8") for name, text in resource_csvs(gated).items()}


def rag_settings(package: Package) -> dict:
    """The package's tolerance settings, recorded in each manifest: the statuses a release carried
    were worked out with them (validate warns when they change afterwards)."""
    return {k: package.rag.get(k) for k in ("green_tolerance", "amber_tolerance", "tolerance_type")}


def load_valid(package_dir: Path, tolerated: Iterable[str] = ()) -> Package:
    """The package, valid but for issues with the ``tolerated`` codes (those this command resolves)."""
    from ..validation.validate import validate

    package, issues = validate(package_dir)
    blocking = [i for i in errors_of(issues) if i.code not in set(tolerated)]
    if blocking:
        raise ValidationFailed(issues)
    package.issues = issues
    return package


def row_of(pubs: pd.DataFrame, period: str) -> int:
    match = pubs.index[pubs["period"] == period]
    if len(match) == 0:
        raise PublishError(
            f"publications.csv has no row for {period}; add it (status approved, with the committee date) first"
        )
    return int(match[0])


def check_date(date: dt.date, today: dt.date, committee: str, what: str = "the publication date") -> None:
    if date > today:
        raise PublishError(
            f"{what} {date.isoformat()} is later than today ({today.isoformat()}): nothing is published in advance"
        )
    if committee and date.isoformat() < committee:
        raise PublishError(f"{what} {date.isoformat()} is before the committee date {committee}")


def check_ended(period: str, date: dt.date) -> None:
    """A period is published only once it has ended: its figures cannot be final before."""
    end = periods.parse(period).dates()[1]
    if date <= end:
        raise PublishError(
            f"{period} ends on {uk_date(end.isoformat())}: a period is published only after it has ended "
            f"(the publication date is {uk_date(date.isoformat())}); nothing was changed"
        )


def check_in_order(package_dir: Path, date: dt.date) -> None:
    """A release is dated no earlier than the latest one: releases reach the public in order, and
    the site shows each published figure as the newest release carried it."""
    latest = max(archive.releases(package_dir), key=archive.Release.order, default=None)
    if latest is not None and date.isoformat() < latest.published_date:
        raise PublishError(
            f"the date {date.isoformat()} is before the latest release ({latest.name}, "
            f"{latest.published_date}): releases are dated in the order they reach the public"
        )


@contextlib.contextmanager
def writing(what: str):
    """A write that fails (a full disk, a folder made read-only) is a plain message: each step is
    atomic, so nothing published is lost or half-written, and running the command again finishes."""
    try:
        yield
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        where = f" {exc.filename}" if exc.filename else ""
        raise PublishError(
            f"could not write{where} while {what} ({reason}); nothing published was lost or half-written: "
            "fix that, then run the same command again"
        ) from exc


@contextlib.contextmanager
def said_after(finished: tuple[str, ...]):
    """A publish that stops after it finished interrupted ones says so: they are done."""
    try:
        yield
    except PublishError as exc:
        if not finished:
            raise
        said = str(exc).replace("nothing was changed", "nothing else was changed")
        raise PublishError(
            f"the interrupted publish of {', '.join(finished)} was finished first (run perfsite build "
            f"to show it); then: {said}"
        ) from exc


def write_publications(package_dir: Path, file: str, pubs: pd.DataFrame) -> None:
    archive_writer.replace_file(Path(package_dir) / file, csv_bytes(pubs))
