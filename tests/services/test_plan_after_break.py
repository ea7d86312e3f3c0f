"""services.plan after a break longer than the history it reads: the running before it counts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from backstride.kb import load_kb
from backstride.services.plan import last_known_running, plan_view
from backstride.store import activities, checks
from tests.plan.conftest import SAFE, run

TODAY = date.today()


def test_plan_after_5_months_off_restarts_with_walk_run_and_no_hard_run(engine: Engine) -> None:
    kb = load_kb()
    last = TODAY - timedelta(days=150)
    with engine.begin() as conn:
        for w in range(8):  # an easy 6 km and a long 10 km (60 min) a week, 8 weeks
            activities.add(conn, activity=run(last - timedelta(days=7 * w + 3), 6, 36))
            activities.add(conn, activity=run(last - timedelta(days=7 * w), 10, 60))
        checks.add(conn, answers=dict(SAFE), result={}, kb_version=kb.version,
                   triage_level="self_care")  # fmt: skip
    with engine.begin() as conn:
        before = last_known_running(conn, before=TODAY - timedelta(days=60), window_days=30)
        view = plan_view(conn, kb=kb, today=TODAY, save=False)
    assert min(a.activity.started_at.date() for a in before) >= last - timedelta(days=31)
    week1 = [i.run for d, i in view.plan.items if i.run and d < TODAY + timedelta(days=7)]
    assert week1 and all(r.intensity != "hard" and r.walk_run for r in week1)
    assert max(r.duration_s for r in week1) < 30 * 60  # not the 60-minute long run


def test_no_runs_at_all_reads_as_no_last_known_running(engine: Engine) -> None:
    with engine.begin() as conn:
        assert last_known_running(conn, before=TODAY, window_days=30) == []


def test_runs_since_the_check_do_not_hide_the_break_before_it(engine: Engine) -> None:
    from datetime import UTC, datetime, time

    kb = load_kb()
    start = TODAY - timedelta(days=10)
    last = start - timedelta(days=150)
    with engine.begin() as conn:
        for w in range(6):
            activities.add(conn, activity=run(last - timedelta(days=7 * w), 10, 60))
        activities.add(conn, activity=run(TODAY - timedelta(days=4), 3, 18))  # one walk-run back
        checks.add(conn, answers=dict(SAFE), result={}, kb_version=kb.version,
                   triage_level="self_care", created_at=datetime.combine(start, time(8), UTC))  # fmt: skip
    with engine.begin() as conn:
        view = plan_view(conn, kb=kb, today=TODAY, save=False)
    runs = [i.run for _, i in view.plan.items if i.run]
    assert runs and all(r.duration_s < 30 * 60 for r in runs[:3])  # not the default hour
    assert any(r.walk_run for r in runs)
