"""Each runner store's change counter: triggers on its tables, one row in the team schema.

Every statement that writes to a runner store's tables (any service, a migration, raw
SQL, an import on a worker) bumps the store's row in `store_versions` inside the writing
transaction, so the new count is visible exactly when the data is. A summary cached
under a count is therefore current while the count is: the caseload reads the counts
with the shares it reads anyway and asks no runner's schema whether anything changed.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, select, text

from backstride.store.team.schema import store_versions

#: The trigger's name on every table of a runner store.
TRIGGER = "store_version"
_SKIPPED = ("alembic_version",)  # the migration ledger: no data a view reads


def install(conn: Connection, *, team_schema: str) -> int:
    """Put the counter's trigger on every table of the connection's (runner) schema.

    Idempotent, and run after every upgrade of the store, so that tables a migration adds
    get it too. Returns how many tables carry it.
    """
    tables = list(
        conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> ALL(:skipped) ORDER BY tablename"
            ),
            {"skipped": list(_SKIPPED)},
        ).scalars()
    )
    for table in tables:
        conn.execute(
            text(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OR DELETE "
                f'OR TRUNCATE ON "{table}" FOR EACH STATEMENT '
                f'EXECUTE FUNCTION "{team_schema}".bump_store_version()'
            )
        )
    conn.execute(
        text(
            f'INSERT INTO "{team_schema}".store_versions (runner_schema, version) '
            "VALUES (current_schema(), 0) ON CONFLICT (runner_schema) DO NOTHING"
        )
    )
    return len(tables)


def forget(conn: Connection, *, runner_schema: str) -> None:
    """Drop a deleted store's counter (on a connection to the team schema)."""
    conn.execute(delete(store_versions).where(store_versions.c.runner_schema == runner_schema))


_VERSION_OF = select(store_versions.c.version).where(
    store_versions.c.runner_schema == bindparam("runner_schema")
)


def version_of(conn: Connection, *, runner_schema: str) -> int:
    """The store's change counter now (0 before its first write)."""
    found = conn.execute(_VERSION_OF, {"runner_schema": runner_schema}).scalar()
    return int(found or 0)
