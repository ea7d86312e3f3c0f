"""Run sizes for the plan, the 30-day longest-run guard, and the restart after a break (pure).

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

from backstride.analyse.summaries import local_date
from backstride.kb.schema import ReturnAfterBreakRules
from backstride.models import Activity, StoredActivity, sport_family

Metric = Literal["distance_m", "duration_s"]


@dataclass(frozen=True)
class PastRun:
    """A run from the training history, reduced to what the plan needs."""

    day: date
    duration_s: float
    distance_m: float | None


@dataclass(frozen=True)
class Restart:
    """How the plan restarts after a break that left the guard's window without a run.

    | field          | meaning                                                      |
    |----------------|--------------------------------------------------------------|
    | start          | the plan's first day                                         |
    | break_days     | days from the last run to the plan's start                   |
    | last_run       | the day of the last run before the break                     |
    | pre_break_long | the longest run of the window up to it (baseline's metric)   |
    | share          | the part of it the plan starts from                          |
    | no_hard_until  | the first day a hard session may be planned again            |
    | walk_run_until | the first day without walk-run intervals (None: no walk-run) |
    | walk_run_min   | (minutes running, minutes walking) of each interval          |
    """

    start: date
    break_days: int
    last_run: date
    pre_break_long: float
    share: float
    no_hard_until: date
    walk_run_until: date | None
    walk_run_min: tuple[int, int]

    def growth(self, day: date, *, max_ratio: float) -> float:
        """How much the restarted sizes have grown by `day`: `max_ratio` per week back, up to
        the running before the break (so the 30-day rule, not a fixed cut, sets the pace)."""
        weeks = max((day - self.start).days // 7, 0)
        return float(min(1.0 / self.share, max_ratio**weeks))


@dataclass(frozen=True)
class RunBaseline:
    """The runner's usual running, measured in `metric` (metres or seconds).

    `reference` holds (date, size) of past runs the guard looks back on; `restart` is set
    when the plan starts after a break (see `Restart`).
    """

    metric: Metric
    long_size: float
    easy_size: float
    pace_s_per_m: float | None
    reference: tuple[tuple[date, float], ...]
    from_history: bool
    restart: Restart | None = None

    def hard_allowed(self, day: date) -> bool:
        """False in the first days back after a break (``no_hard_days`` and the walk-run)."""
        return self.restart is None or day >= self.restart.no_hard_until

    def walk_run(self, day: date) -> tuple[int, int] | None:
        """(minutes running, minutes walking) on `day` while a long break's walk-run lasts."""
        r = self.restart
        if r is None or r.walk_run_until is None or day >= r.walk_run_until:
            return None
        return r.walk_run_min

    def restart_note(self, day: date) -> str:
        """Why a run in the first weeks after a break is smaller than before it ("" otherwise)."""
        r = self.restart
        if r is None or day >= r.no_hard_until:
            return ""
        pre = self.pre_break_text(r.pre_break_long)
        walk = ""
        if r.walk_run_until is not None:
            walk = f" with walk-run intervals until {_day(r.walk_run_until)},"
        return (
            f"Your last run was {r.break_days} days before the plan ({_day(r.last_run)}), so it "
            f"restarts at {r.share:.0%} of your longest run in the 30 days before the break "
            f"({pre}),{walk} and no hard session until {_day(r.no_hard_until)}. How far to cut "
            "back after a break has not been studied: these numbers are expert opinion."
        )

    def pre_break_text(self, size: float) -> str:
        """A size in this baseline's metric as the runner reads it: "16.0 km" or "60 min"."""
        if self.metric == "distance_m":
            return f"{size / 1000:.1f} km"
        return f"{round(size / 60)} min"

    def duration_s(self, size: float) -> float:
        if self.metric == "duration_s":
            return size
        assert self.pace_s_per_m is not None  # a distance metric always has a pace
        return size * self.pace_s_per_m

    def distance_m(self, size: float) -> float | None:
        if self.metric == "distance_m":
            return size
        return size / self.pace_s_per_m if self.pace_s_per_m else None


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _is_run(activity: Activity) -> bool:
    return sport_family(activity.sport) == "run"


def past_runs(history: Iterable[Activity | StoredActivity]) -> list[PastRun]:
    """The runs in a training history (any other sport is left out), oldest first."""
    runs: list[PastRun] = []
    for item in history:
        act = item.activity if isinstance(item, StoredActivity) else item
        if not _is_run(act):
            continue
        day = local_date(act)
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


def _measure(
    window: Sequence[PastRun], history: Sequence[PastRun], *, since: date, easy_fraction: float
) -> tuple[Metric, float, float, float | None, list[tuple[date, float]]]:
    """(metric, long, easy, pace, sizes of `history`) from the runs of `window` from `since`.

    Distance is the metric when every run of the window has one, time otherwise.
    """
    with_distance = [r for r in window if r.distance_m]
    if len(with_distance) == len(window):
        pace = statistics.median(r.duration_s / r.distance_m for r in with_distance)  # type: ignore[operator]
        sizes = [(r.day, r.distance_m) for r in history if r.distance_m]
        metric: Metric = "distance_m"
    else:
        pace = None
        sizes = [(r.day, r.duration_s) for r in history]
        metric = "duration_s"
    window_sizes = [s for d, s in sizes if d >= since]
    long_size = max(window_sizes)
    others = sorted(window_sizes)[:-1]
    easy = statistics.median(others) if others else long_size * easy_fraction
    return metric, long_size, min(easy, long_size), pace, sizes


def _after_break(
    history: Sequence[PastRun],
    *,
    plan_start: date,
    window_days: int,
    easy_fraction: float,
    rules: ReturnAfterBreakRules,
) -> RunBaseline:
    """Restart below the last known running: the window up to the last run, cut for the break.

    The guard's reference becomes the reduced long run on the day before the plan, so
    the plan's own runs then grow by the 30-day rule from there.
    """
    last = max(r.day for r in history if r.day < plan_start)
    since = last - timedelta(days=window_days)
    window = [r for r in history if since <= r.day <= last]
    metric, long_pre, easy_pre, pace, _ = _measure(
        window, window, since=since, easy_fraction=easy_fraction
    )
    # Imported here: analyse.load brings numpy, and every `import backstride.plan` (the
    # check's result panel reads plan.model) would pay for it otherwise.
    from backstride.analyse.load import return_fraction

    gap = (plan_start - last).days
    share = return_fraction(
        gap, reduction_per_week=rules.reduction_per_week, min_share=rules.min_reference_share
    )
    walk_days = 0
    if gap >= rules.walk_run_min_break_days:
        long_break = gap >= rules.long_break_days
        walk_days = rules.long_break_walk_run_days if long_break else rules.walk_run_days
    restart = Restart(
        start=plan_start,
        break_days=gap,
        last_run=last,
        pre_break_long=long_pre,
        share=share,
        no_hard_until=plan_start + timedelta(days=max(rules.no_hard_days, walk_days)),
        walk_run_until=plan_start + timedelta(days=walk_days) if walk_days else None,
        walk_run_min=(rules.walk_run_run_minutes, rules.walk_run_walk_minutes),
    )
    long_size = long_pre * share
    reference = [(plan_start - timedelta(days=1), long_size)]
    # runs since the plan began (it is shown again later) stay in the guard's look-back
    for r in history:
        size = r.distance_m if metric == "distance_m" else r.duration_s
        if r.day >= plan_start and size:
            reference.append((r.day, size))
    return RunBaseline(metric, long_size, easy_pre * share, pace, tuple(reference), True, restart)


def baseline_from(
    history: Sequence[PastRun],
    answers: dict[str, Any],
    *,
    plan_start: date,
    window_days: int,
    default_long_minutes: int,
    easy_fraction: float,
    restart_rules: ReturnAfterBreakRules | None = None,
) -> RunBaseline:
    """The usual long and easy run from the last `window_days` of history.

    When those days hold no run but earlier ones exist (a break) and `restart_rules` are
    given, the plan restarts below the running before the break (`Restart`). Without
    history, the runner's own `longest_run_minutes` answer (or the KB default) counts as a
    run on the day before the plan starts, so the guard still applies.
    """
    since = plan_start - timedelta(days=window_days)
    recent = [r for r in history if since <= r.day < plan_start]
    if recent:
        metric, long_size, easy, pace, sizes = _measure(
            recent, history, since=since, easy_fraction=easy_fraction
        )
        return RunBaseline(metric, long_size, easy, pace, tuple(sizes), True)
    if any(r.day < plan_start for r in history) and restart_rules is not None:
        return _after_break(
            history,
            plan_start=plan_start,
            window_days=window_days,
            easy_fraction=easy_fraction,
            rules=restart_rules,
        )
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
        if baseline.restart is not None:
            size *= baseline.restart.growth(day, max_ratio=max_ratio)
        longest = longest_before(reference, day, window_days=window_days)
        if longest is not None:
            size = min(size, max_ratio * longest)
        sizes.append(size)
        reference.append((day, size))
    return sizes
