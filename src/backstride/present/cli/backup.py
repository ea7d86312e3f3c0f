"""`backstride export`, `import-backup`, `delete-all`: the runner owns their data."""

from __future__ import annotations

from pathlib import Path

import click

from backstride.present.cli.context import AppContext, pass_app
from backstride.services.backup import Format, delete_all, export_all, import_all


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@pass_app
def export_cmd(app: AppContext, fmt: Format, directory: Path) -> None:
    """Write every table to DIRECTORY, one file per table. Example: backstride export --format csv backup/"""
    with app.engine.connect() as conn:
        summary = export_all(conn, directory=directory, fmt=fmt)
    total = sum(summary.rows.values())
    click.echo(f"Exported {total} rows from {len(summary.rows)} tables to {directory}.")


@click.command("import-backup")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True))
@pass_app
def import_cmd(app: AppContext, directory: Path) -> None:
    """Load a backup written by `backstride export` into an empty store."""
    with app.engine.begin() as conn:
        summary = import_all(conn, directory=directory)
    click.echo(f"Imported {sum(summary.rows.values())} rows into {len(summary.rows)} tables.")


@click.command("delete-all")
@click.option("--yes", is_flag=True, help="Confirm: delete every check, run, diary entry and plan.")
@pass_app
def delete_all_cmd(app: AppContext, yes: bool) -> None:
    """Delete all of your data from the store (export it first if you want to keep it)."""
    if not yes:
        raise click.UsageError("this deletes all your data; run again with --yes to confirm")
    # deferred: services.form brings numpy and the video stack
    from backstride.services.form import remove_form_files

    with app.engine.begin() as conn:
        removed = delete_all(conn)
    folders = remove_form_files(app.settings.data_dir)
    click.echo(
        f"Deleted {sum(removed.values())} rows from {len(removed)} tables"
        + (f" and {folders} form-check video folders." if folders else ".")
    )


def register(cli: click.Group) -> None:
    for command in (export_cmd, import_cmd, delete_all_cmd):
        cli.add_command(command)
