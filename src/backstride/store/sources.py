"""The ledger of source files seen by imports, and of paths unchanged since then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from backstride.store import _bounded
from backstride.store.schema import seen_paths, source_files

# Built once: one import writes these for every file (see store.activities._INSERT).
_DELETE_SOURCE = delete(source_files).where(source_files.c.content_hash == bindparam("digest"))
_INSERT_SOURCE = insert(source_files)
_DELETE_SEEN = delete(seen_paths).where(seen_paths.c.path == bindparam("seen_path"))
_INSERT_SEEN = insert(seen_paths)

#: Statuses a source file can have in the ledger.
STATUSES = ("imported", "duplicate", "skipped", "failed")


@dataclass(frozen=True)
class SourceRecord:
    """What an earlier import decided about one file content."""

    content_hash: str
    name: str
    format: str | None
    size_bytes: int
    stored_path: str | None
    status: str
    reason: str | None = None
    duplicate_of: str | None = None


def get(conn: Connection, *, content_hash: str) -> SourceRecord | None:
    """The ledger entry for a content hash, if the content was seen before."""
    row = conn.execute(
        select(source_files).where(source_files.c.content_hash == content_hash)
    ).first()
    return None if row is None else _to_record(row)


def _to_record(row: Any) -> SourceRecord:
    return SourceRecord(
        content_hash=row.content_hash,
        name=row.name,
        format=row.format,
        size_bytes=row.size_bytes,
        stored_path=row.stored_path,
        status=row.status,
        reason=row.reason,
        duplicate_of=row.duplicate_of,
    )


def all_sources(conn: Connection) -> dict[str, SourceRecord]:
    """The whole ledger by content hash, for an import run to hold in memory (one query)."""
    return {r.content_hash: _to_record(r) for r in conn.execute(select(source_files))}


def record(conn: Connection, *, source: SourceRecord, new: bool = False) -> None:
    """Insert or overwrite the ledger entry for one content hash; `new` (the caller
    knows there is none yet) spares the delete, one statement per file of an import."""
    if source.status not in STATUSES:
        raise ValueError(f"unknown source status {source.status!r}; one of {STATUSES}")
    values = {
        "content_hash": source.content_hash,
        "name": source.name,
        "format": source.format,
        "size_bytes": source.size_bytes,
        "stored_path": source.stored_path,
        "status": source.status,
        "reason": source.reason,
        "duplicate_of": source.duplicate_of,
        "seen_at": datetime.now(UTC),
    }
    values = _bounded.row(source_files, values)
    if not new:
        conn.execute(_DELETE_SOURCE, {"digest": source.content_hash})
    conn.execute(_INSERT_SOURCE, values)


def mark_duplicate(conn: Connection, *, content_hash: str, duplicate_of: str) -> None:
    """Record that a stored source was superseded by a richer one for the same session."""
    conn.execute(
        update(source_files)
        .where(source_files.c.content_hash == content_hash)
        .values(status="duplicate", duplicate_of=_bounded.text(duplicate_of))
    )


def seen_path(conn: Connection, *, path: str) -> tuple[int, int, str | None] | None:
    """(size_bytes, mtime_ns, content_hash) of a path when it was last fully imported."""
    row = conn.execute(select(seen_paths).where(seen_paths.c.path == path)).first()
    if row is None:
        return None
    return int(row.size_bytes), int(row.mtime_ns), row.content_hash


def all_seen_paths(conn: Connection) -> dict[str, tuple[int, int, str | None]]:
    """Every fully imported path, for the no-op re-import fast path (one query)."""
    rows = conn.execute(select(seen_paths))
    return {r.path: (int(r.size_bytes), int(r.mtime_ns), r.content_hash) for r in rows}


def mark_path_seen(
    conn: Connection,
    *,
    path: str,
    size_bytes: int,
    mtime_ns: int,
    content_hash: str | None,
    new: bool = False,
) -> None:
    """Remember that `path`, at this size and mtime, has been imported completely
    (`new`: the caller knows the path is not in the ledger yet, so no delete first)."""
    path = _bounded.text(path)
    if not new:
        conn.execute(_DELETE_SEEN, {"seen_path": path})
    conn.execute(
        _INSERT_SEEN,
        {
            "path": path,
            "size_bytes": size_bytes,
            "mtime_ns": mtime_ns,
            "content_hash": content_hash,
            "seen_at": datetime.now(UTC),
        },
    )


def forget(conn: Connection, *, content_hash: str) -> str | None:
    """Drop a content's ledger entry and the paths recorded with it, so that importing
    the file again reads it afresh; the stored original's path, if it had one."""
    row = conn.execute(
        select(source_files.c.stored_path).where(source_files.c.content_hash == content_hash)
    ).first()
    conn.execute(_DELETE_SOURCE, {"digest": content_hash})
    conn.execute(delete(seen_paths).where(seen_paths.c.content_hash == content_hash))
    return None if row is None else row.stored_path
