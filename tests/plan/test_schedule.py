"""Scheduling constraints: strength twice a week, never on hard or long run days, 48 h apart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase
from backstride.plan import PlanPreferences, build_plan
from backstride.plan.schedule import pick_strength_days, week_pattern
from tests.plan.conftest import GLUTES, TODAY, weekly_history

Check = Callable[..., Assessment]


def test_default_week_puts_strength_on_non_run_days_away_from_hard_and_long() -> None:
    p = week_pattern(
        (1, 3, 6), long_day=6, hard_days=(3,), strength_sessions=2, min_gap_days=2, min_rest=1
    )
    assert p.strength_days == (0, 4)  # Monday and Friday
    assert set(p.rest_days) == {2, 5}


def test_strength_never_lands_on_hard_or_long_days_even_when_running_daily() -> None:
    days = pick_strength_days(
        (0, 1, 2, 3, 4, 5, 6), long_day=6, hard_days=(1, 3), sessions=2, min_gap_days=2
    )
    assert len(days) == 2 and not {1, 3, 6} & set(days)


def test_runner_running_seven_days_gets_rest_days_back() -> None:
    p = week_pattern(
        tuple(range(7)), long_day=6, hard_days=(2,), strength_sessions=2, min_gap_days=2, min_rest=2
    )
    assert 6 in p.run_days and 2 in p.run_days
    assert len(p.rest_days) >= 2


@pytest.mark.parametrize(
    "prefs",
    [
        PlanPreferences(),
        PlanPreferences(run_weekdays=(0, 2, 4, 5), long_run_weekday=5, hard_weekdays=(2,)),
        PlanPreferences(
            run_weekdays=(0, 1, 2, 3, 4, 5, 6), long_run_weekday=6, hard_weekdays=(1, 3)
        ),
        PlanPreferences(run_weekdays=(6,), long_run_weekday=6, hard_weekdays=()),
    ],
    ids=["default", "four_days", "every_day", "one_long_run"],
)
def test_plan_keeps_two_strength_days_a_week_off_hard_and_long_days(
    kb: KnowledgeBase, check: Check, prefs: PlanPreferences
) -> None:
    plan = build_plan(check(**GLUTES), weekly_history(), prefs, kb=kb, today=TODAY)
    strength_dates = []
    for week in [w for w in plan.weeks if len(w.days) == 7]:  # full calendar weeks
        in_week = [d for d in week.days if any(i.kind == "strength" for i in d.items)]
        assert len(in_week) == 2
        for d in in_week:
            runs = [i.run for i in d.items if i.kind == "run"]
            assert all(r.intensity == "easy" for r in runs)
        strength_dates += [d.date for d in in_week]
    gaps = [b - a for a, b in zip(strength_dates, strength_dates[1:], strict=False)]
    assert min(gaps) >= timedelta(hours=48)


@settings(max_examples=60, deadline=None)
@given(
    runs=st.sets(st.integers(0, 6), min_size=1, max_size=7),
    long_day=st.integers(0, 6),
    hard=st.sets(st.integers(0, 6), max_size=3),
)
def test_strength_days_property(runs: set[int], long_day: int, hard: set[int]) -> None:
    run_days = tuple(sorted(runs | {long_day}))
    p = week_pattern(
        run_days,
        long_day=long_day,
        hard_days=tuple(hard),
        strength_sessions=2,
        min_gap_days=2,
        min_rest=1,
    )
    assert not set(p.strength_days) & (set(p.hard_days) | {p.long_day})
    if len(p.strength_days) == 2:
        a, b = p.strength_days
        assert min(abs(a - b), 7 - abs(a - b)) >= 2
    easy_runs = set(p.run_days) - set(p.hard_days) - {p.long_day}
    assert len(p.rest_days) >= 1 or not easy_runs
