"""Training-load models: the 30-day longest-run rule (and its return-after-a-break form),
weekly change, ACWR, monotony, strain.

Pure numeric functions (pvlib style): loads in, numbers out. Thresholds come from
``kb/data/load_rules.yaml`` through the callers; the defaults here match that file.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from backstride.analyse.summaries import local_date, runs_only
from backstride.models import StoredActivity

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RunSpike:
    """One run against the longest run of the window before it.

    ``ratio`` is None when no run with distance falls in the window (nothing to compare).
    """

    activity_id: int
    run_date: date
    distance_m: float
    previous_longest_m: float | None
    previous_longest_id: int | None
    ratio: float | None


def longest_run_ratios(
    activities: Sequence[StoredActivity], *, window_days: int = 30
) -> list[RunSpike]:
    """Each run's distance divided by the longest run of the previous `window_days` days.

    The window is ``[started_at - window_days, started_at)``, so an earlier run on the
    same day counts. Runs without a distance are skipped. Of equally long earlier runs,
    the most recent is the reference.

    References:
        Frandsen JSB et al. How much running is too much? Identifying high-risk running
        sessions in a 5200-person cohort study. Br J Sports Med 2025;59(17):1203-1210.
    """
    runs = [r for r in runs_only(activities) if r.activity.distance_m]
    window = timedelta(days=window_days)
    # Sliding-window maximum (monotonic deque of indices, distances decreasing): O(n).
    candidates: deque[int] = deque()
    pushed = 0  # runs[:pushed] have entered the deque (only those strictly earlier)
    spikes = []
    for run in runs:
        start = run.activity.started_at
        while pushed < len(runs) and runs[pushed].activity.started_at < start:
            dist_j = runs[pushed].activity.distance_m or 0.0
            while candidates and (runs[candidates[-1]].activity.distance_m or 0.0) <= dist_j:
                candidates.pop()
            candidates.append(pushed)
            pushed += 1
        while candidates and runs[candidates[0]].activity.started_at < start - window:
            candidates.popleft()
        best = runs[candidates[0]] if candidates else None
        dist = run.activity.distance_m or 0.0
        best_m = best.activity.distance_m if best else None
        spikes.append(
            RunSpike(
                activity_id=run.id,
                run_date=local_date(run.activity),
                distance_m=dist,
                previous_longest_m=best_m,
                previous_longest_id=best.id if best else None,
                ratio=dist / best_m if best_m else None,
            )
        )
    return spikes


def change_ratio(current: float, previous: float) -> float | None:
    """``current / previous``; None when there is no previous amount to compare with."""
    return current / previous if previous > 0 else None


def acwr_rolling(
    daily_load: Sequence[float], *, acute_days: int = 7, chronic_days: int = 28
) -> FloatArray:
    """Coupled rolling-average acute:chronic workload ratio for each day.

    ACWR_t = mean(load over the last `acute_days`) / mean(load over the last `chronic_days`),
    both windows ending on day t. NaN before `chronic_days` of history and where the
    chronic mean is 0. Descriptive only: see References for why it is not an injury alarm.

    Args:
        daily_load: load per day, rest days as 0 [any unit; backstride uses m].

    References:
        Gabbett TJ. The training-injury prevention paradox. Br J Sports Med 2016;50:273-280.
        Impellizzeri FM et al. What role do chronic workloads play in the acute to chronic
        workload ratio? Sports Med 2020.
    """
    load = np.asarray(daily_load, dtype=np.float64)
    out = np.full(load.shape, np.nan)
    csum = np.concatenate(([0.0], np.cumsum(load)))
    for t in range(chronic_days - 1, load.size):
        acute = (csum[t + 1] - csum[t + 1 - acute_days]) / acute_days
        chronic = (csum[t + 1] - csum[t + 1 - chronic_days]) / chronic_days
        if chronic > 0:
            out[t] = acute / chronic
    return out


def ewma(daily_load: Sequence[float], *, n_days: int) -> FloatArray:
    """Exponentially weighted moving average with decay ``lambda = 2 / (n_days + 1)``.

    EWMA_t = lambda * load_t + (1 - lambda) * EWMA_(t-1), seeded with the first day's load.

    References:
        Williams S et al. Better way to determine the acute:chronic workload ratio?
        Br J Sports Med 2017;51:209-210.
    """
    load = np.asarray(daily_load, dtype=np.float64)
    lam = 2.0 / (n_days + 1)
    out = np.empty(load.shape)
    prev = load[0] if load.size else 0.0
    for t, value in enumerate(load):
        prev = lam * value + (1.0 - lam) * prev
        out[t] = prev
    return out


def acwr_ewma(
    daily_load: Sequence[float], *, acute_days: int = 7, chronic_days: int = 28
) -> FloatArray:
    """EWMA acute:chronic workload ratio per day (NaN for the first `chronic_days` - 1 days).

    References:
        Williams S et al. Better way to determine the acute:chronic workload ratio?
        Br J Sports Med 2017;51:209-210.
    """
    acute = ewma(daily_load, n_days=acute_days)
    chronic = ewma(daily_load, n_days=chronic_days)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(chronic > 0, acute / np.where(chronic > 0, chronic, 1.0), np.nan)
    ratio[: chronic_days - 1] = np.nan
    return ratio


def monotony(daily_load: Sequence[float]) -> float:
    """Training monotony: mean daily load / standard deviation of daily load (ddof=0).

    Rest days must be included as 0. Identical non-zero loads every day give ``inf``;
    a window with no load at all gives NaN (undefined).

    References:
        Foster C. Monitoring training in athletes with reference to overtraining
        syndrome. Med Sci Sports Exerc 1998;30(7):1164-1168.
    """
    load = np.asarray(daily_load, dtype=np.float64)
    if load.size == 0:
        return math.nan
    mean, sd = float(load.mean()), float(load.std())
    if sd == 0.0:
        return math.inf if mean > 0 else math.nan
    return mean / sd


def strain(daily_load: Sequence[float]) -> float:
    """Training strain: total load of the window x monotony (0 for a window without load).

    References:
        Foster C. Med Sci Sports Exerc 1998;30(7):1164-1168.
    """
    total = float(sum(daily_load))
    return 0.0 if total == 0 else total * monotony(daily_load)


def consecutive_days(days: Sequence[date]) -> list[list[date]]:
    """Runs of two or more consecutive calendar days among `days` (duplicates ignored)."""
    ordered = sorted(set(days))
    streaks: list[list[date]] = []
    current: list[date] = []
    for day in ordered:
        if current and day - current[-1] == timedelta(days=1):
            current.append(day)
        else:
            if len(current) > 1:
                streaks.append(current)
            current = [day]
    if len(current) > 1:
        streaks.append(current)
    return streaks


def hill_block_ratio(
    weekly_climbing_m: Sequence[float], *, baseline_weeks: int = 4
) -> list[float | None]:
    """Each week's climbing / mean climbing of the `baseline_weeks` before it [m / m].

    None for the first weeks (no full baseline) and where the baseline mean is 0.
    """
    out: list[float | None] = []
    for i, climb in enumerate(weekly_climbing_m):
        if i < baseline_weeks:
            out.append(None)
            continue
        base = sum(weekly_climbing_m[i - baseline_weeks : i]) / baseline_weeks
        out.append(climb / base if base > 0 else None)
    return out


def breaks(run_dates: Sequence[date], *, min_gap_days: int = 14) -> list[tuple[date, date]]:
    """(last run before, first run after) for each gap of at least `min_gap_days` days."""
    ordered = sorted(set(run_dates))
    return [
        (a, b) for a, b in zip(ordered, ordered[1:], strict=False) if (b - a).days >= min_gap_days
    ]


def return_fraction(
    break_days: int, *, reduction_per_week: float = 0.1, min_share: float = 0.3
) -> float:
    """The share of the last known running a return run is held to after `break_days` off.

    ``max(min_share, 1 - reduction_per_week * break_days / 7)``: the longer the
    break, the lower the reference, never below `min_share`. Training adaptations fade
    within weeks of stopping (Mujika & Padilla 2000); how much a return run should be cut
    has not been studied, so the defaults (from load_rules.yaml) are expert opinion.

    References:
        Mujika I, Padilla S. Detraining: loss of training-induced physiological and
        performance adaptations. Part I/II. Sports Med 2000;30(2):79-87, 30(3):145-154.
    """
    return max(min_share, 1.0 - reduction_per_week * break_days / 7.0)


@dataclass(frozen=True)
class ReturnRun:
    """The first run after a break that left the 30-day window empty, against the running
    before the break: ``reference_m`` is the longest run of the `window_days` up to the last
    run before the break, ``allowed_m`` that reduced for the break (`return_fraction`)."""

    activity_id: int
    run_date: date
    distance_m: float
    break_days: int
    last_run_date: date
    reference_m: float
    reference_id: int
    reference_date: date
    allowed_m: float
    ratio: float


def return_runs(
    activities: Sequence[StoredActivity],
    *,
    window_days: int = 30,
    reduction_per_week: float = 0.1,
    min_share: float = 0.3,
) -> list[ReturnRun]:
    """Each run with no run in the `window_days` before it but running earlier, compared
    with the last known running reduced for the break (`return_fraction`).

    Without this, such a run has nothing to compare with in the 30-day rule, however long
    it is. Runs without a distance are skipped.
    """
    runs = [r for r in runs_only(activities) if r.activity.distance_m]
    window = timedelta(days=window_days)
    out = []
    for i, run in enumerate(runs[1:], start=1):
        start, last = run.activity.started_at, runs[i - 1]
        if last.activity.started_at >= start - window:
            continue
        before = [r for r in runs[:i] if r.activity.started_at >= last.activity.started_at - window]
        ref = max(reversed(before), key=lambda r: r.activity.distance_m or 0.0)
        ref_m = ref.activity.distance_m or 0.0
        run_day, last_day = local_date(run.activity), local_date(last.activity)
        gap = (run_day - last_day).days
        allowed = ref_m * return_fraction(
            gap, reduction_per_week=reduction_per_week, min_share=min_share
        )
        dist = run.activity.distance_m or 0.0
        out.append(
            ReturnRun(
                run.id,
                run_day,
                dist,
                gap,
                last_day,
                ref_m,
                ref.id,
                local_date(ref.activity),
                allowed,
                dist / allowed,
            )  # fmt: skip
        )
    return out
