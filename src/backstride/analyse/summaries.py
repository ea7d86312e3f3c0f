"""Weekly roll-ups of running (GarminDB's summary tables, done as pure functions).

Only runs count: road, trail, track and treadmill. Days are the runner's local days
(``started_at`` shifted by ``utc_offset_s``), because "Sunday's long run" is local.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from backstride.models import Activity, StoredActivity

WeekStart = Literal["monday", "sunday"]

#: Sport names (lower case, spaces as "_") that count as running, across FIT, GPX, TCX, Strava.
RUN_SPORTS = frozenset(
    {
        "running",
        "run",
        "trail_running",
        "trail_run",
        "trailrun",
        "treadmill",
        "treadmill_running",
        "virtual_run",
        "virtualrun",
        "track_running",
        "street_running",
        "indoor_running",
    }
)


def is_run(activity: Activity) -> bool:
    """True for a run of any kind (road, trail, track, treadmill, virtual)."""
    return activity.sport.strip().lower().replace(" ", "_").replace("-", "_") in RUN_SPORTS


def runs_only(activities: Iterable[StoredActivity]) -> list[StoredActivity]:
    """The runs among `activities`, oldest first."""
    runs = [a for a in activities if is_run(a.activity)]
    return sorted(runs, key=lambda a: (a.activity.started_at, a.id))


def local_start(activity: Activity) -> datetime:
    """When the activity started, in its own time zone (the file's UTC offset) where the
    file says, else in the machine's: one local time for a run on every page and table."""
    if activity.utc_offset_s is not None:
        zone = timezone(timedelta(seconds=activity.utc_offset_s))
        return activity.started_at.astimezone(zone)
    return activity.started_at.astimezone()


def local_date(activity: Activity) -> date:
    """The calendar day the run started on, in the runner's local time (`local_start`)."""
    return local_start(activity).date()


def duration_s(activity: Activity) -> float:
    """Moving time where the file has it, else elapsed time [s]."""
    return activity.moving_s if activity.moving_s is not None else activity.elapsed_s


def week_start_of(day: date, week_start: WeekStart = "monday") -> date:
    """The first day of the training week holding `day`."""
    shift = day.weekday() if week_start == "monday" else (day.weekday() + 1) % 7
    return day - timedelta(days=shift)


@dataclass(frozen=True)
class WeekSummary:
    """One training week of running (SI units; ``long_run_share`` is 0..1 or None)."""

    week_start_date: date
    runs: int
    distance_m: float
    duration_s: float
    climbing_m: float
    longest_run_m: float
    longest_run_id: int | None
    avg_cadence_spm: float | None

    @property
    def long_run_share(self) -> float | None:
        """Longest run / weekly distance; None for a week without distance."""
        return self.longest_run_m / self.distance_m if self.distance_m > 0 else None


def _summarise(start: date, runs: Sequence[StoredActivity]) -> WeekSummary:
    longest = max(runs, key=lambda r: r.activity.distance_m or 0.0, default=None)
    cad_w: list[tuple[float, float]] = [
        (r.activity.avg_cadence_spm, duration_s(r.activity))
        for r in runs
        if r.activity.avg_cadence_spm is not None and duration_s(r.activity) > 0
    ]
    weight = sum(w for _, w in cad_w)
    return WeekSummary(
        week_start_date=start,
        runs=len(runs),
        distance_m=sum(r.activity.distance_m or 0.0 for r in runs),
        duration_s=sum(duration_s(r.activity) for r in runs),
        climbing_m=sum(r.activity.elevation_gain_m or 0.0 for r in runs),
        longest_run_m=(longest.activity.distance_m or 0.0) if longest else 0.0,
        longest_run_id=longest.id if longest and longest.activity.distance_m else None,
        avg_cadence_spm=sum(c * w for c, w in cad_w) / weight if weight else None,
    )


def weekly_summaries(
    activities: Iterable[StoredActivity],
    *,
    first_date: date,
    last_date: date,
    week_start: WeekStart = "monday",
) -> list[WeekSummary]:
    """One summary per week from the week holding `first_date` to the one holding `last_date`.

    Weeks without runs are included (zeros), so changes are week over week, not run over run.
    Cadence is the duration-weighted mean of the runs' averages [steps/min].
    """
    start = week_start_of(first_date, week_start)
    end = week_start_of(last_date, week_start)
    by_week: dict[date, list[StoredActivity]] = {}
    for run in runs_only(activities):
        day = local_date(run.activity)
        if first_date <= day <= last_date:
            by_week.setdefault(week_start_of(day, week_start), []).append(run)
    weeks = []
    while start <= end:
        weeks.append(_summarise(start, by_week.get(start, [])))
        start += timedelta(days=7)
    return weeks


def daily_distance_m(
    activities: Iterable[StoredActivity], *, first_date: date, last_date: date
) -> list[float]:
    """Running distance per local day from `first_date` to `last_date` inclusive, 0 on rest days."""
    days = (last_date - first_date).days + 1
    totals = [0.0] * max(days, 0)
    for run in runs_only(activities):
        index = (local_date(run.activity) - first_date).days
        if 0 <= index < days:
            totals[index] += run.activity.distance_m or 0.0
    return totals
