"""`backstride export`, `import-backup`, `delete-all`: the runner owns their data."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from backstride.present.cli.context import AppContext, pass_app
from backstride.services.backup import Format, export_all, import_all, store_files, unpacked


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@pass_app
def export_cmd(app: AppContext, fmt: Format, directory: Path) -> None:
    """Write every table to DIRECTORY, one file per table. Example: backstride export --format csv backup/"""
    files = store_files(app.engine, app.settings.store_files_dir)
    with app.engine.connect() as conn:
        summary = export_all(conn, directory=directory, fmt=fmt, files=files)
    total = sum(summary.rows.values())
    click.echo(
        f"Exported {total} rows from {len(summary.rows)} tables and {summary.originals} "
        f"original files to {directory}."
    )


@click.command("import-backup")
@click.argument("backup", type=click.Path(path_type=Path, exists=True))
@pass_app
def import_cmd(app: AppContext, backup: Path) -> None:
    """Load a backup (an export folder or the web's zip) into an empty store.

    BACKUP is the folder `backstride export` writes, or the zip the web app's export
    downloads."""
    files = store_files(app.engine, app.settings.store_files_dir)
    with ExitStack() as stack:
        directory = backup
        if backup.is_file():
            scratch = app.settings.store_files_dir / "tmp"
            directory = stack.enter_context(unpacked(backup, scratch=scratch))
        with app.engine.begin() as conn:
            summary = import_all(conn, directory=directory, files=files)
    click.echo(
        f"Imported {sum(summary.rows.values())} rows into {len(summary.rows)} tables and "
        f"{summary.originals} original files."
    )


@click.command("delete-all")
@click.option("--yes", is_flag=True, help="Confirm: delete every check, run, diary entry and plan.")
@pass_app
def delete_all_cmd(app: AppContext, yes: bool) -> None:
    """Delete all of your data from the store (export it first if you want to keep it)."""
    if not yes:
        raise click.UsageError("this deletes all your data; run again with --yes to confirm")
    from backstride.services.backup import delete_everything

    done = delete_everything(
        app.engine, files_dir=app.settings.store_files_dir, data_dir=app.settings.data_dir
    )
    click.echo(done.sentence())


def register(cli: click.Group) -> None:
    for command in (export_cmd, import_cmd, delete_all_cmd):
        cli.add_command(command)
