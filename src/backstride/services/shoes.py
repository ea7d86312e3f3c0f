"""Shoe bookkeeping over the store: add, retire, link runs, create pairs from imported gear."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection

from backstride.analyse import shoes as shoe_analysis
from backstride.analyse.report import ShoeStatus
from backstride.analyse.summaries import local_date, runs_only
from backstride.config import MAX_SHOE_LIMIT_KM, Settings
from backstride.errors import StoreError
from backstride.models import Shoe
from backstride.store import activities, shoes


def checked_limit_km(value: float) -> float:
    """`value` if it is a usable shoe limit [km]: finite, above 0, at most MAX_SHOE_LIMIT_KM.

    NaN passes every `<=` test and infinity every `> 0`, so both are refused by name.

    Raises:
        StoreError: naming the value and the range.
    """
    if not math.isfinite(value) or not 0 < value <= MAX_SHOE_LIMIT_KM:
        raise StoreError(
            f"limit {value:g} km: a shoe limit must be a number above 0 and at most "
            f"{MAX_SHOE_LIMIT_KM:g} km"
        )
    return value


def add_shoe(
    conn: Connection,
    *,
    name: str,
    today: date,
    settings: Settings,
    limit_km: float | None = None,
    start_distance_m: float = 0.0,
) -> Shoe:
    """Add a pair; the limit defaults to ``settings.shoe_limit_km``."""
    if limit_km is not None:
        checked_limit_km(limit_km)
    shoe_id = shoes.add(
        conn,
        name=name,
        limit_km=limit_km if limit_km is not None else settings.shoe_limit_km,
        added_date=today,
        start_distance_m=start_distance_m,
    )
    return shoes.get(conn, shoe_id=shoe_id)


def shoe_statuses(conn: Connection) -> list[ShoeStatus]:
    """Every pair with the distance the analysis counts (links and matching gear names)."""
    pairs = shoes.list_all(conn)
    runs = runs_only(activities.between(conn, with_route=False))
    shoe_of = shoe_analysis.shoe_of_runs(runs, pairs, shoes.assignments(conn))
    totals = shoe_analysis.distance_per_shoe_m(runs, pairs, shoe_of)
    return [ShoeStatus(s, totals[s.id], shoe_analysis.over_limit(s, totals[s.id])) for s in pairs]


def assign_since(conn: Connection, *, shoe_id: int, since: date) -> int:
    """Link every run from `since` (local day) on to a pair, replacing earlier links."""
    start = datetime.combine(since - timedelta(days=1), time(), tzinfo=UTC)
    runs = [
        r
        for r in runs_only(activities.between(conn, start=start))
        if local_date(r.activity) >= since
    ]
    return shoes.assign(conn, shoe_id=shoe_id, activity_ids=[r.id for r in runs])


@dataclass(frozen=True)
class GearSync:
    """One imported gear name: its pair, whether it was created now, runs newly linked."""

    shoe: Shoe
    created: bool
    linked: int


def sync_gear(conn: Connection, *, settings: Settings) -> list[GearSync]:
    """Create a pair for each gear name on imported runs and link its unlinked runs."""
    linked = shoes.assignments(conn)
    by_gear: dict[str, list[int]] = {}
    first_day: dict[str, date] = {}
    for run in runs_only(activities.between(conn)):
        gear = (run.activity.gear or "").strip()
        if gear and run.id not in linked:
            by_gear.setdefault(gear, []).append(run.id)
            first_day.setdefault(gear, local_date(run.activity))
    out = []
    for gear, ids in sorted(by_gear.items()):
        pair = shoes.by_name(conn, name=gear)
        created = pair is None
        if pair is None:
            pair = add_shoe(conn, name=gear, today=first_day[gear], settings=settings)
        count = shoes.assign(conn, shoe_id=pair.id, activity_ids=ids)
        out.append(GearSync(shoes.get(conn, shoe_id=pair.id), created, count))
    return out


def assign(conn: Connection, *, shoe_id: int, activity_ids: Sequence[int]) -> int:
    """Link the given activities to a pair."""
    return shoes.assign(conn, shoe_id=shoe_id, activity_ids=activity_ids)
