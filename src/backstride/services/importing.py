"""Import training history: files → activities in the store, one transaction per file.

A crash or kill leaves every file either fully stored (activities, ledger row) or not at
all; the next run finds the stored ones by content hash and finishes the rest.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from backstride.errors import (
    IngestError,
    NotAnActivity,
    StoreError,
    UnsupportedFormat,
    WriteError,
)
from backstride.files import write_error
from backstride.ingest import (
    FailedSource,
    SkippedSource,
    SourceFile,
    Unit,
    detect_format,
    display_name,
    iter_units,
    read_activities,
    read_unit,
)
from backstride.models import SOURCE_RICHNESS, Activity
from backstride.store import activities as store_activities
from backstride.store import sources as ledger

log = logging.getLogger(__name__)

#: Called after each file on disk: (name, bytes done, bytes in total).
ProgressCallback = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    """What one import did, file by file; `to_dict` is the `--json` contract."""

    imported: int = 0
    duplicates: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    #: Files stored without some values out of physical bounds: {"file", "values"},
    #: values being {field: how many} (ingest/bounds.py).
    dropped: list[dict[str, Any]] = field(default_factory=list)
    activities_total: int = 0
    #: Why the run stopped before the end (disk full, store unwritable), else None.
    stopped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values, keys exactly as documented.

        ``stopped`` appears only when the run could not go on (the disk is full): what is
        listed was settled, the files after it were not looked at.
        """
        out: dict[str, Any] = {
            "imported": self.imported,
            "duplicates": list(self.duplicates),
            "skipped": list(self.skipped),
            "failed": list(self.failed),
            "dropped": list(self.dropped),
            "activities_total": self.activities_total,
        }
        if self.stopped is not None:
            out["stopped"] = self.stopped
        return out

    def to_json(self) -> str:
        """The report as a JSON document."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def duplicate(self, file: str, of: str) -> None:
        self.duplicates.append({"file": file, "duplicate_of": of})

    def skip(self, file: str, reason: str) -> None:
        self.skipped.append({"file": file, "reason": reason})

    def fail(self, file: str, error: str) -> None:
        self.failed.append({"file": file, "error": error})

    def drop(self, file: str, activities: list[Activity]) -> None:
        counts: dict[str, int] = {}
        for activity in activities:
            for name, count in activity.dropped:
                counts[name] = counts.get(name, 0) + count
        if counts:
            self.dropped.append({"file": file, "values": counts})

    def merge(self, part: ImportReport) -> None:
        """Add what one file's transaction did, once it has committed."""
        self.imported += part.imported
        self.duplicates += part.duplicates
        self.skipped += part.skipped
        self.failed += part.failed
        self.dropped += part.dropped


@dataclass
class _Known:
    """The ledger held in memory for the run: one query instead of one per file."""

    sources: dict[str, ledger.SourceRecord]
    paths: dict[str, tuple[int, int, str | None]]
    #: Sorted starts of the stored activities [s since 1970]: a new run with none
    #: nearby has no duplicate to look for, which spares a query for nearly every file.
    #: Another import running at the same moment is not seen until the next run.
    starts: list[float] = field(default_factory=list)

    @classmethod
    def load(cls, conn: Connection) -> _Known:
        return cls(
            ledger.all_sources(conn),
            ledger.all_seen_paths(conn),
            store_activities.start_times(conn),
        )


