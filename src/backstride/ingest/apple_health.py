"""Apple Health's "Export All Health Data": workouts (with their routes) to Activities.

An export is ``export.zip`` holding ``apple_health_export/export.xml`` (often 0.5-4 GB,
nearly all of it ``<Record>`` samples and ``<ActivitySummary>`` days, both skipped here)
and ``workout-routes/*.gpx``, one per workout with a route. It arrives as the zip, the
unpacked folder, or a bare ``export.xml``.

export.xml is streamed (lxml iterparse, every top-level element cleared once read), so
memory stays bounded by one workout whatever the size of the file. Each workout becomes
a small document of its own (``<HealthData>`` around the ``<Workout>``, its route's
points inlined as ``<Location>`` elements, the way exports before iOS 11 wrote them):
that is the SourceFile the import stores, hashes and keeps as the original, so a
workout is re-read from its original alone and a re-import recognises it by content.

Both schemas are read:

* before iOS 16: ``totalDistance``/``totalDistanceUnit`` attributes on the workout;
* since iOS 16: ``<WorkoutStatistics type="HKQuantityTypeIdentifier...">`` children,
  distance in ``sum`` (km, mi, m...), heart rate in ``average``/``minimum``/``maximum``.

Real exports open with an internal DTD subset (``<!DOCTYPE HealthData [ <!ELEMENT ...>
<!ATTLIST ...> ]>``): element and attribute declarations and comments are accepted,
anything else in it (entity or notation declarations, parameter-entity references,
an external identifier) is refused before lxml sees the bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from backstride.errors import CorruptFile, UnsafeInput
from backstride.ingest.source import MAX_FILE_BYTES, FailedSource, SourceFile
from backstride.models import Activity

#: The prolog (XML declaration, DTD) is read into memory to be checked: real exports'
#: DTD is ~10 KB; more than this is not an export.
MAX_PROLOG_BYTES = 1 << 20
#: The document made of one workout may be at most this large: a workout element is a
#: few kB, its route a few thousand points.
MAX_WORKOUT_BYTES = 16 * 1024 * 1024
#: A route inlined into its workout is thinned to at most this many points.
MAX_ROUTE_POINTS = 2000

FORMAT = "apple"
_HEAD_MARKERS = (b"<HealthData", b"<!DOCTYPE HealthData")

#: HKWorkoutActivityType... to the FIT sport vocabulary the other readers use; any
#: other type becomes its own name in snake_case (``HKWorkoutActivityTypeYoga`` → yoga).
SPORTS: dict[str, str] = {
    "Running": "running",
    "Walking": "walking",
    "Hiking": "hiking",
    "Cycling": "cycling",
    "HandCycling": "cycling",
    "Swimming": "swimming",
    "Rowing": "rowing",
    "Paddling": "paddling",
    "CrossCountrySkiing": "cross_country_skiing",
    "DownhillSkiing": "alpine_skiing",
    "Snowboarding": "snowboarding",
    "Elliptical": "fitness_equipment",
    "StairClimbing": "fitness_equipment",
    "TraditionalStrengthTraining": "training",
    "FunctionalStrengthTraining": "training",
    "HighIntensityIntervalTraining": "training",
    "CrossTraining": "training",
    "Other": "generic",
}
_DISTANCE_TYPES = (
    "HKQuantityTypeIdentifierDistanceWalkingRunning",
    "HKQuantityTypeIdentifierDistanceCycling",
    "HKQuantityTypeIdentifierDistanceSwimming",
    "HKQuantityTypeIdentifierDistanceDownhillSnowSports",
    "HKQuantityTypeIdentifierDistanceWheelchair",
    "HKQuantityTypeIdentifierDistanceRowing",
    "HKQuantityTypeIdentifierDistancePaddleSports",
    "HKQuantityTypeIdentifierDistanceCrossCountrySkiing",
)
_HEART_RATE = "HKQuantityTypeIdentifierHeartRate"
_METRES_PER: dict[str, float] = {
    "m": 1.0,
    "km": 1000.0,
    "cm": 0.01,
    "mi": 1609.344,
    "yd": 0.9144,
    "ft": 0.3048,
}
_SECONDS_PER: dict[str, float] = {"s": 1.0, "min": 60.0, "hr": 3600.0, "h": 3600.0, "ms": 0.001}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)? ?([+-]\d{4}|Z)?$")
_QUANTITY = re.compile(r"^\s*([-+0-9.eE]+)\s*([A-Za-z]+)?\s*$")
#: What an internal DTD subset may hold: declarations of elements and attributes,
#: comments and whitespace (quoted strings inside a declaration may hold anything).
_SUBSET_ITEM = re.compile(
    rb"\s+|<!--.*?-->|<!(?:ELEMENT|ATTLIST)\b(?:[^<>\"'%]|\"[^\"]*\"|'[^']*')*>", re.S
)


def is_export_head(head: bytes) -> bool:
    """Whether the first bytes of a file are those of an Apple Health export.xml."""
    return any(marker in head[:MAX_PROLOG_BYTES] for marker in _HEAD_MARKERS)


# -- the prolog: refuse entities, accept element and attribute declarations ------------


def check_prolog(head: bytes, *, source_file: str) -> None:
    """Refuse a DOCTYPE that declares entities or names an external resource.

    `head` is the start of the document, up to and past its root element's start.

    Raises:
        UnsafeInput: an entity or notation declaration, a parameter-entity reference or
            an external identifier in the DOCTYPE.
        CorruptFile: a DOCTYPE that does not end within MAX_PROLOG_BYTES.
    """
    at = head.find(b"<!DOCTYPE")
    root = head.find(b"<HealthData")
    if at == -1 or (root != -1 and root < at):
        return
    unsafe = UnsafeInput(
        f"{source_file}: refused: the export's DOCTYPE declares entities or names an "
        "external resource (the shape of entity-expansion and external-entity attacks); "
        "Apple Health's own exports declare only elements and attributes"
    )
    match = re.compile(rb"<!DOCTYPE\s+[A-Za-z_][\w.-]*\s*").match(head, at)
    if match is None:
        raise unsafe
    pos = match.end()
    if head.startswith(b">", pos):
        return
    if not head.startswith(b"[", pos):
        raise unsafe  # SYSTEM "..." or PUBLIC "..." "...": an external DTD
    pos += 1
    while True:
        if head.startswith(b"]", pos):
            break
        item = _SUBSET_ITEM.match(head, pos)
        if item is None or item.end() == pos:
            if pos >= len(head) - 1:
                raise CorruptFile(
                    f"{source_file}: the export's DOCTYPE does not end within its first "
                    f"{MAX_PROLOG_BYTES // 1024} KB: not an Apple Health export, or damaged"
                )
            raise unsafe
        pos = item.end()
    if not re.compile(rb"\]\s*>").match(head, pos):
        raise unsafe


# -- streaming the export ---------------------------------------------------------------


class _Stream(io.RawIOBase):
    """The already-read prolog followed by the rest of a file, counted as it is read."""

    def __init__(self, prefix: bytes, rest: IO[bytes], limit: int, name: str) -> None:
        self._prefix = prefix
        self._rest = rest
        self._limit = limit
        self._name = name
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        want = 1 << 16 if size is None or size < 0 else size
        if self._prefix:
            chunk, self._prefix = self._prefix[:want], self._prefix[want:]
        else:
            chunk = self._rest.read(want)
        self.read_bytes += len(chunk)
        if self.read_bytes > self._limit:
            raise _TooLarge(self._limit)
        return chunk


class _TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


#: Reads a route GPX named in the export (its path relative to the export folder):
#: its bytes, or None where the export has no such file.
RouteReader = Callable[[str], "bytes | None"]


@dataclass
class _Counts:
    workouts: int = 0


def iter_workouts(
    handle: IO[bytes],
    *,
    name: str,
    routes: RouteReader,
    limit: int,
) -> Iterator[SourceFile | FailedSource]:
    """One SourceFile per workout of the export.xml read from `handle`.

    `name` is the export as reports show it; each workout is ``name#<start>``.
    Records, ActivitySummary days and every other element are skipped unread.
    A problem with the whole file (unsafe DTD, truncated XML, over `limit` bytes)
    is one FailedSource after the workouts read so far.
    """
    head = handle.read(MAX_PROLOG_BYTES)
    try:
        check_prolog(head, source_file=name)
    except (UnsafeInput, CorruptFile) as exc:
        yield FailedSource(name, _strip(str(exc), name))
        return
    stream = _Stream(head, handle, limit, name)
    context = etree.iterparse(
        stream,
        events=("end",),
        tag=("Workout", "Record", "ActivitySummary", "Correlation", "ClinicalRecord"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=True,  # a single Workout with a long inline route exceeds the default
        remove_comments=True,
        remove_pis=True,
    )
    seen: dict[str, int] = {}
    try:
        for _event, element in context:
            if element.tag == "Workout" and element.getparent() is not None:
                if element.getparent().tag == "HealthData":
                    yield _workout_source(element, name, routes, seen)
            parent = element.getparent()
            element.clear(keep_tail=False)
            if parent is not None and parent.tag == "HealthData":
                while element.getprevious() is not None:
                    del parent[0]
    except _TooLarge as exc:
        yield FailedSource(
            name,
            f"refused: the export expands beyond {exc.limit / (1 << 30):.1f} GB "
            "(workouts read so far were kept)",
        )
    except etree.XMLSyntaxError as exc:
        yield FailedSource(
            name,
            f"truncated or malformed export ({exc.msg}); workouts read before it were kept",
        )


def _strip(text: str, name: str) -> str:
    return text[len(name) + 2 :] if text.startswith(f"{name}: ") else text


def _workout_source(
    element: Any, name: str, routes: RouteReader, seen: dict[str, int]
) -> SourceFile | FailedSource:
    start = element.get("startDate") or "undated"
    nth = seen[start] = seen.get(start, 0) + 1
    label = f"{name}#workout {start}" + (f" ({nth})" if nth > 1 else "")
    try:
        _inline_route(element, routes)
    except CorruptFile as exc:
        return FailedSource(label, _strip(str(exc), label))
    body = etree.tostring(element, encoding="utf-8", with_tail=False)
    if len(body) > MAX_WORKOUT_BYTES:
        return FailedSource(label, "refused: the workout element alone is over 16 MB")
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n<HealthData>\n' + body + b"\n</HealthData>\n"
    return SourceFile(label, data, hashlib.sha256(data).hexdigest())


def _inline_route(workout: Any, routes: RouteReader) -> None:
    """Replace each route's FileReference by the GPX's points as <Location> elements."""
    for route in workout.iter("WorkoutRoute"):
        for ref in list(route.iter("FileReference")):
            path = (ref.get("path") or "").lstrip("/")
            data = routes(path) if path else None
            route.remove(ref)
            if data is None:
                continue
            for lat, lon in _route_points(data, path):
                route.append(
                    etree.Element("Location", latitude=f"{lat:.6f}", longitude=f"{lon:.6f}")
                )


def _route_points(data: bytes, path: str) -> tuple[tuple[float, float], ...]:
    from backstride.errors import IngestError
    from backstride.ingest.gpx import read_gpx

    try:
        found = read_gpx(data, source_file=path, content_hash="")
    except IngestError:
        return ()  # a damaged route: the workout's own figures still count
    return found[0].route[:MAX_ROUTE_POINTS] if found else ()


# -- zip, folder and bare file ----------------------------------------------------------


def find_in_zip(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The export.xml of an Apple Health export zip, or None for any other zip."""
    for info in archive.infolist():
        parts = PurePosixPath(info.filename).parts
        if parts and parts[-1] == "export.xml" and len(parts) <= 2:
            try:
                with archive.open(info) as member:
                    head = member.read(4096)
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
                return None
            if is_export_head(head):
                return info
    return None


