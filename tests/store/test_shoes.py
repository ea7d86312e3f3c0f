from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete

from backstride.errors import NotFound, StoreError
from backstride.models import Activity
from backstride.store import activities, shoes
from backstride.store.schema import activities as activities_table

START = datetime(2025, 11, 2, 7, 0, tzinfo=UTC)


def _run(n: int, km: float) -> Activity:
    return Activity(
        sport="running",
        started_at=START + timedelta(days=n),
        elapsed_s=3600.0,
        distance_m=km * 1000,
        source_file=f"r{n}.fit",
        content_hash=f"{n:064d}",
        source_format="fit",
    )


def _scenario(engine: Engine) -> None:
    with engine.begin() as conn:
        a1 = activities.add(conn, activity=_run(1, 10.0))
        a2 = activities.add(conn, activity=_run(2, 12.5))
        peg = shoes.add(
            conn,
            name="Pegasus 40",
            limit_km=800,
            added_date=date(2025, 1, 1),
            start_distance_m=100_000,
        )
        trail = shoes.add(conn, name="Speedgoat", limit_km=600, added_date=date(2025, 6, 1))
        assert shoes.assign(conn, shoe_id=peg, activity_ids=[a1, a2, a1]) == 2
        assert shoes.assign(conn, shoe_id=trail, activity_ids=[a2]) == 1  # moves a2
    with engine.begin() as conn:
        listed = shoes.list_all(conn)
        assert [(s.name, s.distance_m, s.start_distance_m) for s in listed] == [
            ("Pegasus 40", 110_000.0, 100_000.0),
            ("Speedgoat", 12_500.0, 0.0),
        ]
        assert shoes.assignments(conn) == {a1: peg, a2: trail}
        assert shoes.by_name(conn, name=" pegasus 40") == listed[0]
        retired = shoes.retire(conn, shoe_id=trail, retired_date=date(2025, 11, 20))
        assert retired.retired_date == date(2025, 11, 20) and retired.distance_m == 12_500.0
        assert [s.id for s in shoes.list_all(conn, include_retired=False)] == [peg]
    with engine.begin() as conn:  # deleting an activity drops its link (ON DELETE CASCADE)
        conn.execute(delete(activities_table).where(activities_table.c.id == a1))
        assert shoes.assignments(conn) == {a2: trail}
        assert shoes.get(conn, shoe_id=peg).distance_m == 100_000.0


def test_shoes_roundtrip(any_engine: Engine) -> None:
    _scenario(any_engine)


def test_duplicate_name_and_unknown_ids_say_what_to_do(engine: Engine) -> None:
    with engine.begin() as conn:
        sid = shoes.add(conn, name="Pegasus", limit_km=800, added_date=date(2025, 1, 1))
        with pytest.raises(StoreError, match="already exists; `backstride shoes list`"):
            shoes.add(conn, name="pegasus ", limit_km=800, added_date=date(2025, 1, 1))
        with pytest.raises(NotFound, match=r"no activities with ids \[99\]"):
            shoes.assign(conn, shoe_id=sid, activity_ids=[99])
        with pytest.raises(NotFound, match="no shoes with id 7"):
            shoes.retire(conn, shoe_id=7, retired_date=date(2025, 1, 2))
        assert shoes.assign(conn, shoe_id=sid, activity_ids=[]) == 0


def test_replacing_an_activity_source_keeps_its_shoe(engine: Engine) -> None:
    with engine.begin() as conn:
        aid = activities.add(conn, activity=_run(1, 10.0))
        sid = shoes.add(conn, name="Pegasus", limit_km=800, added_date=date(2025, 1, 1))
        shoes.assign(conn, shoe_id=sid, activity_ids=[aid])
        activities.replace_source(
            conn, activity_id=aid, activity=replace(_run(1, 10.2), content_hash="f" * 64)
        )
        assert shoes.get(conn, shoe_id=sid).distance_m == pytest.approx(10_200.0)
