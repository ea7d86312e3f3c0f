"""Import training history: files → activities in the store, one transaction per file.

A crash or kill leaves every file either fully stored (activities, ledger row) or not at
all; the next run finds the stored ones by content hash and finishes the rest.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from multiprocessing.context import BaseContext
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
from backstride.store.commits import deferred_flush
from backstride.store.files import StoreFiles, original_key

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
    #: The runner's sports by (content hash, session): a re-import keeps them.
    corrections: dict[tuple[str, int], str] = field(default_factory=dict)
    #: Whether files are remembered by path (`paths`) once imported.
    remember_paths: bool = True

    @classmethod
    def load(cls, conn: Connection, *, remember_paths: bool = True) -> _Known:
        return cls(
            ledger.all_sources(conn),
            ledger.all_seen_paths(conn) if remember_paths else {},
            store_activities.start_times(conn),
            store_activities.sport_corrections_of(conn),
            remember_paths,
        )


#: Below this many files to read, an import parses in its own process: starting the
#: workers (each imports the readers) costs more than it saves.
POOL_MIN_FILES = 16
#: Files parsed ahead of the writer per worker: enough to keep every worker busy while
#: the writer stores, few enough that parsed files do not pile up in memory.
_AHEAD_PER_WORKER = 4


def default_workers() -> int:
    """Parsing processes for a whole-history import: one per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def import_paths(
    engine: Engine,
    paths: Iterable[Path],
    *,
    data_dir: Path,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    legacy_dirs: tuple[Path, ...] = (),
    remember_paths: bool = True,
) -> ImportReport:
    """Import every activity under `paths` into the store at `engine`.

    `data_dir` is the store's own folder (`Settings.store_files_dir`): a SQLite store
    keeps its originals there, content-addressed under ``originals/``; a PostgreSQL
    store keeps them in the database. A file on disk unchanged (same size and mtime)
    since it was fully imported is not read again; `remember_paths=False` is for
    paths that will not come again (a worker's private copies of uploads): they are
    neither looked up nor remembered, which spares a row per file.

    Files are parsed by `workers` processes (default: one per core) when there are at
    least POOL_MIN_FILES of them, and stored by this one, in the order walked, so the
    report and the store are the same whatever the number of workers.

    Each file's commit is flushed to disk with the run's last one
    (`store.commits.deferred_flush`), not one by one: once this returns, every file
    it reports is as durable as before.
    """
    report = ImportReport()
    files = StoreFiles.for_engine(engine, data_dir, legacy_dirs)
    # One connection for the run, a transaction per file on it: a pool checkout and
    # return per file cost as much as the statements themselves.
    with engine.connect() as conn, deferred_flush(conn):
        known = _Known.load(conn, remember_paths=remember_paths)
        conn.rollback()  # end the read; every file then begins its own transaction
        units = list(iter_units(paths))
        sizes = [_stat(unit.path) for unit in units]
        total = sum(size for size, _ in sizes)
        keys = [display_name(str(unit.path.resolve())) for unit in units]
        fresh = [
            i
            for i, key in enumerate(keys)
            if known.paths.get(key, (None, None, None))[:2] != sizes[i]
        ]
        parsed = _parsed_units(units, fresh, known, files, workers)
        done = 0
        for i, unit in enumerate(units):
            key, (size, mtime_ns) = keys[i], sizes[i]
            if known.paths.get(key, (None, None, None))[:2] == (size, mtime_ns):
                _report_unchanged(report, unit, known.paths[key][2], known)
            else:
                try:
                    stat = (key, size, mtime_ns)
                    _import_new(conn, next(parsed), unit, files, known, report, stat)
                except (WriteError, OperationalError) as exc:
                    # A full or read-only disk fails every file after this one as well:
                    # stop, keep what is stored (each file was its own transaction), say why.
                    report.stopped = _stop_reason(exc)
                    report.fail(str(unit.path), report.stopped)
                    break
            done += size
            if progress is not None:
                progress(display_name(str(unit.path)), done, total)
        parsed.close()
        _count(conn, report)
    return report


