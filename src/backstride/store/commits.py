"""Many small transactions on one connection, flushed to disk once at the end.

An import commits each file on its own, so that a kill leaves no half-stored file. On
PostgreSQL each of those commits also waits for the server to flush its log to disk
(an fsync, 1-5 ms on the development machine), which the server does for one commit
at a time: with several import workers the flushes, not the CPU, set the pace.

Inside `deferred_flush` a commit returns without that wait (``synchronous_commit``
off). Each transaction is still all or nothing, and visible to others at once; only a
crash of the database server itself (not of the importing process) may lose the last
fraction of a second of commits, each one whole. The block ends with one ordinary
commit of a transaction that takes an id, so that it has a commit record to flush: the
server's log is flushed in order, so that one wait makes every commit before it as
durable as if each had waited. When the block has returned, nothing is weaker than
before; a server crash inside it loses only files a re-run adds again (their ledger
rows went with them).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


@contextlib.contextmanager
def deferred_flush(conn: Connection) -> Iterator[None]:
    """Commits on `conn` in the block skip the disk flush; its end waits once for all.

    A no-op on SQLite (its commits in WAL mode do not wait for the disk either). The
    caller's transaction, if one is open, is committed first: the setting is made in
    a transaction of its own, which a later rollback cannot undo.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.commit()
    conn.exec_driver_sql("SET synchronous_commit TO off")
    conn.commit()
    try:
        yield
    finally:
        try:
            _flush(conn)
        except SQLAlchemyError as exc:
            # The server is gone or refuses writes (a full disk): the block's own outcome
            # (an error, or an import report that says it stopped) says more. The
            # server's log writer still flushes the commits within a fraction of a
            # second, and a broken connection is thrown away by the pool, settings and all.
            log.warning("could not wait for the store's commits to reach the disk: %s", exc)


def _flush(conn: Connection) -> None:
    """Back to waiting for the disk, and wait once: the RESET holds for this commit."""
    conn.rollback()
    conn.exec_driver_sql("RESET synchronous_commit")
    conn.exec_driver_sql("SELECT pg_current_xact_id()")
    conn.commit()
