"""The `backstride` command group: global options, logging and error translation."""

from __future__ import annotations

import logging
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from backstride import __version__
from backstride.config import load_settings
from backstride.errors import (
    AnswersError,
    BackstrideError,
    DiaryError,
    IngestError,
    VideoError,
)
from backstride.present.cli.context import AppContext

_USAGE_ERRORS = (AnswersError, IngestError, VideoError, DiaryError)


class _Group(click.Group):
    """Turns library errors into click errors: input problems exit 2, the rest exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _USAGE_ERRORS as exc:
            raise click.UsageError(str(exc), ctx) from exc
        except BackstrideError as exc:
            raise click.ClickException(str(exc)) from exc
        except OperationalError as exc:  # a write the store refused: read-only, disk full
            from backstride.store.engine import refused

            app = ctx.obj
            if not isinstance(app, AppContext):
                raise
            raise click.ClickException(str(refused(app.engine, exc))) from exc


@click.group(cls=_Group)
@click.option(
    "--db",
    "database_url",
    metavar="URL|PATH",
    help="Store to use: a SQLAlchemy URL or a SQLite file path (env BACKSTRIDE_DB).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(__version__, prog_name="backstride")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, verbose: int) -> None:
    """backstride: lower-back pain self-check, training history and plan for runners.

    It does not diagnose; see a clinician when it tells you to, or when in doubt.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings({"database_url": database_url})
    except BackstrideError as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.obj = AppContext(settings=settings)


def _register() -> None:
    from backstride.present.cli import (
        activities,
        backup,
        check,
        db,
        diary,
        form,
        history,
        importing,
        kb,
        load,
        plan,
        progress,
        report,
        serve,
        shoes,
    )

    for module in (
        check,
        history,
        db,
        kb,
        importing,
        activities,
        load,
        shoes,
        plan,
        diary,
        progress,
        report,
        backup,
        serve,
        form,
    ):
        module.register(cli)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="backstride")
