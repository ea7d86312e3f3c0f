"""Pain-diary trends: daily worst pain, MCID improvement, the two-week escalation (pure).

References:
    Ostelo RW et al. Interpreting change scores for pain and functional status in low
    back pain. Spine 2008;33(1):90-94 (MCID: 2 points or 30% on the 0-10 scale).
    NICE NG59 and shared/spec/triage.md: no improvement after a couple of weeks -> see a
    clinician. The thresholds are passed in from kb/data/progress_rules.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from backstride.models import DiaryEntry


def daily_worst(entries: Iterable[DiaryEntry]) -> list[tuple[date, int]]:
    """The worst pain [0-10] recorded on each day with an entry, oldest first."""
    worst: dict[date, int] = {}
    for e in entries:
        pain = e.worst_pain
        if pain is not None:
            worst[e.entry_date] = max(pain, worst.get(e.entry_date, 0))
    return sorted(worst.items())


def slope_per_week(points: list[tuple[date, int]]) -> float | None:
    """Least-squares trend of pain [points per week]; None with fewer than two days."""
    if len(points) < 2:
        return None
    xs = [(d - points[0][0]).days / 7.0 for d, _ in points]
    ys = [float(p) for _, p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def is_improved(
    baseline: float, recent: float, *, mcid_points: float, mcid_fraction: float
) -> bool:
    """True when pain fell by at least `mcid_points` or by `mcid_fraction` of baseline."""
    drop = baseline - recent
    if drop <= 0:
        return False
    return drop >= mcid_points - 1e-9 or (baseline > 0 and drop / baseline >= mcid_fraction - 1e-9)


@dataclass(frozen=True)
class PainProgress:
    """How pain has moved since the plan began.

    | field          | meaning                                                   |
    |----------------|-----------------------------------------------------------|
    | baseline       | mean daily worst pain over the first days of the plan     |
    | recent         | mean daily worst pain over the most recent days           |
    | improved       | the drop reaches the MCID (points or fraction)            |
    | days_on_plan   | days since the plan started                               |
    | diary_days     | days with a pain value since the plan started             |
    | escalate       | two weeks on the plan with no important improvement       |
    """

    points: list[tuple[date, int]]
    baseline: float | None
    recent: float | None
    change_points: float | None
    change_fraction: float | None
    slope_per_week: float | None
    improved: bool
    days_on_plan: int
    diary_days: int
    escalate: bool


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def pain_progress(
    entries: Iterable[DiaryEntry],
    *,
    plan_start: date,
    today: date,
    mcid_points: float,
    mcid_fraction: float,
    baseline_days: int,
    recent_days: int,
    escalate_after_days: int,
    min_diary_days: int,
) -> PainProgress:
    """Baseline (first `baseline_days` of the plan) against the last `recent_days`."""
    points = [(d, p) for d, p in daily_worst(entries) if plan_start <= d <= today]
    base = _mean([p for d, p in points if d < plan_start + timedelta(days=baseline_days)])
    recent_from = max(
        today - timedelta(days=recent_days - 1), plan_start + timedelta(days=baseline_days)
    )
    recent = _mean([p for d, p in points if d >= recent_from])
    change = None if base is None or recent is None else base - recent
    fraction = None if change is None or not base else change / base
    improved = (
        base is not None
        and recent is not None
        and is_improved(base, recent, mcid_points=mcid_points, mcid_fraction=mcid_fraction)
    )
    days_on_plan = (today - plan_start).days
    escalate = (
        days_on_plan >= escalate_after_days
        and len(points) >= min_diary_days
        and recent is not None
        and not improved
    )
    return PainProgress(
        points, base, recent, change, fraction, slope_per_week(points), improved,
        days_on_plan, len(points), escalate,
    )  # fmt: skip
