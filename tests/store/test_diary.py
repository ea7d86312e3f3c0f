"""Diary and plan tables on SQLite (and PostgreSQL with --postgres)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from backstride.errors import DuplicateDiaryEntry
from backstride.models import DiaryEntry
from backstride.store import diary, plans

ENTRY = DiaryEntry(
    date(2026, 11, 20),
    "run",
    pain_during=3,
    pain_after=4,
    pain_next_morning=2,
    onset="after_fatigue",
    character=("dull_ache", "stiffness"),
    helped="walking",
    notes="hilly loop",
    psfs=(("running 10 km", 6),),
    activity_id=17,
)


def _round_trip(engine: Engine) -> None:
    with engine.begin() as conn:
        saved = diary.add(conn, entry=ENTRY)
    assert saved.id is not None
    assert saved == DiaryEntry(**{**ENTRY.__dict__, "id": saved.id})
    with engine.begin() as conn:
        with pytest.raises(DuplicateDiaryEntry, match="run entry for 2026-11-20 exists already"):
            diary.add(conn, entry=DiaryEntry(date(2026, 11, 20), "run", pain_during=9))
        diary.add(conn, entry=DiaryEntry(date(2026, 11, 20), "day", pain_during=2))
    with engine.connect() as conn:
        found = diary.between(conn, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert [(e.kind, e.pain_during) for e in found] == [("day", 2), ("run", 3)]  # nothing lost


def test_diary_round_trip_and_duplicates(any_engine: Engine) -> None:
    _round_trip(any_engine)


def test_ticks_and_snapshots(engine: Engine) -> None:
    with engine.begin() as conn:
        assert plans.tick(conn, item_date=date(2026, 11, 21), kind="strength")
        assert not plans.tick(conn, item_date=date(2026, 11, 21), kind="strength")
        plans.save_snapshot(
            conn,
            plan={"level": "self_care", "weeks": []},
            plan_start=date(2026, 11, 20),
            level="self_care",
            check_id=None,
        )
    with engine.connect() as conn:
        assert plans.ticks(conn, start=date(2026, 11, 1), end=date(2026, 11, 30)) == {
            (date(2026, 11, 21), "strength")
        }
        snap = plans.latest_snapshot(conn)
    assert snap is not None and snap.plan == {"level": "self_care", "weeks": []}
