"""Apple Health exports: zip, folder or bare export.xml; both schemas; hostile DTDs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from backstride.errors import UnsafeInput
from backstride.ingest import FailedSource, SourceFile, iter_sources, read_activities
from backstride.ingest.apple_health import check_prolog
from backstride.services.importing import import_paths
from backstride.store import activities
from tests.conftest import shared_path
from tests.ingest._apple_health import Workout, export_zip, route_gpx, write_export

MILE = 1609.344

WORKOUTS = [
    Workout(
        "Running",
        "2024-03-02 07:00:00 +0100",
        "2024-03-02 07:31:00 +0100",
        30.5,
        5.02,
        "km",
        hr=(151.0, 98.0, 172.0),
        route="workout-routes/route_2024-03-02_7.00am.gpx",
    ),
    Workout(
        "Running",
        "2024-03-04 18:00:00 +0100",
        "2024-03-04 18:42:00 +0100",
        41.0,
        4.1,
        "mi",
        hr=(148.5, 90.0, 165.0),
        zone="America/New_York",
    ),
    Workout("Cycling", "2024-03-05 12:00:00 +0100", "2024-03-05 13:05:00 +0100", 64.0, 25.3),
    Workout("Yoga", "2024-03-06 20:00:00 +0100", "2024-03-06 20:30:00 +0100", 30.0),
]


def _sources(path: Path) -> list[SourceFile | FailedSource]:
    found = [s for s in iter_sources([path]) if not isinstance(s, str)]
    return [s for s in found if isinstance(s, SourceFile | FailedSource)]


def _activities(path: Path) -> list:  # type: ignore[type-arg]
    out = []
    for source in _sources(path):
        assert isinstance(source, SourceFile), source
        out += read_activities(source)
    return out


def test_the_shared_export_zip_imports_its_run(engine: Engine, tmp_path: Path) -> None:
    export = shared_path("corpus", "activities", "apple_health", "healthkit-to-sqlite__export.zip")
    report = import_paths(engine, [export], data_dir=tmp_path / "data").to_dict()
    assert report["imported"] == 1 and not report["failed"], report
    with engine.connect() as conn:
        [run] = activities.between(conn)
    a = run.activity
    assert a.sport == "running" and a.source_format == "apple"
    assert a.distance_m == pytest.approx(0.4971749504535062 * MILE)
    assert a.moving_s == pytest.approx(5.19412346680959 * 60, abs=1.0)  # capped to the dates
    assert a.started_at.isoformat() == "2016-11-14T14:25:41+00:00"
    assert a.utc_offset_s == -8 * 3600  # HKTimeZone America/Los_Angeles in November
    assert len(a.route) >= 2  # the route GPX, matched to its workout by its FileReference
    # Records and ActivitySummary days are skipped without a line each.
    assert not report["skipped"]
    again = import_paths(engine, [export], data_dir=tmp_path / "data").to_dict()
    assert again["imported"] == 0 and again["activities_total"] == 1


def test_the_shared_bare_export_xml_imports_its_run(tmp_path: Path) -> None:
    bare = shared_path("corpus", "activities", "apple_health", "healthkit-to-sqlite__export.xml")
    [run] = _activities(bare)
    assert run.sport == "running" and run.distance_m == pytest.approx(0.4971749504535062 * MILE)
    assert run.route  # the inline <Location> elements of the old schema


@pytest.mark.parametrize("schema", ["new", "old"])
def test_generated_export_gives_each_sport_and_distance(tmp_path: Path, schema: str) -> None:
    found = _activities(export_zip(tmp_path / "export.zip", WORKOUTS, schema=schema))
    assert [a.sport for a in found] == ["running", "running", "cycling", "yoga"]
    assert found[0].distance_m == pytest.approx(5020.0)
    assert found[1].distance_m == pytest.approx(4.1 * MILE)
    assert found[2].distance_m == pytest.approx(25300.0)
    assert found[3].distance_m is None
    assert found[0].elapsed_s == 31 * 60 and found[0].moving_s == pytest.approx(30.5 * 60)
    assert found[0].utc_offset_s == 0  # London in March, though the phone said +0100
    assert found[1].utc_offset_s == -5 * 3600  # New York before its DST switch
    assert found[0].started_at.isoformat() == "2024-03-02T06:00:00+00:00"
    if schema == "new":
        assert (found[0].avg_hr_bpm, found[0].max_hr_bpm) == (151.0, 172.0)
        assert found[1].avg_hr_bpm == 148.5
    assert len(found[0].route) >= 2 and not found[1].route


def test_folder_and_bare_file_read_like_the_zip(tmp_path: Path) -> None:
    folder = tmp_path / "apple_health_export"
    (folder / "workout-routes").mkdir(parents=True)
    with (folder / "export.xml").open("wb") as out:
        write_export(out, WORKOUTS)
    (folder / WORKOUTS[0].route).write_bytes(route_gpx())  # type: ignore[operator]
    from_folder = _activities(tmp_path)
    assert [a.sport for a in from_folder] == ["running", "running", "cycling", "yoga"]
    assert len(from_folder[0].route) >= 2  # the route read from the folder
    assert [a.distance_m for a in _activities(folder / "export.xml")] == [
        a.distance_m for a in from_folder
    ]


def test_an_entity_declaration_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    hostile = (
        b'<?xml version="1.0"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData ANY>\n'
        b'<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
    )
    path = tmp_path / "export.xml"
    with path.open("wb") as out:
        write_export(out, WORKOUTS, dtd=hostile + b'<HealthData locale="en">\n')
    [failed] = _sources(path)
    assert isinstance(failed, FailedSource)
    assert "refused" in failed.error and "entities" in failed.error
    report = import_paths_report(path, tmp_path)
    assert report["imported"] == 0 and len(report["failed"]) == 1


def import_paths_report(path: Path, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    from backstride import store

    engine = store.connect(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        return import_paths(engine, [path], data_dir=tmp_path / "d").to_dict()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE HealthData SYSTEM "http://example.com/x.dtd">',
        b'<!DOCTYPE HealthData [ <!ENTITY % p SYSTEM "file:///etc/passwd"> %p; ]>',
        b"<!DOCTYPE HealthData [ <!NOTATION n SYSTEM 'x'> ]>",
        b"<!DOCTYPE HealthData [ <!ELEMENT a ANY> <!ENTITY x 'y'> ]>",
    ],
)
def test_hostile_doctypes_are_refused(doctype: bytes) -> None:
    with pytest.raises(UnsafeInput):
        check_prolog(doctype + b"<HealthData>", source_file="export.xml")


def test_apple_dtd_with_quoted_angle_brackets_is_accepted() -> None:
    check_prolog(
        b'<!DOCTYPE HealthData [ <!-- a <comment> --> <!ATTLIST a b CDATA "<x>"> ]><HealthData>',
        source_file="export.xml",
    )


def test_a_truncated_export_keeps_the_workouts_before_the_cut(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    write_export(buffer, WORKOUTS[:2], size_bytes=200_000)
    path = tmp_path / "export.xml"
    path.write_bytes(buffer.getvalue()[:-5000])
    found = _sources(path)
    assert [type(s).__name__ for s in found] == ["SourceFile", "FailedSource"]
    assert "truncated or malformed" in found[-1].error  # type: ignore[union-attr]


def test_a_zip_that_is_not_an_export_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("export.xml", b"<other/>")
        archive.writestr("a.gpx", route_gpx())
    kinds = sorted(type(s).__name__ for s in iter_sources([path]))
    assert kinds == ["SkippedSource", "SourceFile"]
