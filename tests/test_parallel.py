"""Two processes for a large council (:mod:`perfsite.parallel`): same results, in order, and
failures that surface instead of vanishing; MkDocs' pages split between two processes give the
same site byte for byte."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from perfsite import parallel
from perfsite.commands import build as build_module
from perfsite.commands.synth import synthesise
from perfsite.site import plugin, render

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a second process needs a second core")


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    """The test session may run a web server thread for the browser tests; these tests fork anyway
    (the server thread holds no lock the jobs use)."""
    monkeypatch.setattr(parallel, "single_threaded", lambda: True)


def test_results_come_back_in_job_order_from_both_processes():
    def job(i: int) -> tuple[int, int]:
        time.sleep(0.05)  # long enough for the child to start and take its share
        return i, os.getpid()

    jobs = [(lambda i=i: job(i)) for i in range(40)]
    results = parallel.run_jobs(jobs)
    assert [i for i, _ in results] == list(range(40))
    assert len({pid for _, pid in results}) == 2, "every job ran in one process"


def test_the_second_process_takes_a_fair_share_of_jobs_with_large_results():
    """Pages are large (a report is 100-300 KB) and this process is busy rendering while the
    other's pages arrive: the second process must not sit waiting to hand them over. Through a
    64 KiB pipe read a pickle at a time it made 10-25% of a large council's pages."""

    def page(i: int) -> tuple[int, bytes]:
        total = 0
        for n in range(60_000):  # a few milliseconds of work, as rendering a page is
            total += n * n
        return os.getpid(), bytes(200_000 + i)

    results = parallel.run_jobs([(lambda i=i: page(i)) for i in range(300)])
    assert [len(body) for _, body in results] == [200_000 + i for i in range(300)]
    theirs = sum(pid != os.getpid() for pid, _ in results)
    assert theirs >= 0.3 * len(results), f"the second process made {theirs} of {len(results)}"


def test_a_large_result_from_the_second_process_is_held_once_while_it_arrives():
    """XL's downloads reach this process as one result of about 180 MiB: read straight into the
    objects it holds, not into a buffer first (which doubled this process's peak)."""
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        sys.path.insert(0, sys.argv[1])
        from perfsite import parallel

        def peak():
            status = Path("/proc/self/status").read_text().splitlines()
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) // 1024

        before = peak()
        done = parallel.fork(lambda send: send({"data/performance.csv": os.urandom(120 << 20)}), streamed=True)
        items, _ = done()
        assert len(items[0]["data/performance.csv"]) == 120 << 20
        print(peak() - before)
        """
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) < 180, f"this process's peak grew by {result.stdout.strip()} MiB for 120 MiB"


def test_a_job_failing_in_the_second_process_raises_its_own_error_and_stops_the_work():
    parent = os.getpid()
    ran_here = []

    def job():
        if os.getpid() != parent:
            raise KeyError("measure M99")
        ran_here.append(True)
        time.sleep(0.2)

    with pytest.raises(KeyError, match="M99"):
        parallel.run_jobs([job] * 50)
    assert len(ran_here) < 25, "this process went on with the jobs after the other one failed"


def _write_whole(path, text: str) -> None:
    """Write so that the other process sees the file only once it holds its text (a rename)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def test_a_job_failing_here_stops_the_second_process(tmp_path):
    parent = os.getpid()
    child_pid = tmp_path / "child.pid"

    def job():
        if os.getpid() == parent:
            while not child_pid.exists():  # fail once the child is at work
                time.sleep(0.01)
            raise ValueError("bad page")
        _write_whole(child_pid, str(os.getpid()))
        time.sleep(60)

    with pytest.raises(ValueError, match="bad page"):
        parallel.run_jobs([job] * 4)
    with pytest.raises(ProcessLookupError):
        os.kill(int(child_pid.read_text()), 0)  # killed and reaped


def test_side_by_side_runs_the_first_here_and_the_second_in_the_other_process(tmp_path):
    here, there = parallel.side_by_side(os.getpid, os.getpid)
    assert here == os.getpid() and there != os.getpid()
    child_pid = tmp_path / "child.pid"

    def wait_there():
        _write_whole(child_pid, str(os.getpid()))
        time.sleep(60)

    def fail_here():
        while not child_pid.exists():
            time.sleep(0.01)
        raise ValueError("bad check")

    with pytest.raises(ValueError, match="bad check"):
        parallel.side_by_side(fail_here, wait_there)
    with pytest.raises(ProcessLookupError):
        os.kill(int(child_pid.read_text()), 0)  # killed and reaped


