"""The 30-day longest-run guard: no planned run more than 10% over the previous 30 days' longest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase
from backstride.plan import PlanPreferences, build_plan
from backstride.plan.running import guard_violations, longest_before, past_runs
from tests.plan.conftest import LOAD, TODAY, run, weekly_history

Check = Callable[..., Assessment]


def test_longest_before_looks_back_30_days_excluding_the_day_itself() -> None:
    runs = [(date(2026, 10, 1), 30.0), (date(2026, 10, 20), 12.0), (date(2026, 10, 31), 50.0)]
    assert longest_before(runs, date(2026, 10, 31), window_days=30) == 30.0
    assert longest_before(runs, date(2026, 11, 1), window_days=30) == 50.0
    assert longest_before(runs, date(2026, 10, 1), window_days=30) is None


def test_guard_violations_finds_a_spike_by_hand() -> None:
    runs = [(date(2026, 11, 1), 10.0), (date(2026, 11, 8), 11.0), (date(2026, 11, 15), 12.2)]
    # 12.2 > 1.1 x 11.0 = 12.1
    assert guard_violations(runs, max_ratio=1.1, window_days=30) == [
        (date(2026, 11, 15), 12.2, pytest.approx(12.1))
    ]


def test_other_sports_are_not_runs() -> None:
    history = [
        run(TODAY - timedelta(days=2), 40, 90, sport="cycling"),
        run(TODAY - timedelta(days=3), 8, 48),
    ]
    assert [r.distance_m for r in past_runs(history)] == [8000]


def _planned_and_past(plan, history) -> list[tuple[date, float]]:
    past = [(r.day, r.distance_m) for r in past_runs(history)]
    planned = [(d, i.run.distance_m) for d, i in plan.items if i.kind == "run"]
    return past + planned


def test_return_after_reduction_never_breaks_the_30_day_rule(
    kb: KnowledgeBase, check: Check
) -> None:
    history = weekly_history()
    plan = build_plan(check(**LOAD), history, PlanPreferences(weeks=8), kb=kb, today=TODAY)
    all_runs = _planned_and_past(plan, history)
    found = [v for v in guard_violations(all_runs, max_ratio=1.1, window_days=30) if v[0] >= TODAY]
    assert found == []


def test_a_recent_short_block_caps_the_plan_to_110_percent(kb: KnowledgeBase, check: Check) -> None:
    """Runner whose only run in 30 days was 10 km: no planned run passes 11 km."""
    history = [run(TODAY - timedelta(days=40), 30, 180), run(TODAY - timedelta(days=5), 10, 60)]
    plan = build_plan(check(), history, kb=kb, today=TODAY)
    longest = max(i.run.distance_m for _, i in plan.items if i.kind == "run")
    first_week = [
        i.run.distance_m for d, i in plan.items if i.kind == "run" and d < TODAY + timedelta(days=7)
    ]
    assert max(first_week) == pytest.approx(10000)
    assert longest <= 11000 + 1e-6  # the 30 km run 40 days ago is outside the window


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sizes=st.lists(st.floats(3, 35), min_size=0, max_size=14),
    gaps=st.lists(st.integers(1, 6), min_size=14, max_size=14),
    load=st.booleans(),
)
def test_no_planned_run_ever_breaks_the_30_day_rule(
    kb: KnowledgeBase, check: Check, sizes: list[float], gaps: list[int], load: bool
) -> None:
    day = TODAY
    history = []
    for km, gap in zip(sizes, gaps, strict=False):
        day -= timedelta(days=gap)
        history.append(run(day, km, km * 6))
    a = check(**LOAD) if load else check(recent_changes=["none"])
    plan = build_plan(a, history, PlanPreferences(weeks=6), kb=kb, today=TODAY)
    runs = [(r.day, r.distance_m or r.duration_s) for r in past_runs(history)]
    if not history:  # the runner's own longest run counts as yesterday's run
        minutes = kb.progress_rules.schedule.default_longest_run_minutes
        runs = [(TODAY - timedelta(days=1), minutes * 60.0)]
    metric_planned = [
        (d, i.run.distance_m if history else i.run.duration_s)
        for d, i in plan.items
        if i.kind == "run"
    ]
    found = [
        v
        for v in guard_violations(runs + metric_planned, max_ratio=1.1, window_days=30)
        if v[0] >= TODAY
    ]
    assert found == []
