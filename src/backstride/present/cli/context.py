"""The object every command receives: settings plus a lazily opened store and console."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine

    from backstride.config import Settings


@dataclass
class AppContext:
    """Settings built once in the entry point; the engine and console made on first use.

    Both are lazy so a command that needs neither (any `--help`) imports neither SQLAlchemy
    nor rich.
    """

    settings: Settings
    _engine: Engine | None = None
    _console: Console | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from backstride.services import database

            self._engine = database.connect(self.settings.resolved_database_url)
        return self._engine

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console()
        return self._console


pass_app = click.make_pass_decorator(AppContext)
