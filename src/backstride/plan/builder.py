"""build_plan(): ranked causes + training history + diary -> a week-by-week Plan (pure).

The triage level bounds everything first (shared/spec/triage.md, "What each level
allows"); numbers come from the knowledge base (habits' params, exercise dosage,
progress_rules.yaml), never from literals here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from backstride.assess import restrictions as rx
from backstride.assess.model import Assessment
from backstride.assess.triage import TriageLevel
from backstride.kb import KnowledgeBase
from backstride.models import Activity, DiaryEntry, StoredActivity
from backstride.plan import items as make
from backstride.plan.context import PlanContext
from backstride.plan.model import (
    Plan,
    PlanDay,
    PlanGuidance,
    PlanItem,
    PlannedRun,
    PlanPreferences,
    PlanWeek,
)
from backstride.plan.progression import diary_progress, replay
from backstride.plan.running import RunBaseline, baseline_from, past_runs, size_runs
from backstride.plan.schedule import WeekPattern, week_pattern

Intensity = Literal["easy", "hard", "long"]


def _pattern(ctx: PlanContext) -> WeekPattern:
    sched = ctx.kb.progress_rules.schedule
    p = ctx.prefs
    strength = ctx.kb.habits["strength_twice_weekly"].params
    rest = ctx.kb.habits["rest_days"].params
    return week_pattern(
        () if ctx.stop_running else (p.run_weekdays or tuple(sched.default_run_weekdays)),
        long_day=sched.default_long_run_weekday
        if p.long_run_weekday is None
        else p.long_run_weekday,
        hard_days=tuple(sched.default_hard_weekdays)
        if p.hard_weekdays is None
        else p.hard_weekdays,
        strength_sessions=0
        if ctx.gentle or not ctx.allows(ctx.kb.habits["strength_twice_weekly"].loads)
        else int(strength["sessions_per_week"]),
        min_gap_days=math.ceil(float(strength["min_hours_between"]) / 24),
        min_rest=int(rest["while_irritated"] if ctx.irritated else rest["min_per_week"]),
    )


def _runs(
    ctx: PlanContext, pattern: WeekPattern, days: list[date], baseline: RunBaseline
) -> dict[date, PlannedRun]:
    guard = ctx.kb.habits["longest_run_guard"].params
    slots: list[tuple[date, Intensity, float]] = []
    for day in days:
        wd = day.weekday()
        if wd not in pattern.run_days:
            continue
        phase = ctx.phase(day)
        intensity: Intensity = "easy"
        if wd == pattern.long_day:
            intensity = "long"
        elif wd in pattern.hard_days and phase.hard_allowed and baseline.hard_allowed(day):
            intensity = "hard"
        slots.append((day, intensity, phase.fraction))
    sizes = size_runs(
        slots,
        baseline,
        max_ratio=float(guard["max_ratio_to_30_day_longest"]),
        window_days=int(guard["window_days"]),
    )
    return {
        day: PlannedRun(
            intensity,
            baseline.duration_s(size),
            baseline.distance_m(size),
            walk_run=baseline.walk_run(day),
            note=baseline.restart_note(day),
        )
        for (day, intensity, _), size in zip(slots, sizes, strict=True)
    }


def _first_reason(assessment: Assessment) -> str:
    """The reason the message names: the most severe, one that stops running first."""
    ordered = rx.stop_first(assessment.reasons)
    return ordered[0].text if ordered else ""


def _stopped(assessment: Assessment, kb: KnowledgeBase, plan_start: date) -> Plan:
    message = f"{assessment.message} Why: {_first_reason(assessment)}".strip()
    return Plan(
        level=assessment.level.value,
        message=message,
        weeks=(),
        plan_start=plan_start,
        advice=tuple(rx.advice_in_order(assessment.reasons)),
        disclaimer=kb.meta.disclaimer,
    )


def _guidance(assessment: Assessment, kb: KnowledgeBase) -> tuple[PlanGuidance, ...]:
    return tuple(
        PlanGuidance(g.title, g.text, g.evidence, tuple(kb.cite(g.sources)))
        for g in rx.guidance_for(assessment.reasons, kb)
    )


def build_plan(
    assessment: Assessment,
    history: Sequence[Activity | StoredActivity] = (),
    preferences: PlanPreferences | None = None,
    *,
    kb: KnowledgeBase,
    today: date,
    plan_start: date | None = None,
    diary: Sequence[DiaryEntry] = (),
) -> Plan:
    """The plan from `today`, for the check made on `plan_start` (default: today).

    Emergency and urgent give no weeks, only the advice. See-clinician keeps gentle
    mobility, easy reduced running (none where a rule says stop) and no strength
    progressions. The diary moves exercises and runs up or down (pain-monitoring rule)
    and, after two weeks without a clinically important improvement, lowers the level
    to see_clinician.
    """
    start = plan_start or today
    if not assessment.level.allows_exercise_plan:
        return _stopped(assessment, kb, start)
    prefs = preferences or PlanPreferences()
    escalate = diary_progress(diary, plan_start=start, today=today, kb=kb).escalate
    level = TriageLevel.SEE_CLINICIAN if escalate else assessment.level
    gentle = level is TriageLevel.SEE_CLINICIAN
    state = replay(diary, kb.progress_rules.pain_monitoring, since=start, allow_progress=not gentle)
    ctx = PlanContext(assessment, kb, prefs, state, start, gentle, today, level)
    weeks = _weeks(ctx, history, today)
    # every triggered reason's advice, stop reasons first; then the escalation and the diary
    advice = rx.advice_in_order(assessment.reasons)
    escalation = escalation_text(kb) if escalate else ""
    advice += [escalation] if escalate else []
    advice += list(state.lines)
    return Plan(
        level=level.value,
        message=_message(level, assessment, ctx.focus, kb, escalated=escalate),
        weeks=weeks,
        plan_start=start,
        focus_causes=ctx.focus,
        advice=tuple(advice),
        disclaimer=kb.meta.disclaimer,
        escalation=escalation,
        guidance=_guidance(assessment, kb),
        left_out=tuple(rx.left_out(ctx.forbidden, kb)),
    )


def _message(
    level: TriageLevel,
    assessment: Assessment,
    focus: tuple[str, ...],
    kb: KnowledgeBase,
    *,
    escalated: bool,
) -> str:
    """What the level allows, and why (shared/spec/triage.md, the "message" column)."""
    base = kb.meta.level_messages[level.value]
    if level is TriageLevel.SEE_CLINICIAN:
        why = _first_reason(assessment) if not escalated else ""
        if escalated:
            why = "the pain diary shows no clinically important improvement after two weeks."
        return f"{base} Why: {why}".strip()
    names = [kb.causes[c].name.lower() for c in focus]
    return f"{base} Likely causes: {', '.join(names)}." if names else base


def escalation_text(kb: KnowledgeBase) -> str:
    """The see-clinician advice given when the diary shows no improvement in two weeks."""
    rules = kb.progress_rules
    return (
        f"No clinically important improvement (at least {rules.improvement.mcid_points:g} points "
        f"or {rules.improvement.mcid_fraction:.0%} less pain) after "
        f"{rules.escalation.after_days} days of the plan: "
        f"{kb.meta.level_messages['see_clinician']}"
    )


def _weeks(
    ctx: PlanContext, history: Sequence[Activity | StoredActivity], today: date
) -> tuple[PlanWeek, ...]:
    sched = ctx.kb.progress_rules.schedule
    n_weeks = ctx.prefs.weeks or sched.default_weeks
    # calendar weeks from the runner's first weekday; the first one starts today, part-way
    first = today - timedelta(days=(today.weekday() - ctx.prefs.week_start) % 7)
    days = [today + timedelta(days=i) for i in range((first - today).days + 7 * n_weeks)]
    pattern = _pattern(ctx)
    guard = ctx.kb.habits["longest_run_guard"].params
    baseline = baseline_from(
        past_runs(history),
        dict(ctx.answers),
        plan_start=ctx.plan_start,
        window_days=int(guard["window_days"]),
        default_long_minutes=sched.default_longest_run_minutes,
        easy_fraction=sched.easy_fraction_of_long,
        restart_rules=ctx.kb.progress_rules.return_after_break,
    )
    runs = _runs(ctx, pattern, days, baseline)
    weekly = make.weekly_items(ctx, today)
    week_list = []
    for w in range(n_weeks):
        start = first + timedelta(days=7 * w)
        week_days = [d for d in days if start <= d < start + timedelta(days=7)]
        planned = [
            PlanDay(day, tuple(_day_items(ctx, pattern, day, runs.get(day), weekly, w, i)))
            for i, day in enumerate(week_days)
        ]
        week_list.append(PlanWeek(start, tuple(planned)))
    return tuple(week_list)


def _day_items(
    ctx: PlanContext,
    pattern: WeekPattern,
    day: date,
    run: PlannedRun | None,
    weekly: dict[int, list[PlanItem]],
    week: int,
    index: int,
) -> list[PlanItem]:
    out: list[PlanItem] = []
    if run is not None:
        out += make.warm_up(ctx)
        out.append(make.run_item(ctx, run, ctx.phase(day).label, day, pattern))
        out += make.fuel_items(ctx, run)
    if day.weekday() in pattern.strength_days:
        out += make.strength(ctx)
    out += make.mobility(ctx)
    if run is not None:
        out += make.after_run_habits(ctx)
    if index == 0:
        out += weekly.get(week, weekly.get(-1, []))
    if day.weekday() in pattern.rest_days:
        out.append(make.rest(ctx))
    # the last guard: nothing a triggered reason forbids reaches the plan
    return [item for item in out if ctx.allows(item.loads)]
