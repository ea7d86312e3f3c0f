"""Everything the physio report shows, gathered from the store into plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from backstride.config import Settings
from backstride.kb import KnowledgeBase
from backstride.services.plan import PlanView, latest_check, plan_view
from backstride.services.training import load_report
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


def _events(conn: Connection, flags: list[Any], view: PlanView) -> list[str]:
    """The load analysis' flags (spikes, jumps, streaks), diary warning signs, escalation."""
    out = []
    for f in flags:
        when = f.flag_date or f.week_start_date
        out.append(f"{when:%a %d %b %Y}: {f.text}" if when else f.text)
    out += [
        f"{e.entry_date:%a %d %b %Y}: diary reported warning signs: {', '.join(e.warnings)}"
        for e in diary.between(conn)
        if e.warnings
    ]
    if view.escalated:
        out.append(view.plan.escalation or view.plan.advice[0])
    return out


def report_data(
    conn: Connection, *, kb: KnowledgeBase, today: date, settings: Settings
) -> ReportData:
    """The latest check, pain and load, the plan with its adherence, and notable events."""
    saved = latest_check(conn)
    view = plan_view(conn, kb=kb, today=today, save=False)
    load = load_report(conn, weeks=LOAD_WEEKS, today=today, settings=settings, rules=kb.load_rules)
    weekly_km = [(w.week_start_date, w.distance_m / 1000) for w in load.weeks]
    check = {
        "id": saved.id,
        "created_at": saved.created_at,
        "level": saved.triage_level,
        "result": saved.result,
        "notes": saved.notes,
    }
    return ReportData(today, check, view, weekly_km, _events(conn, list(load.flags), view))
