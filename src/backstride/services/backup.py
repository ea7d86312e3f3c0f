"""Export every table to JSON or CSV, import it back without loss, and delete everything.

The tables are read from the database itself (reflection), so tables added by other
migrations are included without a list to keep up to date. Values are written as JSON
(dates and times as ISO 8601, bytes as base64); in CSV each cell holds one JSON value, so
NULL and the empty string stay distinct.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine

from backstride import units
from backstride.errors import StoreError
from backstride.files import staged_files
from backstride.store import sources, tables
from backstride.store.files import StoreFiles

Format = Literal["json", "csv"]
MANIFEST = "manifest.json"
#: The backup's folder of kept originals, laid out as in the store's folder.
ORIGINALS = "originals"
#: The one folder inside an export zip, so unpacking it never scatters files.
ZIP_ROOT = "backstride-export"
#: Free space an unpacked backup must leave on the disk [bytes].
UNPACK_RESERVE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class BackupSummary:
    """Rows per table written or read, and originals copied."""

    directory: Path
    format: Format
    rows: dict[str, int]
    originals: int = 0


def store_files(engine: Engine, files_dir: Path) -> StoreFiles:
    """The store's kept files (its folder, or the database for PostgreSQL): what a backup
    copies its originals from and restores them to."""
    return StoreFiles.for_engine(engine, files_dir)


def export_all(
    conn: Connection, *, directory: Path, fmt: Format, files: StoreFiles | None = None
) -> BackupSummary:
    """Write one file per table and a manifest into `directory` (created if missing);
    with `files` (the store's), the kept originals too, under ``originals/``.

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
            if table.name == "source_files":
                for row in rows:
                    row["stored_path"] = _portable(row["stored_path"])
            counts[table.name] = len(rows)
            stage.write(directory / f"{table.name}.{fmt}", _render(rows, names, fmt))
        copied = _export_originals(conn, files, directory, stage) if files is not None else 0
        manifest = {"format": fmt, "tables": counts, "app": "backstride", "originals": copied}
        stage.write(directory / MANIFEST, json.dumps(manifest, indent=1))
    return BackupSummary(directory, fmt, counts, copied)


def _portable(stored: str | None) -> str | None:
    """A ledger path relative to a store's folder (``originals/ab/<hash>.fit``), also
    for the absolute paths of stores from before, so a restore finds them anywhere."""
    if not stored:
        return stored
    parts = Path(stored).parts
    if ORIGINALS in parts:
        at = len(parts) - 1 - parts[::-1].index(ORIGINALS)
        return "/".join(parts[at:])
    return stored


def _export_originals(conn: Connection, files: StoreFiles, directory: Path, stage: Any) -> int:
    copied = 0
    for row in sources.kept_originals(conn):
        data = files.read_original(conn, row.content_hash, row.stored_path)
        key = _portable(row.stored_path)
        if data is None or key is None or not key.startswith(f"{ORIGINALS}/"):
            continue
        stage.write(directory / key, data)
        copied += 1
    return copied


def export_zip(engine: Engine, *, fmt: Format, files: StoreFiles | None, scratch: Path) -> Path:
    """The whole export (tables and kept originals) as one zip file in `scratch`, which
    the caller sends and then deletes.

    Written to disk, not memory: a whole history's originals are hundreds of MB, more than
    a reply should hold. Originals that are gzipped already are stored, not recompressed.

    Raises:
        WriteError: `scratch` cannot be written (disk full, read-only, no permission).
    """
    scratch.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=scratch, prefix="export-", suffix=".zip")
    os.close(handle)
    target = Path(name)
    try:
        with tempfile.TemporaryDirectory(dir=scratch) as tmp:
            folder = Path(tmp) / ZIP_ROOT
            with engine.connect() as conn:
                export_all(conn, directory=folder, fmt=fmt, files=files)
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                    packed = zipfile.ZIP_STORED if path.suffix == ".gz" else zipfile.ZIP_DEFLATED
                    member = f"{ZIP_ROOT}/{path.relative_to(folder).as_posix()}"
                    archive.write(path, member, compress_type=packed)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