def from_zip(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, name: str, limit: int
) -> Iterator[SourceFile | FailedSource]:
    """The workouts of the export whose export.xml is `info` in `archive`."""
    folder = PurePosixPath(info.filename).parent
    names = {i.filename: i for i in archive.infolist()}

    def routes(path: str) -> bytes | None:
        member = names.get(str(folder / path))
        if member is None or member.file_size > MAX_FILE_BYTES:
            return None
        try:
            return archive.read(member)[: MAX_FILE_BYTES + 1]
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
            return None

    label = f"{name}!{info.filename}"
    try:
        with archive.open(info) as handle:
            yield from iter_workouts(handle, name=label, routes=routes, limit=limit)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        yield FailedSource(label, f"corrupt archive member: {exc}")


def from_file(path: Path, *, name: str, limit: int) -> Iterator[SourceFile | FailedSource]:
    """The workouts of an export.xml on disk; routes are looked up beside it."""
    folder = path.parent.resolve()

    def routes(relative: str) -> bytes | None:
        target = (folder / relative).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            return None
        try:
            if target.stat().st_size > MAX_FILE_BYTES:
                return None
            return target.read_bytes()
        except OSError:
            return None

    try:
        with path.open("rb") as handle:
            yield from iter_workouts(handle, name=name, routes=routes, limit=limit)
    except OSError as exc:
        yield FailedSource(name, f"cannot read: {exc.strerror or exc}")


