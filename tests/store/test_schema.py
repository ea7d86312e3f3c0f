"""Instants go in as UTC and come back aware UTC, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, DateTime, Engine, select, text

from backstride.store import checks
from backstride.store.schema import UTCDateTime, metadata
from backstride.store.schema import checks as checks_table

CEST = timezone(timedelta(hours=2))


def test_every_instant_column_is_stored_as_utc() -> None:
    instants = [c for t in metadata.tables.values() for c in t.c if c.name.endswith("_at")]
    assert {c.table.name for c in instants} >= {
        "checks",
        "activities",
        "form_checks",
        "diary_entries",
        "plan_ticks",
    }
    for column in instants:
        assert isinstance(column.type, UTCDateTime), f"{column.table.name}.{column.name}"
    plain = [
        f"{t.name}.{c.name}"
        for t in metadata.tables.values()
        for c in t.c
        if isinstance(c.type, DateTime)  # the bare type, which SQLite gives back zone-less
    ]
    assert plain == []


def _add(conn: Connection, created_at: datetime) -> int:
    return checks.add(
        conn,
        answers={},
        result={},
        kb_version="t1",
        triage_level="self_care",
        created_at=created_at,
    )


def _round_trip(eng: Engine) -> None:
    with eng.begin() as conn:
        summer = _add(conn, datetime(2026, 6, 1, 14, 30, tzinfo=CEST))
        naive = _add(conn, datetime(2026, 6, 1, 9, 0))
    with eng.connect() as conn:
        # 14:30 in Paris is 12:30 UTC: the zone is applied, not dropped
        back = checks.get(conn, check_id=summer).created_at
        assert (back, back.tzinfo) == (datetime(2026, 6, 1, 12, 30, tzinfo=UTC), UTC)
        # a zone-less time is taken as UTC, the rule the file readers use
        back = checks.get(conn, check_id=naive).created_at
        assert (back, back.tzinfo) == (datetime(2026, 6, 1, 9, 0, tzinfo=UTC), UTC)
        # a bound in another zone compares as the instant it names (13:00 UTC)
        before = select(checks_table.c.id).where(
            checks_table.c.created_at < datetime(2026, 6, 1, 15, 0, tzinfo=CEST)
        )
        assert set(conn.execute(before).scalars()) == {summer, naive}
        before_noon = before.where(checks_table.c.created_at < datetime(2026, 6, 1, 12, 0))
        assert set(conn.execute(before_noon).scalars()) == {naive}


def test_instants_round_trip_as_utc(any_engine: Engine) -> None:
    _round_trip(any_engine)


@pytest.mark.postgres
def test_postgres_session_zone_does_not_leak_into_results(postgres_engine: Engine) -> None:
    with postgres_engine.begin() as conn:
        check_id = _add(conn, datetime(2026, 1, 15, 7, 0, tzinfo=UTC))
    with postgres_engine.begin() as conn:
        # timestamptz answers in the session's zone; the store must still say UTC
        conn.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
        created = checks.get(conn, check_id=check_id).created_at
    assert created == datetime(2026, 1, 15, 7, 0, tzinfo=UTC)
    assert created.tzinfo is UTC


def _drift(eng: Engine) -> list[object]:
    with eng.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrations_build_exactly_the_tables_schema_describes_sqlite(engine: Engine) -> None:
    assert _drift(engine) == []


@pytest.mark.postgres
def test_migrations_build_exactly_the_tables_schema_describes_postgres(
    postgres_engine: Engine,
) -> None:
    assert _drift(postgres_engine) == []