@contextmanager
def unpacked(archive_path: Path, *, scratch: Path) -> Iterator[Path]:
    """The backup folder inside an export zip (the web's or the team server's download),
    unpacked into `scratch` for `import_all` and removed afterwards.

    A hostile zip gets a StoreError naming the problem and writes nothing outside the
    temporary folder: member names that leave the folder (``..``, absolute, drive letters)
    or are links are refused, and the sizes the zip declares (which reading enforces) must
    fit on the disk with room to spare.

    Raises:
        StoreError: not a zip, a damaged one, an unsafe member, or too big for the disk.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        root = Path(tmp)
        try:
            with zipfile.ZipFile(archive_path) as archive:
                infos = [i for i in archive.infolist() if not i.is_dir()]
                _check_members(archive_path, infos, root)
                for info in infos:
                    target = root / info.filename
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 2**20)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
                EOFError, ValueError) as exc:  # fmt: skip
            raise StoreError(f"{archive_path}: not a readable backup zip ({exc})") from exc
        manifests = sorted(root.rglob(MANIFEST), key=lambda p: len(p.parts))
        if not manifests:
            raise StoreError(f"{archive_path}: not a backstride backup (no {MANIFEST} inside)")
        yield manifests[0].parent


def _check_members(archive_path: Path, infos: list[zipfile.ZipInfo], root: Path) -> None:
    for info in infos:
        name = info.filename
        mode = info.external_attr >> 16
        unsafe = (
            name.startswith(("/", "\\"))
            or ":" in name
            or ".." in Path(name).parts
            or "\\" in name
            or (mode & 0o170000) == 0o120000  # a symbolic link
        )
        if unsafe or not (root / name).resolve().is_relative_to(root.resolve()):
            raise StoreError(
                f"{archive_path}: refused: the member {name!r} would leave the backup folder"
            )
    declared = sum(i.file_size for i in infos)
    free = shutil.disk_usage(root).free
    if declared + UNPACK_RESERVE_BYTES > free:
        raise StoreError(
            f"{archive_path}: refused: it unpacks to {units.format_size(declared)} and the disk "
            f"has {units.format_size(free)} free"
        )


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


def import_all(
    conn: Connection, *, directory: Path, files: StoreFiles | None = None
) -> BackupSummary:
    """Load a backup into an empty store; refuses to mix it into existing data.

    With `files` (the store's), the backup's originals are kept again: as files in the
    store's folder, or in the database for a PostgreSQL store.

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
    copied = _import_originals(conn, files, directory) if files is not None else 0
    return BackupSummary(directory, "csv" if fmt == "csv" else "json", counts, copied)


def _import_originals(conn: Connection, files: StoreFiles, directory: Path) -> int:
    root = (directory / ORIGINALS).resolve()
    if not root.is_dir():
        return 0
    copied = 0
    for row in sources.kept_originals(conn):
        key = _portable(row.stored_path)
        if key is None:
            continue
        source = (directory / key).resolve()
        if not source.is_relative_to(root) or not source.is_file():
            continue
        data = source.read_bytes()
        if files.in_database:
            files.insert_original(conn, row.content_hash, key, data)
        else:
            files.write_original(key, data)
        if key != row.stored_path:
            sources.set_stored_path(conn, row.content_hash, key)
        copied += 1
    return copied


def delete_all(conn: Connection) -> dict[str, int]:
    """Delete every row of every table (the schema stays); returns rows removed per table."""
    return tables.delete_all(conn)


@dataclass(frozen=True)
class Deletion:
    """What `delete_everything` removed: rows per table, and files with their bytes."""

    rows: dict[str, int]
    files: int
    bytes: int

    def sentence(self) -> str:
        """One line for the runner: counts and sizes."""
        return (
            f"Deleted {sum(self.rows.values())} rows from {len(self.rows)} tables and "
            f"{self.files} files ({units.format_size(self.bytes)}: originals, uploads, form-check "
            "pictures and videos, scratch)."
        )


def delete_everything(engine: Engine, *, files_dir: Path, data_dir: Path | None = None) -> Deletion:
    """Delete all of the runner's data: every row, and every file the store keeps.

    `files_dir` is the store's own folder (`Settings.store_files_dir`), emptied whole:
    originals, uploads, form-check pictures and videos, scratch. Originals kept in the
    database go with their rows. `data_dir` is the user data folder where earlier
    versions kept originals and form media: what the ledger names there goes too.
    """
    from backstride.services.form import remove_form_files
    from backstride.store import files as store_files

    with engine.begin() as conn:
        legacy = [
            Path(r.stored_path)
            for r in sources.kept_originals(conn)
            if Path(r.stored_path).is_absolute()
        ]
        in_db = store_files.database_originals(conn) if engine.dialect.name != "sqlite" else None
        removed = delete_all(conn)
    gone = store_files.empty_folder(files_dir)
    if in_db is not None:
        gone.add(in_db)
    if data_dir is not None:
        owner = store_files.StoreFiles(files_dir, legacy=(data_dir,))
        for path in legacy:
            if owner.owns(path) and path.is_file():
                gone.add(store_files.usage_of_file(path))
                path.unlink(missing_ok=True)
        before = store_files.usage(data_dir / "form")
        if remove_form_files(data_dir):
            gone.add(before)
    return Deletion(removed, gone.files, gone.bytes)
