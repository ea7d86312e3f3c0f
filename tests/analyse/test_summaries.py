from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from backstride.analyse import summaries
from backstride.models import Activity
from tests.analyse._factory import run


@pytest.mark.parametrize(
    ("sport", "expected"),
    [
        ("running", True),
        ("Run", True),
        ("Trail Run", True),
        ("treadmill_running", True),
        ("VirtualRun", True),
        ("cycling", False),
        ("walking", False),
        ("swimming", False),
    ],
)
def test_is_run_covers_fit_and_strava_names(sport: str, expected: bool) -> None:
    assert summaries.is_run(run(1, date(2025, 11, 3), sport=sport).activity) is expected


def test_local_date_uses_the_utc_offset() -> None:
    a = Activity(
        sport="running",
        started_at=datetime(2025, 11, 8, 23, 30, tzinfo=UTC),
        elapsed_s=1800,
        source_file="x",
        content_hash="y",
        source_format="fit",
        utc_offset_s=3600,
    )
    assert summaries.local_date(a) == date(2025, 11, 9)


def test_week_start_of_monday_and_sunday() -> None:
    wed = date(2025, 11, 5)
    assert summaries.week_start_of(wed, "monday") == date(2025, 11, 3)
    assert summaries.week_start_of(wed, "sunday") == date(2025, 11, 2)
    sun = date(2025, 11, 9)
    assert summaries.week_start_of(sun, "monday") == date(2025, 11, 3)
    assert summaries.week_start_of(sun, "sunday") == sun


def test_weekly_summaries_by_hand() -> None:
    acts = [
        run(1, date(2025, 11, 3), 8.0, minutes=48, elevation_gain_m=40, avg_cadence_spm=170),
        run(2, date(2025, 11, 5), 6.0, minutes=36, elevation_gain_m=20, avg_cadence_spm=160),
        run(3, date(2025, 11, 9), 16.0, minutes=100, elevation_gain_m=140),
        run(4, date(2025, 11, 4), 30.0, sport="cycling"),
        run(5, date(2025, 11, 19), 5.0, minutes=30),
    ]
    weeks = summaries.weekly_summaries(
        acts, first_date=date(2025, 11, 3), last_date=date(2025, 11, 19)
    )
    assert [w.week_start_date for w in weeks] == [
        date(2025, 11, 3),
        date(2025, 11, 10),
        date(2025, 11, 17),
    ]
    w = weeks[0]
    assert (w.runs, w.distance_m, w.duration_s, w.climbing_m) == (3, 30_000, 184 * 60, 200)
    assert (w.longest_run_m, w.longest_run_id) == (16_000, 3)
    assert w.long_run_share == pytest.approx(16 / 30, abs=1e-12)
    # duration-weighted: (170*48 + 160*36) / 84 = 165.714...
    assert w.avg_cadence_spm == pytest.approx(165.7142857, abs=1e-6)
    assert weeks[1].runs == 0 and weeks[1].long_run_share is None
    assert weeks[2].distance_m == 5000


def test_sunday_weeks_move_the_sunday_run() -> None:
    acts = [run(1, date(2025, 11, 8), 5.0), run(2, date(2025, 11, 9), 10.0)]
    weeks = summaries.weekly_summaries(
        acts, first_date=date(2025, 11, 8), last_date=date(2025, 11, 9), week_start="sunday"
    )
    assert [(w.week_start_date, w.distance_m) for w in weeks] == [
        (date(2025, 11, 2), 5000),
        (date(2025, 11, 9), 10000),
    ]


def test_daily_distance_counts_rest_days_as_zero() -> None:
    acts = [
        run(1, date(2025, 11, 3), 5.0),
        run(2, date(2025, 11, 3), 3.0, hour=18),
        run(3, date(2025, 11, 5), 10.0),
    ]
    daily = summaries.daily_distance_m(
        acts, first_date=date(2025, 11, 2), last_date=date(2025, 11, 6)
    )
    assert daily == [0.0, 8000.0, 0.0, 10000.0, 0.0]
