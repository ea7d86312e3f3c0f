from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.analyse import load
from tests.analyse._factory import run

D = date(2025, 11, 9)


def test_longest_run_ratio_against_previous_30_days() -> None:
    acts = [
        run(1, date(2025, 10, 5), 25.0),  # 35 days before the 9th: outside the window
        run(2, date(2025, 10, 12), 19.9),  # 28 days before: the reference
        run(3, date(2025, 10, 20), 12.0),
        run(4, D, 28.1),
        run(5, date(2025, 10, 21), None),  # no distance: skipped
    ]
    spikes = {s.activity_id: s for s in load.longest_run_ratios(acts)}
    assert spikes[1].ratio is None and spikes[1].previous_longest_m is None
    assert spikes[2].ratio == pytest.approx(19.9 / 25.0, abs=1e-12)
    s = spikes[4]
    assert (s.previous_longest_id, s.previous_longest_m, s.run_date) == (2, 19_900, D)
    assert s.ratio == pytest.approx(1.41206, abs=1e-5)  # 28.1 / 19.9
    assert 5 not in spikes


def test_same_day_earlier_run_counts_in_the_window() -> None:
    acts = [run(1, D, 5.0, hour=7), run(2, D, 10.0, hour=18)]
    assert load.longest_run_ratios(acts)[1].ratio == pytest.approx(2.0)


def test_change_ratio_needs_a_previous_amount() -> None:
    assert load.change_ratio(13.0, 10.0) == pytest.approx(1.3)
    assert load.change_ratio(13.0, 0.0) is None


def test_acwr_rolling_by_hand() -> None:
    # 21 days of 10, then 7 days of 20: acute 20, chronic (21*10 + 7*20)/28 = 12.5 -> 1.6
    loads = [10.0] * 21 + [20.0] * 7
    out = load.acwr_rolling(loads)
    assert np.isnan(out[:27]).all()
    assert out[27] == pytest.approx(1.6, abs=1e-12)


def test_acwr_rolling_needs_28_days_of_history() -> None:
    assert np.isnan(load.acwr_rolling([5.0] * 27)).all()


def test_acwr_rolling_is_undefined_without_chronic_load() -> None:
    assert np.isnan(load.acwr_rolling([0.0] * 30)).all()


@given(st.floats(min_value=0.1, max_value=1e5), st.integers(min_value=28, max_value=120))
def test_acwr_is_one_for_constant_load(value: float, days: int) -> None:
    loads = [value] * days
    np.testing.assert_allclose(load.acwr_rolling(loads)[27:], 1.0, rtol=1e-9)
    np.testing.assert_allclose(load.acwr_ewma(loads)[27:], 1.0, rtol=1e-9)


def test_ewma_by_hand() -> None:
    # lambda = 2/(3+1) = 0.5, seeded with the first value 10: 10, 0.5*0+0.5*10=5, 0.5*20+2.5=12.5
    np.testing.assert_allclose(load.ewma([10.0, 0.0, 20.0], n_days=3), [10.0, 5.0, 12.5])


def test_acwr_ewma_rises_after_a_spike() -> None:
    loads = [10.0] * 28 + [30.0]
    out = load.acwr_ewma(loads)
    # acute: 0.25*30 + 0.75*10 = 15; chronic: (2/29)*30 + (27/29)*10 = 11.3793...
    assert out[28] == pytest.approx(15 / (10 + 40 / 29), abs=1e-9)
    assert np.isnan(out[:27]).all()


def test_monotony_and_strain_by_hand() -> None:
    week = [10.0, 0.0, 10.0, 0.0, 10.0, 0.0, 12.0]
    mean = 42 / 7
    sd = math.sqrt(sum((x - mean) ** 2 for x in week) / 7)  # ddof=0: 5.2372...
    assert load.monotony(week) == pytest.approx(mean / sd, abs=1e-12)
    assert load.monotony(week) == pytest.approx(1.14564, abs=1e-5)
    assert load.strain(week) == pytest.approx(42 * 1.14564, abs=1e-3)


def test_monotony_zero_variance_is_inf_and_no_load_is_nan() -> None:
    assert load.monotony([8.0] * 7) == math.inf
    assert math.isnan(load.monotony([0.0] * 7))
    assert math.isnan(load.monotony([]))
    assert load.strain([0.0] * 7) == 0.0
    assert load.strain([8.0] * 7) == math.inf


def test_consecutive_days_groups_streaks_of_two_or_more() -> None:
    days = [date(2025, 11, d) for d in (1, 2, 2, 4, 6, 7, 8)]
    assert load.consecutive_days(days) == [
        [date(2025, 11, 1), date(2025, 11, 2)],
        [date(2025, 11, 6), date(2025, 11, 7), date(2025, 11, 8)],
    ]


def test_hill_block_ratio_against_the_4_weeks_before() -> None:
    out = load.hill_block_ratio([100, 200, 300, 400, 750, 0], baseline_weeks=4)
    assert out[:4] == [None] * 4
    assert out[4] == pytest.approx(750 / 250)
    assert out[5] == pytest.approx(0.0)
    assert load.hill_block_ratio([0, 0, 100], baseline_weeks=2)[2] is None


def test_breaks_of_14_days_or_more() -> None:
    days = [date(2025, 10, 1), date(2025, 10, 14), date(2025, 10, 28), date(2025, 10, 29)]
    assert load.breaks(days, min_gap_days=14) == [(date(2025, 10, 14), date(2025, 10, 28))]


def _naive_ratios(acts: list, window_days: int = 30) -> list:  # type: ignore[type-arg]
    runs = sorted(
        (a for a in acts if a.activity.distance_m), key=lambda a: (a.activity.started_at, a.id)
    )
    out = []
    for i, r in enumerate(runs):
        t = r.activity.started_at
        prev = [
            p.activity.distance_m
            for p in runs[:i]
            if t - timedelta(days=window_days) <= p.activity.started_at < t
        ]
        out.append(r.activity.distance_m / max(prev) if prev else None)
    return out


@pytest.mark.slow
@given(
    st.lists(st.tuples(st.integers(0, 120), st.integers(0, 23), st.floats(0.5, 40)), max_size=40)
)
def test_sliding_window_matches_the_naive_definition(points: list) -> None:  # type: ignore[type-arg]
    acts = [
        run(i, date(2025, 1, 1) + timedelta(days=d), km, hour=h)
        for i, (d, h, km) in enumerate(points)
    ]
    got = [s.ratio for s in load.longest_run_ratios(acts)]
    want = _naive_ratios(acts)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g is None and w is None) or g == pytest.approx(w)
