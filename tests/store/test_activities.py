from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from backstride.errors import NotFound
from backstride.models import Activity, sport_family
from backstride.store import activities, sources

START = datetime(2024, 5, 4, 7, 30, tzinfo=UTC)


def _run(**changes: object) -> Activity:
    base = Activity(
        sport="running",
        started_at=START,
        elapsed_s=3600.0,
        moving_s=3500.0,
        distance_m=10_000.0,
        source_file="run.gpx",
        content_hash="a" * 64,
        source_format="gpx",
        route=((46.5, 6.6), (46.51, 6.61)),
        gear="Pegasus",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _roundtrip(engine: Engine) -> None:
    with engine.begin() as conn:
        aid = activities.add(conn, activity=_run())
        activities.add(
            conn,
            activity=_run(
                sport="cycling", started_at=START + timedelta(days=1), content_hash="b" * 64
            ),
        )
    with engine.connect() as conn:
        got = activities.get(conn, activity_id=aid)
        assert got.activity == _run()
        assert got.activity.started_at.tzinfo is not None
        assert activities.count(conn) == 2
        assert [s.activity.sport for s in activities.between(conn)] == ["running", "cycling"]
        assert len(activities.between(conn, sport="run")) == 1
        assert len(activities.between(conn, start=START + timedelta(hours=1))) == 1
        assert len(activities.between(conn, end=START + timedelta(hours=1))) == 1


def test_activity_roundtrip(any_engine: Engine) -> None:
    _roundtrip(any_engine)


def test_same_content_and_session_is_unique(engine: Engine) -> None:
    with engine.begin() as conn:
        activities.add(conn, activity=_run())
    with pytest.raises(IntegrityError), engine.begin() as conn:
        activities.add(conn, activity=_run())


def test_missing_activity_raises_not_found(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(NotFound, match="backstride activities"):
        activities.get(conn, activity_id=99)


def test_find_duplicate_tolerates_seconds_and_small_distance_differences(engine: Engine) -> None:
    with engine.begin() as conn:
        aid = activities.add(conn, activity=_run())
        fit = _run(
            source_format="fit",
            content_hash="c" * 64,
            started_at=START + timedelta(seconds=7),
            elapsed_s=3590.0,
            distance_m=10_120.0,
        )
        found = activities.find_duplicate(conn, activity=fit)
        assert found is not None and found.id == aid
        later = _run(started_at=START + timedelta(hours=3), content_hash="d" * 64)
        assert activities.find_duplicate(conn, activity=later) is None
        ride = _run(sport="cycling", content_hash="e" * 64)
        assert activities.find_duplicate(conn, activity=ride) is None
        longer = _run(distance_m=12_000.0, content_hash="f" * 64)
        assert activities.find_duplicate(conn, activity=longer) is None


def test_replace_source_keeps_id_and_strava_name_and_gear(engine: Engine) -> None:
    with engine.begin() as conn:
        aid = activities.add(conn, activity=_run(name="Morning Run"))
        fit = _run(source_format="fit", content_hash="c" * 64, gear=None, avg_hr_bpm=150.0)
        activities.replace_source(conn, activity_id=aid, activity=fit)
        got = activities.get(conn, activity_id=aid).activity
    assert (got.source_format, got.avg_hr_bpm, got.name, got.gear) == (
        "fit",
        150.0,
        "Morning Run",
        "Pegasus",
    )


def test_sport_family_groups_names_from_every_format() -> None:
    assert {sport_family(s) for s in ("running", "Running", "trail_running")} == {"run"}
    assert sport_family("Biking") == "ride"
    assert sport_family("lap_swimming") == "swim"
    assert sport_family(None) == "other"


def _ledger(engine: Engine) -> None:
    rec = sources.SourceRecord(
        content_hash="a" * 64,
        name="x.gpx",
        format="gpx",
        size_bytes=10,
        stored_path="/o/aa",
        status="imported",
    )
    with engine.begin() as conn:
        sources.record(conn, source=rec)
        sources.record(conn, source=rec)  # idempotent
        sources.mark_duplicate(conn, content_hash="a" * 64, duplicate_of="x.fit")
        sources.mark_path_seen(conn, path="/p/x.gpx", size_bytes=10, mtime_ns=5, content_hash=None)
        sources.mark_path_seen(conn, path="/p/x.gpx", size_bytes=11, mtime_ns=6, content_hash=None)
    with engine.connect() as conn:
        got = sources.get(conn, content_hash="a" * 64)
        assert got is not None and got.status == "duplicate" and got.duplicate_of == "x.fit"
        assert sources.seen_path(conn, path="/p/x.gpx") == (11, 6, None)
        assert sources.all_seen_paths(conn) == {"/p/x.gpx": (11, 6, None)}


def test_source_ledger(any_engine: Engine) -> None:
    _ledger(any_engine)


def test_sessions_of_one_file_never_match_each_other(engine: Engine) -> None:
    # A chained FIT can hold two sessions with the same start (fit__chained_...poolswim).
    with engine.begin() as conn:
        activities.add(conn, activity=_run(sport="generic"))
        second = _run(sport="generic", session_index=1)
        assert activities.find_duplicate(conn, activity=second) is None


def test_fingerprint_is_family_and_start_minute() -> None:
    assert activities.fingerprint(_run(sport="trail_running")) == "run@2024-05-04T07:30"
