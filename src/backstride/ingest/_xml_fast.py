"""Whole-document regular expressions for plainly written GPX/TCX track points.

The streaming readers (lxml iterparse) pay one Python step per XML element, which caps a
GPX-heavy history at ~20 MB/s per core. Track points are the bulk of every file and
are written the same dull way by every device, so one compiled pattern per point kind,
run by `re` in C over the whole track, reads them at several times that speed.

This is a fast path, never the only path: a reader calls it only on bytes that
`_xml.prepare` accepted (no DTD, so no entity can be declared, let alone expanded or
fetched; a regular expression expands nothing anyway), and it declines (returns None)
on anything outside the plain shape it understands: a comment, CDATA section or
processing instruction inside a point, a character reference in a value,
namespace-prefixed or self-closing points, any point the pattern cannot account for
one by one, a document that does not end with its root's end tag. The caller then
reads the file with the streaming reader, which stays the reference for every value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: An ISO-8601 UTC time as devices write it; anything else takes the careful path.
_ISO_Z = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z"
_ISO_Z_LIST = re.compile(rb"(?:" + _ISO_Z + rb"\n)*" + _ISO_Z)


def point_pattern(tag: bytes, head: bytes, fields: Sequence[Sequence[bytes]]) -> re.Pattern[bytes]:
    """A pattern matching one whole `<tag ...>...</tag>` element, capturing its fields.

    `head` is the rest of the start tag (attribute captures included). Each entry of
    `fields` lists the local names (any namespace prefix) whose text fills one capture
    group; where a point holds several, the last one wins, as in the streaming readers.
    Elements of other names are stepped over whatever their depth; a comment, CDATA
    section or processing instruction inside a point makes the point not match (so
    the caller's count check declines the file). The repetition is possessive and
    never steps over another point's start or end tag, so an attempt scans at most
    to the next point: hostile input (thousands of unclosed points before a comment)
    costs linear time, not quadratic. `head` must keep its attribute values from
    crossing a `<` for the same reason.
    """
    alternatives = b"|".join(
        # Any attributes (a '/' inside a value too), but not a self-closing element.
        b"(?:" + b"|".join(re.escape(n) for n in names) + rb")(?:\s[^<>]*)?(?<!/)>([^<]*)"
        for names in fields
    )
    close = b"</" + tag + b">"
    return re.compile(
        b"<"
        + tag
        + head
        + rb"(?:<(?:[\w.-]+:)?(?:"
        + alternatives
        + rb")</|[^<]+|<(?![!?]|/?"
        + tag
        + rb"[\s/>]))*+"
        + close
    )


def plain_region(data: bytes, tag: bytes, root: bytes) -> tuple[int, int, int] | None:
    """(start, end, count) of the span from the first `<tag` to the last `</tag>`.

    None when the document is not plainly written there (see the module docstring) or
    does not end with `</root>`: a cut-short file goes to the streaming reader, which
    names the line where it breaks.
    """
    if not data[-4096:].rstrip().endswith(b"</" + root + b">"):
        return None
    opening, closing = b"<" + tag, b"</" + tag + b">"
    count = data.count(opening)
    if count == 0 or data.count(closing) != count:
        return None  # self-closing points, or a name that merely starts with the tag
    start = data.find(opening)
    end = data.rfind(closing) + len(closing)
    if data.count(tag, start, end) != 2 * count:
        return None  # prefixed point elements, or the name inside text or other tags
    return start, end, count


def floats(values: list[bytes]) -> npt.NDArray[np.float64] | None:
    """Numbers of a column, NaN where empty; None where one is not a number."""
    if values.count(b"") == len(values):
        return np.full(len(values), np.nan)
    if b"" in values:
        values = [v or b"nan" for v in values]
    try:
        return np.array(values, dtype=np.float64)
    except ValueError:
        return None


def utc_seconds(
    values: list[bytes], unit: str, *, utc_offset: bool = False
) -> npt.NDArray[np.float64] | None:
    """Seconds since 1970 of `...Z` times at `unit` ("ms", "us") resolution.

    None unless every value is a plain ISO-8601 UTC time (`+00:00` accepted for
    `Z` with `utc_offset`), so that other zones, odd spacing and invalid dates keep
    the streaming readers' per-value handling.
    """
    joined = b"\n".join(values)
    if utc_offset:
        joined = joined.replace(b"+00:00", b"Z")
    if not _ISO_Z_LIST.fullmatch(joined):
        return None
    text = joined.decode("ascii").replace("Z", "").split("\n")
    try:
        stamps = np.array(text, dtype=f"datetime64[{unit}]")
    except ValueError:  # e.g. month 13: the streaming readers say what is wrong
        return None
    per_second = {"ms": 1_000, "us": 1_000_000}[unit]
    return np.asarray(stamps.astype(np.int64) / float(per_second), dtype=np.float64)
