"""Shoes: distance per pair, pairs past their limit, how many pairs are in rotation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backstride.analyse.summaries import local_date, runs_only
from backstride.models import Shoe, StoredActivity


def shoe_of_runs(
    activities: Sequence[StoredActivity], shoes: Sequence[Shoe], assignments: Mapping[int, int]
) -> dict[int, int]:
    """activity id -> shoe id: explicit assignments first, else gear named like a shoe."""
    by_name = {s.name.strip().lower(): s.id for s in shoes}
    out: dict[int, int] = {}
    for run in runs_only(activities):
        if run.id in assignments:
            out[run.id] = assignments[run.id]
        elif run.activity.gear and run.activity.gear.strip().lower() in by_name:
            out[run.id] = by_name[run.activity.gear.strip().lower()]
    return out


def distance_per_shoe_m(
    activities: Sequence[StoredActivity], shoes: Sequence[Shoe], shoe_of: Mapping[int, int]
) -> dict[int, float]:
    """Each pair's start distance plus the distance of the runs done in it [m]."""
    totals = {s.id: s.start_distance_m for s in shoes}
    for run in runs_only(activities):
        shoe_id = shoe_of.get(run.id)
        if shoe_id in totals:
            totals[shoe_id] += run.activity.distance_m or 0.0
    return totals


@dataclass(frozen=True)
class ShoeUse:
    """A pair's use in a window: how many runs and the first and last day seen."""

    shoe_id: int
    runs: int
    first_date: date
    last_date: date


def shoe_use(
    activities: Sequence[StoredActivity], shoe_of: Mapping[int, int], *, since: date | None = None
) -> dict[int, ShoeUse]:
    """Runs per pair (from `since` on, if given), most-used pair first."""
    seen: dict[int, list[date]] = {}
    for run in runs_only(activities):
        day = local_date(run.activity)
        if run.id in shoe_of and (since is None or day >= since):
            seen.setdefault(shoe_of[run.id], []).append(day)
    uses = [ShoeUse(k, len(v), min(v), max(v)) for k, v in seen.items()]
    uses.sort(key=lambda u: (-u.runs, -u.last_date.toordinal(), u.shoe_id))
    return {u.shoe_id: u for u in uses}


def pairs_in_rotation(
    activities: Sequence[StoredActivity],
    shoe_of: Mapping[int, int],
    *,
    today: date,
    window_days: int = 30,
) -> int:
    """Distinct pairs used for runs in the `window_days` up to `today`."""
    return len(shoe_use(activities, shoe_of, since=today - timedelta(days=window_days - 1)))


def over_limit(shoe: Shoe, distance_m: float) -> bool:
    """True once a pair has gone at least its limit."""
    return distance_m >= shoe.limit_km * 1000.0