# -- one workout document to an Activity -----------------------------------------------


def read_workout(data: bytes, *, source_file: str, content_hash: str) -> list[Activity]:
    """The activity in one workout document (as `iter_workouts` writes them).

    Raises:
        CorruptFile: not such a document, or a workout without a readable start.
        UnsafeInput: a DOCTYPE with entities.
    """
    check_prolog(data[:MAX_PROLOG_BYTES], source_file=source_file)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(f"{source_file}: not readable XML: {exc}") from exc
    workouts = list(root.iter("Workout"))
    if not workouts:
        from backstride.errors import NotAnActivity

        raise NotAnActivity(f"{source_file}: an Apple Health document without a workout")
    return [_activity(w, i, source_file, content_hash) for i, w in enumerate(workouts)]


def _activity(workout: Any, index: int, source_file: str, content_hash: str) -> Activity:
    meta = {m.get("key"): m.get("value") for m in workout.findall("MetadataEntry") if m.get("key")}
    start = _date(workout.get("startDate"))
    if start is None:
        raise CorruptFile(f"{source_file}: the workout has no readable startDate")
    end = _date(workout.get("endDate"))
    offset = _offset(start, meta.get("HKTimeZone"))
    duration = _number(workout.get("duration"))
    moving_s = None
    if duration is not None:
        moving_s = duration * _SECONDS_PER.get(workout.get("durationUnit") or "min", 60.0)
    elapsed_s = (end - start).total_seconds() if end is not None else None
    if elapsed_s is None or elapsed_s <= 0:
        elapsed_s = moving_s or 0.0
    if moving_s is not None and moving_s > elapsed_s:
        moving_s = elapsed_s
    kind = (workout.get("workoutActivityType") or "").removeprefix("HKWorkoutActivityType")
    sport = SPORTS.get(kind) or (_CAMEL.sub("_", kind).lower() or "generic")
    stats = {s.get("type"): s for s in workout.findall("WorkoutStatistics")}
    distance = _distance(workout, stats)
    avg_hr = max_hr = None
    if (hr := stats.get(_HEART_RATE)) is not None:
        avg_hr, max_hr = _number(hr.get("average")), _number(hr.get("maximum"))
    indoor = meta.get("HKIndoorWorkout") == "1"
    sub_sport = "treadmill" if indoor and sport == "running" else None
    gain = _quantity(meta.get("HKElevationAscended"), _METRES_PER)
    route = tuple(
        (lat, lon)
        for loc in workout.iter("Location")
        if (lat := _number(loc.get("latitude"))) is not None
        and (lon := _number(loc.get("longitude"))) is not None
    )
    return Activity(
        sport=sport,
        sub_sport=sub_sport,
        started_at=start.astimezone(UTC),
        utc_offset_s=offset,
        elapsed_s=elapsed_s,
        moving_s=moving_s,
        distance_m=distance,
        elevation_gain_m=gain,
        avg_hr_bpm=avg_hr,
        max_hr_bpm=max_hr,
        device=(workout.get("sourceName") or None),
        surface="treadmill" if indoor else None,
        route=route[:MAX_ROUTE_POINTS],
        session_index=index,
        source_file=source_file,
        content_hash=content_hash,
        source_format=FORMAT,
    )


