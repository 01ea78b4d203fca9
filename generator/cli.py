"""The ``perfsite`` command line: the only place that prints and chooses exit codes.

Exit codes: 0 success, 1 the package or build has problems, 2 the command was used wrongly.
Only :class:`~perfsite.errors.PerfsiteError` is caught: bad input never shows a traceback,
real bugs keep theirs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import PerfsiteError, ValidationFailed, errors_of, warnings_of
from .files.guard import disk_problem

#: at most this many errors (and as many warnings) are listed; the rest are counted
MAX_SHOWN = 1000


def _not_shown(count: int) -> str:
    return (
        f"  … and {count:,} more not shown (the first {MAX_SHOWN:,} are listed; fix them and validate again)"
    )


def _echo_issues(issues, strict: bool = False) -> None:
    errors, warns = errors_of(issues), warnings_of(issues)
    if errors:
        click.echo(f"{len(errors):,} error(s):", err=True)
        for issue in errors[:MAX_SHOWN]:
            click.echo(f"  ✗ {issue}", err=True)
        if len(errors) > MAX_SHOWN:
            click.echo(_not_shown(len(errors) - MAX_SHOWN), err=True)
    if warns:
        label = "warning(s), failing because of --strict" if strict else "warning(s)"
        click.echo(f"{len(warns):,} {label}:", err=True)
        for issue in warns[:MAX_SHOWN]:
            click.echo(f"  ! {issue}", err=True)
        if len(warns) > MAX_SHOWN:
            click.echo(_not_shown(len(warns) - MAX_SHOWN), err=True)


class PerfsiteGroup(click.Group):
    """Turns perfsite's own errors into a plain message and an exit code (1 bad input, 2 misuse),
    in-process too (tests use click's CliRunner). Real bugs keep their traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            _echo_issues(exc.issues)
            ctx.exit(exc.exit_code)
        except PerfsiteError as exc:
            click.echo(f"✗ {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # the disk or the system refused (full, read-only, no permission)
            reason = disk_problem(exc)
            if reason is None:
                raise
            click.echo(f"✗ {exc.filename or 'a file'}: {reason}; {exc.strerror or exc}", err=True)
            ctx.exit(1)


def _site_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--site-url is checked by the rule of the package's site_url (one rule, in standard.py)."""
    from .standard import site_url_problem

    if value is not None and (problem := site_url_problem(value)) is not None:
        raise click.BadParameter(f"{problem}; e.g. https://performance.example.gov.uk/")
    return value


@click.group(cls=PerfsiteGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfsite")
def cli() -> None:
    """perfsite: publish a council's approved performance data as a transparency website."""


@cli.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(package_dir: Path, as_json: bool, strict: bool) -> None:
    """Check PACKAGE_DIR against the perfsite data standard; list every problem at once."""
    from .validation.validate import validate as run

    _, issues = run(package_dir)
    failing = issues if strict else errors_of(issues)
    if as_json:
        errors, warns = errors_of(issues), warnings_of(issues)
        report = {
            "valid": not failing,
            "errors": [i.to_dict() for i in errors[:MAX_SHOWN]],
            "warnings": [i.to_dict() for i in warns[:MAX_SHOWN]],
            "errors_not_shown": max(len(errors) - MAX_SHOWN, 0),
            "warnings_not_shown": max(len(warns) - MAX_SHOWN, 0),
        }
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _echo_issues(issues, strict)
        if not failing:
            click.echo(
                f"✓ {package_dir} is valid" + (f" ({len(warnings_of(issues))} warning(s))" if issues else "")
            )
    sys.exit(1 if failing else 0)


@cli.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.option("--council", default="Example Council", help="The council's name.")
def init(package_dir: Path, council: str) -> None:
    """Write a new, empty package (headers only, schemas referenced) into PACKAGE_DIR."""
    from .commands.package import write_empty_package

    write_empty_package(package_dir, council)
    click.echo(
        f"✓ wrote an empty package to {package_dir}; fill in the CSVs, then run: perfsite validate {package_dir}"
    )


@cli.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where to write the site.",
)
@click.option(
    "--preview", is_flag=True, help="Include approved and draft periods, with a DRAFT banner and noindex."
)
@click.option(
    "--site-url",
    default=None,
    callback=_site_url,
    help="The address the site will be served from, https://… (default: the package's site_url).",
)
def build(package_dir: Path, out: Path, preview: bool, site_url: str | None) -> None:
    """Validate PACKAGE_DIR and build the public site into --out."""
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    from .commands.build import STAGES
    from .commands.build import build as run

    console = Console(stderr=True)
    # updated at each stage, with no refresh thread: a large council's build forks a second
    # process, which is only safe while this process runs a single thread
    with Live(Text("Reading the package…"), console=console, auto_refresh=False, transient=True) as live:

        def on_stage(name: str, seconds: float) -> None:
            done, following = STAGES.get(name, (name, None))
            console.log(f"{done} in {seconds:.2f} s")
            if following:
                live.update(Text(following), refresh=True)

        result = run(package_dir, out=out, preview=preview, site_url=site_url, on_stage=on_stage)
    _echo_issues(result.warnings)
    total = sum(result.stages.values())
    click.echo(
        f"✓ {'Preview' if preview else 'Site'} built in {total:.1f} s: {result.pages} pages, "
        f"{result.downloads} downloads, {len(result.warnings)} warning(s) → {result.out}"
    )
    if result.summary:
        click.echo(f"  Next to publish: {result.summary} (details: perfsite status {package_dir})")


@cli.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.option("--preview", is_flag=True, help="Serve the preview (approved and draft periods).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="1 to 65535.")
def serve(package_dir: Path, preview: bool, port: int) -> None:
    """Build PACKAGE_DIR and serve the site locally at http://127.0.0.1:PORT/."""
    from .commands.serve import serve as run

    run(package_dir, preview, port, lambda url: click.echo(f"Serving the site at {url} (Ctrl+C to stop)"))


def _check_period(period: str) -> None:
    """A report's period as a person typed it: a quarter or a year, written as the standard writes it."""
    from .standard.periods import report_period_problem

    problem = report_period_problem(period)
    if problem:
        raise click.BadParameter(problem, param_hint="PERIOD")


@cli.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.argument("period", required=False)
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Publication date (default: today; never later than today), YYYY-MM-DD.",
)
@click.option(
    "--adopt",
    is_flag=True,
    help="Archive a period published before perfsite was used, keeping its published_date (PERIOD 'all': every such period).",
)
@click.option(
    "--corrections",
    is_flag=True,
    help="Release the corrections to published figures now, as their own dated release (no PERIOD).",
)
def publish(package_dir: Path, period: str | None, on, adopt: bool, corrections: bool) -> None:
    """After committee: mark PERIOD published and archive an immutable snapshot of what was published."""
    from .commands.publish import adopt as adopt_all
    from .commands.publish import publish_corrections, publish_period

    if corrections and (period or adopt):
        raise click.UsageError(
            "--corrections releases corrections on their own: give no PERIOD and no --adopt"
        )
    if not corrections and not period:
        raise click.UsageError("give the PERIOD to publish (e.g. 2026-27-Q2), or --corrections")
    if period and not (adopt and period == "all"):
        _check_period(period)

    def waiting() -> None:
        click.echo("Another publish of this package is running; waiting for it to finish…", err=True)

    def before(lines: list[str]) -> None:
        for line in lines:
            click.echo(f"! {line}", err=True)

    date = on.date() if on else None
    if corrections:
        results = [publish_corrections(package_dir, date, on_wait=waiting, on_report=before)]
    elif adopt and period == "all":
        results = adopt_all(package_dir, on_report=before)
    else:
        results = [publish_period(package_dir, period, date, adopt=adopt, on_wait=waiting, on_report=before)]
    for r in results:
        for name in r.finished:
            click.echo(f"✓ finished the interrupted publish of {name} first")
        if r.adopted:
            click.echo(f"✓ {r.period} (published {r.published_date}) is archived in {r.snapshot}")
        elif r.completed:
            click.echo(
                f"✓ finished the interrupted publish of {r.period}: published {r.published_date}, snapshot in {r.snapshot}"
            )
        elif r.corrections:
            click.echo(
                f"✓ {r.corrections} correction(s) released on {r.published_date}; snapshot with checksums in {r.snapshot}"
            )
        else:
            click.echo(f"✓ {r.period} is published; snapshot with checksums in {r.snapshot}")
    if not results:
        click.echo("✓ every published period already has its snapshot; nothing to adopt")
    click.echo(f"Now rebuild the site: perfsite build {package_dir}")


@cli.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.argument("period", required=False)
@click.option("--committee", default=None, help="Only the measures of this committee (measures.committee).")
@click.option("--preview", is_flag=True, help="A DRAFT pack, approved and draft quarters included.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The PDF file to write.")
def pack(package_dir: Path, period: str | None, committee: str | None, preview: bool, out: Path) -> None:
    """The committee pack of PERIOD (default: the latest published quarter) as a PDF."""
    from .commands.pack import write_pack

    if period is not None:
        _check_period(period)
    written, quarter = write_pack(package_dir, out, period, committee, preview)
    who = f" for the {committee}" if committee else ""
    click.echo(f"✓ wrote the {'DRAFT ' if preview else ''}committee pack of {quarter}{who} to {written}")


@cli.command()
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.argument("period", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def status(package_dir: Path, period: str | None, as_json: bool) -> None:
    """Before publishing: what PERIOD (default: the next quarter to publish) would make public."""
    from .commands.status import status as run
    from .commands.status_text import status_lines

    if period is not None:
        _check_period(period)
    r = run(package_dir, period)
    if as_json:
        click.echo(json.dumps(r.to_dict(), indent=2, ensure_ascii=False, default=str))
        return
    click.echo("\n".join(status_lines(r, package_dir)))


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Fill the sheets from this package folder.",
)
@click.option("--force", is_flag=True, help="Replace OUT if it is an existing workbook.")
def template(out: Path, source: Path | None, force: bool) -> None:
    """Write an Excel workbook of the standard (drop-downs, descriptions), optionally filled from a package.

    OUT is a new .xlsx file in an existing folder outside any package; an existing workbook is
    replaced only with --force, and never any other file."""
    from .files.workbook import write_template

    write_template(out, source, force=force)
    click.echo(f"✓ wrote {out}; fill it in, then run: perfsite import {out} PACKAGE_DIR")


@cli.command(name="import")
@click.argument("workbook", type=click.Path(path_type=Path, exists=True, dir_okay=False, readable=False))
@click.argument("package_dir", type=click.Path(path_type=Path))
@click.option("--force-draft", is_flag=True, help="Write the package even when it has errors (for a draft).")
def import_(workbook: Path, package_dir: Path, force_draft: bool) -> None:
    """Turn a filled-in workbook into a package in PACKAGE_DIR, validating it as `validate` does."""
    from .commands.importer import import_book

    result = import_book(workbook, package_dir, force_draft=force_draft)
    issues = result.issues
    _echo_issues(issues)
    if errors_of(issues):
        if result.written:
            click.echo(
                f"! wrote {package_dir} with errors (--force-draft): it cannot be built until they are fixed"
            )
        else:
            click.echo(f"✗ nothing was written to {package_dir}: fix the workbook and import again", err=True)
        sys.exit(1)
    click.echo(f"✓ imported {workbook} into {package_dir}")


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option(
    "--measures", default=200, show_default=True, type=click.IntRange(1, 20_000), help="Number of measures."
)
@click.option(
    "--years", default=5, show_default=True, type=click.IntRange(1, 30), help="Financial years of data."
)
@click.option(
    "--projects", default=80, show_default=True, type=click.IntRange(0, 20_000), help="Number of projects."
)
@click.option("--seed", default=1, show_default=True, help="Random seed: same seed, same bytes.")
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that already holds files (never over them), or replace a synthetic package made earlier.",
)
def synth(out_dir: Path, measures: int, years: int, projects: int, seed: int, force: bool) -> None:
    """Write a synthetic, valid package of the given size into OUT_DIR (for benchmarks).

    OUT_DIR must be new or empty (or, with --force, hold no file synth writes); synth never writes
    into a package, the current folder, the home folder or perfsite's checkout."""
    from .commands.synth import synthesise

    synthesise(out_dir, measures, years, projects, seed, force=force)
    click.echo(
        f"✓ wrote a synthetic package ({measures} measures, {years} years, {projects} projects) to {out_dir}"
    )


def main() -> None:
    """Entry point of the console script."""
    cli(standalone_mode=True)


if __name__ == "__main__":
    main()
