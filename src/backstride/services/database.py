"""Opening the store and keeping its schema current: the shells' one way to the database.

A thin door onto `store.engine`, so `present` never imports `store`: the CLI's lazy
context and the web app open the store here, and `backstride db` upgrades and
describes it here.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from backstride.errors import StoreError
from backstride.store import engine as _engine


def connect(url: str, *, auto_upgrade: bool | None = None) -> Engine:
    """Open the store at `url`; a local SQLite file is upgraded (after a ``.bak`` copy)."""
    return _engine.connect(url, auto_upgrade=auto_upgrade)


def create(url: str) -> Engine:
    """An engine on `url` without touching its schema (for `db info` and `db upgrade`)."""
    return _engine.create(url)


def upgrade(engine: Engine) -> None:
    """Apply every pending migration."""
    _engine.upgrade(engine)


def current_heads(engine: Engine) -> set[str]:
    """The schema revisions the store is at (empty for a new store)."""
    return _engine.current_heads(engine)


def code_heads() -> set[str]:
    """The newest revisions this code knows."""
    return _engine.code_heads()


def describe(engine: Engine) -> str:
    """The store as the runner knows it (a path, or a URL without its password)."""
    return _engine.describe(engine)


def is_read_only(engine: Engine) -> bool:
    """True for a store opened read-only (a file or disk we may not write)."""
    return _engine.is_read_only(engine)


def refused(engine: Engine, exc: DBAPIError) -> StoreError:
    """A write the store refused (read-only, disk full) as one StoreError naming the store."""
    return _engine.refused(engine, exc)


def shown_url(url: str) -> str:
    """`url` as it may be printed: the password masked."""
    return _engine.shown_url(url)
