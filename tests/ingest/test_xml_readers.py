"""GPX and TCX readers on every corpus file, hostile XML and format quirks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import gpxpy
import pytest

from backstride.errors import CorruptFile, IngestError, NotAnActivity, UnsafeInput
from backstride.ingest.gpx import read_gpx
from backstride.ingest.tcx import read_tcx
from tests.conftest import shared_path, sweep
from tests.ingest._corpus import paths as corpus_paths

GPX_FILES = corpus_paths("gpx", ".gpx")
TCX_FILES = corpus_paths("tcx", ".tcx")


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _corpus(*parts: str) -> Path:
    return shared_path("corpus", "activities", *parts)


@pytest.mark.parametrize("path", sweep(GPX_FILES, ids=_ids(GPX_FILES)))
def test_every_corpus_gpx_reads_or_fails_with_a_clear_ingest_error(path: Path) -> None:
    path = _corpus("gpx", path.name)
    try:
        found = read_gpx(path.read_bytes(), source_file=path.name, content_hash="h")
    except IngestError as exc:
        assert path.name in str(exc)
        return
    assert len(found) == 1
    activity = found[0]
    assert activity.elapsed_s > 0 and activity.started_at.tzinfo is not None
    assert activity.moving_s is None or activity.moving_s <= activity.elapsed_s


@pytest.mark.slow
@pytest.mark.parametrize("path", GPX_FILES, ids=_ids(GPX_FILES))
def test_gpx_distance_within_one_percent_of_gpxpy_length_2d(path: Path) -> None:
    path = _corpus("gpx", path.name)
    try:
        reference = gpxpy.parse(path.read_text(encoding="utf-8-sig").lstrip()).length_2d()
        found = read_gpx(path.read_bytes(), source_file=path.name, content_hash="h")
    except (IngestError, gpxpy.gpx.GPXException) as exc:
        pytest.skip(f"not a comparable recorded track: {exc}")
    if not reference:
        pytest.skip("gpxpy finds no length")
    assert found[0].distance_m == pytest.approx(reference, rel=0.01)


@pytest.mark.parametrize("path", sweep(TCX_FILES, ids=_ids(TCX_FILES)))
def test_every_corpus_tcx_reads_or_fails_with_a_clear_ingest_error(path: Path) -> None:
    path = _corpus("tcx", path.name)
    try:
        found = read_tcx(path.read_bytes(), source_file=path.name, content_hash="h")
    except IngestError as exc:
        assert path.name in str(exc)
        return
    assert [a.session_index for a in found] == list(range(len(found)))
    assert all(a.elapsed_s > 0 for a in found)


def _own_distance_m(path: Path) -> float:
    """The file's own total: laps' DistanceMeters, read independently with ElementTree."""
    root = ET.fromstring(path.read_bytes().lstrip())
    laps = [el for el in root.iter() if el.tag.endswith("}Lap")]
    total = 0.0
    for lap in laps:
        for child in lap:
            if child.tag.endswith("}DistanceMeters") and child.text:
                total += float(child.text)
    return total


@pytest.mark.parametrize("path", sweep(TCX_FILES, ids=_ids(TCX_FILES)))
def test_tcx_distance_matches_the_files_own_distance_meters(path: Path) -> None:
    path = _corpus("tcx", path.name)
    try:
        found = read_tcx(path.read_bytes(), source_file=path.name, content_hash="h")
    except NotAnActivity:
        pytest.skip("course, not an activity")
    own = _own_distance_m(path)
    if not own:
        pytest.skip("no DistanceMeters in the laps")
    assert sum(a.distance_m or 0 for a in found) == pytest.approx(own, rel=0.01)


def test_garmin_trackpoint_extension_gives_heart_rate_and_steps_per_minute() -> None:
    path = _corpus("gpx", "Runalyze__garmin-ns3-extension.gpx")
    (run,) = read_gpx(path.read_bytes(), source_file=path.name, content_hash="h")
    assert run.sport == "running"
    assert run.avg_hr_bpm is not None and 60 < run.avg_hr_bpm < 200
    # The file stores strides per minute (~88); steps are twice that.
    assert run.avg_cadence_spm is not None and 150 < run.avg_cadence_spm < 200


def test_strava_gpx_type_code_9_is_a_run_and_undeclared_prefixes_are_tolerated() -> None:
    path = _corpus("gpx", "sports-lib__6037744996.gpx")  # undeclared gpxdata: prefix
    (run,) = read_gpx(path.read_bytes(), source_file=path.name, content_hash="h")
    assert run.sport == "running"
    assert run.distance_m == pytest.approx(5103, rel=0.01)


def test_route_only_gpx_is_not_an_activity() -> None:
    path = _corpus("gpx", "gpxpy__route.gpx")
    with pytest.raises(NotAnActivity, match="route, not a recorded activity"):
        read_gpx(path.read_bytes(), source_file=path.name, content_hash="h")


_BARE_GPX = b"""<?xml version="1.0"?>
<gpx version="1.0"><trk><type>running</type><trkseg>
<trkpt lat="46.0" lon="7.0"><ele>500</ele><time>2024-05-01T06:00:00Z</time></trkpt>
<trkpt lat="46.001" lon="7.0"><ele>501</ele><time>2024-05-01T06:00:30Z</time></trkpt>
<trkpt lat="46.002" lon="7.0"><ele>502</ele><time>2024-05-01T06:01:00</time></trkpt>
</trkseg></trk></gpx>"""


def test_gpx_without_namespace_or_zones_reads_as_utc_with_haversine_distance() -> None:
    (run,) = read_gpx(_BARE_GPX, source_file="bare.gpx", content_hash="h")
    # 0.002 degrees of latitude = 222.4 m (R = 6371.0088 km).
    assert run.distance_m == pytest.approx(222.4, abs=0.5)
    assert run.elapsed_s == 60 and run.started_at.isoformat() == "2024-05-01T06:00:00+00:00"


def test_flat_but_noisy_altitude_adds_no_climbing() -> None:
    points = "".join(
        f'<trkpt lat="46.{i:04d}" lon="7.0"><ele>{500 + (1.5 if i % 2 else -1.5)}</ele>'
        f"<time>2024-05-01T06:{i // 60:02d}:{i % 60:02d}Z</time></trkpt>"
        for i in range(300)
    )
    data = (
        f'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>'
    )
    (run,) = read_gpx(data.encode(), source_file="noisy.gpx", content_hash="h")
    assert run.elevation_gain_m == pytest.approx(0.0, abs=1.0)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<gpx><trk><name>&lol4;</name><trkseg></trkseg></trk></gpx>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE TrainingCenterDatabase [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>&xxe;</Id>
</Activity></Activities></TrainingCenterDatabase>"""