def import_paths(
    engine: Engine,
    paths: Iterable[Path],
    *,
    data_dir: Path,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import every activity under `paths` into the store at `engine`.

    Originals are kept content-addressed under ``data_dir / "originals"``. A file on
    disk unchanged (same size and mtime) since it was fully imported is not read again.
    """
    report = ImportReport()
    # One connection for the run, a transaction per file on it: a pool checkout and
    # return per file cost as much as the statements themselves.
    with engine.connect() as conn:
        known = _Known.load(conn)
        conn.rollback()  # end the read; every file then begins its own transaction
        units = list(iter_units(paths))
        sizes = [_stat(unit.path) for unit in units]
        total = sum(size for size, _ in sizes)
        done = 0
        for unit, (size, mtime_ns) in zip(units, sizes, strict=True):
            key = display_name(str(unit.path.resolve()))
            if known.paths.get(key, (None, None, None))[:2] == (size, mtime_ns):
                _report_unchanged(report, unit, known.paths[key][2], known)
            else:
                try:
                    _import_new(conn, unit, data_dir, known, report, (key, size, mtime_ns))
                except (WriteError, OperationalError) as exc:
                    # A full or read-only disk fails every file after this one as well:
                    # stop, keep what is stored (each file was its own transaction), say why.
                    report.stopped = _stop_reason(exc)
                    report.fail(str(unit.path), report.stopped)
                    break
            done += size
            if progress is not None:
                progress(display_name(str(unit.path)), done, total)
        _count(conn, report)
    return report


def _import_new(
    conn: Connection,
    unit: Unit,
    data_dir: Path,
    known: _Known,
    report: ImportReport,
    stat: tuple[str, int, int],
) -> None:
    key, size, mtime_ns = stat
    seen = _SeenPath(key, size, mtime_ns, new=key not in known.paths)
    settled, digests = _import_unit(conn, unit, data_dir, known, report, seen)
    if settled and digests and not seen.recorded:  # all stored, skipped or known
        seen.digest = digests[0] if len(digests) == 1 else None
        seen.record_alone(conn)


def _stop_reason(exc: Exception) -> str:
    if isinstance(exc, OperationalError):
        return (
            f"the store cannot be written ({exc.orig}): free some disk space, then run the "
            "import again (files already imported are kept and not read twice)"
        )
    return f"{exc}; files already imported are kept, run the import again afterwards"


def _count(conn: Connection, report: ImportReport) -> None:
    try:
        report.activities_total = store_activities.count(conn)
        conn.rollback()
    except OperationalError as exc:  # the report still goes out, with what is known
        log.warning("cannot count the stored activities: %s", exc.orig)


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return 0, 0
    return st.st_size, st.st_mtime_ns


def _report_unchanged(report: ImportReport, unit: Unit, digest: str | None, known: _Known) -> None:
    record = known.sources.get(digest) if digest else None
    name = display_name(str(unit.path))
    if record is not None and record.status == "skipped":
        report.skip(name, record.reason or "not an activity")
    elif record is not None and record.status == "duplicate":
        report.duplicate(name, record.duplicate_of or record.name)
    else:
        report.duplicate(name, record.name if record else name)


@dataclass
class _SeenPath:
    """A file on disk to remember as fully imported, with the last of its parts'
    transaction where it can (one commit per file instead of two), else after them."""

    path: str
    size_bytes: int
    mtime_ns: int
    new: bool  # not in the ledger yet: an insert, without a delete first
    digest: str | None = None
    recorded: bool = False

    def record(self, conn: Connection) -> None:
        ledger.mark_path_seen(
            conn,
            path=self.path,
            size_bytes=self.size_bytes,
            mtime_ns=self.mtime_ns,
            content_hash=self.digest,
            new=self.new,
        )
        self.recorded = True

    def record_alone(self, conn: Connection) -> None:
        """Record in a transaction of its own; where another import running at the same
        moment recorded the path first (a unique-key clash), overwrite its row."""
        try:
            with conn.begin():
                self.record(conn)
        except IntegrityError:
            self.new = False
            with conn.begin():
                self.record(conn)


def _import_unit(
    conn: Connection,
    unit: Unit,
    data_dir: Path,
    known: _Known,
    report: ImportReport,
    seen: _SeenPath,
) -> tuple[bool, list[str]]:
    """Import one file or archive: whether every part is settled for good, and the
    content hashes of the parts read.

    Parts are read one ahead, so that the last one, when every part before it is
    settled, records `seen` in its own transaction.
    """
    settled = True
    digests: list[str] = []
    sources = read_unit(unit)
    source = next(sources, None)
    while source is not None:
        following = next(sources, None)
        if isinstance(source, SkippedSource):
            report.skip(source.name, source.reason)
        elif isinstance(source, FailedSource):
            report.fail(source.name, source.error)
            settled = False
        else:
            last = following is None and settled
            if last:
                seen.digest = None if digests else source.content_hash
            digests.append(source.content_hash)
            settled &= _import_source(conn, source, data_dir, known, report, seen if last else None)
        source = following
    return settled, digests


def _message(exc: Exception, name: str) -> str:
    # Readers prefix messages with the file name; the report names the file already.
    text = str(exc)
    return text[len(name) + 2 :] if text.startswith(f"{name}: ") else text


def _report_known(report: ImportReport, name: str, record: ledger.SourceRecord) -> None:
    if record.status == "skipped":
        report.skip(name, record.reason or "not an activity")
    elif record.status == "duplicate":
        report.duplicate(name, record.duplicate_of or record.name)
    else:
        report.duplicate(name, record.name)


def _import_source(
    conn: Connection,
    source: SourceFile,
    data_dir: Path,
    known: _Known,
    report: ImportReport,
    seen: _SeenPath | None = None,
) -> bool:
    """Read and store one file in its own transaction; True unless it failed.

    `seen`, where given, is recorded in that transaction when the file settles.
    """
    record = known.sources.get(source.content_hash)
    if record is not None and record.status != "failed":
        _report_known(report, source.name, record)  # re-import: no parsing at all
        return True
    try:
        found = read_activities(source)
    except (NotAnActivity, UnsupportedFormat) as exc:
        reason = _message(exc, source.name)
        report.skip(source.name, reason)
        return _remember_or_fail(conn, known, source, "skipped", reason, seen)
    except IngestError as exc:
        error = _message(exc, source.name)
        report.fail(source.name, error)
        _remember_or_fail(conn, known, source, "failed", error)
        return False
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
        log.exception("%s: unexpected error while reading", source.name)
        report.fail(source.name, f"internal error while reading ({exc!r}); please report it")
        return False
    fmt = detect_format(source)
    stored, created = _save_original(data_dir, source, fmt)
    part = ImportReport()
    try:
        with conn.begin():
            status, duplicate_of = _store(conn, source, found, part, known.starts)
            _remember_in(conn, known, source, stored, status=status, duplicate_of=duplicate_of)
            if seen is not None:
                seen.record(conn)
    except IntegrityError:  # the same content stored meanwhile by another import
        report.duplicate(source.name, source.name)
    except (SQLAlchemyError, StoreError) as exc:
        # Rolled back: the file is one failure in the report, and the import goes on.
        known.sources.pop(source.content_hash, None)
        if created:
            stored.unlink(missing_ok=True)
        log.warning("%s: not stored: %s", source.name, exc)
        report.fail(source.name, _store_error(exc))
        return False
    else:
        if status == "imported":
            part.drop(source.name, found)
        report.merge(part)
    return True


def _store_error(exc: Exception) -> str:
    """What the database refused, in one line, for the report."""
    cause = getattr(exc, "orig", None) or exc
    detail = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return (
        f"not stored: the database refused it ({type(cause).__name__}: {detail[:300]}); "
        "nothing of this file was kept, and the import went on with the next file"
    )


def _remember_or_fail(
    conn: Connection,
    known: _Known,
    source: SourceFile,
    status: str,
    reason: str,
    seen: _SeenPath | None = None,
) -> bool:
    """Record a skipped or failed file in the ledger; a database error there is
    logged, not raised: the report already names the file."""
    try:
        _remember(conn, known, source, None, status=status, reason=reason, seen=seen)
    except (SQLAlchemyError, StoreError) as exc:
        known.sources.pop(source.content_hash, None)
        log.warning("%s: not recorded in the ledger: %s", source.name, exc)
        return False
    return True


_DETAIL_FIELDS = (
    "moving_s",
    "distance_m",
    "elevation_gain_m",
    "avg_hr_bpm",
    "avg_cadence_spm",
    "device",
    "route",
)


def _richness(activity: Activity) -> tuple[int, int]:
    # Format first (FIT > TCX > GPX); between two of a kind, the one with more fields
    # filled wins, so the outcome does not depend on which file came first.
    filled = sum(bool(getattr(activity, name)) for name in _DETAIL_FIELDS)
    return SOURCE_RICHNESS.get(activity.source_format, 0), filled


def _richer(new: Activity, old: Activity) -> bool:
    return _richness(new) > _richness(old)


def _store(
    conn: Connection,
    source: SourceFile,
    found: list[Activity],
    report: ImportReport,
    starts: list[float],
) -> tuple[str, str | None]:
    """Add each session, or upgrade a poorer stored copy of it; (status, duplicate_of).

    `starts` (the stored starts, sorted) rules out most duplicates without a query,
    and learns the start of every session added.
    """
    changed = 0
    duplicate_of: str | None = None
    added: list[float] = []
    for activity in found:
        twin = None
        if store_activities.may_have_duplicate(starts, activity):
            twin = store_activities.find_duplicate(conn, activity=activity)
        if twin is None:
            store_activities.add(conn, activity=activity)
            added.append(store_activities.start_seconds(activity))
            report.imported += 1
            changed += 1
        elif _richer(activity, twin.activity):
            store_activities.replace_source(conn, activity_id=twin.id, activity=activity)
            added.append(store_activities.start_seconds(activity))
            ledger.mark_duplicate(
                conn, content_hash=twin.activity.content_hash, duplicate_of=source.name
            )
            report.duplicate(twin.activity.source_file, source.name)
            changed += 1
        else:
            duplicate_of = twin.activity.source_file
    for start in added:  # once the file's transaction is as good as done
        bisect.insort(starts, start)
    if changed:
        return "imported", None
    report.duplicate(source.name, duplicate_of or source.name)
    return "duplicate", duplicate_of


def _save_original(data_dir: Path, source: SourceFile, fmt: str) -> tuple[Path, bool]:
    """Keep the file as it arrived, named by content hash; written atomically.

    Returns the path and whether this call wrote it (so a failed store can remove it).
    """
    digest = source.content_hash
    packed = source.packed is not None
    target = data_dir / "originals" / digest[:2] / f"{digest}.{fmt}{'.gz' if packed else ''}"
    if target.exists():
        return target, False
    try:
        _write_original(target, source.packed if source.packed is not None else source.data)
    except OSError as exc:
        raise write_error(target, exc) from exc
    return target, True


def _write_original(target: Path, data: bytes) -> None:
    # Not flushed to disk one by one: an fsync per file would slow an import of
    # thousands many times over, and the runner still has the file they imported.
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    except FileNotFoundError:  # first file in this folder: a mkdir only then, not per file
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _remember(
    conn: Connection,
    known: _Known,
    source: SourceFile,
    stored: Path | None,
    *,
    status: str,
    reason: str | None = None,
    seen: _SeenPath | None = None,
) -> None:
    try:
        with conn.begin():
            _remember_in(conn, known, source, stored, status=status, reason=reason)
            if seen is not None:
                seen.record(conn)
    except IntegrityError:  # another import wrote this content or path meanwhile
        if seen is not None:
            seen.new = False
        with conn.begin():
            _remember_in(conn, known, source, stored, status=status, reason=reason, replace=True)
            if seen is not None:
                seen.record(conn)


def _remember_in(
    conn: Connection,
    known: _Known,
    source: SourceFile,
    stored: Path | None,
    *,
    status: str,
    reason: str | None = None,
    duplicate_of: str | None = None,
    replace: bool = False,
) -> None:
    sniffed = sniff_format(source)
    record = ledger.SourceRecord(
        content_hash=source.content_hash,
        name=source.name,
        format=sniffed,
        size_bytes=len(source.data),
        stored_path=str(stored) if stored else None,
        status=status,
        reason=reason,
        duplicate_of=duplicate_of,
    )
    new = not replace and source.content_hash not in known.sources
    ledger.record(conn, source=record, new=new)
    known.sources[source.content_hash] = record


def sniff_format(source: SourceFile) -> str | None:
    """fit, gpx or tcx where the content says so, else None."""
    try:
        return detect_format(source)
    except IngestError:
        return None
