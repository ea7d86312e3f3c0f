"""`deferred_flush`: commits inside skip the disk wait, the connection leaves as it came."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, insert, select, text

from backstride.store.commits import deferred_flush
from backstride.store.schema import original_files


def _settings(engine: Engine) -> dict[int, str]:
    """synchronous_commit of the pooled connections (two at once: the pool is FIFO), by backend."""
    with engine.connect() as one, engine.connect() as two:
        return {
            int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one()): str(
                conn.execute(text("SHOW synchronous_commit")).scalar_one()
            )
            for conn in (one, two)
        }


def _kept(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(original_files)).scalar_one())


def _row(digest: str) -> dict[str, object]:
    return {"content_hash": digest, "name": "a.gpx", "size_bytes": 1, "data": b"x"}


@pytest.mark.postgres
def test_commits_inside_skip_the_flush_and_the_pooled_connection_gets_it_back(
    postgres_engine: Engine,
) -> None:
    postgres_engine.pool.dispose()
    with postgres_engine.connect() as conn, deferred_flush(conn):
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
        conn.rollback()
        with conn.begin():
            conn.execute(insert(original_files).values(_row("a" * 64)))
        # committed: another connection sees it at once
        assert _kept(postgres_engine) == 1
        conn.rollback()  # a rollback in the block does not undo the setting
        assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
    assert _settings(postgres_engine)[backend] == "on"  # the same connection, as it came


@pytest.mark.postgres
def test_an_error_in_the_block_propagates_and_the_setting_is_reset(
    postgres_engine: Engine,
) -> None:
    postgres_engine.pool.dispose()
    with pytest.raises(ZeroDivisionError), postgres_engine.connect() as conn:
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with deferred_flush(conn):
            conn.begin()
            conn.execute(insert(original_files).values(_row("b" * 64)))
            1 / 0  # noqa: B018 - the block fails with its transaction open
    assert _kept(postgres_engine) == 0  # the open transaction was rolled back, not committed
    assert _settings(postgres_engine)[backend] == "on"


def test_on_sqlite_the_block_only_runs(engine: Engine) -> None:
    with engine.connect() as conn, deferred_flush(conn):
        with conn.begin():
            conn.execute(insert(original_files).values(_row("c" * 64)))
    assert _kept(engine) == 1
