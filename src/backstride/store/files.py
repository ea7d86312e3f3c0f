"""The store's own files: where a store keeps originals, uploads, form media and scratch.

A SQLite store keeps them in a folder beside the database file (``runner.db`` →
``runner.files/``): ``--db`` selects all of a store, and copying the two moves it.
A PostgreSQL store keeps its originals in the database (table ``original_files``),
where every web server and import worker reaches them without a shared folder; its
uploads and form media, which only the machine that made them reads, stay in a folder.

Layout of the folder::

    originals/<2 hex>/<sha256>.<fmt>[.gz]   kept originals (SQLite stores)
    uploads/<job>/                           the web app's uploads while they import
    form/<job>/                              form-check key frames and annotated videos
    tmp/                                     scratch (report rendering)

The ledger (`source_files.stored_path`) names an original relative to the folder, so a
store moved as a whole still finds them; absolute paths (stores from before) still work.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, Insert, bindparam, delete, func, insert, select

from backstride.store.schema import original_files

ORIGINALS = "originals"
UPLOADS = "uploads"
FORM = "form"
TMP = "tmp"
#: The folders of a store's files, in the order `db info` lists them.
FOLDERS = (ORIGINALS, UPLOADS, FORM, TMP)

_INSERT = insert(original_files)
_EXISTS = select(original_files.c.content_hash).where(
    original_files.c.content_hash == bindparam("digest")
)


def original_key(digest: str, fmt: str, *, packed: bool) -> str:
    """The ledger's name for an original: relative to the store's folder."""
    return f"{ORIGINALS}/{digest[:2]}/{digest}.{fmt}{'.gz' if packed else ''}"


@dataclass(frozen=True)
class StoreFiles:
    """Where one store keeps its files, and whether its originals are in the database."""

    root: Path
    in_database: bool = False
    #: Folders earlier versions kept this store's originals and form media in (the
    #: user data folder): delete-all clears what the ledger names there too.
    legacy: tuple[Path, ...] = field(default_factory=tuple)

    @classmethod
    def for_engine(cls, engine: Engine, root: Path, legacy: tuple[Path, ...] = ()) -> StoreFiles:
        return cls(root, in_database=engine.dialect.name != "sqlite", legacy=legacy)

    def folder(self, name: str) -> Path:
        return self.root / name

    def path(self, stored: str) -> Path:
        """The file a ledger path names (relative to the folder, or absolute from before)."""
        candidate = Path(stored)
        return candidate if candidate.is_absolute() else self.root / candidate

    def owns(self, path: Path) -> bool:
        """Whether `path` lies in this store's folders (or its legacy originals folder):
        a ledger edited by hand must not make a delete remove anything else."""
        try:
            resolved = path.resolve()
        except OSError:
            return False
        roots = [self.root, *(p / ORIGINALS for p in self.legacy)]
        return any(resolved.is_relative_to(r.resolve()) for r in roots)

    # -- originals ------------------------------------------------------------------

    def write_original(self, key: str, data: bytes) -> bool:
        """Keep an original as a file (a SQLite store); whether this call wrote it.

        Written atomically but not flushed one by one: an fsync per file would slow an
        import of thousands many times over, and the runner still has the file.
        """
        target = self.root / key
        if target.exists():
            return False
        try:
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        except FileNotFoundError:  # first file in this folder: a mkdir only then
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return True

    def insert_original(self, conn: Connection, digest: str, key: str, data: bytes) -> None:
        """Keep an original in the database, in the caller's transaction (PostgreSQL):
        one statement, where a look first and an insert after cost two round trips."""
        name = key.rpartition("/")[2][:120]
        values = {"content_hash": digest, "name": name, "size_bytes": len(data), "data": data}
        if conn.dialect.name == "postgresql":
            conn.execute(_insert_new(), values)
        elif conn.execute(_EXISTS, {"digest": digest}).first() is None:
            conn.execute(_INSERT, values)

    def read_original(self, conn: Connection, digest: str, stored: str | None) -> bytes | None:
        """An original's bytes, from the database or the folder; None where it is gone."""
        row = conn.execute(
            select(original_files.c.data).where(original_files.c.content_hash == digest)
        ).first()
        if row is not None:
            return bytes(row.data)
        if stored is None:
            return None
        try:
            return self.path(stored).read_bytes()
        except OSError:
            return None

    def remove_original(self, conn: Connection, digest: str, stored: str | None) -> None:
        """Drop one original (row and file); the file only where this store owns it."""
        conn.execute(delete(original_files).where(original_files.c.content_hash == digest))
        if stored is None:
            return
        path = self.path(stored)
        if self.owns(path):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


@dataclass
class Usage:
    """Files and bytes in one place."""

    files: int = 0
    bytes: int = 0

    def add(self, other: Usage) -> None:
        self.files += other.files
        self.bytes += other.bytes


@functools.cache
def _insert_new() -> Insert:
    """The insert that does nothing for content already kept (PostgreSQL): built on first
    use, as its dialect is loaded only with a PostgreSQL engine (~0.1 s of imports)."""
    from sqlalchemy.dialects import postgresql

    return postgresql.insert(original_files).on_conflict_do_nothing(
        index_elements=[original_files.c.content_hash]
    )


def walk(folder: Path) -> Iterator[Path]:
    """Every file under `folder` (symlinks not followed)."""
    if not folder.is_dir():
        return
    for base, _dirs, names in os.walk(folder):
        for name in names:
            yield Path(base) / name


def usage(folder: Path) -> Usage:
    """How many files and bytes are under `folder`."""
    found = Usage()
    for path in walk(folder):
        with contextlib.suppress(OSError):
            found.bytes += path.lstat().st_size
            found.files += 1
    return found


def database_originals(conn: Connection) -> Usage:
    """How many originals the database holds, and their bytes."""
    row = conn.execute(
        select(func.count(), func.coalesce(func.sum(original_files.c.size_bytes), 0))
    ).one()
    return Usage(int(row[0]), int(row[1]))


def empty_folder(folder: Path) -> Usage:
    """Remove everything inside `folder` (the folder stays); what was removed."""
    removed = usage(folder)
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()
    return removed


def usage_of_file(path: Path) -> Usage:
    """One file's usage (nothing where it cannot be read)."""
    try:
        return Usage(1, path.lstat().st_size)
    except OSError:
        return Usage()
