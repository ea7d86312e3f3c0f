"""Export every table to JSON or CSV, import it back without loss, and delete everything.

The tables are read from the database itself (reflection), so tables added by other
migrations are included without a list to keep up to date. Values are written as JSON
(dates and times as ISO 8601, bytes as base64); in CSV each cell holds one JSON value, so
NULL and the empty string stay distinct.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Connection

from backstride.errors import StoreError
from backstride.files import staged_files

Format = Literal["json", "csv"]
#: Alembic's ledger describes the schema, not the runner's data.
SKIP = {"alembic_version"}
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BackupSummary:
    """Rows per table written or read."""

    directory: Path
    format: Format
    rows: dict[str, int]


def _tables(conn: Connection) -> list[sa.Table]:
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


def export_all(conn: Connection, *, directory: Path, fmt: Format) -> BackupSummary:
    """Write one file per table and a manifest into `directory` (created if missing).

    Every file is written in full before any replaces its old copy, the manifest last, so
    a full disk or a kill mid-export leaves the previous backup there whole.

    Raises:
        WriteError: the folder cannot be written (disk full, read-only, no permission).
    """
    counts: dict[str, int] = {}
    with staged_files() as stage:
        for table in _tables(conn):
            names = [c.name for c in table.columns]
            order = [table.c[n] for n in (table.primary_key.columns.keys() or names)]
            rows = [
                {n: _dump(v) for n, v in row._mapping.items()}
                for row in conn.execute(sa.select(table).order_by(*order))
            ]
            counts[table.name] = len(rows)
            stage.write(directory / f"{table.name}.{fmt}", _render(rows, names, fmt))
        manifest = {"format": fmt, "tables": counts, "app": "backstride"}
        stage.write(directory / MANIFEST, json.dumps(manifest, indent=1))
    return BackupSummary(directory, fmt, counts)


def _render(rows: list[dict[str, Any]], names: list[str], fmt: Format) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=1, sort_keys=True)
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(names)
    writer.writerows([json.dumps(r[n]) for n in names] for r in rows)
    return text.getvalue()


def _read_rows(path: Path, fmt: str) -> list[dict[str, Any]]:
    """One table's rows; a damaged file raises StoreError naming it, never a traceback."""
    try:
        if fmt == "json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise ValueError("expected a list of rows")
            return data
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            return [dict(zip(header, (json.loads(c) for c in row), strict=True)) for row in reader]
    except (OSError, ValueError, StopIteration, RecursionError) as exc:
        raise StoreError(
            f"{path}: the backup is damaged or incomplete ({exc or 'empty file'}); "
            "nothing was imported"
        ) from exc


def _read_manifest(directory: Path) -> tuple[str, dict[str, int]]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        fmt, tables = manifest["format"], manifest["tables"]
        if fmt not in ("json", "csv") or not isinstance(tables, dict):
            raise ValueError(f"format {fmt!r} with tables {type(tables).__name__}")
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise StoreError(
            f"{directory}: not a backstride backup ({MANIFEST} unreadable: {exc})"
        ) from exc
    return fmt, tables


def import_all(conn: Connection, *, directory: Path) -> BackupSummary:
    """Load a backup into an empty store; refuses to mix it into existing data.

    Raises:
        StoreError: not a backup, a damaged one, or the store holds data already; the
            caller's transaction then rolls back, so nothing is half-imported.
    """
    fmt, manifest_tables = _read_manifest(directory)
    tables = {t.name: t for t in _tables(conn)}
    unknown = sorted(set(manifest_tables) - set(tables))
    if unknown:
        raise StoreError(
            f"{directory}: tables {unknown} are not in this store: run `backstride db upgrade`"
        )
    busy = [
        n
        for n in manifest_tables
        if conn.execute(sa.select(sa.func.count()).select_from(tables[n])).scalar()
    ]
    if busy:
        raise StoreError(
            f"the store already holds data in {busy}: import a backup only into an empty store (`backstride delete-all --yes` first)"
        )
    counts: dict[str, int] = {}
    for table in tables.values():  # sorted so foreign keys load after their targets
        if table.name not in manifest_tables:
            continue
        path = directory / f"{table.name}.{fmt}"
        rows = _read_rows(path, fmt)
        if rows:
            try:
                values = [{k: _load(v, table.c[k]) for k, v in r.items()} for r in rows]
                conn.execute(table.insert(), values)
            except (KeyError, ValueError, TypeError, sa.exc.StatementError) as exc:
                raise StoreError(
                    f"{path}: the backup holds rows this store cannot take "
                    f"({getattr(exc, 'orig', None) or exc}); nothing was imported"
                ) from exc
        counts[table.name] = len(rows)
        _reset_sequence(conn, table)
    return BackupSummary(directory, "csv" if fmt == "csv" else "json", counts)


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
    for table in reversed(_tables(conn)):
        removed[table.name] = conn.execute(table.delete()).rowcount
    return removed