@dataclass(frozen=True)
class _Parsed:
    """One source of a unit as a parsing worker hands it to the writer.

    `found` holds the activities read; `outcome` says otherwise what happened:
    "known" (the content is in the ledger: not parsed), "skip", "fail", "bug", or
    "unwritable" (its original could not be written: the disk is full), with the
    message in `message`.

    A SourceFile comes without its bytes (`data` empty, `packed` None): the writer
    needs only what is below. Sending every file's bytes back to the writer cost more
    than a worker saved (issue 18).
    """

    source: SourceFile | SkippedSource | FailedSource
    found: tuple[Activity, ...] = ()
    outcome: str = "read"
    message: str = ""
    #: Bytes of the content (decompressed), and its format where the content says so.
    size: int = 0
    sniffed: str | None = None
    #: Where its original is kept (the ledger's `stored_path`), once read.
    stored: str | None = None
    #: Whether this import wrote the original file (a SQLite store): removed again if
    #: the file's transaction fails.
    created: bool = False
    #: The original's bytes, for a store that keeps originals in its database.
    payload: bytes | None = None


@dataclass(frozen=True)
class _Target:
    """What a parsing worker needs, sent once per worker rather than with every file."""

    #: Content hashes the ledger knows (not failed): not parsed again.
    known: frozenset[str]
    files: StoreFiles
    #: The Strava indexes of the units (one per export folder), by position: a unit
    #: travels without its index, which holds every activity of the export.
    indexes: tuple[Mapping[str, Mapping[str, str]], ...] = ()


#: The parsing worker's target (set once per worker process).
_WORKER: _Target | None = None


def _init_worker(target: _Target) -> None:
    global _WORKER  # noqa: PLW0603 - one value per worker process
    _WORKER = target
    logging.getLogger("backstride").setLevel(logging.WARNING)


def _parse_source(
    source: SourceFile | SkippedSource | FailedSource, known: frozenset[str], files: StoreFiles
) -> _Parsed:
    """Read one source and, where it holds activities, keep its original: written to the
    store's folder here (in the worker), or carried to the writer for the database."""
    if not isinstance(source, SourceFile):
        return _Parsed(source)
    slim = replace(source, data=b"", packed=None)
    size, sniffed = len(source.data), sniff_format(source)
    if source.content_hash in known:
        return _Parsed(slim, outcome="known", size=size, sniffed=sniffed)
    try:
        found = tuple(read_activities(source))
    except (NotAnActivity, UnsupportedFormat) as exc:
        message = _message(exc, source.name)
        return _Parsed(slim, outcome="skip", message=message, size=size, sniffed=sniffed)
    except IngestError as exc:
        message = _message(exc, source.name)
        return _Parsed(slim, outcome="fail", message=message, size=size, sniffed=sniffed)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
        log.exception("%s: unexpected error while reading", source.name)
        message = f"internal error while reading ({exc!r}); please report it"
        return _Parsed(slim, outcome="bug", message=message, size=size, sniffed=sniffed)
    fmt = sniffed or detect_format(source)
    stored = original_key(source.content_hash, fmt, packed=source.packed is not None)
    payload = source.packed if source.packed is not None else source.data
    if files.in_database:
        return _Parsed(slim, found, size=size, sniffed=sniffed, stored=stored, payload=payload)
    try:
        created = files.write_original(stored, payload)
    except OSError as exc:
        message = str(write_error(files.path(stored), exc))
        return _Parsed(slim, found, "unwritable", message, size, sniffed, stored)
    return _Parsed(slim, found, size=size, sniffed=sniffed, stored=stored, created=created)


def _parse_unit_lazily(unit: Unit, known: frozenset[str], files: StoreFiles) -> Iterator[_Parsed]:
    for source in read_unit(unit):
        yield _parse_source(source, known, files)


def _parse_unit_in_worker(unit: Unit, index: int) -> list[_Parsed]:
    target = _WORKER
    assert target is not None, "_init_worker sets the target"
    if index >= 0:
        unit = replace(unit, index=target.indexes[index])
    return list(_parse_unit_lazily(unit, target.known, target.files))


def _pool_context() -> BaseContext:
    """Always spawn, never fork, although fork would spare each worker importing the readers
    (~0.4 s): a forked worker inherits the writer's open database socket. When the import is
    killed (SIGKILL), those workers keep that server connection, and its open transaction's
    row locks, alive, so the next import of the same files waits on them for ever (seen on
    PostgreSQL in tests/services/test_import_kill.py). Spawned workers inherit no socket."""
    return get_context("spawn")


