"""Walk paths into SourceFiles: folders (recursively), .gz, .zip (nested), Strava/Garmin exports.

Nothing is ever extracted to disk; every size is bounded before it is read.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from backstride.ingest import apple_health
from backstride.ingest.source import (
    EXPORT_NOISE,
    MAX_ARCHIVE_DEPTH,
    MAX_ARCHIVE_ENTRIES,
    MAX_ARCHIVE_EXPANDED_BYTES,
    MAX_ARCHIVE_UNPACK_S,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MIN_RATIO_CHECK_BYTES,
    FailedSource,
    SkippedSource,
    SourceFile,
    display_name,
    sniff,
    suffixes,
)
from backstride.ingest.strava import file_key, parse_activities_csv

Source = SourceFile | SkippedSource | FailedSource
Index = Mapping[str, Mapping[str, str]]

_ACTIVITY_FORMATS = frozenset(("fit", "gpx", "tcx"))
_ACTIVITY_SUFFIXES = frozenset(f".{f}" for f in _ACTIVITY_FORMATS)
_STRAVA_INDEX = "activities.csv"
_DRIVE = re.compile(r"^[A-Za-z]:")
_MB = 1024 * 1024
#: What opening or reading a hostile zip can raise besides BadZipFile: a member name
#: flagged UTF-8 that is not (UnicodeDecodeError is a ValueError), sizes or offsets
#: past the end, truncated structures, unknown compression or encryption.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    OverflowError,
    struct.error,
    NotImplementedError,
    RuntimeError,
)


@dataclass
class _Budget:
    """What one upload may still expand to, across all its nesting levels together.

    A budget per archive would start afresh in each nested zip: 865 KB of zips in
    zips expanded to 12 GiB that way. Bytes, entries and unpacking time are all
    counted once per file on disk.
    """

    bytes_left: int
    entries_left: int
    seconds_left: float
    spent: bool = False  # refused once: every level stops, the refusal said once

    @classmethod
    def for_upload(cls, size: int) -> _Budget:
        # Never more than the ratio allows of the upload as a whole (nor less than one
        # file's worth): a legitimate export expands a few times, a bomb thousands.
        allowed = min(MAX_ARCHIVE_EXPANDED_BYTES, max(MAX_FILE_BYTES, MAX_COMPRESSION_RATIO * size))
        return cls(int(allowed), MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_UNPACK_S)

    def refuse(self, prefix: str, what: str) -> FailedSource:
        self.spent = True
        return FailedSource(
            prefix,
            f"refused: {what}; a zip bomb, not an activity export (members read so far were kept)",
        )

    def spend_bytes(self, prefix: str, size: int) -> FailedSource | None:
        self.bytes_left -= size
        if self.bytes_left < 0:
            return self.refuse(
                prefix, "the upload expands beyond its limit in total, nested archives included"
            )
        return None

    def spend_entries(self, prefix: str, count: int) -> FailedSource | None:
        self.entries_left -= count
        if self.entries_left < 0:
            return self.refuse(
                prefix, f"the upload holds more than {MAX_ARCHIVE_ENTRIES} archive entries"
            )
        return None

    def spend_time(self, prefix: str, started: float) -> FailedSource | None:
        self.seconds_left -= time.monotonic() - started
        if self.seconds_left < 0:
            return self.refuse(
                prefix, f"unpacking took longer than {MAX_ARCHIVE_UNPACK_S:.0f} s in total"
            )
        return None


@dataclass(frozen=True)
class Unit:
    """One file on disk to import as a whole (an archive counts as one)."""

    path: Path
    index: Index = field(default_factory=dict)  # Strava metadata by file key
    in_export: bool = False  # inside an export folder: side files are ignored quietly


def iter_units(paths: Iterable[Path]) -> Iterator[Unit]:
    """Every file under `paths`, folders walked recursively in name order."""
    for path in paths:
        if path.is_dir():
            yield from _walk(path, {}, in_export=False)
        else:
            yield Unit(path)


def _walk(folder: Path, index: Index, *, in_export: bool) -> Iterator[Unit]:
    export = folder / "export.xml"
    if export.is_file() and _is_apple_export(export):
        # An unpacked Apple Health export: its workout routes are read with their
        # workouts, its other files (clinical records, ECGs) hold no activity.
        yield Unit(export)
        return
    csv_path = folder / _STRAVA_INDEX
    if csv_path.is_file() and (folder / "activities").is_dir():
        index = {**index, **_read_index(csv_path)}
        in_export = True
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path, index, in_export=in_export)
        elif entry.is_file() and not (in_export and path.name == _STRAVA_INDEX):
            yield Unit(path, index, in_export)


def _is_apple_export(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return apple_health.is_export_head(handle.read(4096))
    except OSError:
        return False


def _read_index(path: Path) -> dict[str, dict[str, str]]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return {}
        return parse_activities_csv(path.read_bytes())
    except OSError:
        return {}


def read_unit(unit: Unit) -> Iterator[Source]:
    """The sources inside one file: itself, or an archive's members."""
    name = display_name(str(unit.path))
    try:
        info = unit.path.stat()
        if not stat.S_ISREG(info.st_mode):
            # Opening a named pipe waits for a writer; a device such as /dev/zero never ends.
            yield SkippedSource(name, f"not a regular file ({_kind(info.st_mode)}): skipped unread")
            return
        with unit.path.open("rb") as handle:
            head = handle.read(16)
            if sniff(head) == "zip":
                budget = _Budget.for_upload(info.st_size)
                started = time.monotonic()
                with zipfile.ZipFile(handle) as archive:
                    if (refused := budget.spend_time(name, started)) is not None:
                        yield refused
                        return
                    export = apple_health.find_in_zip(archive)
                    if export is not None:
                        yield from apple_health.from_zip(
                            archive, export, name=name, limit=budget.bytes_left
                        )
                        return
                    yield from _members(archive, name, unit.index, depth=1, budget=budget)
                return
            head += handle.read(4096 - len(head))
            if apple_health.is_export_head(head):
                # Exports run to gigabytes: streamed, never read whole.
                yield from apple_health.from_file(
                    unit.path, name=name, limit=MAX_ARCHIVE_EXPANDED_BYTES
                )
                return
            if info.st_size > MAX_FILE_BYTES:
                yield FailedSource(name, _too_large(info.st_size))
                return
            # The size on disk can be wrong (a growing file, /proc): read one byte past it.
            data = head + handle.read(MAX_FILE_BYTES + 1 - len(head))
            if len(data) > MAX_FILE_BYTES:
                yield FailedSource(name, _too_large(len(data)))
                return
    except OSError as exc:
        yield FailedSource(name, f"cannot read: {exc.strerror or exc}")
        return
    except _ZIP_ERRORS as exc:
        yield FailedSource(name, f"not a readable zip archive: {exc}")
        return
    yield from _from_bytes(name, data, unit.index, quiet=unit.in_export, depth=0)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def iter_sources(paths: Iterable[Path]) -> Iterator[Source]:
    """Every candidate activity under `paths`, or the reason one was left out."""
    for unit in iter_units(paths):
        yield from read_unit(unit)


