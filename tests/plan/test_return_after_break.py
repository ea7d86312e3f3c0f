"""The plan after a break: it restarts below the last known running, not at the old level."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase
from backstride.models import Activity
from backstride.plan import Plan, PlanPreferences, build_plan
from backstride.plan.model import PlanItem
from backstride.plan.running import guard_violations
from tests.plan.conftest import TODAY, run, weekly_history

Check = Callable[..., Assessment]


def _before(days_off: int, long_km: float = 10.0, easy_km: float = 6.0) -> list[Activity]:
    """Six weeks of two easy runs and a long run a week at 6 min/km, the last (a long run)
    `days_off` days ago."""
    last = TODAY - timedelta(days=days_off)
    out = []
    for w in range(6):
        long_day = last - timedelta(days=7 * w)
        out += [run(long_day - timedelta(days=5), easy_km, easy_km * 6)]
        out += [run(long_day - timedelta(days=3), easy_km, easy_km * 6)]
        out += [run(long_day, long_km, long_km * 6)]
    return sorted(out, key=lambda a: a.started_at)


def _runs(plan: Plan, until: date | None = None) -> list[tuple[date, PlanItem]]:
    return [(d, i) for d, i in plan.items if i.kind == "run" and (until is None or d < until)]


def test_after_5_months_off_week_1_has_no_hard_run_no_hour_long_run_and_walk_run(
    kb: KnowledgeBase, check: Check
) -> None:
    history = _before(days_off=150)  # the long runs were 60 minutes
    plan = build_plan(check(), history, PlanPreferences(weeks=4), kb=kb, today=TODAY)
    week1 = [i.run for _, i in _runs(plan, TODAY + timedelta(days=7)) if i.run]
    assert week1 and all(r.intensity != "hard" for r in week1)
    assert max(r.duration_s for r in week1) == pytest.approx(0.3 * 60 * 60)  # 18 min, not 60
    assert all(r.walk_run == (2, 1) for r in week1)
    first = _runs(plan)[0][1]
    assert first.title.startswith("Easy walk-run") and "2 min of easy running" in first.detail
    assert "Your last run was" in first.why and "expert opinion" in first.why
    assert any("Mujika" in s for s in first.sources)
    assert first.evidence == "expert_opinion"


def test_a_long_break_keeps_walk_run_and_no_hard_runs_for_four_weeks(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(), _before(150), PlanPreferences(weeks=6), kb=kb, today=TODAY)
    restart_end = TODAY + timedelta(days=28)
    early = [i.run for d, i in _runs(plan, restart_end) if i.run]
    later = [i.run for d, i in _runs(plan) if d >= restart_end and i.run]
    assert all(r.walk_run and r.intensity != "hard" for r in early)
    assert any(r.intensity == "hard" for r in later) and not any(r.walk_run for r in later)


def test_after_7_weeks_off_the_first_long_run_is_30_percent_of_the_old_longest(
    kb: KnowledgeBase, check: Check
) -> None:
    history = _before(days_off=49, long_km=16.0, easy_km=8.0)
    plan = build_plan(check(), history, PlanPreferences(weeks=4), kb=kb, today=TODAY)
    runs = _runs(plan)
    long1 = next(i.run for _, i in runs if i.run and i.run.intensity == "long")
    assert long1.distance_m == pytest.approx(0.3 * 16000)
    two_weeks = TODAY + timedelta(days=14)
    assert not any(i.run and i.run.intensity == "hard" for d, i in runs if d < two_weeks)
    assert all(i.run and i.run.walk_run for d, i in runs if d < two_weeks)


def test_a_5_week_break_cuts_less_than_a_long_one(kb: KnowledgeBase, check: Check) -> None:
    history = _before(days_off=35, long_km=16.0, easy_km=8.0)
    plan = build_plan(check(), history, PlanPreferences(weeks=2), kb=kb, today=TODAY)
    long1 = next(i.run for _, i in _runs(plan) if i.run and i.run.intensity == "long")
    assert long1.distance_m == pytest.approx(0.5 * 16000)  # 1 - 0.1 x 5 weeks


def test_the_restart_keeps_the_30_day_rule_from_the_reduced_reference(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(), _before(150), PlanPreferences(weeks=8), kb=kb, today=TODAY)
    planned = [(d, i.run.distance_m) for d, i in _runs(plan) if i.run and i.run.distance_m]
    start = [(TODAY - timedelta(days=1), 0.3 * 10000)]
    assert guard_violations(start + planned, max_ratio=1.1, window_days=30) == []


def test_a_runner_without_a_break_is_unchanged(kb: KnowledgeBase, check: Check) -> None:
    history = weekly_history()
    plan = build_plan(check(), history, PlanPreferences(weeks=2), kb=kb, today=TODAY)
    runs = [i for _, i in _runs(plan)]
    assert any(i.run and i.run.intensity == "hard" for i in runs)
    assert not any(i.run and (i.run.walk_run or i.run.note) for i in runs)
    assert "walk_run" not in str(plan.to_json())
    long1 = next(i.run for i in runs if i.run and i.run.intensity == "long")
    assert long1.distance_m == pytest.approx(16000)


def test_a_runner_with_no_history_keeps_the_default_plan(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(), (), PlanPreferences(weeks=1), kb=kb, today=TODAY)
    runs = [i.run for _, i in _runs(plan) if i.run]
    minutes = kb.progress_rules.schedule.default_longest_run_minutes
    assert any(r.intensity == "hard" for r in runs) and not any(r.walk_run for r in runs)
    assert max(r.duration_s for r in runs) == pytest.approx(minutes * 60)


def test_the_restart_grows_10_percent_a_week_towards_the_old_running(
    kb: KnowledgeBase, check: Check
) -> None:
    plan = build_plan(check(), _before(150), PlanPreferences(weeks=4), kb=kb, today=TODAY)
    longs = [i.run.distance_m for _, i in _runs(plan) if i.run and i.run.intensity == "long"]
    assert longs == pytest.approx([3000 * 1.1**w for w in range(4)])