def _parsed_units(
    units: list[Unit], fresh: list[int], known: _Known, files: StoreFiles, workers: int | None
) -> Generator[Iterator[_Parsed], None, None]:
    """The parsed sources of each unit in `fresh`, in order: from a process pool when
    there are enough files, else parsed here one at a time as the writer asks."""
    workers = default_workers() if workers is None else max(1, workers)
    digests = frozenset(h for h, r in known.sources.items() if r.status != "failed")
    if workers == 1 or len(fresh) < POOL_MIN_FILES:
        for i in fresh:
            yield _parse_unit_lazily(units[i], digests, files)
        return
    # Each unit goes with the number of its index, the indexes once per worker.
    positions: dict[int, int] = {}
    indexes: list[Mapping[str, Mapping[str, str]]] = []
    tasks: list[tuple[Unit, int]] = []
    for i in fresh:
        unit = units[i]
        if not unit.index:
            tasks.append((unit, -1))
            continue
        if id(unit.index) not in positions:
            positions[id(unit.index)] = len(indexes)
            indexes.append(unit.index)
        tasks.append((replace(unit, index={}), positions[id(unit.index)]))
    target = _Target(digests, files, tuple(indexes))
    with ProcessPoolExecutor(
        workers, mp_context=_pool_context(), initializer=_init_worker, initargs=(target,)
    ) as pool:
        pending: deque[Future[list[_Parsed]]] = deque()
        queue = iter(tasks)
        try:
            for task in queue:
                pending.append(pool.submit(_parse_unit_in_worker, *task))
                if len(pending) >= workers * _AHEAD_PER_WORKER:
                    break
            while pending:
                result = pending.popleft().result()
                following = next(queue, None)
                if following is not None:
                    pending.append(pool.submit(_parse_unit_in_worker, *following))
                yield iter(result)
        finally:
            for future in pending:
                future.cancel()


def _import_new(
    conn: Connection,
    parsed: Iterator[_Parsed],
    unit: Unit,
    files: StoreFiles,
    known: _Known,
    report: ImportReport,
    stat: tuple[str, int, int],
) -> None:
    key, size, mtime_ns = stat
    seen = _SeenPath(key, size, mtime_ns, new=key not in known.paths, keep=known.remember_paths)

    def reread(digest: str) -> _Parsed:
        return _read_again(unit, digest, files)

    settled, digests = _import_unit(conn, parsed, files, known, report, seen, reread)
    if settled and digests and not seen.recorded:  # all stored, skipped or known
        seen.digest = digests[0] if len(digests) == 1 else None
        seen.record_alone(conn)


def _read_again(unit: Unit, digest: str, files: StoreFiles) -> _Parsed:
    """The source of `unit` with content `digest`, parsed here: for a file the ledger
    knew when parsing began but no longer does (its row failed meanwhile)."""
    for source in read_unit(unit):
        if isinstance(source, SourceFile) and source.content_hash == digest:
            return _parse_source(source, frozenset(), files)
    name = display_name(str(unit.path))
    return _Parsed(FailedSource(name, "the file changed during the import; import it again"))


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
    keep: bool = True  # False: the path is not remembered at all (import_paths' remember_paths)
    digest: str | None = None
    recorded: bool = False

    def record(self, conn: Connection) -> None:
        if not self.keep:
            return
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
        if not self.keep:
            return
        try:
            with conn.begin():
                self.record(conn)
        except IntegrityError:
            self.new = False
            with conn.begin():
                self.record(conn)


