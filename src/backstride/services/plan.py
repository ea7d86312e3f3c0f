"""The plan as one use case: latest check + history + diary -> plan, progress and adherence.

Saves a snapshot of the plan as shown and, when the diary shows no clinically important
improvement after two weeks, the see-clinician advice as a note on the latest check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from backstride.analyse.pain import PainProgress
from backstride.analyse.report import ShoeStatus
from backstride.analyse.summaries import local_date
from backstride.assess import assess
from backstride.assess.model import Assessment
from backstride.config import Settings
from backstride.errors import NotFound
from backstride.kb import KnowledgeBase
from backstride.models import DiaryEntry, SavedCheck, StoredActivity
from backstride.plan import Plan, PlanPreferences, build_plan, escalation_text
from backstride.plan.adherence import Adherence, adherence
from backstride.plan.progression import diary_progress
from backstride.services.shoes import shoe_statuses
from backstride.store import activities, checks, diary, plans

#: How far back the training history is read: the 30-day guard window plus a margin.
HISTORY_DAYS = 60


@dataclass(frozen=True)
class PlanView:
    """What `backstride plan` / `progress` and the web pages show."""

    plan: Plan
    check_id: int
    progress: PainProgress
    adherence: Adherence
    escalated: bool

    def to_json(self) -> dict[str, Any]:
        out = self.plan.to_json()
        out["check_id"] = self.check_id
        out["adherence"] = self.adherence.to_json()
        out["escalated"] = self.escalated
        return out

    def progress_json(self) -> dict[str, Any]:
        """The `backstride progress --json` shape: pain trend, MCID verdict, adherence."""
        p = self.progress
        return {
            "level": self.plan.level,
            "plan_start": self.plan.plan_start.isoformat(),
            "days_on_plan": p.days_on_plan,
            "points": [{"date": d.isoformat(), "pain": v} for d, v in p.points],
            "baseline": p.baseline,
            "recent": p.recent,
            "change_points": p.change_points,
            "change_fraction": p.change_fraction,
            "slope_per_week": p.slope_per_week,
            "improved": p.improved,
            "escalate": p.escalate,
            "advice": list(self.plan.advice) if p.escalate else [],
            "adherence": self.adherence.to_json(),
        }


def training_history(
    conn: Connection, *, today: date, days: int = HISTORY_DAYS
) -> list[StoredActivity]:
    """Runs of the last `days` days (the plan's guard looks back 30 days from its start)."""
    start = datetime.combine(today - timedelta(days=days), time(), UTC)
    end = datetime.combine(today + timedelta(days=1), time(), UTC)
    return activities.between(conn, start=start, end=end, sport="run")


def last_known_running(conn: Connection, *, before: date, window_days: int) -> list[StoredActivity]:
    """The runs of the `window_days` up to the last run before `before` (none: empty).

    After a break longer than the history the plan reads, this is what it restarts
    below; routes are not read (the plan needs times and distances only).
    """
    end = datetime.combine(before, time(), UTC)
    earlier = activities.between(conn, end=end, sport="run", with_route=False)
    if not earlier:
        return []
    since = earlier[-1].activity.started_at - timedelta(days=window_days + 1)
    return [r for r in earlier if r.activity.started_at >= since]


def preferences_from_store(
    conn: Connection,
    *,
    settings: Settings,
    weeks: int | None = None,
    statuses: Sequence[ShoeStatus] | None = None,
) -> PlanPreferences:
    """The runner's shoes as the plan needs them: the most-run active pair and its own limit.

    ``statuses`` saves reading the history again when the caller has them already.
    """
    found = shoe_statuses(conn) if statuses is None else statuses
    active = [s for s in found if s.shoe.retired_date is None]
    week_start = 0 if settings.week_start == "monday" else 6
    if not active:
        return PlanPreferences(
            weeks=weeks, shoe_limit_km=settings.shoe_limit_km, week_start=week_start
        )
    main = max(active, key=lambda s: s.distance_m)
    return PlanPreferences(
        weeks=weeks,
        week_start=week_start,
        shoe_km=main.distance_m / 1000,
        shoe_limit_km=main.shoe.limit_km,
        shoe_pairs=len(active),
    )


def latest_check(conn: Connection) -> SavedCheck:
    """The newest saved check; NotFound tells the runner to run the self-check first."""
    saved = checks.latest(conn)
    if saved is None:
        raise NotFound(
            "no saved self-check yet: run `backstride check` first, then `backstride plan`"
        )
    return saved


def assessment_of(saved: SavedCheck, kb: KnowledgeBase) -> Assessment:
    """Re-assess a saved check's answers (with what training filled in) on this KB."""
    filled = saved.result.get("filled_from_training")
    answers: dict[str, Any] = dict(filled) if isinstance(filled, dict) else {}
    return assess({**answers, **saved.answers}, kb)


def _done_sessions(
    conn: Connection,
    entries: Sequence[DiaryEntry],
    history: Sequence[StoredActivity],
    start: date,
    today: date,
) -> set[tuple[date, str]]:
    done = plans.ticks(conn, start=start, end=today)
    done |= {(e.entry_date, e.kind) for e in entries if e.kind in ("run", "strength")}
    done |= {(local_date(h.activity), "run") for h in history}
    return done


def plan_view(
    conn: Connection,
    *,
    kb: KnowledgeBase,
    today: date,
    preferences: PlanPreferences | None = None,
    save: bool = True,
) -> PlanView:
    """The plan from today for the latest check, with progress and adherence since it began."""
    saved = latest_check(conn)
    start = min(saved.created_at.date(), today)
    assessment = assessment_of(saved, kb)
    entries = diary.between(conn, end=today)
    history = training_history(conn, today=today)
    if not any(local_date(h.activity) < start for h in history):
        # a break longer than the history read: the plan restarts below the running before it
        window = int(kb.habits["longest_run_guard"].params["window_days"])
        before = today - timedelta(days=HISTORY_DAYS)
        history = last_known_running(conn, before=before, window_days=window) + history
    plan = build_plan(
        assessment, history, preferences, kb=kb, today=today, plan_start=start, diary=entries
    )
    progress = diary_progress(entries, plan_start=start, today=today, kb=kb)
    # whole weeks from the check up to and including today (adherence counts today's ticks)
    elapsed = (today - start).days // 7 + 2
    past = build_plan(
        assessment,
        history,
        replace(preferences or PlanPreferences(), weeks=elapsed),
        kb=kb,
        today=start,
        plan_start=start,
        diary=entries,
    )
    done = _done_sessions(conn, entries, history, start, today)
    view = PlanView(
        plan, saved.id, progress, adherence(past, until=today, done=done), progress.escalate
    )
    if save:
        _save(conn, view, saved, kb)
    return view


def _save(conn: Connection, view: PlanView, saved: SavedCheck, kb: KnowledgeBase) -> None:
    if view.escalated:
        note = escalation_text(kb)
        if note not in saved.notes:
            checks.add_note(conn, check_id=saved.id, note=note)
    shown = view.plan.to_json()
    last = plans.latest_snapshot(conn)
    if last is not None and last.plan == shown:
        return  # the same plan as last shown: no new snapshot
    plans.save_snapshot(
        conn,
        plan=shown,
        plan_start=view.plan.plan_start,
        level=view.plan.level,
        check_id=saved.id,
    )
