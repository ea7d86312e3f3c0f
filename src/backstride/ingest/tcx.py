"""Garmin Training Center (TCX) activities to Activities, one per <Activity> (multisport).

Points without a position (treadmill, pool, indoor) are kept: their time, distance,
heart rate and cadence still count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np

from backstride.errors import CorruptFile, NotAnActivity
from backstride.ingest import _xml_fast, bounds
from backstride.ingest._samples import summarise
from backstride.ingest._xml import iter_elements, localname, prepare
from backstride.models import Activity, sport_family

#: TCX Sport attribute to the FIT sport vocabulary the other readers use.
SPORTS: dict[str, str] = {"running": "running", "biking": "cycling", "other": "generic"}

_POINT = "Trackpoint"
_LEAVES = frozenset(("Time", "LatitudeDegrees", "LongitudeDegrees", "AltitudeMeters"))
_NESTED = frozenset(("DistanceMeters", "Cadence", "RunCadence"))
_TAGS = (
    *_LEAVES,
    *_NESTED,
    _POINT,
    "HeartRateBpm",
    "TotalTimeSeconds",
    "Lap",
    "Activity",
    "Id",
    "Name",
    "Course",
)
_COLUMNS = ("time", "lat", "lon", "ele", "dist", "hr", "cad")
#: Trackpoint children read by the fast path, in the order of its capture groups; an
#: HeartRateBpm's <Value> is the only <Value> a Trackpoint has.
_FAST_FIELDS = (
    "Time",
    "LatitudeDegrees",
    "LongitudeDegrees",
    "AltitudeMeters",
    "DistanceMeters",
    "Value",
    "Cadence",
    "RunCadence",
)
_FIELD_NAMES = tuple((name.encode(),) for name in _FAST_FIELDS)
_FAST_POINT = _xml_fast.point_pattern(b"Trackpoint", rb"\s*+>", _FIELD_NAMES)
_POINT_START = re.compile(rb"<Trackpoint\s*+>")
#: Point data the streaming reader would carry into the next point from outside one.
_POINT_MARKERS = (b"Trackpoint", b"Time>", b"Degrees>", b"AltitudeMeters>")
_TRACK = re.compile(rb"<Track\s*(/?)>")
_EMPTY_TRACK = b"<Track/>"
_POINT_END = b"</Trackpoint>"
_CHUNK_BYTES = 1 << 20


def _number(text: str | None) -> float:
    try:
        return float(text) if text is not None else math.nan
    except ValueError:
        return math.nan


def _seconds(text: str | None) -> float | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class _Session:
    """One <Activity> being read: point columns plus the laps' own totals."""

    def __init__(self) -> None:
        self.columns: dict[str, list[float]] = {k: [] for k in _COLUMNS}
        self.segment: list[int] = []
        self.tracks = 0
        self.lap_distance_m = 0.0
        self.lap_time_s = 0.0
        self.lap_starts: list[float] = []
        self.start: float | None = None
        self.device: str | None = None
        self.dropped = 0  # lap totals out of bounds

    def lap_total(self, text: str | None, bound: bounds.Bound) -> float:
        """A lap's distance or time; an out-of-bounds one (inf, 1e20, -1) is dropped and
        counted, and the points' own figure stands in for it."""
        value = _number(text)
        if math.isnan(value):
            return 0.0
        if not bound.holds(value):
            self.dropped += 1
            return 0.0
        return value

    def point(self, current: dict[str, str | None]) -> bool:
        when = _seconds(current.get("Time"))
        if when is None:
            return False
        columns = self.columns
        columns["time"].append(when)
        columns["lat"].append(_number(current.get("LatitudeDegrees")))
        columns["lon"].append(_number(current.get("LongitudeDegrees")))
        columns["ele"].append(_number(current.get("AltitudeMeters")))
        columns["dist"].append(_number(current.get("DistanceMeters")))
        columns["hr"].append(_number(current.get("HeartRateBpm")))
        cadence = current.get("RunCadence") or current.get("Cadence")
        columns["cad"].append(_number(cadence))
        self.segment.append(self.tracks)
        return True

    def extend(self, track: dict[str, list[float]]) -> None:
        """Add a whole track read by the fast path, as `point` would one by one."""
        for name in _COLUMNS:
            self.columns[name] += track[name]
        self.segment += [self.tracks] * len(track["time"])


