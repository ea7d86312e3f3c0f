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
        b"(?:" + b"|".join(re.escape(n) for n in names) + rb")(?:\s[^<>]*+)?(?<!/)>([^<]*+)"
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
    try:  # the common case first: every value a number, no scan for empty ones
        return np.array(values, dtype=np.float64)
    except ValueError:
        pass
    if values.count(b"") == len(values):
        return np.full(len(values), np.nan)
    try:
        return np.array([v or b"nan" for v in values], dtype=np.float64)
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


_PIECE = re.compile(rb"<(/?)([\w.:-]+)([^<>]*?)(/?)>([^<]*)")
_ATTRS = rb"(?:\s[^<>]*+)?"


def layout_pattern(
    data: bytes, start: int, tag: bytes, head: re.Pattern[bytes], fields: Sequence[Sequence[bytes]]
) -> tuple[re.Pattern[bytes], list[int]] | None:
    """A pattern for points laid out exactly like the one at `start`, and its groups.

    Devices write every point of a file the same way, so a pattern naming each child
    in order (no alternatives to try at every tag) matches several times faster than
    `point_pattern`. Returns the pattern and, for the head's captures then each entry
    of `fields`, the index of its group in a match (-1: not in this layout); None
    where the first point is not a plain sequence of elements, or holds a field with
    children. A field written twice (Garmin's and a plain `<cadence>` side by side) is
    captured at its last place only: the last one wins, as in the streaming readers.
    Points laid out otherwise simply do not match, and `match_columns` reads them
    with `point_pattern`.
    """
    opened = head.match(data, start)
    close = data.find(b"</" + tag + b">", start)
    if opened is None or close == -1:
        return None
    field_of = {name: i for i, names in enumerate(fields) for name in names}
    # Each part is a literal piece of pattern, or (field, opening, name) for a captured
    # value; groups are numbered once the last place of each field is known.
    parts: list[bytes | tuple[int, bytes, bytes]] = [rb"\s*+"]
    last_place = [-1] * len(fields)
    pos = data.find(b"<", opened.end(), close + 1)
    if data[opened.end() : pos].strip():
        return None  # text before the first child
    while pos < close:
        piece = _PIECE.match(data, pos, close)
        if piece is None:
            return None
        closing, name, attrs, empty, text = piece.groups()
        pos = piece.end()
        field = field_of.get(name.rpartition(b":")[2])
        escaped = re.escape(name)
        # A tag written bare in the first point is matched literally: the cheapest
        # match, and a point that adds attributes just takes the general pattern.
        opens = b"<" + escaped + (_ATTRS + rb"(?<!/)>" if attrs.strip() else b">")
        if closing:
            parts.append(b"</" + escaped + b">")
        elif empty:
            parts.append(b"<" + escaped + _ATTRS + b"/>")
        elif field is not None:
            ending = _PIECE.match(data, pos, close)
            if ending is None or ending.group(1) != b"/" or ending.group(2) != name:
                return None  # a field with children: the general pattern's business
            last_place[field] = len(parts)
            parts.append((field, opens, escaped))
            text = ending.group(5)
            pos = ending.end()
        else:
            parts.append(opens)
        parts.append(rb"\s*+" if not text.strip() else rb"[^<]*+")
    slots = [-1] * len(fields)
    group = head.groups
    pieces = []
    for place, part in enumerate(parts):
        if isinstance(part, bytes):
            pieces.append(part)
            continue
        field, opens, escaped = part
        if last_place[field] == place:
            slots[field] = group
            group += 1
            pieces.append(opens + b"([^<]*+)</" + escaped + b">")
        else:  # an earlier copy of the field: stepped over, the last one wins
            pieces.append(opens + b"[^<]*+</" + escaped + b">")
    pattern = re.compile(head.pattern + b"".join(pieces) + b"</" + tag + b">")
    return pattern, list(range(head.groups)) + slots


def match_columns(
    data: bytes,
    start: int,
    end: int,
    opening: bytes,
    layout: tuple[re.Pattern[bytes], list[int]] | None,
    general: re.Pattern[bytes],
) -> list[list[bytes]]:
    """The captures of the points in [start, end), one list per column ([] if none).

    The layout pattern reads every point laid out like the first; the few that are
    not (a sample without cadence, one extra element) are read by the general pattern
    from the text between its matches, and put back in document order. A point
    neither reads is missing from the result, so the caller's count check declines.
    """
    if layout is None:
        return [list(c) for c in zip(*general.findall(data, start, end), strict=True)]
    pattern, order = layout
    # split, not findall: the text between matches comes too, and is blank (one
    # cheap check) unless some point is laid out otherwise.
    parts = pattern.split(data[start:end])  # gap, captures..., gap, captures..., gap
    stride = pattern.groups + 1
    laid_out = [parts[1 + i :: stride] for i in range(pattern.groups)]
    blank = [b""] * (len(parts) // stride)
    columns = [laid_out[i] if i >= 0 else blank for i in order]
    gaps = parts[::stride]
    if opening not in b"".join(gaps):
        return columns if blank else []
    odd = [(k, gap) for k, gap in enumerate(gaps) if opening in gap]
    out: list[list[bytes]] = [[] for _ in order]
    done = 0
    for k, gap in odd:  # gap k lies before the k-th layout match
        found = list(zip(*general.findall(gap), strict=True))
        for column, values, more in zip(out, columns, found or [()] * len(order), strict=True):
            column += values[done:k]
            column += more
        done = k
    for column, values in zip(out, columns, strict=True):
        column += values[done:]
    return out


_XML_SPACE = b" \t\r\n"


def _blank(text: bytes) -> bool:
    """Only XML whitespace (space, tab, CR, LF): not `bytes.isspace`, which also
    passes the form feeds and vertical tabs that XML forbids."""
    return not text.translate(None, _XML_SPACE)


def whole_columns(
    data: bytes,
    start: int,
    end: int,
    layout: tuple[re.Pattern[bytes], list[int]] | None,
    general: re.Pattern[bytes],
) -> list[list[bytes]] | None:
    """The captures of the points in [start, end), one list per column, or None
    unless the span holds nothing but those points and XML whitespace.

    Every byte is accounted for: the layout pattern reads the points laid out like
    the first, the general pattern the ones between them laid out otherwise, and
    whatever is left must be blank. So a point neither pattern reads, a comment, a
    stray element or a prefixed point declines the span, with no count of tags over
    the whole document (each count is one more pass over every byte).
    """
    pattern, order = layout if layout is not None else (general, list(range(general.groups)))
    parts = pattern.split(data[start:end])  # gap, captures..., gap, captures..., gap
    stride = pattern.groups + 1
    gaps = parts[::stride]
    blank = [b""] * (len(parts) // stride)
    laid_out = [parts[1 + i :: stride] if i >= 0 else blank for i in order]
    if pattern is general:  # split gives None, not b"", for a field a point lacks
        return [[v or b"" for v in c] for c in laid_out] if _blank(b"".join(gaps)) else None
    if _blank(b"".join(gaps)):
        return laid_out
    out: list[list[bytes]] = [[] for _ in order]
    inner_stride = general.groups + 1
    done = 0
    for k, gap in enumerate(gaps):  # gap k lies before the k-th layout match
        if _blank(gap):
            continue
        inner = general.split(gap)
        if not _blank(b"".join(inner[::inner_stride])):
            return None
        for j, column in enumerate(out):
            column += laid_out[j][done:k]
            column += [v or b"" for v in inner[1 + j :: inner_stride]]
        done = k
    for j, column in enumerate(out):
        column += laid_out[j][done:]
    return out
