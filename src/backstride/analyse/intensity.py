"""Which runs were hard, judged against the runner's own recent runs (no lab zones needed).

Heart rate is used where both the run and enough reference runs have it; otherwise
pace. The reference is the median of the runs in the weeks before, on the premise
that most of a runner's runs are easy, so the median is an easy run.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from backstride.analyse.summaries import duration_s, local_date, runs_only
from backstride.models import Activity, StoredActivity

Basis = Literal["heart_rate", "pace"]


@dataclass(frozen=True)
class SessionIntensity:
    """A run's intensity against the reference: ``hard`` None means not enough data to judge."""

    activity_id: int
    run_date: date
    hard: bool | None
    basis: Basis | None = None
    ratio: float | None = None  # run value / reference (HR ratio, or speed ratio)


def speed_m_per_s(activity: Activity) -> float | None:
    """Average speed over moving time [m/s], None without distance or time."""
    time_s = duration_s(activity)
    if not activity.distance_m or time_s <= 0:
        return None
    return activity.distance_m / time_s


def _judge(
    run: Activity,
    reference: Sequence[Activity],
    *,
    min_reference_runs: int,
    hard_hr_ratio: float,
    hard_speed_ratio: float,
) -> tuple[bool | None, Basis | None, float | None]:
    ref_hr = [a.avg_hr_bpm for a in reference if a.avg_hr_bpm]
    if run.avg_hr_bpm and len(ref_hr) >= min_reference_runs:
        ratio = run.avg_hr_bpm / statistics.median(ref_hr)
        return ratio >= hard_hr_ratio, "heart_rate", ratio
    ref_speed = [s for s in map(speed_m_per_s, reference) if s]
    speed = speed_m_per_s(run)
    if speed and len(ref_speed) >= min_reference_runs:
        ratio = speed / statistics.median(ref_speed)
        return ratio >= hard_speed_ratio, "pace", ratio
    return None, None, None


def classify_sessions(
    activities: Sequence[StoredActivity],
    *,
    reference_days: int = 56,
    min_reference_runs: int = 5,
    hard_hr_ratio: float = 1.08,
    hard_speed_ratio: float = 1.10,
) -> list[SessionIntensity]:
    """Mark each run hard or not against the median of the runs in the `reference_days` before.

    A run is hard when its average heart rate is at least ``hard_hr_ratio`` x the
    reference median [bpm / bpm], or, without heart rate, its average speed at least
    ``hard_speed_ratio`` x the reference median [m/s / m/s]. Thresholds are expert
    opinion (``hard_session`` in load_rules.yaml).
    """
    runs = runs_only(activities)
    starts = [r.activity.started_at for r in runs]
    window = timedelta(days=reference_days)
    out = []
    for i, run in enumerate(runs):
        lo = bisect.bisect_left(starts, run.activity.started_at - window, 0, i)
        reference = [p.activity for p in runs[lo:i]]
        hard, basis, ratio = _judge(
            run.activity,
            reference,
            min_reference_runs=min_reference_runs,
            hard_hr_ratio=hard_hr_ratio,
            hard_speed_ratio=hard_speed_ratio,
        )
        out.append(SessionIntensity(run.id, local_date(run.activity), hard, basis, ratio))
    return out


def hard_sessions_per_week(
    sessions: Sequence[SessionIntensity], *, first_date: date, last_date: date
) -> float:
    """Hard runs per 7 days between two dates inclusive."""
    days = (last_date - first_date).days + 1
    if days <= 0:
        return 0.0
    count = sum(1 for s in sessions if s.hard and first_date <= s.run_date <= last_date)
    return count * 7.0 / days
