"""One bad file is one failed file: bad numbers, long names, odd file names, refused rows.

Run on SQLite and, marked `postgres`, on PostgreSQL, which refuses what SQLite lets by.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import DataError

from backstride.services.importing import import_paths
from backstride.store import activities
from backstride.store.files import database_originals
from backstride.store.schema import activities as activities_table
from backstride.store.schema import seen_paths, source_files
from tests.conftest import postgres_schema
from tests.ingest._hostile import fit_run, gpx, tcx


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, engine: Engine) -> Any:
    if request.param == "sqlite":
        yield engine
        return
    from backstride import store

    with postgres_schema() as url:
        eng = store.engine.create(url)
        yield eng
        eng.dispose()


def _import(engine: Engine, paths: list[Path], tmp_path: Path) -> dict[str, Any]:
    return import_paths(engine, paths, data_dir=tmp_path / "data").to_dict()


def _stored_numbers(engine: Engine) -> list[float]:
    with engine.connect() as conn:
        found = activities.between(conn)
    numbers: list[float] = []
    for stored in found:
        a = stored.activity
        numbers += [
            v
            for v in (a.elapsed_s, a.moving_s, a.distance_m, a.elevation_gain_m, a.avg_hr_bpm)
            if v is not None
        ]
        numbers += [c for point in a.route for c in point]
    return numbers


def test_bad_numbers_in_files_are_dropped_and_the_import_goes_on(
    any_engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a_lon_inf.gpx").write_bytes(gpx(bad={59: {"lon": "inf"}}, days_ago=3))
    (inbox / "b_lat_999.gpx").write_bytes(gpx(bad={30: {"lat": "999"}}, days_ago=4))
    (inbox / "c_hr.gpx").write_bytes(gpx(bad={1: {"hr": "1e20"}}, days_ago=5))
    (inbox / "d_lap_inf.tcx").write_bytes(tcx("inf"))
    (inbox / "e_year1.gpx").write_bytes(gpx(start="0001", days_ago=6))
    (inbox / "f_ok.fit").write_bytes(fit_run(days_ago=7))
    report = _import(any_engine, [inbox], tmp_path)
    assert report["imported"] == 5
    assert [Path(f["file"]).name for f in report["failed"]] == ["e_year1.gpx"]
    assert "0001-" in report["failed"][0]["error"]
    dropped = {Path(d["file"]).name: d["values"] for d in report["dropped"]}
    assert dropped == {
        "a_lon_inf.gpx": {"position": 1},
        "b_lat_999.gpx": {"position": 1},
        "c_hr.gpx": {"heart rate": 1},
        "d_lap_inf.tcx": {"lap total": 1},
    }
    numbers = _stored_numbers(any_engine)
    assert numbers and all(math.isfinite(v) for v in numbers)
    assert max(numbers) < 2_000_000


def _strava_export(root: Path, gear: str, name: str) -> Path:
    (root / "activities").mkdir(parents=True)
    (root / "activities" / "1.gpx").write_bytes(gpx(days_ago=3))
    (root / "activities" / "2.gpx").write_bytes(gpx(days_ago=2))
    (root / "activities.csv").write_text(
        "Activity ID,Activity Name,Activity Type,Activity Gear,Filename\n"
        f'1,"{name}",Run,"{gear}",activities/1.gpx\n'
        "2,Easy,Run,Shoe,activities/2.gpx\n",
        encoding="utf-8",
    )
    return root


def test_over_long_or_control_character_names_are_bounded_not_refused(
    any_engine: Engine, tmp_path: Path
) -> None:
    export = _strava_export(tmp_path / "export", gear="G" * 250, name="Tempo\x00 run " + "x" * 5000)
    report = _import(any_engine, [export], tmp_path)
    assert report["failed"] == [] and report["imported"] == 2
    with any_engine.connect() as conn:
        first, second = activities.between(conn)
    assert first.activity.gear == "G" * 199 + "…"
    assert first.activity.name is not None and first.activity.name.startswith("Tempo run xxx")
    assert "\x00" not in first.activity.name and len(first.activity.name) <= 2000
    assert second.activity.gear == "Shoe"


def test_a_database_error_on_one_file_fails_that_file_only(
    any_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"run{i}.gpx").write_bytes(gpx(days_ago=2 + i))
    real_add = activities.add

    def add(conn: Any, *, activity: Any) -> int:
        real_add(conn, activity=activity)  # the row goes in, then the file's second step fails
        if activity.source_file.endswith("run1.gpx"):
            raise DataError("INSERT ...", {}, Exception("numeric field overflow"))
        return 1

    monkeypatch.setattr(activities, "add", add)
    report = _import(any_engine, [inbox], tmp_path)
    assert report["imported"] == 2
    (failed,) = report["failed"]
    assert failed["file"].endswith("run1.gpx")
    assert "database refused" in failed["error"] and "numeric field overflow" in failed["error"]
    with any_engine.connect() as conn:
        names = {Path(r.source_file).name for r in conn.execute(select(activities_table))}
        ledger = {Path(r.name).name: r.status for r in conn.execute(select(source_files))}
        seen = {Path(r.path).name for r in conn.execute(select(seen_paths))}
    assert names == {"run0.gpx", "run2.gpx"}  # rolled back: nothing of run1 kept
    assert ledger == {"run0.gpx": "imported", "run2.gpx": "imported"}
    assert "run1.gpx" not in seen
    if any_engine.dialect.name == "sqlite":
        originals = list((tmp_path / "data" / "originals").rglob("*.gpx"))
        assert len(originals) == 2
    else:  # a PostgreSQL store keeps them in the database, rolled back with the rest
        with any_engine.connect() as conn:
            assert database_originals(conn).files == 2
    # Once the database takes it, the next run imports the file that failed.
    monkeypatch.setattr(activities, "add", real_add)
    again = _import(any_engine, [inbox], tmp_path)
    assert again["imported"] == 1 and again["failed"] == []


def test_a_file_name_that_is_not_utf8_is_imported_under_a_safe_name(
    any_engine: Engine, tmp_path: Path
) -> None:
    inbox = os.fsencode(tmp_path / "inbox")
    os.mkdir(inbox)
    names = [b"run%d.fit" % i for i in range(9)] + [b"m_caf\xe9.fit"]
    for i, name in enumerate(sorted(names)):
        with open(os.path.join(inbox, name), "wb") as out:
            out.write(fit_run(days_ago=2 + i))
    folder = Path(os.fsdecode(inbox))
    report = _import(any_engine, [folder], tmp_path)
    assert report["failed"] == [] and report["imported"] == 10
    with any_engine.connect() as conn:
        stored = {Path(r.source_file).name for r in conn.execute(select(activities_table))}
    assert "m_caf\\xe9.fit" in stored
    again = _import(any_engine, [folder], tmp_path)  # the no-op path knows it too
    assert again["imported"] == 0 and len(again["duplicates"]) == 10
