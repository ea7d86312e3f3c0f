"""Connect to the store and bring its schema up to date through Alembic."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from backstride.errors import SchemaOutOfDate, StoreError

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create(url: str) -> Engine:
    """An Engine for `url` with SQLite pragmas set; no schema work."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:")
        if not in_memory:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {}
        if in_memory:
            # One shared connection, or every checkout would see a fresh empty database.
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            kwargs = {"connect_args": {"check_same_thread": False}}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_heads(engine: Engine) -> set[str]:
    """The revisions the database is at."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def code_heads() -> set[str]:
    """The newest revisions this code knows."""
    return set(ScriptDirectory(str(_MIGRATIONS)).get_heads())


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (each head of each branch)."""
    command.upgrade(_alembic_config(engine), "heads")


def connect(url: str, *, auto_upgrade: bool | None = None) -> Engine:
    """Open the store at `url`, upgrading it when that is safe.

    A local SQLite file is upgraded automatically after a copy to ``*.bak``; a
    server database only through an explicit ``backstride db upgrade``.
    """
    engine = create(url)
    is_sqlite = engine.dialect.name == "sqlite"
    if auto_upgrade is None:
        auto_upgrade = is_sqlite
    try:
        at = current_heads(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error means we cannot reach it
        raise StoreError(f"cannot open the database {engine.url!r}: {exc}") from exc
    wanted = code_heads()
    if at == wanted:
        return engine
    if not auto_upgrade:
        raise SchemaOutOfDate(
            f"the database at {engine.url!r} is at {sorted(at) or 'no schema'}, the code "
            f"needs {sorted(wanted)}: run `backstride db upgrade`"
        )
    database = engine.url.database
    if is_sqlite and at and database and database != ":memory:" and Path(database).exists():
        backup = Path(database + ".bak")
        shutil.copy2(database, backup)
        log.info("backed up %s to %s before upgrading", database, backup)
    upgrade(engine)
    return engine