def test_a_large_councils_validation_compiles_the_templates_in_this_process(tmp_path, monkeypatch):
    """frictionless runs in the second process and perfsite's checks, then the work handed to
    validation (compiling templates), in this one, which builds the site next."""
    from perfsite.errors import errors_of
    from perfsite.files.load import load
    from perfsite.validation.validate import validate_package

    pkg = synthesise(tmp_path / "pkg", measures=parallel.LARGE_COUNCIL_MEASURES, years=1, projects=2, seed=5)
    forked = []
    real_fork = parallel.fork
    monkeypatch.setattr(parallel, "fork", lambda work, **kw: forked.append(work) or real_fork(work, **kw))
    ran = []
    issues = validate_package(load(pkg), meanwhile=lambda: ran.append(os.getpid()))
    assert errors_of(issues) == []
    assert len(forked) == 1 and ran == [os.getpid()]


def test_unpicklable_errors_still_say_what_failed():
    parent = os.getpid()

    class Local(Exception):  # a local class cannot be pickled
        pass

    def job():
        if os.getpid() != parent:
            raise Local("the child's own words")
        time.sleep(0.2)

    with pytest.raises(parallel.SecondProcessFailed, match="the child's own words"):
        parallel.run_jobs([job, job])


def test_with_other_threads_running_nothing_is_forked(monkeypatch):
    import threading

    monkeypatch.undo()  # the real check of threads

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        results = parallel.run_jobs([(lambda: os.getpid())] * 6)
        assert set(results) == {os.getpid()}
    finally:
        stop.set()
        thread.join()


