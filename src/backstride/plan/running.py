"""Run sizes for the plan and the 30-day longest-run guard (pure; no database).

The guard is the primary load rule of clinical.md section 3: no run more than 10% longer
than the longest run of the previous 30 days (Frandsen et al. 2025). It is computed here
because `backstride.analyse.load` did not exist when the plan was written; the numbers
(ratio, window) come from the `longest_run_guard` habit in the knowledge base.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from backstride.models import Activity, StoredActivity, sport_family

Metric = Literal["distance_m", "duration_s"]


@dataclass(frozen=True)
class PastRun:
    """A run from the training history, reduced to what the plan needs."""

    day: date
    duration_s: float
    distance_m: float | None


@dataclass(frozen=True)
class RunBaseline:
    """The runner's usual running, measured in `metric` (metres or seconds).

    `reference` holds (date, size) of past runs the guard looks back on.
    """

    metric: Metric
    long_size: float
    easy_size: float
    pace_s_per_m: float | None
    reference: tuple[tuple[date, float], ...]
    from_history: bool

    def duration_s(self, size: float) -> float:
        if self.metric == "duration_s":
            return size
        assert self.pace_s_per_m is not None  # a distance metric always has a pace
        return size * self.pace_s_per_m

    def distance_m(self, size: float) -> float | None:
        if self.metric == "distance_m":
            return size
        return size / self.pace_s_per_m if self.pace_s_per_m else None


def _is_run(activity: Activity) -> bool:
    return sport_family(activity.sport) == "run"


def past_runs(history: Iterable[Activity | StoredActivity]) -> list[PastRun]:
    """The runs in a training history (any other sport is left out), oldest first."""
    runs: list[PastRun] = []
    for item in history:
        act = item.activity if isinstance(item, StoredActivity) else item
        if not _is_run(act):
            continue
        day = act.started_at.date()
        if act.utc_offset_s is not None:
            day = (act.started_at + timedelta(seconds=act.utc_offset_s)).date()
        duration = act.moving_s or act.elapsed_s
        runs.append(PastRun(day, float(duration), act.distance_m))
    return sorted(runs, key=lambda r: r.day)


def longest_before(
    runs: Sequence[tuple[date, float]], day: date, *, window_days: int
) -> float | None:
    """The longest run in the `window_days` days before `day` (not counting `day`)."""
    start = day - timedelta(days=window_days)
    sizes = [size for d, size in runs if start <= d < day]
    return max(sizes, default=None)


def guard_violations(
    runs: Sequence[tuple[date, float]], *, max_ratio: float, window_days: int
) -> list[tuple[date, float, float]]:
    """Every run longer than `max_ratio` x the longest of the previous `window_days` days.

    Returns (date, size, cap) per violation; runs with no earlier run in the window
    have no reference and cannot violate the rule.
    """
    ordered = sorted(runs)
    found = []
    for i, (day, size) in enumerate(ordered):
        longest = longest_before(ordered[:i], day, window_days=window_days)
        if longest is not None and size > max_ratio * longest + 1e-9:
            found.append((day, size, max_ratio * longest))
    return found


def baseline_from(
    history: Sequence[PastRun],
    answers: dict[str, Any],
    *,
    plan_start: date,
    window_days: int,
    default_long_minutes: int,
    easy_fraction: float,
) -> RunBaseline:
    """The usual long and easy run from the last `window_days` of history.

    Without history, the runner's own `longest_run_minutes` answer (or the KB default)
    counts as a run on the day before the plan starts, so the guard still applies.
    """
    recent = [r for r in history if plan_start - timedelta(days=window_days) <= r.day < plan_start]
    if recent:
        with_distance = [r for r in recent if r.distance_m]
        if len(with_distance) == len(recent):
            pace = statistics.median(r.duration_s / r.distance_m for r in with_distance)  # type: ignore[operator]
            sizes = [(r.day, r.distance_m) for r in history if r.distance_m]
            metric: Metric = "distance_m"
        else:
            pace = None
            sizes = [(r.day, r.duration_s) for r in history]
            metric = "duration_s"
        recent_sizes = [s for d, s in sizes if d >= plan_start - timedelta(days=window_days)]
        long_size = max(recent_sizes)
        others = sorted(recent_sizes)[:-1]
        easy = statistics.median(others) if others else long_size * easy_fraction
        return RunBaseline(metric, long_size, min(easy, long_size), pace, tuple(sizes), True)
    minutes = answers.get("longest_run_minutes") or default_long_minutes
    long_s = float(minutes) * 60.0
    ref = ((plan_start - timedelta(days=1), long_s),)
    return RunBaseline("duration_s", long_s, long_s * easy_fraction, None, ref, False)


def size_runs(
    slots: Sequence[tuple[date, Literal["easy", "hard", "long"], float]],
    baseline: RunBaseline,
    *,
    max_ratio: float,
    window_days: int,
) -> list[float]:
    """Sizes for planned runs (date, intensity, fraction of usual), each capped by the guard.

    Planned runs join the look-back as they are placed, so the rule also holds between
    runs of the plan itself.
    """
    reference = list(baseline.reference)
    sizes: list[float] = []
    for day, intensity, fraction in sorted(slots, key=lambda s: s[0]):
        usual = baseline.long_size if intensity == "long" else baseline.easy_size
        size = usual * fraction
        longest = longest_before(reference, day, window_days=window_days)
        if longest is not None:
            size = min(size, max_ratio * longest)
        sizes.append(size)
        reference.append((day, size))
    return sizes
