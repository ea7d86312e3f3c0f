"""Export every table to JSON or CSV, import it back without loss, and delete everything.

The store reads and writes the rows as JSON values (`store.tables`); this module owns the
files: one per table and a manifest. In CSV each cell holds one JSON value, so NULL and
the empty string stay distinct.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection

from backstride.errors import StoreError
from backstride.files import staged_files
from backstride.store import tables

Format = Literal["json", "csv"]
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BackupSummary:
    """Rows per table written or read."""

    directory: Path
    format: Format
    rows: dict[str, int]


def export_all(conn: Connection, *, directory: Path, fmt: Format) -> BackupSummary:
    """Write one file per table and a manifest into `directory` (created if missing).

    Every file is written in full before any replaces its old copy, the manifest last, so
    a full disk or a kill mid-export leaves the previous backup there whole.

    Raises:
        WriteError: the folder cannot be written (disk full, read-only, no permission).
    """
    counts: dict[str, int] = {}
    with staged_files() as stage:
        for table in tables.tables(conn):
            names = tables.column_names(table)
            rows = tables.json_rows(conn, table)
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
    by_name = {t.name: t for t in tables.tables(conn)}
    unknown = sorted(set(manifest_tables) - set(by_name))
    if unknown:
        raise StoreError(
            f"{directory}: tables {unknown} are not in this store: run `backstride db upgrade`"
        )
    busy = [n for n in manifest_tables if tables.row_count(conn, by_name[n])]
    if busy:
        raise StoreError(
            f"the store already holds data in {busy}: import a backup only into an empty store (`backstride delete-all --yes` first)"
        )
    counts: dict[str, int] = {}
    for table in by_name.values():  # sorted so foreign keys load after their targets
        if table.name not in manifest_tables:
            continue
        path = directory / f"{table.name}.{fmt}"
        rows = _read_rows(path, fmt)
        try:
            tables.insert_json_rows(conn, table, rows)
        except ValueError as exc:
            raise StoreError(
                f"{path}: the backup holds rows this store cannot take ({exc}); "
                "nothing was imported"
            ) from exc
        counts[table.name] = len(rows)
    return BackupSummary(directory, "csv" if fmt == "csv" else "json", counts)


def delete_all(conn: Connection) -> dict[str, int]:
    """Delete every row of every table (the schema stays); returns rows removed per table."""
    return tables.delete_all(conn)