def test_the_second_process_dies_with_a_killed_build(tmp_path):
    """A build killed while its child renders leaves no process writing into the folders."""
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys, time
            sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
            from perfsite import parallel
            wait = parallel.fork(lambda: time.sleep(120))
            print(wait.pid, flush=True)
            time.sleep(120)
            """
        )
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for _ in range(200):  # the kernel signals the child at once; give it up to 10 s to go
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as stat:
            if stat.read().split()[2] == "Z":  # exited, waiting to be reaped by init
                break
        time.sleep(0.05)
    else:
        pytest.fail("the forked child outlived its killed parent")


def test_claims_give_each_item_to_the_process_that_reaches_it_first():
    claims = parallel.Claims(6)
    assert claims.take() == 0  # the child always has the first
    assert not claims.claim(0)
    assert claims.claim(1)  # reached here first
    assert claims.take() == 2 and claims.take() == 3
    assert not claims.claim(2) and not claims.claim(3)
    assert claims.claim(4)
    claims.stop()
    assert not claims.claim(5) and claims.take() is None


def test_claims_between_two_processes_share_every_item_once_and_follow_their_speed():
    count = 60
    claims = parallel.Claims(count)

    def slow_child() -> list[int]:
        taken = []
        while (index := claims.take()) is not None:
            taken.append(index)
            time.sleep(0.02)  # the child is the slower one here
        return taken

    theirs = parallel.fork(slow_child)
    mine = [i for i in range(count) if claims.claim(i)]
    child = theirs()
    assert sorted(mine + child) == list(range(count))
    assert 0 in child and len(mine) > len(child), "the faster process did not take more pages"


def test_a_build_on_two_processes_writes_the_same_site_as_on_one(tmp_path, monkeypatch):
    pkg = synthesise(tmp_path / "pkg", measures=12, years=2, projects=4, seed=5)
    can_fork = parallel.can_fork
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    build_module.build(pkg, out=tmp_path / "one", site_url="https://example.org/")
    monkeypatch.setattr(parallel, "can_fork", can_fork)
    monkeypatch.setattr(plugin.processes, "SPLIT_PAGES", 5)
    monkeypatch.setattr(render, "PARALLEL_MEASURES", 5)
    forked = []
    real_fork = parallel.fork
    monkeypatch.setattr(parallel, "fork", lambda work, **kw: forked.append(work) or real_fork(work, **kw))
    build_module.build(pkg, out=tmp_path / "two", site_url="https://example.org/")
    assert len(forked) == 2, "the pages and downloads, then MkDocs, did not each use a second process"

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []
    pages = [path for path in two if path.endswith(".html")]
    assert len(pages) > 20 and all(b"<article" in two[p] for p in pages if p != "404.html")


def test_mkdocs_reports_a_failure_in_the_second_process(tmp_path, monkeypatch):
    pkg = synthesise(tmp_path / "pkg", measures=12, years=2, projects=4, seed=5)
    monkeypatch.setattr(plugin.processes, "SPLIT_PAGES", 5)
    parent = os.getpid()
    real = plugin.processes.mkdocs_build._build_page

    def broken(page, *args, **kwargs):
        if os.getpid() != parent:
            raise OSError("disk full")
        return real(page, *args, **kwargs)

    monkeypatch.setattr(plugin.processes.mkdocs_build, "_build_page", broken)
    (tmp_path / "site").mkdir()
    with pytest.raises(build_module.BuildError, match="disk full"):
        build_module.build(pkg, out=tmp_path / "site")
    assert not any((tmp_path / "site").iterdir()), "a failed build changed the output folder"
    assert not [p for p in tmp_path.iterdir() if "perfsite-tmp" in p.name]


def test_the_command_line_builds_a_large_council_on_two_processes(tmp_path):
    """perfsite build itself runs one thread (its progress display has no refresh thread), so a
    large council's pages and MkDocs' page rendering both get the second process."""
    spy = (
        "from perfsite import parallel\nfrom perfsite.site import plugin, render\n"
        "real = parallel.fork\n"
        "def fork(work, **kw):\n"
        "    print('forked', flush=True)\n"
        "    return real(work, **kw)\n"
        "parallel.fork = fork\n"
        "render.PARALLEL_MEASURES = 1\n"
        "plugin.processes.SPLIT_PAGES = 1\n"
        "from perfsite.cli import main\n"
        "main()\n"
    )
    from .conftest import EXAMPLE

    done = subprocess.run(
        [sys.executable, "-c", spy, "build", str(EXAMPLE), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("forked") == 2
    assert (tmp_path / "site" / "measures").is_dir()


@pytest.fixture(scope="module")
def large_council(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("large")
    return synthesise(where / "pkg", measures=parallel.LARGE_COUNCIL_MEASURES, years=1, projects=2, seed=5)


def test_a_large_councils_figures_are_worked_out_while_frictionless_checks_its_files(
    large_council, monkeypatch
):
    from perfsite.site import sitegen

    validating, during = [False], []
    real_validate, real_figures = sitegen.validate_package, sitegen.figures

    def validate(package, meanwhile=None):
        validating[0] = True
        try:
            return real_validate(package, meanwhile=meanwhile)
        finally:
            validating[0] = False

    def figures(*args, **kwargs):
        during.append(validating[0])
        return real_figures(*args, **kwargs)

    monkeypatch.setattr(sitegen, "validate_package", validate)
    monkeypatch.setattr(sitegen, "figures", figures)
    site = sitegen.generate(large_council)
    assert during == [True], "the figures were not worked out during validation, or twice"
    assert len(site.pages) > parallel.LARGE_COUNCIL_MEASURES


def test_figures_that_fail_on_a_package_frictionless_rejects_give_its_errors_not_a_traceback(
    large_council, monkeypatch
):
    """The figures are worked out before frictionless has said the files are valid; when they are
    not, the officer sees frictionless' error, whatever working out the figures ran into."""
    from perfsite.errors import Issue, ValidationFailed
    from perfsite.site import sitegen
    from perfsite.validation import schema_check

    wrong = Issue("type-error", "type error in field value", "outturns.csv", 7, "value", "twelve")
    monkeypatch.setattr(schema_check, "schema_issues", lambda package: [wrong])

    def figures(*args, **kwargs):
        raise KeyError("value")  # what typing 'twelve' as a number might have run into

    monkeypatch.setattr(sitegen, "figures", figures)
    with pytest.raises(ValidationFailed) as failed:
        sitegen.generate(large_council)
    assert wrong in failed.value.issues


def test_a_large_councils_validation_lists_the_same_issues_on_two_processes_as_on_one(
    large_council, tmp_path, monkeypatch
):
    """The second process also looks for reds without an exception report once frictionless is
    done; the issues, warnings included, are those of a one-process validation, in the same order."""
    import csv
    import shutil

    from perfsite.files.load import load
    from perfsite.validation.validate import validate_package

    pkg = tmp_path / "pkg"
    shutil.copytree(large_council, pkg)
    with (pkg / "exceptions.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with (pkg / "exceptions.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([rows[0], *rows[1::2]])  # half the exception reports gone
    from perfsite.validation.checks import status_checks

    forked, here = [], []
    real_fork, real_warnings = parallel.fork, status_checks.status_issues
    monkeypatch.setattr(parallel, "fork", lambda work, **kw: forked.append(work) or real_fork(work, **kw))
    monkeypatch.setattr(
        status_checks, "status_issues", lambda p, issues: here.append(1) or real_warnings(p, issues)
    )
    two = validate_package(load(pkg))
    assert len(forked) == 1
    assert here == [], "the warnings were looked for here, not in the second process"
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    one = validate_package(load(pkg))
    assert two == one
    assert sum(i.code == "no-exception-report" for i in two) >= 5