@pytest.mark.parametrize("reader", [read_gpx, read_tcx])
@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_expansion_and_external_entities_are_refused(reader, data: bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsafeInput, match="entity"):
        reader(data, source_file="evil.xml", content_hash="h")


def test_truncated_gpx_is_a_corrupt_file_with_the_line() -> None:
    path = _corpus("gpx", "elevate__ride.gpx")
    with pytest.raises(CorruptFile, match="truncated or malformed XML"):
        read_gpx(path.read_bytes()[:100_000], source_file=path.name, content_hash="h")


def test_tcx_multisport_gives_one_activity_per_sport() -> None:
    path = _corpus("tcx", "Runalyze__Multisport.tcx")
    found = read_tcx(path.read_bytes(), source_file=path.name, content_hash="h")
    assert [(a.sport, a.session_index) for a in found] == [
        ("cycling", 0),
        ("running", 1),
        ("cycling", 2),
    ]


def test_treadmill_tcx_counts_without_gps_and_fixes_doubled_cadence() -> None:
    path = _corpus("tcx", "Runalyze__Treadmill-doubled-cadence.tcx")
    (run,) = read_tcx(path.read_bytes(), source_file=path.name, content_hash="h")
    assert run.route == () and run.distance_m == pytest.approx(498)
    # Runalyze expects 67 strides/min for this file (its testDoubledCadence): 134 spm.
    assert run.avg_cadence_spm == pytest.approx(134, abs=10)


def test_strava_tcx_with_leading_whitespace_reads() -> None:
    path = _corpus("tcx", "python-tcxparser__test.tcx")
    (run,) = read_tcx(b"\n   \n" + path.read_bytes(), source_file=path.name, content_hash="h")
    assert run.distance_m == pytest.approx(4686, rel=0.01) and run.avg_hr_bpm


def test_tcx_course_is_not_an_activity() -> None:
    path = _corpus("tcx", "Runalyze__Route-only.tcx")
    with pytest.raises(NotAnActivity, match="course"):
        read_tcx(path.read_bytes(), source_file=path.name, content_hash="h")
