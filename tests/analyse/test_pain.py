"""Pain trend, MCID improvement (2 points or 30%) and the two-week escalation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backstride.analyse.pain import daily_worst, is_improved, pain_progress, slope_per_week
from backstride.models import DiaryEntry

D0 = date(2026, 11, 1)
RULES = {
    "mcid_points": 2,
    "mcid_fraction": 0.3,
    "baseline_days": 7,
    "recent_days": 7,
    "escalate_after_days": 14,
    "min_diary_days": 4,
}


def _day(i: int, pain: int, kind: str = "day") -> DiaryEntry:
    return DiaryEntry(D0 + timedelta(days=i), kind, pain_during=pain)


@pytest.mark.parametrize(
    ("baseline", "recent", "improved"),
    [
        (6, 4, True),  # 2 points
        (6, 4.5, False),  # 1.5 points, 25%
        (3, 2, True),  # 1 point but 33%
        (10, 8.5, False),  # 1.5 points, 15%
        (4, 5, False),  # worse
        (0, 0, False),
    ],
)
def test_mcid_is_two_points_or_thirty_percent(baseline, recent, improved) -> None:
    assert is_improved(baseline, recent, mcid_points=2, mcid_fraction=0.3) is improved


def test_daily_worst_takes_the_highest_value_of_the_day() -> None:
    entries = [
        DiaryEntry(D0, "run", pain_during=3, pain_after=5),
        DiaryEntry(D0, "day", pain_during=2),
        DiaryEntry(D0 + timedelta(days=1), "day"),
    ]
    assert daily_worst(entries) == [(D0, 5)]


def test_slope_by_hand() -> None:
    # pain 6 on day 0 and 4 on day 7: -2 points per week
    assert slope_per_week([(D0, 6), (D0 + timedelta(days=7), 4)]) == pytest.approx(-2.0)
    assert slope_per_week([(D0, 6)]) is None


def test_flat_pain_for_two_weeks_escalates() -> None:
    entries = [_day(i, 5) for i in range(0, 15)]
    p = pain_progress(entries, plan_start=D0, today=D0 + timedelta(days=14), **RULES)
    assert p.baseline == 5 and p.recent == 5 and not p.improved and p.escalate


def test_before_two_weeks_nothing_escalates() -> None:
    entries = [_day(i, 5) for i in range(0, 13)]
    p = pain_progress(entries, plan_start=D0, today=D0 + timedelta(days=13), **RULES)
    assert not p.escalate


def test_too_few_diary_days_cannot_escalate() -> None:
    entries = [_day(0, 5), _day(14, 5)]
    p = pain_progress(entries, plan_start=D0, today=D0 + timedelta(days=14), **RULES)
    assert p.diary_days == 2 and not p.escalate


def test_improvement_of_30_percent_counts() -> None:
    entries = [_day(i, 5) for i in range(7)] + [_day(i, 3) for i in range(8, 16)]
    p = pain_progress(entries, plan_start=D0, today=D0 + timedelta(days=15), **RULES)
    assert p.change_points == pytest.approx(2) and p.improved and not p.escalate
