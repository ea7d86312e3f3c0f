"""The cached pages' content: each view with what is drawn from it, per store state.

`WebState` hands these to its `ViewCache`; they are the only computations the cache runs.
The charts are computed with the view: drawing them is most of a page's cost.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any

from sqlalchemy import Connection

from backstride import units
from backstride.analyse.report import ShoeStatus
from backstride.config import Settings
from backstride.kb import KnowledgeBase
from backstride.present.report.charts import (
    guard_chart,
    pain_chart,
    shoe_chart,
    trend_chart,
    weekly_bars,
)
from backstride.present.web.cache import Shared
from backstride.services.dashboard import (
    HomeView,
    TrainingView,
    home_view,
    store_state,
    training_view,
)
from backstride.services.shoes import shoe_statuses


def view_key(conn: Connection, settings: Settings, today: date) -> Hashable:
    """Everything the cached pages depend on: the store state, the day and the settings shown."""
    s = settings
    return (store_state(conn), today, s.units, s.week_start, s.shoe_limit_km)


def _statuses(conn: Connection, shared: Shared) -> list[ShoeStatus]:
    """Shoe totals read the whole history: once per store state for both pages."""
    if "shoes" not in shared:
        shared["shoes"] = shoe_statuses(conn)
    found: list[ShoeStatus] = shared["shoes"]
    return found


def home(
    conn: Connection, shared: Shared, *, kb: KnowledgeBase, settings: Settings, today: date
) -> tuple[HomeView, str]:
    """The home view and its pain chart."""
    view = home_view(conn, kb=kb, today=today, settings=settings, statuses=_statuses(conn, shared))
    return view, pain_chart(view.pain_points)


def training(
    conn: Connection, shared: Shared, *, kb: KnowledgeBase, settings: Settings, today: date
) -> tuple[TrainingView, dict[str, str]]:
    """The training view and its charts."""
    view = training_view(
        conn, kb=kb, today=today, settings=settings, statuses=_statuses(conn, shared)
    )
    return view, charts(view, settings.units)


def charts(view: TrainingView, unit_system: Any) -> dict[str, str]:
    """The training charts as inline SVG, distances in the runner's unit."""
    unit = units.distance_unit(unit_system)
    weeks = view.load.weeks

    def dist(m: float) -> float:
        return units.distance_in(m, unit_system)

    return {
        "distance": weekly_bars(
            [(w.week_start_date, dist(w.distance_m)) for w in weeks], label="Distance", unit=unit
        ),
        "climbing": weekly_bars(
            [(w.week_start_date, w.climbing_m) for w in weeks], label="Climbing", unit="m"
        ),
        "guard": guard_chart(
            [
                (
                    s.run_date,
                    dist(s.distance_m),
                    None if s.previous_longest_m is None else dist(s.previous_longest_m),
                )
                for s in view.spikes
            ],
            bands=view.guard_bands,
            unit=unit,
        ),
        "acwr": trend_chart(
            [(w.week_start_date, w.acwr_rolling) for w in weeks],
            label="ACWR (7-day / 28-day distance)",
        ),
        "shoes": shoe_chart(
            [
                (s.shoe.name, dist(s.distance_m), dist(s.shoe.limit_km * 1000))
                for s in view.shoes
                if s.shoe.retired_date is None
            ],
            unit=unit,
        ),
    }