def _too_large(size: int) -> str:
    return (
        f"too large ({size / _MB:.0f} MB; the limit is {MAX_FILE_BYTES / _MB:.0f} MB per "
        "file): split it or import the device's FIT file instead"
    )


def _from_bytes(
    name: str,
    data: bytes,
    index: Index,
    *,
    quiet: bool,
    depth: int,
    budget: _Budget | None = None,
) -> Iterator[Source]:
    kind = sniff(data)
    if kind == "gzip":
        inner = _gunzip(name, data)
        if isinstance(inner, FailedSource):
            yield inner
        elif budget is not None and (refused := budget.spend_bytes(name, len(inner))):
            yield refused
        else:
            yield SourceFile.from_bytes(name, inner, index.get(file_key(name)), packed=data)
        return
    if kind == "zip":
        if depth >= MAX_ARCHIVE_DEPTH:
            yield FailedSource(name, f"archives nested more than {MAX_ARCHIVE_DEPTH} deep: refused")
            return
        budget = budget or _Budget.for_upload(len(data))
        try:
            started = time.monotonic()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if (refused := budget.spend_time(name, started)) is not None:
                    yield refused
                    return
                yield from _members(archive, name, index, depth=depth + 1, budget=budget)
        except _ZIP_ERRORS as exc:
            yield FailedSource(name, f"not a readable zip archive: {exc}")
        return
    suffix = suffixes(name)
    if kind in _ACTIVITY_FORMATS or suffix in _ACTIVITY_SUFFIXES:
        yield SourceFile.from_bytes(name, data, index.get(file_key(name)))
    elif quiet and (suffix in EXPORT_NOISE or PurePosixPath(name).name.startswith(".")):
        return  # an export's photos and account data are not activities
    else:
        yield SkippedSource(name, f"unsupported format ({suffix or 'unknown content'})")


