"""GPX 1.0/1.1 tracks (with Garmin/Strava hr and cad extensions) to an Activity."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np

from backstride.errors import NotAnActivity
from backstride.ingest._samples import summarise
from backstride.ingest._xml import iter_elements, localname
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
_POINT = "trkpt"
_RESETS = frozenset(("metadata", "wpt", "rtept"))
_VALUES = frozenset(("time", "ele", "hr", "cad", "heartrate", "cadence"))
_TAGS: tuple[str, ...] = (_POINT, "trkseg", "type", "name", *_VALUES, *_RESETS)
_ALIASES = {"heartrate": "hr", "cadence": "cad"}
_COLUMNS = ("time", "lat", "lon", "ele", "hr", "cad")


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
    if moment.tzinfo is None:  # GPX times are UTC by the schema
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _sport(raw: str | None) -> str:
    if not raw:
        return "generic"
    raw = raw.strip()
    return STRAVA_TYPES.get(raw) or raw.lower().replace(" ", "_")


class _Reader:
    """Column buffers filled while streaming; leaf values belong to the open point."""

    def __init__(self) -> None:
        self.columns: dict[str, list[float]] = {k: [] for k in _COLUMNS}
        self.segment: list[int] = []
        self.current: dict[str, str | None] = {}
        self.segments = self.route_points = self.timeless = 0
        self.sport: str | None = None
        self.name: str | None = None

    def point(self, element: Any) -> None:
        current, self.current = self.current, {}
        when = _seconds(current.get("time"))
        if when is None:
            self.timeless += 1
            return
        attrib = element.attrib
        columns = self.columns
        columns["time"].append(when)
        columns["lat"].append(_number(attrib.get("lat")))
        columns["lon"].append(_number(attrib.get("lon")))
        columns["ele"].append(_number(current.get("ele")))
        columns["hr"].append(_number(current.get("hr")))
        columns["cad"].append(_number(current.get("cad")))
        self.segment.append(self.segments)

    def label(self, name: str, element: Any) -> None:
        parent = element.getparent()
        owner = localname(parent.tag) if parent is not None else ""
        text = (element.text or "").strip() or None
        if name == "type" and owner == "trk" and self.sport is None:
            self.sport = text
        elif name == "name" and owner in ("trk", "metadata") and self.name is None:
            self.name = text


def read_gpx(data: bytes, *, source_file: str, content_hash: str) -> list[Activity]:
    """Read the recorded track of a GPX file as one Activity.

    Raises:
        NotAnActivity: a route, or a track without timestamps (a plan, not a recording).
        CorruptFile: malformed or truncated XML.
        UnsafeInput: entity declarations or external references.
    """
    reader = _Reader()
    free = frozenset((_POINT, *_RESETS))
    for name, element in iter_elements(data, source_file=source_file, tags=_TAGS, free=free):
        if name == _POINT:
            reader.point(element)
        elif name in _VALUES:
            reader.current[_ALIASES.get(name, name)] = element.text
        elif name == "trkseg":
            reader.segments += 1
        elif name in _RESETS:
            reader.current = {}
            reader.route_points += name == "rtept"
        else:
            reader.label(name, element)
    times = reader.columns["time"]
    if len(times) < 2 or times[-1] == times[0]:
        if reader.route_points or reader.timeless or times:
            raise NotAnActivity(
                f"{source_file}: route, not a recorded activity (no track with timestamps)"
            )
        raise NotAnActivity(
            f"{source_file}: no track in this GPX (waypoints or metadata only), "
            "not a recorded activity"
        )
    return [_activity(reader, source_file, content_hash)]


def _activity(reader: _Reader, source_file: str, content_hash: str) -> Activity:
    sport = _sport(reader.sport)
    col = {k: np.asarray(v, dtype=np.float64) for k, v in reader.columns.items()}
    summary = summarise(
        family=sport_family(sport),
        time_s=col["time"],
        lat=col["lat"],
        lon=col["lon"],
        ele=col["ele"],
        hr=col["hr"],
        cad=col["cad"],
        recorded_distance_m=np.full(col["time"].size, np.nan),
        segment=np.asarray(reader.segment, dtype=np.int64),
    )
    return Activity(
        sport=sport,
        started_at=datetime.fromtimestamp(float(col["time"][0]), tz=UTC),
        source_file=source_file,
        content_hash=content_hash,
        source_format="gpx",
        name=reader.name,
        **vars(summary),
    )
