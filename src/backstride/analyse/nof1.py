"""N-of-1 statistics: regression with AR(1) errors by Prais-Winsten GLS, and its intervals.

One runner's daily pain is a time series: today's pain follows yesterday's, so an ordinary
t-test or correlation treats 200 days as 200 independent facts and finds effects that are
not there (Tang & Landes 2020). Here the pain on day t is modelled as

    y_t = a + b * x_t + c * trend_t [+ d * ran_t] + e_t,   e_t = rho * e_(t-1) + u_t

(the dynamic regression of Vieira et al. 2017 with an exposure that may be lagged a day),
fitted by feasible GLS: rho from the lag-1 autocorrelation of the residuals, then the
Prais-Winsten transform, iterated (Cochrane & Orcutt 1949; Prais & Winsten 1954). A day
whose previous day is missing starts a new segment (its row is scaled by sqrt(1 - rho^2)),
so gaps in a diary neither break the model nor pretend two distant days are neighbours.

Pure numpy: no scipy, no statsmodels. The t quantile is Hill's (1970) expansion around the
normal quantile, polished by Newton steps on the exact distribution function.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: rho is kept inside (-RHO_MAX, RHO_MAX): a unit root would make the transform degenerate.
RHO_MAX = 0.95


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (Lentz's method)."""
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for num in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                    -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):  # fmt: skip
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-14:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(value: float, df: float) -> float:
    """P(T <= value) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + value * value))
    return 1.0 - tail if value > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom.

    Hill's (1970) expansion around the normal quantile, polished by Newton steps on the
    exact distribution function (accurate to ~1e-9 for df >= 1).
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    z = NormalDist().inv_cdf(p)
    if df == float("inf"):
        return z
    if df < 1:
        raise ValueError(f"df must be at least 1, got {df}")
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    q = z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    for _ in range(50):
        density = math.exp(log_norm - (df + 1) / 2 * math.log1p(q * q / df))
        step = (t_cdf(q, df) - p) / density
        q -= step
        if abs(step) < 1e-10 * max(1.0, abs(q)):
            break
    return float(q)


@dataclass(frozen=True)
class Fit:
    """The exposure's coefficient with its standard error, and what it rests on."""

    effect: float  # pain points: exposed minus unexposed, other terms held equal
    se: float
    df: int
    rho: float  # the AR(1) coefficient of the errors
    n: int  # days (rows) in the fit
    n_exposed: int
    n_unexposed: int

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The two-sided `level` interval for the effect."""
        half = t_quantile(0.5 + level / 2, self.df) * self.se
        return self.effect - half, self.effect + half


def _transform(z: FloatArray, starts: NDArray[np.bool_], rho: float) -> FloatArray:
    """Prais-Winsten: z_t - rho z_(t-1) inside a segment, sqrt(1 - rho^2) z_t at its start."""
    out = np.empty_like(z)
    out[1:] = z[1:] - rho * z[:-1]
    out[starts] = np.sqrt(1.0 - rho * rho) * z[starts]
    return out


def _lag1(resid: FloatArray, starts: NDArray[np.bool_]) -> float:
    """The lag-1 autocorrelation of the residuals over pairs of neighbouring days."""
    pairs = ~starts[1:]
    num = float(np.sum(resid[1:][pairs] * resid[:-1][pairs]))
    den = float(np.sum(resid[:-1][pairs] ** 2))
    if den <= 0.0:
        return 0.0
    return num / den


def fit_ar1(
    y: Sequence[float] | FloatArray,
    x: Sequence[float] | FloatArray,
    *,
    t: Sequence[int] | NDArray[np.int64] | None = None,
    covariates: Sequence[Sequence[float]] | FloatArray | None = None,
    trend: bool = True,
    iterations: int = 20,
) -> Fit | None:
    """Regress y on the exposure x (0/1) with AR(1) errors; rows with a NaN are left out.

    `t` gives each row's day number (default 0, 1, 2, ...): a row whose day is not the
    previous row's day + 1 starts a new segment. `covariates` are extra columns (each a
    sequence as long as y). Returns None when the design cannot be estimated (fewer rows
    than columns + 2, or an exposure that never varies).
    """
    ya = np.asarray(y, dtype=np.float64)
    xa = np.asarray(x, dtype=np.float64)
    ta = np.arange(len(ya), dtype=np.int64) if t is None else np.asarray(t, dtype=np.int64)
    cols = [np.ones_like(ya), xa]
    if trend:
        span = max(float(ta.max() - ta.min()), 1.0) if len(ta) else 1.0
        cols.append((ta - ta.min()) / span if len(ta) else ta.astype(np.float64))
    if covariates is not None:
        cols += [np.asarray(c, dtype=np.float64) for c in covariates]
    design = np.column_stack(cols)
    keep = np.isfinite(ya) & np.all(np.isfinite(design), axis=1)
    ya, design, ta = ya[keep], design[keep], ta[keep]
    n, p = design.shape
    if n < p + 3 or np.ptp(design[:, 1]) == 0:
        return None
    # Drop covariate columns that are constant (they duplicate the intercept).
    usable = [0, 1] + [j for j in range(2, p) if np.ptp(design[:, j]) > 0]
    design = design[:, usable]
    p = design.shape[1]
    starts = np.ones(n, dtype=bool)
    starts[1:] = np.diff(ta) != 1
    rho = 0.0
    beta = np.linalg.lstsq(design, ya, rcond=None)[0]
    for _ in range(iterations):
        resid = ya - design @ beta
        raw = _lag1(resid, starts)
        # Kendall's (1954) first-order bias of the lag-1 estimate, (1 + 3 rho) / n.
        new_rho = float(np.clip(raw + (1 + 3 * raw) / n, -RHO_MAX, RHO_MAX))
        beta = np.linalg.lstsq(
            _transform(design, starts, new_rho), _transform(ya, starts, new_rho), rcond=None
        )[0]
        if abs(new_rho - rho) < 1e-6:
            rho = new_rho
            break
        rho = new_rho
    xs, ys = _transform(design, starts, rho), _transform(ya, starts, rho)
    resid_star = ys - xs @ beta
    df = n - p - 1  # one more parameter: rho
    xtx_inv = np.linalg.pinv(xs.T @ xs)
    se = _hac_se(xs, resid_star, xtx_inv, starts, df)
    exposed = int(np.sum(design[:, 1] > 0.5))
    return Fit(float(beta[1]), se, df, rho, n, exposed, n - exposed)


def _hac_se(
    xs: FloatArray, resid: FloatArray, xtx_inv: FloatArray, starts: NDArray[np.bool_], df: int
) -> float:
    """The exposure's standard error, robust to what AR(1) leaves in the residuals.

    Newey & West (1987) weights over the transformed residuals, lags up to
    floor(4 (n/100)^(2/9)), pairs only within a segment; never smaller than the model-based
    GLS standard error. Rounding a 0-10 score to whole points adds white noise, which makes
    the errors ARMA(1,1) rather than AR(1): with rho estimated from them, the model-based
    error alone runs a little small for exposures that come in blocks (bench/insights_bench.py).
    """
    n = len(resid)
    model = float(resid @ resid) / df * xtx_inv[1, 1]
    scores = xs * resid[:, None]
    meat = scores.T @ scores
    segment = np.cumsum(starts)
    lags = int(4 * (n / 100) ** (2 / 9))
    for lag in range(1, lags + 1):
        same = segment[lag:] == segment[:-lag]
        cross = scores[lag:][same].T @ scores[:-lag][same]
        meat += (1 - lag / (lags + 1)) * (cross + cross.T)
    robust = float((xtx_inv @ meat @ xtx_inv)[1, 1]) * n / df
    return float(np.sqrt(max(model, robust, 0.0)))


def bonferroni_level(tests: int, alpha: float = 0.05) -> float:
    """The per-interval level that keeps the chance of any false finding among `tests`
    intervals at or below `alpha` (Bonferroni; Dunn 1961)."""
    return 1.0 - alpha / max(tests, 1)
