"""Everything the physio report shows, gathered from the store into plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from backstride.kb import KnowledgeBase
from backstride.plan.running import guard_violations, past_runs
from backstride.services.plan import PlanView, latest_check, plan_view, training_history
from backstride.store import diary

#: Weeks of training shown in the load chart.
LOAD_WEEKS = 12


@dataclass(frozen=True)
class ReportData:
    """The report's content; the HTML and PDF renderers only lay it out."""

    today: date
    check: dict[str, Any]
    view: PlanView
    weekly_km: list[tuple[date, float]]
    events: list[str] = field(default_factory=list)


def _weekly_km(runs: list[Any], today: date) -> list[tuple[date, float]]:
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=w) for w in range(LOAD_WEEKS - 1, -1, -1)]
    totals = dict.fromkeys(weeks, 0.0)
    for r in runs:
        start = r.day - timedelta(days=r.day.weekday())
        if start in totals and r.distance_m:
            totals[start] += r.distance_m / 1000
    return sorted(totals.items())


def _events(conn: Connection, runs: list[Any], kb: KnowledgeBase, view: PlanView) -> list[str]:
    guard = kb.habits["longest_run_guard"].params
    sized = [(r.day, r.distance_m) for r in runs if r.distance_m]
    out = [
        f"{day:%a %d %b %Y}: run of {size / 1000:.1f} km, {size / (cap / guard['max_ratio_to_30_day_longest']) - 1:.0%} "
        "longer than the longest of the previous 30 days"
        for day, size, cap in guard_violations(
            sized,
            max_ratio=float(guard["max_ratio_to_30_day_longest"]),
            window_days=int(guard["window_days"]),
        )
    ]
    out += [
        f"{e.entry_date:%a %d %b %Y}: diary reported warning signs: {', '.join(e.warnings)}"
        for e in diary.between(conn)
        if e.warnings
    ]
    if view.escalated:
        out.append(view.plan.advice[0])
    return out


def report_data(conn: Connection, *, kb: KnowledgeBase, today: date) -> ReportData:
    """The latest check, pain and load, the plan with its adherence, and notable events."""
    saved = latest_check(conn)
    view = plan_view(conn, kb=kb, today=today, save=False)
    runs = past_runs(training_history(conn, today=today, days=7 * LOAD_WEEKS + 30))
    check = {
        "id": saved.id,
        "created_at": saved.created_at,
        "level": saved.triage_level,
        "result": saved.result,
        "notes": saved.notes,
    }
    return ReportData(today, check, view, _weekly_km(runs, today), _events(conn, runs, kb, view))