class _Reader:
    def __init__(self, source_file: str, content_hash: str) -> None:
        self.source_file = source_file
        self.content_hash = content_hash
        self.session = _Session()
        self.current: dict[str, str | None] = {}
        self.activities: list[Activity] = []
        self.courses = 0
        self.timeless = 0

    def nested(self, name: str, element: Any) -> None:
        parent = element.getparent()
        owner = localname(parent.tag) if parent is not None else ""
        if owner == "Lap" and name == "DistanceMeters":
            self.session.lap_distance_m += self.session.lap_total(element.text, bounds.DISTANCE_M)
        elif owner in ("Trackpoint", "TPX"):
            self.current[name] = element.text

    def other(self, name: str, element: Any) -> None:
        session = self.session
        if name == "HeartRateBpm":
            self.current[name] = element[0].text if len(element) else None
        elif name == "TotalTimeSeconds":
            session.lap_time_s += session.lap_total(element.text, bounds.ELAPSED_S)
        elif name == "Lap":
            start = _seconds(element.get("StartTime"))
            if start is not None:
                session.lap_starts.append(start)
            session.tracks += 1
        elif name == "Id" and _owner(element) == "Activity":
            session.start = _seconds(element.text)
        elif name == "Name" and _owner(element) == "Creator":
            session.device = (element.text or "").strip() or None
        elif name == "Activity":
            self.finish(element.get("Sport"))
        elif name == "Course":
            self.courses += 1
            self.session = _Session()

    def finish(self, sport_attr: str | None) -> None:
        session, self.session = self.session, _Session()
        if len(session.columns["time"]) < 2 and not session.lap_time_s:
            return
        sport = SPORTS.get((sport_attr or "other").lower(), (sport_attr or "generic").lower())
        self.activities.append(
            _activity(session, sport, len(self.activities), self.source_file, self.content_hash)
        )


def _owner(element: Any) -> str:
    parent = element.getparent()
    return localname(parent.tag) if parent is not None else ""


def read_tcx(
    data: bytes, *, source_file: str, content_hash: str, fast: bool = True
) -> list[Activity]:
    """Read every <Activity> of a TCX file; a multisport file gives one per sport.

    The Trackpoints of plainly written tracks are read in bulk (`_fast_tracks`);
    everything else, and everything with ``fast=False``, by the streaming reader.

    Raises:
        NotAnActivity: a course (planned route) rather than a recorded activity.
        CorruptFile: malformed or truncated XML, or no activity with data.
        UnsafeInput: entity declarations or external references.
    """
    reader = _Reader(source_file, content_hash)
    free = frozenset((_POINT, "Lap", "Activity", "Course"))
    tags: tuple[str, ...] = _TAGS
    tracks: list[dict[str, list[float]]] = []
    quick = _fast_tracks(prepare(data, source_file=source_file)) if fast else None
    if quick is not None:
        data, tracks = quick
        tags = (*_TAGS, "Track")
    for name, element in iter_elements(data, source_file=source_file, tags=tags, free=free):
        if name == "Track":
            reader.session.extend(tracks.pop(0))
        elif name in _LEAVES:
            reader.current[name] = element.text
        elif name == _POINT:
            if not reader.session.point(reader.current):
                reader.timeless += 1
            reader.current = {}
        elif name in _NESTED:
            reader.nested(name, element)
        else:
            reader.other(name, element)
    if reader.activities:
        return reader.activities
    if reader.courses or reader.timeless:
        raise NotAnActivity(f"{source_file}: course (planned route), not a recorded activity")
    raise CorruptFile(f"{source_file}: TCX without any activity data")


def _fast_tracks(body: bytes) -> tuple[bytes, list[dict[str, list[float]]]] | None:
    """The Trackpoints of a plainly written TCX file read in bulk, or None.

    Returns the document with every <Track> emptied (its laps, totals and device
    still to be read by the streaming reader, which stays the reference for them)
    and each track's point columns in document order. None, so that the streaming
    reader reads everything, when any point is not plainly written or lacks its one
    valid UTC time, or when point data lies before or between the tracks, where the
    streaming reader would carry it into the next point.
    """
    region = _xml_fast.plain_region(body, b"Trackpoint", b"TrainingCenterDatabase")
    if region is None:
        return None
    start, end, count = region
    if body.count(b"Time>", start, end) != 2 * count or body.count(b":Track"):
        return None
    layout = _xml_fast.layout_pattern(body, start, b"Trackpoint", _POINT_START, _FIELD_NAMES)
    pieces: list[bytes] = []
    tracks: list[dict[str, list[float]]] = []
    pos = read = 0
    for match in _TRACK.finditer(body):
        if match.start() < pos:
            return None  # a Track start inside a track
        if match.group(1):  # an empty <Track/>: no points, but the event still comes
            tracks.append(_track_columns([]) or {})
            continue
        closing = body.find(b"</Track>", match.end())
        if closing == -1:
            return None
        track = _track_columns([])
        found = 0
        for low, high in _runs(body, match.end(), closing):
            columns = _xml_fast.match_columns(body, low, high, b"<Trackpoint", layout, _FAST_POINT)
            part = _track_columns(columns)
            if part is None or track is None:
                return None
            for name in _COLUMNS:
                track[name] += part[name]
            found += len(columns[0]) if columns else 0
        if track is None or found != body.count(b"<Trackpoint>", match.end(), closing):
            return None
        tracks.append(track)
        read += found
        pieces += (body[pos : match.start()], _EMPTY_TRACK)
        pos = closing + len(b"</Track>")
    if read != count:
        return None
    before_last = b"".join(pieces)
    if any(marker in before_last for marker in _POINT_MARKERS):
        return None
    pieces.append(body[pos:])
    return b"".join(pieces), tracks