def _gunzip(name: str, data: bytes) -> bytes | FailedSource:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)
    try:
        out = inflater.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error as exc:
        return FailedSource(name, f"corrupt gzip data: {exc}")
    if len(out) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        return FailedSource(name, _too_large(len(out)) + " (after gunzip)")
    if not inflater.eof:
        return FailedSource(name, "truncated gzip data (the file was cut short)")
    if len(out) > MIN_RATIO_CHECK_BYTES and len(out) > MAX_COMPRESSION_RATIO * len(data):
        return FailedSource(name, _bomb(len(out), len(data)))
    return out


def _bomb(expanded: int, packed: int) -> str:
    return (
        f"refused: expands {expanded / max(packed, 1):.0f}x ({packed} bytes to "
        f"{expanded / _MB:.0f} MB), beyond the {MAX_COMPRESSION_RATIO:.0f}x limit; "
        "a zip bomb, not an activity export"
    )


def _unsafe_member(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return member.startswith(("/", "\\")) or bool(_DRIVE.match(member)) or ".." in parts


def _junk(member: str) -> bool:
    return member.startswith("__MACOSX/") or PurePosixPath(member).name.startswith("._")


def _members(
    archive: zipfile.ZipFile, prefix: str, index: Index, *, depth: int, budget: _Budget
) -> Iterator[Source]:
    every = archive.infolist()
    refused = budget.spend_entries(prefix, len(every)) or _overlapping(every, prefix, budget)
    if refused is not None:
        yield refused
        return
    infos = [i for i in every if not i.is_dir() and not _junk(i.filename)]
    index = {**index, **_zip_index(archive, infos)}
    quiet = bool(index) or depth > 1 or any(i.filename.endswith(".zip") for i in infos)
    for info in infos:
        name = f"{prefix}!{display_name(info.filename)}"
        if _unsafe_member(info.filename):
            yield FailedSource(
                name, "refused: member name is absolute or contains '..' (path traversal)"
            )
            continue
        if PurePosixPath(info.filename).name == _STRAVA_INDEX and index:
            continue
        started = time.monotonic()
        data = _read_member(archive, info, name)
        refused = budget.spend_time(prefix, started)
        if refused is None and not isinstance(data, FailedSource):
            refused = budget.spend_bytes(prefix, len(data))
        if refused is not None:
            yield refused
            return
        if isinstance(data, FailedSource):
            yield data
            continue
        yield from _from_bytes(name, data, index, quiet=quiet, depth=depth, budget=budget)
        if budget.spent:
            return


def _overlapping(infos: list[zipfile.ZipInfo], prefix: str, budget: _Budget) -> FailedSource | None:
    """A refusal where two entries share bytes: a valid zip never does, and a bomb
    that points many entries at one payload expands it once per entry."""
    spans = sorted((i.header_offset, i.header_offset + i.compress_size) for i in infos)
    for (start, end), (after, _) in zip(spans, spans[1:], strict=False):
        if after < end or after == start:
            return budget.refuse(prefix, "archive entries overlap (one payload read many times)")
    return None


def _zip_index(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, dict[str, str]]:
    for info in infos:
        parts = PurePosixPath(info.filename).parts
        if parts[-1] == _STRAVA_INDEX and len(parts) <= 2 and info.file_size <= MAX_FILE_BYTES:
            try:
                return parse_activities_csv(archive.read(info))
            except _ZIP_ERRORS:
                return {}
    return {}


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str
) -> bytes | FailedSource:
    if info.file_size > MAX_FILE_BYTES:
        return FailedSource(name, _too_large(info.file_size))
    ratio_limit = max(MAX_COMPRESSION_RATIO * info.compress_size, MIN_RATIO_CHECK_BYTES)
    if info.file_size > ratio_limit:
        return FailedSource(name, _bomb(info.file_size, info.compress_size))
    try:
        with archive.open(info) as member:
            # Never trust the header's size: read at most one byte past the limits.
            data = member.read(int(min(MAX_FILE_BYTES, ratio_limit)) + 1)
    except (NotImplementedError, RuntimeError) as exc:  # encrypted, unknown compression
        return FailedSource(name, f"cannot unpack archive member: {exc}")
    except _ZIP_ERRORS as exc:
        return FailedSource(name, f"corrupt archive member: {exc}")
    if len(data) > ratio_limit:
        return FailedSource(name, _bomb(len(data), info.compress_size))
    if len(data) > MAX_FILE_BYTES:
        return FailedSource(name, _too_large(len(data)))
    return data
