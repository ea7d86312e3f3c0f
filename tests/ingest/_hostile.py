"""Small activity files built in code, with a hook to put any value anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.ingest._fit_builder import data, definition, fit_file

START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)


def gpx(
    n: int = 60,
    *,
    bad: dict[int, dict[str, str]] | None = None,
    start: str = "",
    days_ago: int = 30,
) -> bytes:
    """A GPX run of `n` points 10 s and ~23 m apart; `bad` overrides fields of point i,
    `start` the year of every point."""
    first = START - timedelta(days=days_ago - 30)
    points = []
    for i in range(n):
        values = {
            "lat": "46.000000",
            "lon": f"{7.0 + i * 3e-4:.6f}",
            "ele": "500",
            "hr": "150",
            "time": (first + timedelta(seconds=10 * i)).isoformat().replace("+00:00", "Z"),
        }
        if start:
            values["time"] = start + values["time"][4:]
        values |= (bad or {}).get(i, {})
        points.append(
            f'<trkpt lat="{values["lat"]}" lon="{values["lon"]}"><ele>{values["ele"]}</ele>'
            f"<time>{values['time']}</time><extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{values['hr']}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>"
            "</trkpt>"
        )
    return (
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        "<trk><type>9</type><trkseg>" + "".join(points) + "</trkseg></trk></gpx>"
    ).encode()


def tcx(lap_distance: str = "1368.8", *, point_distance: str = "") -> bytes:
    """A TCX run of 60 points, 23.2 m apart; one lap of `lap_distance`, point 5 of
    `point_distance` where given."""
    points = "".join(
        f"<Trackpoint><Time>{(START + timedelta(seconds=10 * i)).isoformat()}</Time>"
        f"<Position><LatitudeDegrees>46.0</LatitudeDegrees>"
        f"<LongitudeDegrees>{7.0 + i * 3e-4:.6f}</LongitudeDegrees></Position>"
        f"<DistanceMeters>{point_distance if i == 5 and point_distance else 23.2 * i}"
        "</DistanceMeters></Trackpoint>"
        for i in range(60)
    )
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
        f'<Activity Sport="Running"><Id>{START.isoformat()}</Id>'
        f'<Lap StartTime="{START.isoformat()}"><TotalTimeSeconds>590</TotalTimeSeconds>'
        f"<DistanceMeters>{lap_distance}</DistanceMeters><Track>{points}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


SEMI = 2**31 / 180
RECORD = [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (3, 1, 0x02)]
SESSION = [(253, 4, 0x86), (2, 4, 0x86), (5, 1, 0x00), (7, 4, 0x86), (9, 4, 0x86)]


def fit_run(
    *, lat_deg: float = 46.0, hr: int = 150, distance_cm: int = 100_000, days_ago: int = 30
) -> bytes:
    """A 10-record FIT run; record 4 gets `lat_deg` and `hr`, the session `distance_cm`."""
    t0 = int((START - timedelta(days=days_ago - 30)).timestamp()) - 631065600
    out = [
        definition(0, 0, [(0, 1, 0x00)]),
        data(0, "B", 4),
        definition(1, 20, RECORD),
    ]
    for i in range(10):
        lat = lat_deg if i == 4 else 46.0 + 0.001 * i
        out.append(
            data(
                1, "IiiB", t0 + 60 * i, round(lat * SEMI), round(7.0 * SEMI), hr if i == 4 else 150
            )
        )
    out += [definition(2, 18, SESSION), data(2, "IIBII", t0 + 540, t0, 1, 540_000, distance_cm)]
    return fit_file(*out)
