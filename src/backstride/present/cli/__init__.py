"""The `backstride` command group: global options, logging, error translation, lazy commands.

A command's module is imported only when that command runs or shows its help, so
`backstride --help` and the quick commands start without numpy, SQLAlchemy or FastAPI.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import MutableMapping
from typing import Any, NamedTuple

import click

from backstride import __version__
from backstride.errors import (
    AnswersError,
    BackstrideError,
    DiaryError,
    ExperimentError,
    IngestError,
    VideoError,
)

_USAGE_ERRORS = (AnswersError, IngestError, VideoError, DiaryError, ExperimentError)


class LazyCommand(NamedTuple):
    """Where a command lives and the one line `backstride --help` shows for it."""

    module: str  # under backstride.present.cli; its register(cli) adds the command
    short_help: str  # the first sentence of the command's docstring (a test keeps them equal)


#: Every top-level command. tests/present/test_cli_startup.py checks each short help against
#: the command's docstring and that each module registers exactly the commands listed here.
COMMANDS: dict[str, LazyCommand] = {
    "activities": LazyCommand(
        "activities", "List imported activities, oldest first; `activities delete ID` removes one."
    ),
    "check": LazyCommand(
        "check", "Run the self-check: warning signs first, then likely causes, then a plan."
    ),
    "db": LazyCommand("db", "The database: show where it is, upgrade its schema."),
    "delete-all": LazyCommand(
        "backup",
        "Delete all of your data from the store (export it first if you want to keep it).",
    ),
    "diary": LazyCommand(
        "diary", "The pain diary: one entry per day and per run or strength session."
    ),
    "exercise": LazyCommand(
        "today",
        "Show an exercise card: steps, key cue, dose, easier/harder, stop-if, evidence, figure.",
    ),
    "experiment": LazyCommand(
        "experiment", "A fair test of one change: a randomised block schedule, then its effect."
    ),
    "export": LazyCommand("backup", "Write every table to DIRECTORY, one file per table."),
    "form": LazyCommand(
        "form",
        "Check running form from a phone video: lean, overstride, pelvic drop, arms, cadence.",
    ),
    "form-history": LazyCommand(
        "form",
        "List saved form checks, newest first; the latest of each view feeds the self-check.",
    ),
    "history": LazyCommand("history", "List saved self-checks, newest first."),
    "import": LazyCommand(
        "importing",
        "Import FIT, GPX and TCX files, folders, .gz/.zip archives, Strava and Garmin exports.",
    ),
    "import-backup": LazyCommand(
        "backup", "Load a backup (an export folder or the web's zip) into an empty store."
    ),
    "insights": LazyCommand(
        "insights", "What in your own training goes with your back pain (associations, not causes)."
    ),
    "kb": LazyCommand("kb", "The knowledge base: check it, list its questions."),
    "load": LazyCommand(
        "load", "Weekly distance, time, climbing and load, with the flags that tripped and why."
    ),
    "plan": LazyCommand(
        "plan", "Plan the coming weeks from the latest saved check, training history and diary."
    ),
    "progress": LazyCommand(
        "progress", "Show how pain has changed since the plan began and how much of it was done."
    ),
    "report": LazyCommand(
        "report",
        "Write the latest check, pain and load charts, the plan and adherence, notable events.",
    ),
    "today": LazyCommand(
        "today", "Today's sessions with what is done, tomorrow's, and this week at a glance."
    ),
    "serve": LazyCommand("serve", "Start the local web app and print its address."),
    "shoes": LazyCommand(
        "shoes", "Running shoes: distance per pair, limits, retirement, rotation."
    ),
    "team": LazyCommand(
        "team",
        "Team mode on PostgreSQL: create or upgrade the team schema and every runner's store.",
    ),
    "users": LazyCommand("team", "Team accounts: add, list, delete (PostgreSQL team mode)."),
    "worker": LazyCommand(
        "team", "Run queued team jobs (imports) until stopped; start as many as you like."
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, listed from `COMMANDS` until then.

    `commands` still holds every command for code that walks the tree (docs, tests); click's
    own lookups go through `get_command` and `list_commands`, which import one module at most.
    """

    def __init__(self, *args: Any, lazy: dict[str, LazyCommand], **kwargs: Any) -> None:
        self._lazy = lazy
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        for name in self._lazy:
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._loaded = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._loaded[name] = cmd

    def _load(self, name: str) -> click.Command | None:
        if name not in self._loaded and name in self._lazy:
            module = importlib.import_module(f"{__name__}.{self._lazy[name].module}")
            module.register(self)
        return self._loaded.get(name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._loaded, *self._lazy})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Stand-ins carrying only the one-line help, laid out by click as usual.
        listing = click.Group(
            commands={
                name: self._loaded.get(name)
                or click.Command(name, help=self._lazy[name].short_help)
                for name in self.list_commands(ctx)
            }
        )
        listing.format_commands(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        """Turn library errors into click errors: input problems exit 2, the rest exit 1."""
        try:
            return super().invoke(ctx)
        except _USAGE_ERRORS as exc:
            raise click.UsageError(str(exc), ctx) from exc
        except BackstrideError as exc:
            raise click.ClickException(str(exc)) from exc
        except Exception as exc:
            refused = _refused_write(ctx, exc)
            if refused is None:
                raise
            raise click.ClickException(str(refused)) from exc


def _refused_write(ctx: click.Context, exc: Exception) -> BackstrideError | None:
    """A StoreError for a write the store refused (read-only, disk full), else None.

    SQLAlchemy is looked up, not imported: if no command imported it, `exc` is not its error.
    """
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is None or not isinstance(exc, sa_exc.OperationalError):
        return None
    # deferred: `--help` imports no module of present.cli, see tests/present/test_cli_startup.py
    from backstride.present.cli.context import AppContext

    app = ctx.obj
    if not isinstance(app, AppContext):
        return None
    # deferred: CLI start-up, see tests/present/test_cli_startup.py (SQLAlchemy)
    from backstride.services.database import refused

    return refused(app.engine, exc)


@click.group(cls=LazyGroup, lazy=COMMANDS)
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
    # Imported here, not at the top: pydantic (config) and the command modules (context)
    # are not needed to print --help (tests/present/test_cli_startup.py).
    from backstride.config import load_settings
    from backstride.present.cli.context import AppContext

    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings({"database_url": database_url})
    except BackstrideError as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.obj = AppContext(settings=settings)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="backstride")
