"""Synthetic Apple Health exports ("Export All Health Data"), in either schema.

`write_export` writes export.xml the way the Health app does: the internal DTD subset,
then Records (heart-rate samples with metadata, the bulk of a real export), the
workouts and ActivitySummary days; `size_bytes` pads it with Records to any size, so a
benchmark can make a gigabyte of it without holding it in memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

DTD = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type      CDATA #REQUIRED
  startDate CDATA #REQUIRED
  endDate   CDATA #REQUIRED
  average   CDATA #IMPLIED
  minimum   CDATA #IMPLIED
  maximum   CDATA #IMPLIED
  sum       CDATA #IMPLIED
  unit      CDATA #IMPLIED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2024-05-01 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1985-01-01"/>
"""

_RECORD = (
    b' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Apple Watch" '
    b'sourceVersion="10.4" device="&lt;&lt;HKDevice: 0x28&gt;, name:Apple Watch&gt;" '
    b'unit="count/min" creationDate="2024-03-%02d 07:%02d:%02d +0100" '
    b'startDate="2024-03-%02d 07:%02d:%02d +0100" endDate="2024-03-%02d 07:%02d:%02d +0100" '
    b'value="%d">\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
    b" </Record>\n"
)
_SUMMARY = (
    b' <ActivitySummary dateComponents="2024-03-%02d" activeEnergyBurned="590.2" '
    b'activeEnergyBurnedGoal="630" activeEnergyBurnedUnit="kcal" appleExerciseTime="68" '
    b'appleExerciseTimeGoal="30" appleStandHours="13" appleStandHoursGoal="12"/>\n'
)

_DISTANCE_TYPE = {
    "Running": "HKQuantityTypeIdentifierDistanceWalkingRunning",
    "Walking": "HKQuantityTypeIdentifierDistanceWalkingRunning",
    "Cycling": "HKQuantityTypeIdentifierDistanceCycling",
}


@dataclass(frozen=True)
class Workout:
    """One workout: `kind` as in HKWorkoutActivityType<kind>, distance in `unit`."""

    kind: str
    start: str  # "2024-03-02 07:00:00 +0100"
    end: str
    minutes: float
    distance: float | None = None
    unit: str = "km"
    hr: tuple[float, float, float] | None = None  # average, minimum, maximum
    zone: str | None = "Europe/London"
    route: str | None = None  # workout-routes/<name>.gpx


def workout_xml(w: Workout, *, schema: str = "new") -> bytes:
    """The <Workout> element of `w`, in the "old" (totalDistance) or "new" schema."""
    attrs = (
        f'workoutActivityType="HKWorkoutActivityType{w.kind}" duration="{w.minutes}" '
        f'durationUnit="min" '
    )
    if schema == "old" and w.distance is not None:
        attrs += f'totalDistance="{w.distance}" totalDistanceUnit="{w.unit}" '
    attrs += (
        f'sourceName="Apple Watch" sourceVersion="10.4" creationDate="{w.end}" '
        f'startDate="{w.start}" endDate="{w.end}"'
    )
    inner = []
    if w.zone:
        inner.append(f'  <MetadataEntry key="HKTimeZone" value="{w.zone}"/>')
    inner.append(f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{w.start}"/>')
    if schema == "new":
        if w.distance is not None:
            inner.append(
                f'  <WorkoutStatistics type="{_DISTANCE_TYPE[w.kind]}" startDate="{w.start}" '
                f'endDate="{w.end}" sum="{w.distance}" unit="{w.unit}"/>'
            )
        if w.hr is not None:
            avg, low, high = w.hr
            inner.append(
                f'  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" '
                f'startDate="{w.start}" endDate="{w.end}" average="{avg}" minimum="{low}" '
                f'maximum="{high}" unit="count/min"/>'
            )
    if w.route:
        inner.append(
            f'  <WorkoutRoute sourceName="iPhone" startDate="{w.start}" endDate="{w.end}">\n'
            f'   <FileReference path="/{w.route}"/>\n  </WorkoutRoute>'
        )
    return (f" <Workout {attrs}>\n" + "\n".join(inner) + "\n </Workout>\n").encode()


def route_gpx(lat: float = 51.5, lon: float = -0.12, points: int = 60) -> bytes:
    """A route GPX as Apple writes them (one point per 10 s, going north)."""
    rows = [
        f'<trkpt lon="{lon:.6f}" lat="{lat + i * 0.0003:.6f}"><ele>10.0</ele>'
        f"<time>2024-03-02T06:{i // 6:02d}:{i % 6 * 10:02d}Z</time></trkpt>"
        for i in range(points)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health '
        'Export" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Route</name><trkseg>'
        + "".join(rows)
        + "</trkseg></trk></gpx>\n"
    ).encode()


def write_export(
    out: IO[bytes],
    workouts: Iterable[Workout],
    *,
    schema: str = "new",
    size_bytes: int = 0,
    dtd: bytes = DTD,
) -> int:
    """Write export.xml to `out`: the workouts spread among Records up to `size_bytes`.

    Returns the bytes written.
    """
    items = list(workouts)
    written = out.write(dtd)
    per_workout = max(size_bytes // max(len(items), 1), 1)
    n = 0
    for w in [*items, None]:
        budget = written + per_workout if w is not None else size_bytes
        while written < budget:
            d, m, s = n % 28 + 1, n // 60 % 60, n % 60
            written += out.write(_RECORD % (d, m, s, d, m, s, d, m, s, 60 + n % 90))
            n += 1
            if n % 50 == 0:
                written += out.write(_SUMMARY % (n // 50 % 28 + 1))
        if w is not None:
            written += out.write(workout_xml(w, schema=schema))
    written += out.write(b"</HealthData>\n")
    return written


def export_zip(
    path: Path, workouts: Iterable[Workout], *, schema: str = "new", size_bytes: int = 0
) -> Path:
    """Write an export.zip as the Health app shares it, routes included."""
    items = list(workouts)
    xml = io.BytesIO()
    write_export(xml, items, schema=schema, size_bytes=size_bytes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", xml.getvalue())
        for w in items:
            if w.route:
                archive.writestr(f"apple_health_export/{w.route}", route_gpx())
    return path
