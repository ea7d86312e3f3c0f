"""Connect to the store and bring its schema up to date through Alembic."""

from __future__ import annotations

import ast
import logging
import os
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from backstride.errors import SchemaOutOfDate, StoreError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _not_writable(database: Path) -> bool:
    """A store file we may read but not write: a read-only disk, or a file or folder
    (WAL mode creates files beside the store) without write permission for us."""
    return database.is_file() and not (
        os.access(database, os.W_OK) and os.access(database.parent, os.W_OK)
    )


def _read_only_url(database: Path) -> URL:
    # With no -wal file beside it there is nothing uncommitted to read, and `immutable`
    # lets SQLite skip the -shm file it could not create on a read-only folder.
    wal = Path(f"{database}-wal")
    immutable = "" if wal.exists() and wal.stat().st_size else "&immutable=1"
    uri = f"file:{quote(str(database.resolve()))}?mode=ro{immutable}"
    return make_url("sqlite:///").set(database=uri, query={"uri": "true"})


def is_read_only(engine: Engine) -> bool:
    """Whether `create` opened this store read-only (the file cannot be written)."""
    return engine.dialect.name == "sqlite" and "mode=ro" in (engine.url.database or "")


def create(url: str) -> Engine:
    """An Engine for `url` with SQLite pragmas set; no schema work.

    A SQLite file that exists but cannot be written is opened read-only, so listing and
    exporting still work; a write then fails with "attempt to write a readonly database".
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if in_memory:
            # One shared connection, or every checkout would see a fresh empty database.
            kwargs["poolclass"] = StaticPool
        elif _not_writable(Path(database)):
            engine = create_engine(_read_only_url(Path(database)), **kwargs)
            event.listen(engine, "connect", _read_only_pragmas)
            return engine
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def describe(engine: Engine) -> str:
    """Where the store is, as the runner would name it: a file path or the URL sans password."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        return engine.url.database.removeprefix("file:").split("?")[0]
    return engine.url.render_as_string(hide_password=True)


def unreachable(engine: Engine, exc: Exception) -> StoreError:
    """A StoreError saying the store cannot be opened, in one line with what to do."""
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    advice = ""
    if engine.dialect.name == "sqlite":
        advice = (
            " — the file is damaged or not a backstride store: restore a backup into a new "
            "store (`backstride --db NEW.db import-backup FOLDER`) or choose another with --db"
            if "not a database" in reason or "malformed" in reason
            else " — check the path and its permissions, or choose another with --db"
        )
    return StoreError(f"cannot open the database {describe(engine)}: {reason}{advice}")


def _alembic_config(engine: Engine) -> Config:
    # Alembic costs ~150 ms of start-up; only an upgrade needs it (see code_heads).
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def shown_url(url: str) -> str:
    """`url` as it may be printed: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def refused(engine: Engine, exc: DBAPIError) -> StoreError:
    """A StoreError for a write the database refused (read-only, disk full, locked)."""
    reason = str(exc.orig or exc).splitlines()[0]
    if "readonly" in reason or "read-only" in reason:
        advice = (
            "the store or its folder is read-only: make it writable, or choose another with --db"
        )
    elif "full" in reason:
        advice = "the disk is full: free some space and try again (nothing was changed)"
    elif "locked" in reason:
        advice = "another backstride is writing to it: try again in a moment"
    else:
        advice = "nothing was changed"
    return StoreError(f"the store {describe(engine)} refused the change: {reason} — {advice}")


def current_heads(engine: Engine) -> set[str]:
    """The revisions the database is at (the rows of Alembic's ledger table).

    Raises:
        StoreError: the store cannot be opened or read (damaged file, server down).
    """
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return set()
            rows = conn.execute(text("SELECT version_num FROM alembic_version"))
            return {row[0] for row in rows}
    except DBAPIError as exc:
        raise unreachable(engine, exc) from exc


_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def code_heads() -> set[str]:
    """The newest revisions this code knows: those no migration names as its parent.

    Read from the migration files' ``revision`` / ``down_revision`` lines rather than
    through Alembic's ScriptDirectory, so opening the store does not import Alembic;
    tests/store/test_engine.py checks both agree.
    """
    return set(_code_heads())


@lru_cache(maxsize=1)
def _code_heads() -> frozenset[str]:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (_MIGRATIONS / "versions").glob("*.py"):
        found = dict(_ASSIGNMENT.findall(path.read_text(encoding="utf-8")))
        revisions.add(ast.literal_eval(found["revision"]))
        down = ast.literal_eval(found["down_revision"])
        parents.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions - parents)


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (each head of each branch)."""
    from alembic import command  # deferred with _alembic_config's import

    try:
        command.upgrade(_alembic_config(engine), "heads")
    except DBAPIError as exc:
        raise unreachable(engine, exc) from exc


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
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - any driver error means we cannot reach it
        raise unreachable(engine, exc) from exc
    wanted = code_heads()
    if at == wanted:
        return engine
    if is_read_only(engine):
        raise StoreError(
            f"the store {describe(engine)} is read-only and its schema is at "
            f"{sorted(at) or 'none'}, the code needs {sorted(wanted)}: make it writable "
            "(or copy it somewhere writable) so it can be upgraded"
        )
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
