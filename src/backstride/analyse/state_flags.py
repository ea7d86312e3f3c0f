"""Flags about the runner's current state: shoes, rotation, same route, surface mix."""

from __future__ import annotations

from datetime import timedelta

from backstride.analyse import shoes, summaries, terrain
from backstride.analyse.findings import (
    FewPairs,
    LoadFlag,
    NewShoes,
    SameRoute,
    ShoeOverLimit,
    SurfaceShift,
)
from backstride.analyse.flags import History
from backstride.models import StoredActivity


def _window_runs(h: History, days: int) -> list[StoredActivity]:
    start = h.today - timedelta(days=days - 1)
    return [r for r in h.runs if start <= summaries.local_date(r.activity) <= h.today]


def shoe_flags(h: History) -> list[LoadFlag]:
    """Pairs past their limit, a new pair in the recent window, a single pair in use."""
    life = h.rules["shoe_life"]
    totals = shoes.distance_per_shoe_m(h.runs, h.shoes, h.shoe_of)
    out = []
    for shoe in h.shoes:
        if shoe.retired_date is None and shoes.over_limit(shoe, totals[shoe.id]):
            over = ShoeOverLimit(shoe.name, totals[shoe.id], shoe.limit_km)
            out.append(LoadFlag(life.id, life.severity, over))
    new_since = h.today - timedelta(days=int(life.thresholds["new_pair_days"]) - 1)
    first_run = summaries.local_date(h.runs[0].activity) if h.runs else h.today
    for shoe_id, use in shoes.shoe_use(h.runs, h.shoe_of).items():
        if use.first_date >= new_since and use.first_date > first_run:
            name = next((s.name for s in h.shoes if s.id == shoe_id), None)
            new = NewShoes(use.first_date, shoe_id, name)
            out.append(
                LoadFlag(life.id, life.severity, new, use.first_date, None, None, "new_shoes")
            )
    rot = h.rules["shoe_rotation"]
    window = int(rot.thresholds["window_days"])
    in_use = shoes.pairs_in_rotation(h.runs, h.shoe_of, today=h.today, window_days=window)
    if 0 < in_use < rot.thresholds["min_pairs_in_use"]:
        out.append(LoadFlag(rot.id, rot.severity, FewPairs(window, in_use), h.today))
    return out


def route_flag(h: History) -> tuple[list[LoadFlag], terrain.RepeatedRoute | None]:
    """The same-route flag when most recent runs with a track follow one route."""
    rule = h.rules["same_route"]
    t = rule.thresholds
    runs = _window_runs(h, int(t["window_days"]))
    repeated = terrain.most_repeated_route(
        runs, cell_m=t["grid_cell_m"], min_similarity=t["min_similarity"]
    )
    if repeated is None or repeated.runs_with_route < t["min_runs_with_route"]:
        return [], None
    if repeated.share < t["most_days_share"]:
        return [], repeated
    last = repeated.activity_ids[-1]
    day = next(summaries.local_date(r.activity) for r in runs if r.id == last)
    found = SameRoute(
        int(t["window_days"]), len(repeated.activity_ids), repeated.runs_with_route, day
    )
    return [LoadFlag(rule.id, rule.severity, found, day, None, last)], repeated


def surface_flag(h: History) -> list[LoadFlag]:
    """A change in the mix of road, trail, track and treadmill against the weeks before."""
    rule = h.rules["surface_change"]
    t = rule.thresholds
    recent = _window_runs(h, h.rules.recent_window_days)
    if sum(1 for r in recent if terrain.surface_of(r.activity)) < t["min_recent_runs"]:
        return []
    start = h.today - timedelta(days=h.rules.recent_window_days - 1)
    base_start = start - timedelta(days=int(t["baseline_days"]))
    base = [r for r in h.runs if base_start <= summaries.local_date(r.activity) < start]
    before, after = terrain.surface_shares(base), terrain.surface_shares(recent)
    if not before or terrain.share_change(before, after) < t["min_share_change"]:
        return []
    grew = max(after, key=lambda k: after[k] - before.get(k, 0.0))
    found = SurfaceShift(
        h.rules.recent_window_days,
        grew,
        after[grew],
        before.get(grew, 0.0),
        int(t["baseline_days"]),
    )
    return [LoadFlag(rule.id, rule.severity, found, h.today, None, None, "surface_change")]


def state_flags(h: History) -> list[LoadFlag]:
    """Every state flag as of `h.today`."""
    return shoe_flags(h) + route_flag(h)[0] + surface_flag(h)
