"""The object every command receives: settings plus a lazily opened store."""

from __future__ import annotations

from dataclasses import dataclass, field

import click
from rich.console import Console
from sqlalchemy import Engine

from backstride import store
from backstride.config import Settings


@dataclass
class AppContext:
    """Settings built once in the entry point; the engine opened on first use."""

    settings: Settings
    console: Console = field(default_factory=Console)
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = store.connect(self.settings.resolved_database_url)
        return self._engine


pass_app = click.make_pass_decorator(AppContext)
