"""The team database: one engine whose connections each point at one schema.

Every connection is checked out with its ``search_path`` set to exactly one schema: the
team schema for accounts and bookkeeping, or one runner's schema for that runner's store.
No other schema is on the path, so a runner engine cannot name another runner's tables
(isolation by construction), and the team schema holds no store tables, so a connection
that somehow kept the team path fails loudly instead of reading someone's data.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from backstride.errors import StoreError
from backstride.store import engine as _store_engine
from backstride.store.team import versions

#: The team schema when the URL names none (``?options=-csearch_path%3DNAME`` names one).
DEFAULT_SCHEMA = "team"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,40}")
_OPTION = "backstride_search_path"
_MIGRATIONS = Path(__file__).parent / "migrations"
#: The team schema's own Alembic version table (runner schemas keep `alembic_version`).
VERSION_TABLE = "team_alembic_version"


class NotTeamDatabase(StoreError):
    """Team mode was asked of a database that cannot hold it (SQLite)."""


def schema_from_url(url: str) -> str:
    """The team schema: the first entry of the URL's ``-c search_path=`` option, else `team`."""
    options = unquote(make_url(url).query.get("options", "") or "")  # type: ignore[arg-type]
    found = re.search(r"search_path\s*=\s*([^\s,]+)", options)
    name = found.group(1).strip('"') if found else DEFAULT_SCHEMA
    if not _NAME.fullmatch(name):
        raise StoreError(f"team schema name {name!r}: use lower-case letters, digits and _")
    return name


def require_postgres(url: str) -> None:
    """Refuse anything but PostgreSQL, saying why, before any engine is made."""
    backend = make_url(url).get_backend_name()
    if backend != "postgresql":
        raise NotTeamDatabase(
            f"team mode needs PostgreSQL (got {backend}): many runners, coaches, physios "
            "and worker processes share one server database; give --db "
            "postgresql://USER@HOST/DB. SQLite stays the single-runner store (`backstride serve`)."
        )


def _quoted(schema: str) -> str:
    if not _NAME.fullmatch(schema):
        raise StoreError(f"bad schema name {schema!r}")
    return f'"{schema}"'


@dataclass
class TeamDB:
    """The team database: `engine` on the team schema, `runner_engine` per runner schema."""

    url: str
    schema: str
    engine: Engine
    _runners: dict[str, Engine] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, url: str, *, pool_size: int = 10, max_overflow: int = 20) -> TeamDB:
        require_postgres(url)
        schema = schema_from_url(url)
        parsed = make_url(url)
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        base = create_engine(
            parsed, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow
        )
        engine = base.execution_options(**{_OPTION: schema})
        event.listen(engine, "engine_connect", _point_at_schema)
        return cls(url=url, schema=schema, engine=engine)

    def runner_schema_name(self, user_id: int) -> str:
        return f"{self.schema}_r{user_id}"

    def runner_engine(self, schema: str) -> Engine:
        """An engine on `schema` only, sharing the team pool (cheap: cached per schema)."""
        _quoted(schema)
        if not schema.startswith(self.schema + "_r"):
            raise StoreError(f"{schema!r} is not a runner schema of {self.schema!r}")
        with self._lock:
            found = self._runners.get(schema)
            if found is None:
                found = self.engine.execution_options(**{_OPTION: schema})
                self._runners[schema] = found
            return found

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection to the team schema on which each statement commits by itself.

        For a request's reads and its one audit row: no BEGIN, COMMIT or ROLLBACK round
        trips around statements that need no transaction together. Writes that must hold
        together use `engine.begin()`.
        """
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def dispose(self) -> None:
        self.engine.dispose()

    # -- schema work -------------------------------------------------------------------

    def create_runner_store(self, schema: str) -> Engine:
        """Create and migrate a runner's store schema (the single-runner migrations).

        Every table then carries the trigger that bumps the store's change counter
        (`store.team.versions`), the tables this upgrade added included.
        """
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {_quoted(schema)}"))
        runner = self.runner_engine(schema)
        _store_engine.upgrade(runner)
        with runner.begin() as conn:
            versions.install(conn, team_schema=self.schema)
        return runner

    def drop_runner_store(self, schema: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {_quoted(schema)} CASCADE"))
            versions.forget(conn, runner_schema=schema)
        with self._lock:
            self._runners.pop(schema, None)

    def upgrade_team(self) -> None:
        """Create the team schema and bring its tables (and procrastinate's) up to date."""
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {_quoted(self.schema)}"))
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        cfg.attributes["engine"] = self.engine
        command.upgrade(cfg, "heads")

    def team_heads(self) -> set[str]:
        with self.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            return set(ctx.get_current_heads())

    def team_code_heads(self) -> set[str]:
        return set(ScriptDirectory(str(_MIGRATIONS)).get_heads())


def _point_at_schema(conn: Connection) -> None:
    """Set the pooled connection's search_path to the engine's schema, once per change.

    The SET runs outside any transaction (autocommit, one round trip instead of BEGIN,
    SET, COMMIT): a plain SET inside a transaction the caller later rolls back would be
    undone with it, and the next statement would run elsewhere.
    """
    wanted = conn.get_execution_options()[_OPTION]
    fairy: Any = conn.connection
    if fairy.info.get(_OPTION) == wanted:
        return
    raw = fairy.driver_connection
    raw.rollback()
    autocommit = raw.autocommit
    raw.autocommit = True
    try:
        raw.execute(f"SET search_path TO {_quoted(wanted)}")
    finally:
        raw.autocommit = autocommit
    fairy.info[_OPTION] = wanted
