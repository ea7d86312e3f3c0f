"""services.plan with imported runs: the plan reads the history, diary run entries link to it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.models import DiaryEntry
from backstride.plan.running import guard_violations, past_runs
from backstride.services.diary import add_entry
from backstride.services.plan import plan_view, training_history
from backstride.store import activities, checks
from tests.plan.conftest import LOAD, SAFE, run, weekly_history

TODAY = date.today()


def test_plan_uses_the_stored_history_and_keeps_the_30_day_rule(engine: Engine) -> None:
    kb = load_kb()
    history = [a for a in weekly_history() if a.started_at.date() < TODAY]
    with engine.begin() as conn:
        for a in history:
            activities.add(conn, activity=a)
        checks.add(
            conn,
            answers={**SAFE, **LOAD},
            result={},
            kb_version=kb.version,
            triage_level="self_care",
        )
    with engine.begin() as conn:
        stored = training_history(conn, today=TODAY)
        view = plan_view(conn, kb=kb, today=TODAY)
    assert len(stored) == len(
        [a for a in history if a.started_at.date() >= TODAY - timedelta(days=60)]
    )
    planned = [(d, i.run.distance_m) for d, i in view.plan.items if i.kind == "run"]
    assert all(size is not None for _, size in planned)  # distances, because the history has them
    past = [(r.day, r.distance_m) for r in past_runs(stored)]
    found = [
        v for v in guard_violations(past + planned, max_ratio=1.1, window_days=30) if v[0] >= TODAY
    ]
    assert found == []
    json.dumps(view.to_json())


def test_run_entry_links_to_the_one_imported_run_of_the_day(engine: Engine) -> None:
    kb = load_kb()
    day = TODAY - timedelta(days=1)
    with engine.begin() as conn:
        activity_id = activities.add(conn, activity=run(day, 8, 48))
        result = add_entry(conn, entry=DiaryEntry(day, "run", pain_during=2), kb=kb, today=TODAY)
    assert result.entry.activity_id == activity_id


def test_report_names_runs_that_broke_the_30_day_rule(engine: Engine) -> None:
    from backstride.services.report import report_data

    kb = load_kb()
    with engine.begin() as conn:
        activities.add(conn, activity=run(TODAY - timedelta(days=10), 10, 60))
        activities.add(conn, activity=run(TODAY - timedelta(days=3), 15, 90))  # 50% longer
        checks.add(
            conn,
            answers={**SAFE, **LOAD},
            result={},
            kb_version=kb.version,
            triage_level="self_care",
        )
    with engine.connect() as conn:
        data = report_data(conn, kb=kb, today=TODAY, settings=Settings())
    # the guard's own lines name the run (the events do not repeat it)
    spike = TODAY - timedelta(days=3)
    assert [(g.run_date, g.percent_longer) for g in data.guard_over] == [(spike, 50)]
    assert sum(km for _, km in data.weekly_km) == pytest.approx(25)


def test_stored_shoes_give_the_plan_their_own_limit_and_rotation(engine: Engine) -> None:
    from backstride.services.plan import preferences_from_store
    from backstride.store import shoes

    kb = load_kb()
    with engine.begin() as conn:
        shoes.add(conn, name="Old", limit_km=600, added_date=TODAY, start_distance_m=650_000)
        checks.add(
            conn, answers={**SAFE, "shoe_km": 650}, result={}, kb_version=kb.version,
            triage_level="self_care",
        )  # fmt: skip
        prefs = preferences_from_store(conn, settings=Settings(), weeks=1)
        view = plan_view(conn, kb=kb, today=TODAY, preferences=prefs)
    assert (prefs.shoe_km, prefs.shoe_limit_km, prefs.shoe_pairs) == (650, 600, 1)
    items = {i.title: i for _, i in view.plan.items}
    assert "past your limit of 600 km" in items["Replace worn shoes"].detail
    assert "Rotate two pairs" in items  # one pair only: rotation suggested
    with engine.begin() as conn:
        shoes.add(conn, name="New", limit_km=800, added_date=TODAY)
        prefs = preferences_from_store(conn, settings=Settings(), weeks=1)
        view = plan_view(conn, kb=kb, today=TODAY, preferences=prefs)
    assert prefs.shoe_pairs == 2
    assert "Rotate two pairs" not in {i.title for _, i in view.plan.items}


def test_a_late_evening_run_belongs_to_its_local_day_not_the_utc_one(engine: Engine) -> None:
    """A run at 23:30 in New York is 04:30 UTC the next day: the runner ran on the day
    their watch shows, so the diary links it and the plan counts it there."""
    import dataclasses
    from datetime import UTC, datetime

    kb = load_kb()
    day = TODAY - timedelta(days=2)
    late = dataclasses.replace(
        run(day, 8, 48),
        started_at=datetime(day.year, day.month, day.day, 23, 30, tzinfo=UTC) + timedelta(hours=5),
        utc_offset_s=-5 * 3600,
    )
    with engine.begin() as conn:
        activity_id = activities.add(conn, activity=late)
        linked = add_entry(conn, entry=DiaryEntry(day, "run", pain_during=2), kb=kb, today=TODAY)
        next_day = add_entry(
            conn,
            entry=DiaryEntry(day + timedelta(days=1), "run", pain_during=2),
            kb=kb,
            today=TODAY,
        )
        stored = training_history(conn, today=TODAY)
    assert linked.entry.activity_id == activity_id
    assert next_day.entry.activity_id is None
    assert [r.day for r in past_runs(stored)] == [day]
