from __future__ import annotations

from datetime import date, timedelta

import pytest

from backstride.analyse import intensity
from tests.analyse._factory import run

START = date(2025, 10, 1)


def _easy(n: int, *, hr: float | None = 140.0) -> list:  # type: ignore[type-arg]
    return [
        run(i + 1, START + timedelta(days=2 * i), 10.0, minutes=60, avg_hr_bpm=hr) for i in range(n)
    ]


def test_hard_by_heart_rate_against_the_median_of_earlier_runs() -> None:
    acts = _easy(5) + [
        run(10, date(2025, 10, 12), 10.0, minutes=50, avg_hr_bpm=152),  # 152/140 = 1.0857
        run(11, date(2025, 10, 13), 10.0, minutes=60, avg_hr_bpm=150),  # median now 140: 1.0714
    ]
    out = {s.activity_id: s for s in intensity.classify_sessions(acts)}
    assert out[1].hard is None  # no reference yet
    assert (out[10].hard, out[10].basis) == (True, "heart_rate")
    assert out[10].ratio == pytest.approx(152 / 140)
    assert out[11].hard is False


def test_pace_is_used_without_heart_rate() -> None:
    acts = _easy(5, hr=None) + [run(10, date(2025, 10, 12), 10.0, minutes=54)]  # 60/54 = 1.111
    s = intensity.classify_sessions(acts)[-1]
    assert (s.hard, s.basis) == (True, "pace")
    assert s.ratio == pytest.approx(60 / 54)


def test_fewer_than_5_reference_runs_cannot_judge() -> None:
    acts = _easy(4) + [run(10, date(2025, 10, 12), 10.0, avg_hr_bpm=180)]
    assert intensity.classify_sessions(acts)[-1].hard is None


def test_reference_window_is_56_days() -> None:
    acts = _easy(5) + [run(10, START + timedelta(days=70), 10.0, avg_hr_bpm=180)]
    assert intensity.classify_sessions(acts)[-1].hard is None


def test_hard_sessions_per_week() -> None:
    sessions = [intensity.SessionIntensity(i, date(2025, 11, i), i % 2 == 0) for i in range(1, 15)]
    # 7 hard runs (even days 2..14) in 14 days = 3.5 a week
    assert intensity.hard_sessions_per_week(
        sessions, first_date=date(2025, 11, 1), last_date=date(2025, 11, 14)
    ) == pytest.approx(3.5)
