"""What an import walks over: files and archive members as bytes, or why one was left out.

Also the format sniffing (magic bytes first, the name only as a hint) and the limits that
keep hostile archives from exhausting memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

#: One file or archive member larger than this is refused, unread [bytes]. 64 MB of GPX
#: is a ~70-hour 1 s recording; parsing it stays within the 300 MB memory budget.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: All members of one archive (nested ones included) may expand to at most this [bytes].
MAX_ARCHIVE_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024
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


def suffixes(name: str) -> str:
    """The activity suffix of a name, `.gz` looked through: `a.FIT.gz` gives `.fit`."""
    path = PurePosixPath(name.lower())
    if path.suffix == ".gz":
        path = path.with_suffix("")
    return path.suffix


def sniff(data: bytes) -> str | None:
    """The format of `data` by its content: fit, gpx, tcx, gzip, zip, xml or None."""
    if len(data) >= 12 and data[8:12] == b".FIT" and data[0] in (12, 14):
        return "fit"
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"<gpx" in head:
            return "gpx"
        if b"<TrainingCenterDatabase" in head:
            return "tcx"
        return "xml"
    return None
