"""One publish of a package at a time, with two real processes.

A second publish waits for the first (then publishes on top of it: its snapshot carries the
first one's quarter), or stops with a plain message when the first takes too long; a killed
publish never leaves the lock held. The lock file is perfsite's own: never published, never
refused by validate.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from perfsite.commands.build import build
from perfsite.commands.publish import publish_period
from perfsite.errors import errors_of, warnings_of
from perfsite.files import archive, archive_writer
from perfsite.validation.validate import validate

from ..corpus import EXAMPLE, append_row, read_rows

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

Q2, Q3 = "2026-27-Q2", "2026-27-Q3"
TODAY = dt.date(2027, 1, 15)

# Publishes PERIOD on DATE. With a third argument ``hold``, it stops inside the lock, once its
# snapshot is written, and goes on only when the other process has said it is waiting; with
# ``wait``, it says so (a file) when it finds the lock held. No timing is involved.
PUBLISH = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    from perfsite.files import archive_writer
    from perfsite.commands.publish import publish_period

    pkg, period, date, role, signals = sys.argv[1:6]
    signals = Path(signals)
    archive_writer.LOCK_WAIT_SECONDS = 600

    def hold(step):
        if role == "hold" and step == "snapshot written":
            (signals / "holding").touch()
            for _ in range(6000):  # at most ten minutes: the test fails rather than hangs
                if (signals / "waiting").exists() or (signals / "finished").exists():
                    return  # (finished without waiting: the lock is broken, the test says so)
                time.sleep(0.1)
            raise SystemExit("the other publish never waited")

    def waiting():
        (signals / "waiting").touch()

    archive_writer.after_step = hold
    try:
        publish_period(pkg, period, dt.date.fromisoformat(date), today=dt.date(2027, 1, 15), on_wait=waiting)
    finally:
        (signals / "finished").touch()
    """
)


@pytest.fixture
def two_approved(tmp_path) -> Path:
    """The example with a second approved quarter (Q3, committee 5 January 2027) beside Q2."""
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    rows = [r for r in read_rows(pkg, "outturns.csv")[1] if r["period"] == Q2]
    for row in rows[:3]:
        append_row(pkg, "outturns.csv", {**row, "period": Q3})
    append_row(
        pkg,
        "publications.csv",
        {
            "period": Q3,
            "title": "Council Plan performance report, Q3 2026/27",
            "committee": "Overview and Scrutiny Committee",
            "committee_date": "2027-01-05",
            "status": "approved",
        },
    )
    return pkg


def _published(pkg: Path) -> dict[str, str]:
    return {
        r["period"]: r["published_date"]
        for r in read_rows(pkg, "publications.csv")[1]
        if r["status"] == "published"
    }


def test_two_publishes_of_different_quarters_at_once_both_publish_each_on_the_others_work(
    two_approved, tmp_path
):
    signals = tmp_path / "signals"
    signals.mkdir()
    first = subprocess.Popen(
        [sys.executable, "-c", PUBLISH, str(two_approved), Q2, "2026-12-10", "hold", str(signals)],
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(3000):  # the first holds the lock before the second starts
        if (signals / "holding").exists() or first.poll() is not None:
            break
        time.sleep(0.1)
    second = subprocess.Popen(
        [sys.executable, "-c", PUBLISH, str(two_approved), Q3, "2027-01-12", "wait", str(signals)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert first.wait(timeout=900) == 0, first.stderr.read()
    assert second.wait(timeout=900) == 0, second.stderr.read()
    assert (signals / "waiting").exists(), "the second publish never had to wait"
    published = _published(two_approved)
    assert (published[Q2], published[Q3]) == ("2026-12-10", "2027-01-12")
    # the second snapshot holds the first's quarter; the first never saw the second's
    later = (two_approved / "archive" / Q3 / "publications.csv").read_text()
    assert f"{Q2}," in later and "2026-12-10" in later
    assert f"{Q3}," not in (two_approved / "archive" / Q2 / "outturns.csv").read_text()
    assert f"{Q2}," in (two_approved / "archive" / Q3 / "outturns.csv").read_text()
    chain = archive.read_manifest(two_approved / "archive" / Q3)["chain"]
    assert Q2 in chain
    _, issues = validate(two_approved, today=TODAY)
    assert errors_of(issues) == [], [str(i) for i in errors_of(issues)]
    assert (two_approved / "archive" / archive.LOCK).exists() and warnings_of(issues) == []


HOLD_LOCK = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from perfsite.files import archive_writer

    with archive_writer.publishing_lock(Path(sys.argv[1])):
        Path(sys.argv[2]).touch()
        if sys.argv[3] == "die":
            os._exit(9)  # killed while holding the lock
        for _ in range(6000):
            if Path(sys.argv[2] + ".done").exists():
                break
            time.sleep(0.1)
    """
)

CLI = textwrap.dedent(
    """
    import sys
    from perfsite.files import archive_writer
    from perfsite.cli import cli
    archive_writer.LOCK_WAIT_SECONDS = float(sys.argv[1])
    cli(sys.argv[2:])
    """
)


def _hold(pkg: Path, tmp_path: Path, how: str) -> subprocess.Popen:
    flag = tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(pkg), str(flag), how])
    for _ in range(3000):
        if flag.exists() or holder.poll() is not None:
            break
        time.sleep(0.1)
    assert flag.exists()
    return holder


def test_a_second_publish_stops_with_a_plain_message_and_changes_nothing(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    before = (pkg / "publications.csv").read_bytes()
    holder = _hold(pkg, tmp_path, "hold")
    try:
        result = subprocess.run(
            [sys.executable, "-c", CLI, "0.3", "publish", str(pkg), Q2, "--date", "2026-12-10"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        (tmp_path / "held.done").touch()
        holder.wait(timeout=300)
    assert result.returncode == 1, result.stderr
    assert "another perfsite publish" in result.stderr and "nothing was changed" in result.stderr
    assert "waiting for it to finish" in result.stderr and "Traceback" not in result.stderr
    assert (pkg / "publications.csv").read_bytes() == before and not (pkg / "archive" / Q2).exists()


def test_a_publish_killed_while_holding_the_lock_never_blocks_the_next(tmp_path):
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    holder = _hold(pkg, tmp_path, "die")
    assert holder.wait(timeout=300) == 9
    assert (pkg / "archive" / archive.LOCK).exists()
    archive_writer.LOCK_WAIT_SECONDS, wait = 0.0, archive_writer.LOCK_WAIT_SECONDS  # no waiting at all
    try:
        publish_period(pkg, Q2, dt.date(2026, 12, 10), today=TODAY)
    finally:
        archive_writer.LOCK_WAIT_SECONDS = wait
    _, issues = validate(pkg, today=TODAY)
    assert errors_of(issues) == [] and warnings_of(issues) == []
    out = tmp_path / "site"
    build(pkg, out=out)
    assert not [p for p in out.rglob("*") if p.name == archive.LOCK]


def test_publish_refuses_an_archive_that_is_a_link_or_a_missing_package(tmp_path):
    from perfsite.errors import PublishError

    with pytest.raises(PublishError, match="no package folder"):
        publish_period(tmp_path / "nowhere", Q2, today=TODAY)
    assert not (tmp_path / "nowhere").exists()
    pkg = Path(shutil.copytree(EXAMPLE, tmp_path / "pkg"))
    moved = shutil.move(pkg / "archive", tmp_path / "elsewhere")
    os.symlink(moved, pkg / "archive")
    with pytest.raises(PublishError, match="not a folder of the package"):
        publish_period(pkg, Q2, dt.date(2026, 12, 10), today=TODAY)
