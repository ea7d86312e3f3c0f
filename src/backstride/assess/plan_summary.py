"""What a check's level allows, as a plan summary (shared/spec/triage.md, 'What each level allows'
and 'What a stop rule does to the plan').

Every recommendation carries its evidence level and sources, so each shell can show them.
"""

from __future__ import annotations

from backstride.assess import restrictions as rx
from backstride.assess.model import (
    CauseScore,
    PlanSummary,
    SummaryCue,
    SummaryExercise,
    SummaryGuidance,
    SummaryHabit,
    SummaryWarmUp,
    TriageReason,
)
from backstride.assess.triage import TriageLevel
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Guidance

#: At most this many causes shape the plan, so it stays short enough to follow.
MAX_FOCUS_CAUSES = 3
RECHECK_AFTER_DAYS = 14


def _guard_words(kb: KnowledgeBase) -> str:
    """The longest-run guard in words, from its params (habits.yaml longest_run_guard)."""
    params = kb.habits["longest_run_guard"].params
    over = round((float(params["max_ratio_to_30_day_longest"]) - 1) * 100)
    days = int(params["window_days"])
    return f"keep each run within {over}% of your longest of the last {days} days"


def _exercise_entry(kb: KnowledgeBase, ex_id: str, cause_name: str) -> SummaryExercise:
    ex = kb.exercises[ex_id]
    d = ex.dosage
    return SummaryExercise(
        id=ex.id,
        name=ex.name,
        kind=ex.kind,
        sets=d.sets,
        reps=d.reps,
        hold_s=d.hold_s,
        per_side=d.per_side,
        why=f"for {cause_name.lower()}",
        evidence=ex.evidence,
        sources=kb.cite(ex.sources),
        loads=list(ex.loads),
        instructions=ex.instructions,
        key_cue=ex.key_cue,
        avoid_if=ex.avoid_if,
        muscles=list(ex.muscles),
    )


def _habit_entry(kb: KnowledgeBase, habit_id: str) -> SummaryHabit:
    h = kb.habits[habit_id]
    return SummaryHabit(h.id, h.name, h.text, h.evidence, kb.cite(h.sources), list(h.loads))


def _cue_entry(kb: KnowledgeBase, cue_id: str) -> SummaryCue:
    c = kb.cues[cue_id]
    return SummaryCue(c.id, c.text, c.evidence, kb.cite(c.sources))


def _warm_up_entry(kb: KnowledgeBase, forbidden: set[str]) -> SummaryWarmUp:
    w = kb.warm_up
    return SummaryWarmUp(
        id=w.id,
        name=w.name,
        steps=rx.warm_up_steps(forbidden, kb),
        evidence=w.evidence,
        sources=kb.cite(w.sources),
        loads=sorted(rx.warm_up_loads(kb)),
    )


def _guidance_entry(kb: KnowledgeBase, g: Guidance) -> SummaryGuidance:
    return SummaryGuidance(g.title, g.text, g.evidence, kb.cite(g.sources))


def summarise_plan(
    level: TriageLevel,
    reasons: list[TriageReason],
    causes: list[CauseScore],
    kb: KnowledgeBase,
    *,
    min_score: float,
) -> PlanSummary | None:
    """None at emergency or urgent; gentle movement only at see_clinician; the full plan otherwise.

    Whatever the triggered reasons forbid (stop_rules.yaml) is left out, and every reason's
    advice is carried, stop reasons first.
    """
    if not level.allows_exercise_plan:
        return None
    focus = [c for c in causes if c.score >= min_score][:MAX_FOCUS_CAUSES]
    gentle = level is TriageLevel.SEE_CLINICIAN
    forbidden = rx.forbidden_by(reasons, kb, level=level.value)
    exercises: dict[str, SummaryExercise] = {}
    habits: list[str] = []
    cues: list[str] = []
    for c in focus:
        cause = kb.causes[c.id]
        for ex_id in cause.exercises:
            if not rx.allowed(kb.exercises[ex_id].loads, forbidden):
                continue  # e.g. no new strength work until a clinician has seen the runner
            exercises.setdefault(ex_id, _exercise_entry(kb, ex_id, cause.name))
        habits += [h for h in cause.habits if h not in habits]
        cues += [q for q in cause.cues if q not in cues]
    stop = rx.running_stopped(forbidden, kb)
    if gentle:
        habits = [h for h in habits if kb.habits[h].kind not in ("strength", "fuel")]
        if "temporary_load_reduction" not in habits:
            habits.insert(0, "temporary_load_reduction")
        running = "stop until seen" if stop else "easy and pain-free only"
    else:
        running = f"{_guard_words(kb)}; the week plan gives each run its minutes and easy or hard"
    running = rx.running_text(reasons, kb) or running
    habits = [h for h in habits if rx.allowed(kb.habits[h].loads, forbidden)]
    if stop:
        cues = []  # running cues need running
    warm_up = not gentle and rx.allowed(rx.warm_up_loads(kb), forbidden)
    return PlanSummary(
        kind="gentle" if gentle else "full",
        focus_causes=[c.id for c in focus],
        advice=rx.advice_in_order(reasons),
        guidance=[_guidance_entry(kb, g) for g in rx.guidance_for(reasons, kb)],
        left_out=rx.left_out(forbidden, kb) if reasons else [],
        exercises=list(exercises.values()),
        warm_up=_warm_up_entry(kb, forbidden) if warm_up else None,
        habits=[_habit_entry(kb, h) for h in habits],
        cues=[_cue_entry(kb, q) for q in cues],
        running=running,
        recheck_after_days=RECHECK_AFTER_DAYS,
        warning_signs=kb.meta.warning_signs_reminder,
    )
