"""Every table as JSON-ready rows, read from the database itself, for backups and delete-all.

The tables are reflected, so tables added by other migrations are included without a list
to keep up to date. Values go out as JSON values (dates and times as ISO 8601, bytes as
base64) and come back through the column types, so a round trip loses nothing.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

#: Alembic's ledger describes the schema, not the runner's data.
SKIP = {"alembic_version"}


def tables(conn: Connection) -> list[sa.Table]:
    """The data tables, sorted so foreign keys load after their targets."""
    meta = sa.MetaData()
    meta.reflect(bind=conn)
    return [t for t in meta.sorted_tables if t.name not in SKIP]


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _load(value: Any, column: sa.Column[Any]) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, sa.Boolean):
        return bool(value)
    return value


def column_names(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns]


def json_rows(conn: Connection, table: sa.Table) -> list[dict[str, Any]]:
    """Every row as JSON values, in primary-key order so two exports compare equal."""
    names = column_names(table)
    order = [table.c[n] for n in (table.primary_key.columns.keys() or names)]
    return [
        {n: _dump(v) for n, v in row._mapping.items()}
        for row in conn.execute(sa.select(table).order_by(*order))
    ]


def row_count(conn: Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def insert_json_rows(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows read back from `json_rows`, then move the id sequence past them.

    Raises:
        ValueError: a row names a column the table lacks or holds a value its type refuses
            (the message is the database's own where it has one).
    """
    if rows:
        try:
            values = [{k: _load(v, table.c[k]) for k, v in r.items()} for r in rows]
            conn.execute(table.insert(), values)
        except (KeyError, ValueError, TypeError, sa.exc.StatementError) as exc:
            raise ValueError(str(getattr(exc, "orig", None) or exc)) from exc
    _reset_sequence(conn, table)


def _reset_sequence(conn: Connection, table: sa.Table) -> None:
    """PostgreSQL serials do not move on explicit ids; set them past the highest one."""
    if conn.dialect.name != "postgresql" or "id" not in table.c:
        return
    conn.execute(
        sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        )
    )


def delete_all(conn: Connection) -> dict[str, int]:
    """Delete every row of every table (the schema stays); returns rows removed per table."""
    removed: dict[str, int] = {}
    for table in reversed(tables(conn)):
        removed[table.name] = conn.execute(table.delete()).rowcount
    return removed
