"""The n-of-1 statistics held to known answers on small hand-made series."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backstride.analyse.nof1 import _transform, bonferroni_level, fit_ar1, t_cdf, t_quantile


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706204736),  # textbook t tables
        (0.975, 10, 2.228138852),
        (0.975, 30, 2.042272456),
        (0.995, 5, 4.032142984),
        (0.025, 20, -2.085963447),
        (0.5, 7, 0.0),
    ],
)
def test_t_quantile_matches_tables(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-7)
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)


def test_bonferroni_level() -> None:
    assert bonferroni_level(1) == pytest.approx(0.95)
    assert bonferroni_level(25) == pytest.approx(0.998)


def test_no_noise_gives_the_planted_difference_exactly() -> None:
    # Pain 2 on ordinary days, 5 on exposed days: effect 3 whatever rho comes out.
    x = [0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    y = [2 + 3 * v for v in x]
    fit = fit_ar1(y, x, trend=False)
    assert fit is not None
    assert fit.effect == pytest.approx(3.0, abs=1e-9)
    assert fit.se == pytest.approx(0.0, abs=1e-6)
    assert (fit.n_exposed, fit.n_unexposed, fit.n) == (6, 18, 24)


def test_white_noise_matches_ordinary_least_squares_when_rho_is_zero() -> None:
    # Residuals alternate in sign in a way that makes the lag-1 autocorrelation negative
    # and small; compare with the textbook two-group difference of means.
    y = [3, 5, 4, 2, 6, 3, 4, 5, 3, 4, 2, 5]
    x = [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1]
    fit = fit_ar1(y, x, trend=False, iterations=0)  # iterations=0: OLS, rho 0
    assert fit is not None
    exposed = [v for v, e in zip(y, x, strict=True) if e]
    others = [v for v, e in zip(y, x, strict=True) if not e]
    assert fit.effect == pytest.approx(np.mean(exposed) - np.mean(others))
    pooled = (np.var(exposed, ddof=1) * 3 + np.var(others, ddof=1) * 7) / 10
    ols_se = math.sqrt(pooled * (1 / 4 + 1 / 8))
    # df is n - p - 1 (one for rho) and the model SE is the floor: at least the OLS one,
    # rescaled by (n - p) / (n - p - 1).
    assert fit.se >= ols_se * math.sqrt(10 / 9) - 1e-9


def test_prais_winsten_transform_by_hand() -> None:
    z = np.array([[1.0], [2.0], [4.0], [8.0]])
    starts = np.array([True, False, True, False])  # a gap before the third day
    out = _transform(z, starts, 0.5)
    assert out[:, 0] == pytest.approx([math.sqrt(0.75), 1.5, 4 * math.sqrt(0.75), 6.0])


def test_rho_is_recovered_from_a_long_ar1_series() -> None:
    rng = np.random.default_rng(7)
    n, rho = 3000, 0.6
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal()
    x = (rng.random(n) < 0.2).astype(float)
    fit = fit_ar1(3 + 1.5 * x + e, x)
    assert fit is not None
    assert fit.rho == pytest.approx(rho, abs=0.05)
    lo, hi = fit.interval(0.95)
    assert lo < 1.5 < hi


def test_gaps_start_new_segments_and_nans_are_dropped() -> None:
    y = [1.0, 2.0, float("nan"), 3.0, 4.0, 2.0, 1.0, 5.0, 4.0, 2.0, 3.0, 1.0]
    x = [0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0]
    t = [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]
    fit = fit_ar1(y, x, t=t)
    assert fit is not None
    assert fit.n == 11
    assert fit.n_exposed == 4


def test_an_exposure_that_never_varies_cannot_be_estimated() -> None:
    assert fit_ar1([1.0, 2, 3, 4, 5, 6, 7], [1, 1, 1, 1, 1, 1, 1]) is None
    assert fit_ar1([1.0, 2, 3], [0, 1, 0]) is None  # fewer rows than columns + 3


def test_serial_correlation_widens_the_interval_against_a_naive_t_test() -> None:
    # Exposed days in one block during a pain flare: a naive t-test calls it an effect;
    # the AR(1) model sees a slow wave and does not.
    rng = np.random.default_rng(3)
    n = 120
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = 0.9 * e[i - 1] + rng.normal(0, 0.5)
    x = np.zeros(n)
    x[60:70] = 1
    y = 3 + e
    fit = fit_ar1(y, x, trend=False)
    naive = fit_ar1(y, x, trend=False, iterations=0)
    assert fit is not None and naive is not None
    lo, hi = naive.interval(0.95)
    assert hi < 0  # the naive fit (rho 0) "finds" lower pain on the exposed days
    lo, hi = fit.interval(0.95)
    assert lo < 0 < hi
    assert fit.rho > 0.7
