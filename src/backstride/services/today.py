"""Today: the sessions planned for today, ticked off with pain in one step, and the week.

`today_view` reads the plan (as `plan_view` builds it) and the ticks; `mark_done` ticks a
session off and, when the runner gave a pain score, saves it in the pain diary with it.
A plan with no weeks (emergency/urgent, or a stop rule) gives no sessions: the shells
show the escalation instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from backstride.errors import DuplicateDiaryEntry
from backstride.kb import KnowledgeBase
from backstride.models import DiaryEntry
from backstride.plan import PlanItem, PlanPreferences
from backstride.plan.adherence import SESSION_KINDS
from backstride.services.diary import add_entry
from backstride.services.experiment import ExperimentDay, experiment_today
from backstride.services.plan import PlanView, plan_view
from backstride.store import diary, plans

#: The sessions whose pain goes to the diary (its kinds); mobility is ticked only.
PAIN_KINDS = ("run", "strength")


@dataclass(frozen=True)
class TodayItem:
    item: PlanItem
    done: bool

    @property
    def tickable(self) -> bool:
        return self.item.kind in SESSION_KINDS

    def to_json(self) -> dict[str, Any]:
        return {**self.item.to_json(), "done": self.done}


@dataclass(frozen=True)
class GridDay:
    """A day of this week's grid: its items (none before the plan began) and what is done."""

    date: date
    items: tuple[PlanItem, ...]
    done: frozenset[str]
    is_today: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "today": self.is_today,
            "items": [
                {"kind": i.kind, "title": i.title, "done": i.kind in self.done} for i in self.items
            ],
            "done": sorted(self.done),
        }


@dataclass(frozen=True)
class TodayView:
    date: date
    view: PlanView
    items: tuple[TodayItem, ...]
    tomorrow: tuple[PlanItem, ...]
    week: tuple[GridDay, ...]
    #: The running experiment's instruction for today (personal evidence), if any.
    experiment: ExperimentDay | None = None
    #: Today's quick back-pain entry (diary kind "day"), if logged.
    day_pain: int | None = None

    @property
    def stopped(self) -> bool:
        """No exercise plan: the escalation (or stop advice) is all there is to show."""
        return not self.view.plan.weeks

    def to_json(self) -> dict[str, Any]:
        plan = self.view.plan
        return {
            "date": self.date.isoformat(),
            "level": plan.level,
            "message": plan.message,
            "stopped": self.stopped,
            "advice": list(plan.advice) if self.stopped else [],
            "items": [i.to_json() for i in self.items],
            "tomorrow": [i.to_json() for i in self.tomorrow],
            "week": [d.to_json() for d in self.week],
            "adherence": self.view.adherence.to_json(),
            "day_pain": self.day_pain,
            "experiment": None if self.experiment is None else {
                "id": self.experiment.experiment_id, "change": self.experiment.change,
                "arm": self.experiment.arm, "block": self.experiment.block,
                "blocks": self.experiment.blocks, "washout": self.experiment.washout,
                "days_left": self.experiment.days_left, "text": self.experiment.text,
            },
        }  # fmt: skip


def short_title(item: PlanItem) -> str:
    """A grid chip's words: "Easy run 30 min", "Strength", "Mobility", "Rest"."""
    if item.kind == "run":
        return " ".join(item.title.split(", ")[:2])
    return {"strength": "Strength", "mobility": "Mobility", "rest": "Rest"}.get(
        item.kind, item.title
    )


def grid_weeks(
    view: PlanView, *, done: set[tuple[date, str]], today: date
) -> list[tuple[date, tuple[GridDay, ...]]]:
    """Each plan week as seven grid days from its first weekday (days before the plan empty)."""
    days = _days(view)
    out = []
    for w in view.plan.weeks:
        cells = tuple(
            GridDay(d, days.get(d, ()), frozenset(k for x, k in done if x == d), d == today)
            for d in (w.start_date + timedelta(days=n) for n in range(7))
        )
        out.append((w.start_date, cells))
    return out


def plan_sessions(view: PlanView) -> list[PlanItem]:
    """Each kind of session once (the first run stands for the runs): the plan's cards."""
    seen: set[tuple[str, str]] = set()
    out = []
    for _, item in view.plan.items:
        key = (item.kind, "" if item.kind == "run" else item.title)
        if item.kind != "rest" and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def plan_span(view: PlanView) -> tuple[date, date]:
    """The first and last day the plan covers (today alone for a plan without weeks)."""
    days = [d.date for w in view.plan.weeks for d in w.days]
    return (min(days), max(days)) if days else (view.plan.plan_start, view.plan.plan_start)


def rest_only(view: PlanView) -> bool:
    """True when the plan holds no training at all (a stop rule took it all out)."""
    training = ("run", "strength", "mobility", "warm_up")
    return bool(view.plan.weeks) and not any(i.kind in training for _, i in view.plan.items)


def _days(view: PlanView) -> dict[date, tuple[PlanItem, ...]]:
    return {d.date: d.items for w in view.plan.weeks for d in w.days}


def today_view(
    conn: Connection,
    *,
    kb: KnowledgeBase,
    today: date,
    preferences: PlanPreferences | None = None,
) -> TodayView:
    """Today's sessions with what is done, tomorrow's, and this calendar week."""
    view = plan_view(conn, kb=kb, today=today, preferences=preferences)
    days = _days(view)
    week_start = (preferences or PlanPreferences()).week_start
    first = today - timedelta(days=(today.weekday() - week_start) % 7)
    done = plans.ticks(conn, start=first, end=today)
    items = tuple(TodayItem(i, (today, i.kind) in done) for i in days.get(today, ()))
    week = tuple(
        GridDay(
            d,
            days.get(d, ()),
            frozenset(k for day, k in done if day == d),
            d == today,
        )
        for d in (first + timedelta(days=n) for n in range(7))
    )
    day_pain = next(
        (e.pain_during for e in diary.between(conn, start=today, end=today) if e.kind == "day"),
        None,
    )
    return TodayView(
        today, view, items, days.get(today + timedelta(days=1), ()), week,
        experiment_today(conn, today), day_pain,
    )  # fmt: skip


def done_between(conn: Connection, *, start: date, end: date) -> set[tuple[date, str]]:
    """(date, kind) of the sessions ticked off between start and end inclusive."""
    return plans.ticks(conn, start=start, end=end)


@dataclass(frozen=True)
class DoneResult:
    new: bool
    #: what happened to the pain scores: saved, not recorded, or a diary entry kept as it was
    diary_note: str


def mark_done(
    conn: Connection,
    *,
    kb: KnowledgeBase,
    today: date,
    day: date,
    kind: str,
    pain_during: int | None = None,
    pain_after: int | None = None,
) -> DoneResult:
    """Tick the session off; pain scores given go to the diary (None: not recorded)."""
    new = plans.tick(conn, item_date=day, kind=kind)
    if kind not in PAIN_KINDS or (pain_during is None and pain_after is None):
        return DoneResult(new, "pain not recorded")
    entry = DiaryEntry(entry_date=day, kind=kind, pain_during=pain_during, pain_after=pain_after)
    try:
        add_entry(conn, entry=entry, kb=kb, today=today)
    except DuplicateDiaryEntry:
        return DoneResult(new, "a diary entry for it existed already and is kept as it was")
    return DoneResult(new, "pain saved in the diary")