def _runs(body: bytes, start: int, stop: int) -> Iterator[tuple[int, int]]:
    """Runs of whole Trackpoints of ~_CHUNK_BYTES, so that the matched text of a long
    track is converted as it is read instead of being held all at once."""
    while start < stop:
        cut = body.find(_POINT_END, min(start + _CHUNK_BYTES, stop), stop)
        end = stop if cut == -1 else cut + len(_POINT_END)
        yield start, end
        start = end


def _track_columns(columns: list[list[bytes]]) -> dict[str, list[float]] | None:
    if not columns:
        return {name: [] for name in _COLUMNS}
    time, lat, lon, ele, dist, hr, cad, run_cad = columns
    seconds = _xml_fast.utc_seconds(time, "us", utc_offset=True)
    if seconds is None:
        return None
    # RunCadence where the point has one, as the streaming reader chooses.
    cadence = [r or c for r, c in zip(run_cad, cad, strict=True)] if any(run_cad) else cad
    out = {"time": seconds.tolist()}
    for name, values in (
        ("lat", lat),
        ("lon", lon),
        ("ele", ele),
        ("dist", dist),
        ("hr", hr),
        ("cad", cadence),
    ):
        numbers = _xml_fast.floats(values)
        if numbers is None:
            return None
        out[name] = numbers.tolist()
    return out


def _activity(
    session: _Session, sport: str, index: int, source_file: str, content_hash: str
) -> Activity:
    col = {k: np.asarray(v, dtype=np.float64) for k, v in session.columns.items()}
    summary = summarise(
        family=sport_family(sport),
        time_s=col["time"],
        lat=col["lat"],
        lon=col["lon"],
        ele=col["ele"],
        hr=col["hr"],
        cad=col["cad"],
        recorded_distance_m=col["dist"],
        segment=np.asarray(session.segment, dtype=np.int64),
    )
    dated = bounds.time_bound_s()
    lap_start = [t for t in session.lap_starts[:1] if dated.holds(t)]
    starts = [t for t in (session.start, *lap_start) if t is not None and dated.holds(t)]
    ends = []
    if summary.start_s is not None:
        starts.append(summary.start_s)
        ends.append(summary.start_s + summary.elapsed_s)
    if not starts:
        raise CorruptFile(
            f"{source_file}: activity {index} is dated outside 1990 to tomorrow; the device "
            "clock was unset or the file is damaged"
        )
    start = min(starts)
    if lap_start:
        ends.append(lap_start[0] + session.lap_time_s)
    elapsed = max(max(ends, default=start) - start, summary.elapsed_s)
    values = dict(vars(summary)) | {"elapsed_s": elapsed}
    del values["start_s"]
    dropped = bounds.Dropped(dict(summary.dropped))
    dropped.add("lap total", session.dropped)
    values["dropped"] = dropped.as_tuple()
    # The device's own lap totals beat anything recomputed from samples, unless one
    # of them was dropped: the others then add up to less than the session.
    if session.lap_distance_m > 0 and not session.dropped:
        values["distance_m"] = session.lap_distance_m
    if session.lap_time_s > 0 and not session.dropped:
        values["moving_s"] = min(session.lap_time_s, elapsed)
    return Activity(
        sport=sport,
        started_at=datetime.fromtimestamp(start, tz=UTC),
        source_file=source_file,
        content_hash=content_hash,
        source_format="tcx",
        device=session.device,
        session_index=index,
        **values,
    )