def _import_unit(
    conn: Connection,
    sources: Iterator[_Parsed],
    files: StoreFiles,
    known: _Known,
    report: ImportReport,
    seen: _SeenPath,
    reread: Callable[[str], _Parsed],
) -> tuple[bool, list[str]]:
    """Import one file or archive: whether every part is settled for good, and the
    content hashes of the parts read.

    Parts are read one ahead, so that the last one, when every part before it is
    settled, records `seen` in its own transaction.
    """
    settled = True
    digests: list[str] = []
    item = next(sources, None)
    while item is not None:
        following = next(sources, None)
        source = item.source
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
            part = seen if last else None
            settled &= _import_source(conn, item, files, known, report, reread, part)
        item = following
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
    item: _Parsed,
    files: StoreFiles,
    known: _Known,
    report: ImportReport,
    reread: Callable[[str], _Parsed],
    seen: _SeenPath | None = None,
) -> bool:
    """Store one parsed file in its own transaction; True unless it failed.

    `seen`, where given, is recorded in that transaction when the file settles.
    """
    source = item.source
    assert isinstance(source, SourceFile)
    record = known.sources.get(source.content_hash)
    if record is not None and record.status != "failed":
        _report_known(report, source.name, record)  # re-import: no parsing at all
        return True
    if item.outcome == "known":  # known to the ledger when parsing began, not now
        item = reread(source.content_hash)
        if not isinstance(item.source, SourceFile):
            report.fail(item.source.name, getattr(item.source, "error", "unreadable"))
            return False
    if item.outcome == "unwritable":  # the disk is full: the run stops here
        raise WriteError(item.message)
    if item.outcome == "skip":
        report.skip(source.name, item.message)
        return _remember_or_fail(conn, known, item, "skipped", item.message, seen)
    if item.outcome == "fail":
        report.fail(source.name, item.message)
        _remember_or_fail(conn, known, item, "failed", item.message)
        return False
    if item.outcome == "bug":
        report.fail(source.name, item.message)
        return False
    found = [_corrected(activity, known) for activity in item.found]
    part = ImportReport()
    try:
        with conn.begin():
            status, duplicate_of = _store(conn, source, found, part, known.starts)
            if files.in_database:
                assert item.stored is not None and item.payload is not None
                files.insert_original(conn, source.content_hash, item.stored, item.payload)
            _remember_in(conn, known, item, status=status, duplicate_of=duplicate_of)
            if seen is not None:
                seen.record(conn)
    except IntegrityError:  # the same content stored meanwhile by another import
        report.duplicate(source.name, source.name)
    except (SQLAlchemyError, StoreError) as exc:
        # Rolled back: the file is one failure in the report, and the import goes on.
        known.sources.pop(source.content_hash, None)
        if item.created and item.stored is not None:
            files.path(item.stored).unlink(missing_ok=True)
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
    item: _Parsed,
    status: str,
    reason: str,
    seen: _SeenPath | None = None,
) -> bool:
    """Record a skipped or failed file in the ledger; a database error there is
    logged, not raised: the report already names the file."""
    try:
        _remember(conn, known, item, status=status, reason=reason, seen=seen)
    except (SQLAlchemyError, StoreError) as exc:
        assert isinstance(item.source, SourceFile)
        known.sources.pop(item.source.content_hash, None)
        log.warning("%s: not recorded in the ledger: %s", item.source.name, exc)
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


def _corrected(activity: Activity, known: _Known) -> Activity:
    """The activity with the sport the runner set for it before, if they did."""
    sport = known.corrections.get((activity.content_hash, activity.session_index))
    if sport is None:
        return activity
    return replace(activity, sport=sport, sport_inferred=False)


def _remember(
    conn: Connection,
    known: _Known,
    item: _Parsed,
    *,
    status: str,
    reason: str | None = None,
    seen: _SeenPath | None = None,
) -> None:
    try:
        with conn.begin():
            _remember_in(conn, known, item, status=status, reason=reason)
            if seen is not None:
                seen.record(conn)
    except IntegrityError:  # another import wrote this content or path meanwhile
        if seen is not None:
            seen.new = False
        with conn.begin():
            _remember_in(conn, known, item, status=status, reason=reason, replace=True)
            if seen is not None:
                seen.record(conn)


def _remember_in(
    conn: Connection,
    known: _Known,
    item: _Parsed,
    *,
    status: str,
    reason: str | None = None,
    duplicate_of: str | None = None,
    replace: bool = False,
) -> None:
    source = item.source
    assert isinstance(source, SourceFile)
    record = ledger.SourceRecord(
        content_hash=source.content_hash,
        name=source.name,
        format=item.sniffed,
        size_bytes=item.size,
        stored_path=item.stored,  # None for a skipped or failed file: no original kept
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
