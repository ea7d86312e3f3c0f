"""`backstride import PATH...`: training history files, folders and exports into the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from backstride.present.cli.context import AppContext, pass_app
from backstride.services.importing import ImportReport, ProgressCallback, import_paths


@contextmanager
def _progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A rich bar on stderr when it is a terminal; scripts and pipes get none."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("import", total=None)

        def advance(_name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _render(app: AppContext, report: ImportReport) -> None:
    console = app.console
    console.print(
        f"Imported {report.imported} new activities ({report.activities_total} stored); "
        f"{len(report.duplicates)} duplicates, {len(report.skipped)} skipped, "
        f"{len(report.failed)} failed."
    )
    # Plain lines, not rich, so long paths are never wrapped mid-name.
    for entry in report.failed:
        click.echo(f"  failed  {entry['file']}: {entry['error']}")
    for entry in report.skipped:
        click.echo(f"  skipped {entry['file']}: {entry['reason']}")
    for cleaned in report.dropped:
        values = ", ".join(f"{n} {name}" for name, n in sorted(cleaned["values"].items()))
        click.echo(f"  dropped {cleaned['file']}: out-of-bounds values left out ({values})")


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--strict", is_flag=True, help="Exit 1 when any file failed to import.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary (scripts).")
@pass_app
def import_cmd(
    app: AppContext, paths: tuple[Path, ...], as_json: bool, strict: bool, quiet: bool
) -> None:
    """Import FIT, GPX and TCX files, folders, .gz/.zip archives, Strava and Garmin exports.

    Each file is stored in its own transaction; re-importing adds nothing.

    Example: backstride import ~/Downloads/export_12345.zip
    """
    with _progress(not (quiet or as_json)) as progress:
        report = import_paths(
            app.engine, list(paths), data_dir=app.settings.store_files_dir, progress=progress
        )
    if as_json:
        click.echo(report.to_json())
    elif not quiet:
        _render(app, report)
    if report.stopped:
        raise click.ClickException(f"import stopped: {report.stopped}")
    if strict and report.failed:
        raise click.ClickException(f"{len(report.failed)} file(s) failed to import (--strict)")


def register(cli: click.Group) -> None:
    cli.add_command(import_cmd)
