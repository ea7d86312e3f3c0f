"""The home and training pages' content as plain values, and a key that says when it changed.

Both views are pure reads (no plan snapshot is saved), so a cache may compute them at any
time; `store_state` is cheap (a few MAX/COUNT queries) and changes with every write that
could change either view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from backstride.analyse.load import RunSpike, longest_run_ratios
from backstride.analyse.pain import daily_worst
from backstride.analyse.report import LoadReport, ShoeStatus
from backstride.analyse.summaries import local_date
from backstride.config import Settings
from backstride.errors import NotFound
from backstride.kb import KnowledgeBase
from backstride.models import StoredActivity
from backstride.services.plan import PlanView, plan_view, preferences_from_store
from backstride.services.shoes import shoe_statuses
from backstride.services.training import WordedFlag, load_report
from backstride.store import activities, checks, diary, state

#: Weeks of history on the training page's charts.
TRAINING_WEEKS = 26
#: Days of runs on the longest-run guard chart.
GUARD_DAYS = 90
#: Share of its limit at which a pair of shoes is "near" it.
SHOE_NEAR_LIMIT = 0.8
#: Rows in the activity list.
ACTIVITY_ROWS = 50


def store_state(conn: Connection) -> tuple[Any, ...]:
    """Counts and highest ids of every table a view reads: equal state, equal views."""
    return state.store_state(conn)


@dataclass(frozen=True)
class HomeView:
    """Status at a glance: latest triage, top causes, this week's plan, pain, load, shoes."""

    today: date
    check: dict[str, Any] | None
    causes: list[dict[str, Any]]
    plan: PlanView | None
    pain_points: list[tuple[date, int]]
    warnings: list[str]
    shoes_near_limit: list[ShoeStatus]
    activity_count: int


def _latest_check(conn: Connection) -> dict[str, Any] | None:
    saved = checks.latest(conn)
    if saved is None:
        return None
    return {
        "id": saved.id,
        "created_at": saved.created_at,
        "level": saved.triage_level,
        "result": saved.result,
        "notes": saved.notes,
    }


def _plan(
    conn: Connection,
    kb: KnowledgeBase,
    today: date,
    settings: Settings,
    statuses: list[ShoeStatus],
) -> PlanView | None:
    try:
        prefs = preferences_from_store(conn, settings=settings, statuses=statuses)
        return plan_view(conn, kb=kb, today=today, preferences=prefs, save=False)
    except NotFound:
        return None


def home_view(
    conn: Connection,
    *,
    kb: KnowledgeBase,
    today: date,
    settings: Settings,
    statuses: list[ShoeStatus] | None = None,
) -> HomeView:
    """Everything the home page shows; reads only.

    ``statuses`` (from `shoe_statuses`) saves reading the whole history again when the
    caller computed them for the same store state.
    """
    check = _latest_check(conn)
    causes = [c for c in (check or {}).get("result", {}).get("causes", []) if c["score"] > 0][:3]
    load = load_report(conn, weeks=4, today=today, settings=settings, rules=kb.load_rules)
    recent = today - timedelta(days=kb.load_rules.recent_window_days)
    warnings = [f.text for f in load.flags if (f.flag_date or f.week_start_date or today) >= recent]
    statuses = shoe_statuses(conn) if statuses is None else statuses
    near = [
        s
        for s in statuses
        if s.shoe.retired_date is None and s.distance_m >= SHOE_NEAR_LIMIT * s.shoe.limit_km * 1000
    ]
    return HomeView(
        today=today,
        check=check,
        causes=causes,
        plan=_plan(conn, kb, today, settings, statuses),
        pain_points=daily_worst(diary.between(conn, start=today - timedelta(days=56), end=today)),
        warnings=warnings,
        shoes_near_limit=near,
        activity_count=activities.count(conn),
    )


@dataclass(frozen=True)
class TrainingView:
    """The training page: weekly load, the longest-run guard, ACWR, shoes, recent runs."""

    today: date
    until: date  # the charts' last day: today, or the latest activity of an old history
    load: LoadReport[WordedFlag]
    spikes: list[RunSpike]
    shoes: list[ShoeStatus]
    recent: list[StoredActivity]
    activity_count: int
    guard_bands: list[tuple[float, str]] = field(default_factory=list)  # (upper ratio, label)


def _recent_activities(conn: Connection, today: date) -> list[StoredActivity]:
    """The newest runs first; reads a widening window so a long history costs one small query."""
    end = datetime.combine(today + timedelta(days=2), time(), UTC)
    for days in (120, 730, None):
        start = None if days is None else end - timedelta(days=days)
        found = activities.between(conn, start=start, end=end)
        if len(found) >= ACTIVITY_ROWS or days is None:
            return list(reversed(found[-ACTIVITY_ROWS:]))
    return []  # pragma: no cover - the loop always returns


def training_view(
    conn: Connection,
    *,
    kb: KnowledgeBase,
    today: date,
    settings: Settings,
    statuses: list[ShoeStatus] | None = None,
) -> TrainingView:
    """Everything the training page shows; reads only (``statuses`` as for `home_view`).

    When nothing was run in the charted weeks (an old history just imported), the charts
    end at the latest activity instead, so the runner sees their history, not empty axes.
    """
    recent = _recent_activities(conn, today)
    until = today
    if recent:
        latest = local_date(recent[0].activity)
        if latest < today - timedelta(weeks=TRAINING_WEEKS):
            until = latest
    load = load_report(
        conn, weeks=TRAINING_WEEKS, today=until, settings=settings, rules=kb.load_rules
    )
    rule = kb.load_rules["single_run_spike"]
    window = int(rule.thresholds["window_days"])
    start = datetime.combine(until - timedelta(days=GUARD_DAYS + window + 1), time(), UTC)
    end = datetime.combine(until + timedelta(days=2), time(), UTC)
    runs = activities.between(conn, start=start, end=end)
    first = until - timedelta(days=GUARD_DAYS)
    spikes = [
        s for s in longest_run_ratios(runs, window_days=window) if first <= s.run_date <= until
    ]
    return TrainingView(
        today=today,
        until=until,
        load=load,
        spikes=spikes,
        shoes=shoe_statuses(conn) if statuses is None else statuses,
        recent=recent,
        activity_count=activities.count(conn),
        guard_bands=[(b.max_ratio, b.label) for b in rule.bands if b.max_ratio is not None],
    )
