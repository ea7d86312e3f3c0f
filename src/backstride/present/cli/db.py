"""`backstride db`: where the store is and how to upgrade it."""

from __future__ import annotations

import click

from backstride import units
from backstride.present.cli.context import AppContext, pass_app
from backstride.services.database import (
    code_heads,
    create,
    current_heads,
    describe,
    is_read_only,
    shown_url,
    upgrade,
)


@click.group("db")
def db_group() -> None:
    """The database: show where it is, upgrade its schema."""


@db_group.command("upgrade")
@pass_app
def upgrade_cmd(app: AppContext) -> None:
    """Apply pending schema migrations (required for PostgreSQL after an update)."""
    engine = create(app.settings.resolved_database_url)
    upgrade(engine)
    app.console.print(f"database at {sorted(current_heads(engine))}")


@db_group.command("info")
@pass_app
def info_cmd(app: AppContext) -> None:
    """Print the database URL and its schema revision."""
    engine = create(app.settings.resolved_database_url)
    at = sorted(current_heads(engine)) or "empty"
    click.echo(f"url: {shown_url(app.settings.resolved_database_url)}")
    if is_read_only(engine):
        click.echo(f"read-only: {describe(engine)} cannot be written (listing and export work)")
    click.echo(f"schema: {at}; code: {sorted(code_heads())}")
    if not at or at == "empty":
        return
    from backstride.services.store_info import store_info

    info = store_info(engine, files_dir=app.settings.store_files_dir)
    click.echo(f"files folder: {info.files_dir}")
    click.echo(f"activities: {info.activities}")
    for place in info.locations:
        click.echo(
            f"  {place.what}: {place.where} — {place.files} files, {units.format_size(place.bytes)}"
        )


def register(cli: click.Group) -> None:
    cli.add_command(db_group)