def _distance(workout: Any, stats: dict[str | None, Any]) -> float | None:
    total = _number(workout.get("totalDistance"))
    if total is not None:
        return total * _METRES_PER.get(workout.get("totalDistanceUnit") or "km", 1000.0)
    for kind in _DISTANCE_TYPES:
        if (stat := stats.get(kind)) is not None:
            value = _number(stat.get("sum"))
            if value is not None:
                factor = _METRES_PER.get(stat.get("unit") or "km")
                return None if factor is None else value * factor
    return None


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _quantity(text: str | None, units: dict[str, float]) -> float | None:
    match = _QUANTITY.match(text or "")
    if match is None:
        return None
    value = _number(match.group(1))
    factor = units.get(match.group(2) or "")
    return None if value is None or factor is None else value * factor


def _date(text: str | None) -> datetime | None:
    """``2016-11-14 07:25:41 -0700`` (Apple's form) as an aware datetime."""
    match = _DATE.match((text or "").strip())
    if match is None:
        return None
    day, clock, zone = match.groups()
    try:
        naive = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:
        return None
    if not zone or zone == "Z":
        return naive.replace(tzinfo=UTC)
    sign = -1 if zone[0] == "-" else 1
    delta = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    from datetime import timezone

    return naive.replace(tzinfo=timezone(sign * delta))


def _offset(start: datetime, zone_name: str | None) -> int | None:
    """The offset from UTC where the workout took place [s].

    The dates in an export carry the offset of the phone when it exported, not of the
    workout; the workout's HKTimeZone metadata, where present, names the real zone.
    """
    if zone_name:
        try:
            local = start.astimezone(ZoneInfo(zone_name))
        except (ZoneInfoNotFoundError, ValueError):
            local = None
        if local is not None and (delta := local.utcoffset()) is not None:
            return int(delta.total_seconds())
    delta = start.utcoffset()
    return None if delta is None else int(delta.total_seconds())
