"""Terrain: how often the same route repeats, how hilly the running is, trail vs road.

Route similarity is the Jaccard index of the grid cells a route passes through, after
resampling the simplified track so no cell between two far-apart points is skipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from backstride.analyse.summaries import runs_only
from backstride.models import Activity, StoredActivity

_M_PER_DEG_LAT = 111_320.0

Route = Sequence[tuple[float, float]]


def route_cells(route: Route, *, cell_m: float = 100.0) -> frozenset[tuple[int, int]]:
    """The set of roughly `cell_m`-square grid cells a route of (lat, lon) [deg] touches.

    Longitude cells are scaled by cos(latitude rounded to whole degrees), so routes in
    the same area share one grid.
    """
    # A route stored by an older version may hold inf or NaN: those points are skipped.
    route = [p for p in route if math.isfinite(p[0]) and math.isfinite(p[1])]
    if not route:
        return frozenset()
    cos_lat = max(math.cos(math.radians(round(route[0][0]))), 1e-6)
    dlat = cell_m / _M_PER_DEG_LAT
    dlon = cell_m / (_M_PER_DEG_LAT * cos_lat)
    cells = set()
    points = route
    for (lat0, lon0), (lat1, lon1) in zip(points, points[1:] + points[-1:], strict=True):
        gap_m = math.hypot((lat1 - lat0) / dlat, (lon1 - lon0) / dlon) * cell_m
        steps = max(1, math.ceil(gap_m / (cell_m / 2)))
        for k in range(steps):
            f = k / steps
            lat, lon = lat0 + f * (lat1 - lat0), lon0 + f * (lon1 - lon0)
            cells.add((math.floor(lat / dlat), math.floor(lon / dlon)))
    return frozenset(cells)


def jaccard(a: frozenset[tuple[int, int]], b: frozenset[tuple[int, int]]) -> float:
    """|a & b| / |a | b|; 0 when both are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def route_similarity(a: Route, b: Route, *, cell_m: float = 100.0) -> float:
    """Grid-cell Jaccard similarity of two routes, 0 (disjoint) to 1 (same cells)."""
    return jaccard(route_cells(a, cell_m=cell_m), route_cells(b, cell_m=cell_m))


@dataclass(frozen=True)
class RepeatedRoute:
    """The most-repeated route among runs with a track."""

    share: float  # runs on that route / runs with a route
    activity_ids: tuple[int, ...]  # the runs on it, oldest first
    runs_with_route: int


def most_repeated_route(
    activities: Sequence[StoredActivity], *, cell_m: float = 100.0, min_similarity: float = 0.6
) -> RepeatedRoute | None:
    """The route most runs follow: the run with the most others at ``>= min_similarity``.

    None when no run has a track.
    """
    runs = [r for r in runs_only(activities) if r.activity.route]
    if not runs:
        return None
    cells = [route_cells(r.activity.route, cell_m=cell_m) for r in runs]
    best: list[int] = []
    for i, ci in enumerate(cells):
        group = [j for j, cj in enumerate(cells) if j == i or jaccard(ci, cj) >= min_similarity]
        if len(group) > len(best):
            best = group
    return RepeatedRoute(
        share=len(best) / len(runs),
        activity_ids=tuple(runs[j].id for j in best),
        runs_with_route=len(runs),
    )


def climbing_m_per_km(activities: Sequence[StoredActivity]) -> float | None:
    """Total climbing / total distance of the runs that have both [m/km]."""
    pairs = [
        (r.activity.elevation_gain_m, r.activity.distance_m)
        for r in runs_only(activities)
        if r.activity.elevation_gain_m is not None and r.activity.distance_m
    ]
    distance_km = sum(d for _, d in pairs if d) / 1000.0
    return sum(g for g, _ in pairs if g is not None) / distance_km if distance_km else None


def flatness(
    climbing_m_per_km: float, *, flat_max_m_per_km: float = 5.0, rolling_max_m_per_km: float = 15.0
) -> str:
    """ "flat", "rolling" or "hilly" by climbing per kilometre (bands in load_rules.yaml)."""
    if climbing_m_per_km <= flat_max_m_per_km:
        return "flat"
    return "rolling" if climbing_m_per_km <= rolling_max_m_per_km else "hilly"


def surface_of(activity: Activity) -> str | None:
    """road, trail, track or treadmill where the file says so (surface, sub-sport or sport)."""
    if activity.surface:
        return activity.surface.lower()
    hints = f"{activity.sub_sport or ''} {activity.sport}".lower()
    for word, surface in (
        ("trail", "trail"),
        ("treadmill", "treadmill"),
        ("indoor", "treadmill"),
        ("virtual", "treadmill"),
        ("track", "track"),
        ("street", "road"),
        ("road", "road"),
    ):
        if word in hints:
            return surface
    return None


def surface_shares(activities: Sequence[StoredActivity]) -> dict[str, float]:
    """Share of running distance per known surface (0..1, summing to 1); {} when none known."""
    totals: dict[str, float] = {}
    for run in runs_only(activities):
        surface = surface_of(run.activity)
        if surface is not None:
            totals[surface] = totals.get(surface, 0.0) + (run.activity.distance_m or 0.0)
    whole = sum(totals.values())
    return {k: v / whole for k, v in sorted(totals.items())} if whole else {}


def share_change(before: dict[str, float], after: dict[str, float]) -> float:
    """Total-variation distance between two surface mixes: 0 same mix, 1 no overlap."""
    keys = set(before) | set(after)
    return 0.5 * sum(abs(after.get(k, 0.0) - before.get(k, 0.0)) for k in keys)
