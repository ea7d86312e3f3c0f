"""GPX 1.0/1.1 tracks (with Garmin/Strava hr and cad extensions) to an Activity.

The point loop is written flat (bound appends, one dict lookup per element, numbers
converted in bulk by numpy) because it runs once per XML element of a whole history.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from lxml import etree

from backstride.errors import CorruptFile, NotAnActivity
from backstride.ingest import _xml_fast
from backstride.ingest._samples import summarise
from backstride.ingest._xml import (
    free_earlier_siblings,
    localname,
    open_events,
    prepare,
    raise_on_fatal,
)
from backstride.models import Activity, sport_family

#: Strava writes its activity-type code into <trk><type>.
STRAVA_TYPES: dict[str, str] = {
    "1": "cycling",
    "4": "hiking",
    "9": "running",
    "10": "walking",
    "16": "swimming",
    "17": "cycling",
    "26": "generic",
}
_TAGS = (
    "trkpt",
    "trkseg",
    "time",
    "ele",
    "hr",
    "heartrate",
    "cad",
    "cadence",
    "type",
    "name",
    "metadata",
    "wpt",
    "rtept",
)
_ALIASES = {"heartrate": "hr", "cadence": "cad"}
_FREE_EVERY = 1024  # drop read points in batches; each drop costs a parent lookup
_BATCH = 8192  # track points the streaming reader holds as text before making arrays
_COLUMNS = ("time", "lat", "lon", "ele", "hr", "cad", "seg")
_POINT_FIELDS = ((b"time",), (b"ele",), (b"hr", b"heartrate"), (b"cad", b"cadence"))
#: A track point's start tag as devices write it, lat before lon or lon before lat.
#: (Possessive repeats: each class stops where the next literal begins anyway, and
#: the engine then keeps no places to backtrack to, a fifth off the bulk read.)
_HEADS = (
    rb'\s++lat\s*+=\s*+"([^"<]*+)"\s++lon\s*+=\s*+"([^"<]*+)"\s*+>',
    rb'\s++lon\s*+=\s*+"([^"<]*+)"\s++lat\s*+=\s*+"([^"<]*+)"\s*+>',
)
#: The general patterns also take a bare `<trkpt>`: a device's first points before
#: its GPS has a fix (the streaming reader gives them NaN positions, and so do these).
_FAST_POINTS = tuple(
    _xml_fast.point_pattern(b"trkpt", b"(?:" + h + rb"|\s*+>)", _POINT_FIELDS) for h in _HEADS
)
_POINT_STARTS = tuple(re.compile(b"<trkpt" + h) for h in _HEADS)
_SEGMENT_END = b"</trkseg>"
_POINT_END = b"</trkpt>"
_CHUNK_BYTES = 1 << 20
_TRACK_START = re.compile(rb"<trk[\s>]")
_PLAIN_TRACK_HEAD = re.compile(
    rb"<trk>[ \t\n]*(?:<name>([\x20-\x25\x27-\x3b\x3d-\x7e]*)</name>[ \t\n]*)?"
    rb"(?:<type>([\x20-\x25\x27-\x3b\x3d-\x7e]*)</type>[ \t\n]*)?<trkseg>[ \t\n]*\Z"
)
#: What may stand between one segment's last point and the next one's first: the
#: segment break, or (GPSBabel's logs) a new track with plain-text labels but no type.
_SEGMENT_START = re.compile(
    rb"[ \t\r\n]*(?:</trk>[ \t\r\n]*<trk>[ \t\r\n]*"
    rb"(?:<(name|cmt|desc|src|number)>[^<&]*</\1>[ \t\r\n]*)*)?"
    rb"<trkseg>[ \t\r\n]*"
)


def _sport(raw: str | None) -> str:
    if not raw:
        return "generic"
    raw = raw.strip()
    return STRAVA_TYPES.get(raw) or raw.lower().replace(" ", "_")


def _floats(values: list[str]) -> npt.NDArray[np.float64]:
    try:
        return np.array(values, dtype=np.float64)
    except ValueError:  # a stray non-number: convert one by one
        return np.array([_number(v) for v in values], dtype=np.float64)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _epoch_s(values: list[str]) -> npt.NDArray[np.float64]:
    """Seconds since 1970 of ISO times; zone-less ones are UTC, as GPX specifies."""
    if all(v.endswith("Z") for v in values):
        try:
            stamps = np.array([v[:-1] for v in values], dtype="datetime64[ms]")
            return stamps.astype(np.int64) / 1000.0
        except ValueError:
            pass
    out = []
    for value in values:
        moment = datetime.fromisoformat(value)
        out.append((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
    return np.array(out, dtype=np.float64)


def _valid_time(text: str | None) -> str | None:
    if not text:
        return None
    text = text.strip()
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return None
    return text


def read_gpx(
    data: bytes, *, source_file: str, content_hash: str, fast: bool = True
) -> list[Activity]:
    """Read the recorded track of a GPX file as one Activity.

    Plainly written tracks are read in bulk (`_read_fast`); everything else, and
    everything with ``fast=False``, by the streaming reader, the reference.

    Raises:
        NotAnActivity: a route, waypoints only, or a track without timestamps.
        CorruptFile: malformed or truncated XML.
        UnsafeInput: entity declarations or external references.
    """
    body = prepare(data, source_file=source_file)
    quick = _read_fast(body) if fast else None
    if quick is not None:
        columns, labels = quick
        return [_activity(columns, labels, source_file, content_hash)]
    context = open_events(body, source_file=source_file, tags=_TAGS)
    try:
        columns, labels, counts = _stream(context, capacity=body.count(b"trkpt"))
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(f"{source_file}: not readable XML: {exc}") from exc
    raise_on_fatal(context, source_file=source_file)
    del context  # the parser and what is left of its tree, before the summary's arrays
    times = columns["time"]
    if times.size < 2 or times[0] == times[-1]:
        if counts["rtept"] or counts["timeless"] or times.size:
            raise NotAnActivity(
                f"{source_file}: route, not a recorded activity (no track with timestamps)"
            )
        raise NotAnActivity(
            f"{source_file}: no track in this GPX (waypoints or metadata only), "
            "not a recorded activity"
        )
    return [_activity(columns, labels, source_file, content_hash)]


Columns = dict[str, npt.NDArray[Any]]


def _arrays(cols: dict[str, list[Any]]) -> Columns:
    out: Columns = {name: _floats(cols[name]) for name in ("lat", "lon", "ele", "hr", "cad")}
    out["time"] = _epoch_s(cols["time"])
    out["seg"] = np.asarray(cols["seg"], dtype=np.int64)
    return out


class _Filler:
    """Arrays for up to `capacity` points, filled one batch of point text at a time.

    Allocated once, at an upper bound of the point count: untouched pages cost no memory,
    and no concatenation at the end copies the columns (and fragments the heap) again.
    """

    def __init__(self, capacity: int) -> None:
        self.columns: Columns = {
            name: np.empty(capacity, dtype=np.int64 if name == "seg" else np.float64)
            for name in _COLUMNS
        }
        self.size = 0

    def add(self, cols: dict[str, list[Any]]) -> None:
        batch = _arrays(cols)
        end = self.size + batch["time"].size
        for name, values in batch.items():
            column = self.columns[name]
            if end > column.size:  # never for a bound from the text; kept safe anyway
                column = self.columns[name] = np.resize(column, max(end, 2 * column.size))
            column[self.size : end] = values
        self.size = end

    def result(self) -> Columns:
        return {name: column[: self.size] for name, column in self.columns.items()}


def _read_fast(body: bytes) -> tuple[Columns, dict[str, str | None]] | None:
    """The track of a plainly written GPX file, or None to read it with `_stream`.

    Only a recorded track is read here (at least two distinct plain UTC times; a
    point with no time is dropped, and one with no position kept with NaN ones, as the
    streaming reader does); routes, waypoint files and anything odd take the streaming path,
    which also words the errors. Between the first point and the last, every byte
    must belong to a point, a segment break or whitespace (`_xml_fast.whole_columns`),
    and no point may hide before or after them, so nothing the streaming reader
    would see is missed.
    """
    if not body[-4096:].rstrip().endswith(b"</gpx>"):
        return None  # cut short: the streaming reader names the line where it breaks
    start, end = body.find(b"<trkpt"), body.rfind(_POINT_END)
    if start == -1 or end < start:
        return None
    end += len(_POINT_END)
    if body.find(b"trkpt", 0, start) != -1 or body.find(b"trkpt", end) != -1:
        return None  # a prefixed or self-closing point outside the plain run
    labels = _head_labels(body[:start])
    if None in labels.values() and (
        _TRACK_START.search(body, end)
        or body.find(b"<type", end) != -1
        or body.find(b"<name", end) != -1
    ):
        return None  # a later track, or a misplaced label after the points, might name it
    first = _first_fix(body, start, end)
    spans = _spans(body, start, end, named=labels["name"] is not None)
    if first is None or spans is None:
        return None
    order, at = first
    general = _FAST_POINTS[order]
    layout = _xml_fast.layout_pattern(body, at, b"trkpt", _POINT_STARTS[order], _POINT_FIELDS)
    chunks: list[Columns] = []
    for low, high, segment in spans:
        found = _xml_fast.whole_columns(body, low, high, layout, general)
        if found is None:
            return None  # some point is not plainly written, or lat/lon orders are mixed
        chunk = _fast_columns(found, segment, lon_first=order == 1)
        if chunk is None:
            return None
        if chunk:
            chunks.append(chunk)
    if not chunks:
        return None  # no timed point: the streaming reader says what the file is
    columns = {name: np.concatenate([c[name] for c in chunks]) for name in chunks[0]}
    if columns["time"][0] == columns["time"][-1]:
        return None
    return columns, labels


def _first_fix(body: bytes, start: int, end: int) -> tuple[int, int] | None:
    """(head order, offset) of the first point with a position, whose layout (lat or
    lon first, its children) the bulk read expects of the rest; None if there is none."""
    for order, head in enumerate(_POINT_STARTS):
        if head.match(body, start, end):
            return order, start
    best = None
    for order, head in enumerate(_POINT_STARTS):
        found = head.search(body, start, end)
        if found is not None:
            best, end = (order, found.start()), found.start()  # the other order: before it
    return best


def _fast_columns(found: list[list[bytes]], segment: int, *, lon_first: bool) -> Columns | None:
    if b"" in found[2]:  # points with no time at all: dropped, as the streaming reader does
        keep = [i for i, t in enumerate(found[2]) if t]
        found = [[column[i] for i in keep] for column in found]
    lat, lon, time, ele, hr, cad = found
    if lon_first:
        lat, lon = lon, lat
    if not time:
        return {}  # an empty segment, or only untimed points: nothing to add
    time_s = _xml_fast.utc_seconds(time, "ms")
    if time_s is None:
        return None
    columns: Columns = {"time": time_s, "seg": np.full(len(time), segment, dtype=np.int64)}
    for name, values in (("lat", lat), ("lon", lon), ("ele", ele), ("hr", hr), ("cad", cad)):
        numbers = _xml_fast.floats(values)
        if numbers is None:
            return None
        columns[name] = numbers
    return columns


def _spans(body: bytes, start: int, end: int, *, named: bool) -> list[tuple[int, int, int]] | None:
    """(start, end, segment index) of runs of whole points, at most ~_CHUNK_BYTES each,
    so that the matched text of a long track is never held all at once.

    None where a segment break holds more than `_SEGMENT_START` allows (a stray
    element, a later track's type), or names a later track of an activity not yet
    `named`: the streaming reader would take that name.
    """
    spans = []
    index = 0
    while True:
        stop = body.find(_SEGMENT_END, start, end)
        stop = end if stop == -1 else stop
        low = start
        while low < stop:
            cut = body.find(_POINT_END, min(low + _CHUNK_BYTES, stop), stop)
            high = stop if cut == -1 else cut + len(_POINT_END)
            spans.append((low, high, index))
            low = high
        if stop == end:
            return spans
        lead = _SEGMENT_START.match(body, stop + len(_SEGMENT_END), end)
        if lead is None or (not named and b"<name>" in lead.group()):
            return None
        start, index = lead.end(), index + 1


def _head_labels(head: bytes) -> dict[str, str | None]:
    """The activity's name and type from the part before the first point.

    Read by the streaming reader itself, so the rules (a track's or the metadata's
    name, a track's type) are the same; the head is a few hundred bytes. Only the
    commonest head, one track whose first children are a plain ASCII name and type
    and no other name or type before the points, is read by a pattern: that reader's
    set-up costs more than the rest of a small file's head.
    """
    track = head.rfind(b"<trk>")
    plain = _PLAIN_TRACK_HEAD.match(head, track) if track != -1 else None
    if (
        plain is not None
        and head.count(b"<trk") == 2  # <trk> and <trkseg>: one track
        and head.count(b"<name") == (plain.group(1) is not None)
        and head.count(b"<type") == (plain.group(2) is not None)
    ):
        name, kind = (g.decode("ascii").strip() or None if g else None for g in plain.groups())
        return {"type": kind, "name": name}
    context = open_events(head, source_file="", tags=_TAGS)
    try:
        _cols, labels, _counts = _stream(context, capacity=head.count(b"trkpt"))
    except etree.XMLSyntaxError:
        return {"type": None, "name": None}
    return labels


def _stream(
    context: Any, *, capacity: int = 0
) -> tuple[Columns, dict[str, str | None], dict[str, int]]:
    """The track points as arrays, the activity's labels, and counts of what else was seen.

    `capacity`, best at least the number of points (``body.count(b"trkpt")``), sizes the
    arrays once; they grow where it falls short. Point text is
    turned into arrays every `_BATCH` points: held as strings to the end, an 825k-point
    track took ~500 MB (seven Python objects a point); as arrays it takes ~50 MB.
    """
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    filler = _Filler(capacity)
    batch = 0
    add_time, add_lat, add_lon = cols["time"].append, cols["lat"].append, cols["lon"].append
    add_ele, add_hr, add_cad = cols["ele"].append, cols["hr"].append, cols["cad"].append
    add_seg = cols["seg"].append
    labels: dict[str, str | None] = {"type": None, "name": None}
    counts = {"rtept": 0, "timeless": 0}
    names: dict[str, str] = {}
    when = ele = hr = cad = None
    segment = points = 0
    for _event, element in context:
        tag = element.tag
        name = names.get(tag)
        if name is None:
            name = names[tag] = _ALIASES.get(localname(tag), localname(tag))
        if name == "trkpt":
            when = _valid_time(when)
            if when is None:
                counts["timeless"] += 1
            else:
                get = element.get
                add_time(when)
                add_lat(get("lat") or "nan")
                add_lon(get("lon") or "nan")
                add_ele(ele or "nan")
                add_hr(hr or "nan")
                add_cad(cad or "nan")
                add_seg(segment)
                batch += 1
                if batch == _BATCH:
                    filler.add(cols)
                    for column in cols.values():
                        column.clear()  # in place: the bound appends above stay valid
                    batch = 0
            when = ele = hr = cad = None
            element.clear(keep_tail=False)
            points += 1
            if points % _FREE_EVERY == 0:
                free_earlier_siblings(element)
        elif name == "time":
            when = element.text
        elif name == "ele":
            ele = element.text
        elif name == "hr":
            hr = element.text
        elif name == "cad":
            cad = element.text
        elif name == "trkseg":
            segment += 1
        elif name in ("type", "name"):
            _label(labels, name, element)
        else:  # metadata, wpt, rtept: their time/ele belong to no track point
            counts["rtept"] += name == "rtept"
            when = ele = hr = cad = None
    if batch:
        filler.add(cols)
    return filler.result(), labels, counts


def _label(labels: dict[str, str | None], name: str, element: Any) -> None:
    parent = element.getparent()
    owner = localname(parent.tag) if parent is not None else ""
    text = (element.text or "").strip() or None
    if labels[name] is None and (owner == "trk" or (name == "name" and owner == "metadata")):
        labels[name] = text


def _activity(
    cols: Columns, labels: dict[str, str | None], source_file: str, content_hash: str
) -> Activity:
    sport = _sport(labels["type"])
    time_s = cols["time"]
    summary = summarise(
        family=sport_family(sport),
        time_s=time_s,
        lat=cols["lat"],
        lon=cols["lon"],
        ele=cols["ele"],
        hr=cols["hr"],
        cad=cols["cad"],
        recorded_distance_m=np.full(time_s.size, np.nan),
        segment=cols["seg"],
    )
    values = dict(vars(summary))
    start = values.pop("start_s")
    if start is None:
        raise CorruptFile(
            f"{source_file}: no track point is dated between 1990 and tomorrow (the first "
            f"says {_iso(float(time_s[0]))}); the device clock was unset or the file is damaged"
        )
    return Activity(
        sport=sport,
        started_at=datetime.fromtimestamp(start, tz=UTC),
        source_file=source_file,
        content_hash=content_hash,
        source_format="gpx",
        name=labels["name"],
        **values,
    )


def _iso(seconds: float) -> str:
    """A time [s since 1970] as an ISO date, or the number where no date can hold it."""
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return f"{seconds:g} s since 1970"
