"""What an import walks over: files and archive members as bytes, or why one was left out.

Also the format sniffing (magic bytes first, the name only as a hint) and the limits that
keep hostile archives from exhausting memory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from backstride.text import valid_utf8

#: One file or archive member larger than this is refused, unread [bytes]. 64 MB of GPX
#: is a ~70-hour 1 s recording; parsing it stays within the 300 MB memory budget.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: All members of one upload (nested archives included) may expand to at most this
#: [bytes], and to at most MAX_COMPRESSION_RATIO times the upload's own size (but always
#: to MAX_FILE_BYTES): one budget per file on disk, never one per nested archive.
MAX_ARCHIVE_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024
#: Entries of one upload, all nesting levels together (a Garmin export holds thousands).
MAX_ARCHIVE_ENTRIES = 200_000
#: Time one upload may spend unpacking [s]; 4 GiB inflates in well under a minute.
MAX_ARCHIVE_UNPACK_S = 300.0
#: A member bigger than MIN_RATIO_CHECK_BYTES may be at most this many times its packed size.
MAX_COMPRESSION_RATIO = 100.0
MIN_RATIO_CHECK_BYTES = 1024 * 1024
#: Zips inside zips inside zips ... at most this deep (Garmin exports use 2).
MAX_ARCHIVE_DEPTH = 3

#: Extensions of activity formats backstride knows but does not read.
UNSUPPORTED = frozenset(
    (".pwx", ".hrm", ".fitlog", ".xml", ".sml", ".kml", ".kmz", ".slf", ".json", ".csv")
)
#: Export side files (photos, account data) ignored without a message inside exports.
EXPORT_NOISE = frozenset(
    (".json", ".csv", ".jpg", ".jpeg", ".png", ".gif", ".heic", ".mp4", ".mov", ".txt",
     ".html", ".pdf", ".md", ".ds_store")
)  # fmt: skip


@dataclass(frozen=True)
class SourceFile:
    """One candidate activity file: its bytes (decompressed) and where it came from.

    ``name`` is what reports show: a path, or ``archive.zip!member.fit`` for a member.
    ``metadata`` carries what an export's index says about it (Strava: name, sport,
    gear). ``packed`` holds the bytes as they arrived when they were gzipped, so the
    original can be kept without compressing it again.
    """

    name: str
    data: bytes
    content_hash: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    packed: bytes | None = None

    @classmethod
    def from_bytes(
        cls,
        name: str,
        data: bytes,
        metadata: Mapping[str, str] | None = None,
        packed: bytes | None = None,
    ) -> SourceFile:
        """A SourceFile whose content hash is the SHA-256 of `data`."""
        digest = hashlib.sha256(data).hexdigest()
        return cls(name, data, digest, dict(metadata or {}), packed)


@dataclass(frozen=True)
class SkippedSource:
    """A file that holds no activity backstride reads, with the reason."""

    name: str
    reason: str


@dataclass(frozen=True)
class FailedSource:
    """A file or archive that could not be read, with a message saying why."""

    name: str
    error: str


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def display_name(name: str) -> str:
    """A file name as reports and the store show it: valid UTF-8, no control characters.

    POSIX file names are bytes; one that is not UTF-8 reaches Python with its odd bytes
    as lone surrogates (surrogateescape), which no database, JSON reply or terminal
    takes. Each such byte is shown as `\\xNN` (`m_caf\\xe9.fit`), a control character
    as its escape, so the name stays readable and distinct.
    """
    name = valid_utf8(name)
    if _CONTROL.search(name):
        name = _CONTROL.sub(lambda m: repr(m.group())[1:-1], name)
    return name


def suffixes(name: str) -> str:
    """The activity suffix of a name, `.gz` looked through: `a.FIT.gz` gives `.fit`."""
    path = PurePosixPath(name.lower())
    if path.suffix == ".gz":
        path = path.with_suffix("")
    return path.suffix


def sniff(data: bytes) -> str | None:
    """The format of `data` by its content: fit, gpx, tcx, apple (one Apple Health
    workout, see ingest.apple_health), gzip, zip, xml or None."""
    if len(data) >= 12 and data[8:12] == b".FIT" and data[0] in (12, 14):
        return "fit"
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"<HealthData" in head or b"<!DOCTYPE HealthData" in head:
            return "apple"
        if b"<gpx" in head:
            return "gpx"
        if b"<TrainingCenterDatabase" in head:
            return "tcx"
        return "xml"
    return None
