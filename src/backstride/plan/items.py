"""The plan's items, each saying why it is there and citing its sources (pure)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from backstride.assess import restrictions as rx
from backstride.plan.model import PlanItem, PlannedExercise, PlannedRun
from backstride.plan.progression import dose_at

if TYPE_CHECKING:
    from datetime import date

    from backstride.plan.context import PlanContext
    from backstride.plan.schedule import WeekPattern


def _cite(ctx: PlanContext, *source_lists: list[str]) -> tuple[str, ...]:
    ids: list[str] = []
    for group in source_lists:
        ids += [s for s in group if s not in ids]
    return tuple(ctx.kb.cite(ids))


def why_cause(ctx: PlanContext, cause_id: str) -> str:
    """The cause's name and the evidence from this runner's check that ranked it."""
    name = ctx.kb.causes[cause_id].name
    lines = []
    for c in ctx.assessment.causes:
        if c.id == cause_id:
            lines = [x[2:] for x in c.evidence if x.startswith("+ ")][:2]
    found = f" (your check: {'; '.join(lines)})" if lines else ""
    return f"For {name.lower()}{found}."


def _loads(*groups: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({tag for g in groups for tag in g}))


def weakest(ctx: PlanContext, levels: list[str | None]) -> str | None:
    """The weakest of some evidence levels (strong > moderate > weak > expert opinion)."""
    order = list(ctx.kb.meta.evidence_levels)
    known = [lv for lv in levels if lv in order]
    return max(known, key=order.index) if known else None


def warm_up(ctx: PlanContext) -> list[PlanItem]:
    """The warm-up before a run, a step a triggered rule forbids swapped for its alternative."""
    loads = rx.warm_up_loads(ctx.kb)
    if not ctx.allows(loads):
        return []
    w = ctx.kb.warm_up
    habit = ctx.kb.habits["warm_up_before_runs"]
    return [
        PlanItem(
            kind="warm_up",
            title=w.name,
            why=f"{habit.text} {w.honesty}",
            sources=_cite(ctx, w.sources),
            detail="; ".join(rx.warm_up_steps(ctx.forbidden, ctx.kb)),
            duration_min=float(habit.params["duration_min"]),
            evidence=w.evidence,
            loads=_loads(list(loads)),
        )
    ]


def _cues(ctx: PlanContext) -> tuple[str, ...]:
    faults = set(ctx.answers.get("form_observed") or ())
    return tuple(c.text for c in ctx.kb.cues.values() if c.fault in faults)


def _terrain(ctx: PlanContext, run: PlannedRun, day: date, pattern: WeekPattern) -> str | None:
    if "monotonous_terrain" not in ctx.focus or run.intensity != "easy":
        return None
    swaps = int(ctx.kb.habits["vary_terrain"].params["swaps_per_week"])
    easy_days = [
        d for d in pattern.run_days if d != pattern.long_day and d not in pattern.hard_days
    ]
    if day.weekday() not in easy_days[:swaps]:
        return None
    if ctx.phase(day).label in ("reduction", "gentle"):
        return "a trail or a different flat route (add hills once the reduction ends)"
    return "a trail, a hilly route or a different route instead of the usual loop"


def run_item(
    ctx: PlanContext, run: PlannedRun, phase: str, day: date, pattern: WeekPattern
) -> PlanItem:
    guard = ctx.kb.habits["longest_run_guard"]
    run = replace(run, terrain=_terrain(ctx, run, day, pattern), cues=_cues(ctx))
    minutes = round(run.duration_s / 60)
    km = f", about {run.distance_m / 1000:.1f} km" if run.distance_m else ""
    kind = "walk-run" if run.walk_run else "run"
    title = f"{run.intensity.capitalize()} {kind}, {minutes} min{km}"
    sources = list(guard.sources)
    why = f"{guard.text} {guard.honesty}"
    evidence = guard.evidence
    if run.note:  # a return after a break: why the run is smaller than before
        restart = ctx.kb.progress_rules.return_after_break
        why = f"{run.note} {why}"
        sources = [s for s in restart.sources if s not in sources] + sources
        evidence = restart.evidence
    if phase in ("reduction", "return"):
        reduction = ctx.kb.habits["temporary_load_reduction"]
        why = f"{why_cause(ctx, 'training_load_spike')} {reduction.text} {why}"
        sources = reduction.sources + sources
        evidence = reduction.evidence
    elif phase == "gentle":
        why = f"Until a clinician has seen you, run only easy and pain-free. {why}"
    detail = "Easy effort: you can talk in full sentences." if run.intensity != "hard" else ""
    if run.walk_run:
        detail += (
            f" Alternate {run.walk_run[0]} min of easy running with {run.walk_run[1]} min of "
            "brisk walking for the whole time."
        )
    if run.terrain:
        detail += f" Run it on {run.terrain}."
        sources += ctx.kb.habits["vary_terrain"].sources
    if run.cues:
        cue_sources = [s for c in ctx.kb.cues.values() if c.text in run.cues for s in c.sources]
        sources += cue_sources
        why += " Posture cues for the form faults your check found are attached."
    return PlanItem(
        "run",
        title,
        why,
        _cite(ctx, sources),
        detail=detail.strip(),
        run=run,
        evidence=evidence,
        loads=_loads(ctx.kb.stop_rules.planned_runs, guard.loads),
    )


def fuel_items(ctx: PlanContext, run: PlannedRun) -> list[PlanItem]:
    habit = ctx.kb.habits["fuel_long_runs"]
    if not ctx.allows(habit.loads):
        return []
    p = habit.params
    minutes = run.duration_s / 60
    if minutes > float(p["min_run_minutes"]):
        band = next(
            b
            for b in p["carbohydrate_g_per_h"]
            if b["max_minutes"] is None or minutes <= b["max_minutes"]
        )
        low, high = int(band["low"]), int(band["high"])
        hours = minutes / 60
        detail = (
            f"{low}-{high} g of carbohydrate per hour for the {round(minutes)} minutes "
            f"(about {round(low * hours)}-{round(high * hours)} g in all); start after "
            f"{p['start_after_minutes']} minutes and take small amounts every 15-20 minutes."
        )
        return [
            PlanItem(
                "fuel",
                f"Fuel this run: {low}-{high} g carbohydrate per hour",
                f"{habit.text} {habit.honesty}",
                _cite(ctx, habit.sources),
                detail=detail,
                fuel_g_per_h=(low, high),
                evidence=habit.evidence,
                loads=_loads(habit.loads),
            )
        ]
    if "fueling_fatigue" in ctx.focus and minutes >= float(p["practise_from_minutes"]):
        first = p["carbohydrate_g_per_h"][0]
        return [
            PlanItem(
                "fuel",
                "Practise fuelling on this run",
                f"{why_cause(ctx, 'fueling_fatigue')} {habit.text}",
                _cite(ctx, habit.sources),
                detail=(
                    f"Take about {first['low']} g of carbohydrate after {p['start_after_minutes']} "
                    "minutes, as you will on longer runs, to train your gut and find what you tolerate."
                ),
                fuel_g_per_h=(int(first["low"]), int(first["low"])),
                evidence=habit.evidence,
                loads=_loads(habit.loads),
            )
        ]
    return []


def _strength_exercises(ctx: PlanContext) -> tuple[list[PlannedExercise], list[str], list[str]]:
    strength_causes = ctx.kb.progress_rules.schedule.strength_causes
    causes = [c for c in ctx.focus if c in strength_causes] or list(strength_causes)
    per_cause = ctx.kb.progress_rules.schedule.exercises_per_cause
    chosen: list[PlannedExercise] = []
    sources: list[str] = []
    for cause_id in causes:
        starters = [
            ctx.kb.exercises[e]
            for e in ctx.kb.causes[cause_id].exercises
            if ctx.kb.exercises[e].kind in ("strength", "core")
            and not ctx.kb.exercises[e].regresses_to
            and ctx.allows(ctx.kb.exercises[e].loads)
        ]
        for ex in starters[:per_cause]:
            dosed = dose_at(ex, ctx.state.strength_step, ctx.kb)
            if not ctx.allows(dosed.loads):  # the harder or easier exercise may load more
                continue
            chosen.append(dosed)
            sources += ex.sources
    return chosen, causes, sources


def strength(ctx: PlanContext) -> list[PlanItem]:
    habit = ctx.kb.habits["strength_twice_weekly"]
    exercises, causes, sources = _strength_exercises(ctx)
    if not exercises or not ctx.allows(habit.loads):
        return []
    ranked = [c for c in causes if c in ctx.focus]
    why = " ".join(why_cause(ctx, c) for c in ranked) if ranked else ""
    why = f"{why} {habit.text} {habit.honesty}".strip()
    rule = ctx.kb.progress_rules.pain_monitoring
    detail = (
        f"Stop a set if pain passes {rule.acceptable_during_max}/10. Log the session in the "
        "diary (pain during, next morning): the doses move up or down from it."
    )
    return [
        PlanItem(
            "strength",
            "Strength: glutes, hips and core",
            why,
            _cite(ctx, habit.sources, sources),
            exercises=tuple(exercises),
            detail=detail,
            evidence=habit.evidence,
            loads=_loads(habit.loads, *(e.loads for e in exercises)),
        )
    ]


def mobility(ctx: PlanContext) -> list[PlanItem]:
    causes = [c for c in ctx.focus if c in ctx.kb.progress_rules.schedule.mobility_causes]
    if not causes:
        return []
    exercises: list[PlannedExercise] = []
    sources: list[str] = []
    for cause_id in causes:
        for ex_id in ctx.kb.causes[cause_id].exercises:
            ex = ctx.kb.exercises[ex_id]
            if (
                ex.kind == "mobility"
                and ctx.allows(ex.loads)
                and ex_id not in [e.id for e in exercises]
            ):
                exercises.append(dose_at(ex, 0, ctx.kb))
                sources += ex.sources
    if not exercises:
        return []
    why = " ".join(why_cause(ctx, c) for c in causes)
    honesty = ctx.kb.causes[causes[0]].honesty
    return [
        PlanItem(
            "mobility",
            "Hip-flexor mobility (daily)",
            f"{why} {honesty}",
            _cite(ctx, sources),
            exercises=tuple(exercises),
            evidence=weakest(ctx, [e.evidence for e in exercises]),
            loads=_loads(*(e.loads for e in exercises)),
        )
    ]


def _habit_item(
    ctx: PlanContext, habit_id: str, cause_id: str | None, detail: str = ""
) -> PlanItem:
    h = ctx.kb.habits[habit_id]
    why = f"{why_cause(ctx, cause_id)} " if cause_id else ""
    why += h.honesty or ""
    return PlanItem(
        "habit",
        h.name,
        why.strip(),
        _cite(ctx, h.sources),
        detail=detail or h.text,
        evidence=h.evidence,
        loads=_loads(h.loads),
    )


def after_run_habits(ctx: PlanContext) -> list[PlanItem]:
    if "poor_recovery" not in ctx.focus:
        return []
    return [_habit_item(ctx, "protein_after_runs", "poor_recovery")]


def rest(ctx: PlanContext) -> PlanItem:
    h = ctx.kb.habits["rest_days"]
    why = "Full rest: no run and no strength session. " + h.text
    if "poor_recovery" in ctx.focus:
        why = f"{why_cause(ctx, 'poor_recovery')} {why}"
    return PlanItem(
        "rest", "Rest day", why, _cite(ctx, h.sources), evidence=h.evidence, loads=_loads(h.loads)
    )


def _shoe_items(ctx: PlanContext) -> list[PlanItem]:
    replace = ctx.kb.habits["replace_worn_shoes"]
    shoe_km = ctx.prefs.shoe_km if ctx.prefs.shoe_km is not None else ctx.answers.get("shoe_km")
    limit = ctx.prefs.shoe_limit_km or float(replace.params["default_limit_km"])
    out: list[PlanItem] = []
    cause = "worn_footwear" if "worn_footwear" in ctx.focus else None
    if shoe_km is not None and float(shoe_km) >= limit:
        detail = f"Your main pair has {float(shoe_km):.0f} km on it, past your limit of {limit:.0f} km: replace it now."
        out.append(_habit_item(ctx, "replace_worn_shoes", cause, detail))
    elif shoe_km is not None and float(shoe_km) >= float(replace.params["warn_from_km"]):
        detail = f"Your main pair has {float(shoe_km):.0f} km of your {limit:.0f} km limit: plan its replacement."
        out.append(_habit_item(ctx, "replace_worn_shoes", cause, detail))
    pairs = int(ctx.kb.habits["rotate_shoes"].params["pairs"])
    if cause and (ctx.prefs.shoe_pairs or 0) < pairs:
        out.append(_habit_item(ctx, "rotate_shoes", cause))
    return out


def weekly_items(ctx: PlanContext, today: date) -> dict[int, list[PlanItem]]:
    """Habits placed on the first day of a week: key 0 for the first week, -1 for the others."""
    every: list[PlanItem] = []
    if "poor_recovery" in ctx.focus:
        every.append(_habit_item(ctx, "sleep", "poor_recovery"))
    if "prolonged_sitting" in ctx.focus:
        every.append(_habit_item(ctx, "movement_breaks", "prolonged_sitting"))
    first = _shoe_items(ctx) + list(every)
    if "running_form" in ctx.focus:
        first.append(_habit_item(ctx, "film_your_running", "running_form"))
    return {0: first, -1: every}
