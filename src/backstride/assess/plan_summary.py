"""What a check's level allows, as a plan summary (shared/spec/triage.md, 'What each level allows'
and 'What a stop rule does to the plan').

Every recommendation carries its evidence level and sources, so each shell can show them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backstride.assess import restrictions as rx
from backstride.assess.triage import TriageLevel
from backstride.kb import KnowledgeBase
from backstride.kb.schema import Guidance

if TYPE_CHECKING:
    from backstride.assess.engine import CauseScore, TriageReason

#: At most this many causes shape the plan, so it stays short enough to follow.
MAX_FOCUS_CAUSES = 3
RECHECK_AFTER_DAYS = 14


def _guard_words(kb: KnowledgeBase) -> str:
    """The longest-run guard in words, from its params (habits.yaml longest_run_guard)."""
    params = kb.habits["longest_run_guard"].params
    over = round((float(params["max_ratio_to_30_day_longest"]) - 1) * 100)
    days = int(params["window_days"])
    return f"keep each run within {over}% of your longest of the last {days} days"


def _exercise_entry(kb: KnowledgeBase, ex_id: str, cause_name: str) -> dict[str, Any]:
    ex = kb.exercises[ex_id]
    d = ex.dosage
    entry: dict[str, Any] = {"id": ex.id, "name": ex.name, "kind": ex.kind, "sets": d.sets}
    entry["reps" if d.reps else "hold_s"] = d.reps or d.hold_s
    if d.reps and d.hold_s:
        entry["hold_s"] = d.hold_s
    entry.update(per_side=d.per_side, why=f"for {cause_name.lower()}", evidence=ex.evidence)
    entry.update(sources=kb.cite(ex.sources), loads=list(ex.loads))
    entry.update(instructions=ex.instructions, key_cue=ex.key_cue, avoid_if=ex.avoid_if)
    entry["muscles"] = list(ex.muscles)
    return entry


def _habit_entry(kb: KnowledgeBase, habit_id: str) -> dict[str, Any]:
    h = kb.habits[habit_id]
    return {
        "id": h.id,
        "name": h.name,
        "text": h.text,
        "evidence": h.evidence,
        "sources": kb.cite(h.sources),
        "loads": list(h.loads),
    }


def _cue_entry(kb: KnowledgeBase, cue_id: str) -> dict[str, Any]:
    c = kb.cues[cue_id]
    return {"id": c.id, "text": c.text, "evidence": c.evidence, "sources": kb.cite(c.sources)}


def _warm_up_entry(kb: KnowledgeBase, forbidden: set[str]) -> dict[str, Any]:
    w = kb.warm_up
    return {
        "id": w.id,
        "name": w.name,
        "steps": rx.warm_up_steps(forbidden, kb),
        "evidence": w.evidence,
        "sources": kb.cite(w.sources),
        "loads": sorted(rx.warm_up_loads(kb)),
    }


def _guidance_entry(kb: KnowledgeBase, g: Guidance) -> dict[str, Any]:
    return {
        "title": g.title,
        "text": g.text,
        "evidence": g.evidence,
        "sources": kb.cite(g.sources),
    }


def summarise_plan(
    level: TriageLevel,
    reasons: list[TriageReason],
    causes: list[CauseScore],
    kb: KnowledgeBase,
    *,
    min_score: float,
) -> dict[str, Any] | None:
    """None at emergency or urgent; gentle movement only at see_clinician; the full plan otherwise.

    Whatever the triggered reasons forbid (stop_rules.yaml) is left out, and every reason's
    advice is carried, stop reasons first.
    """
    if not level.allows_exercise_plan:
        return None
    focus = [c for c in causes if c.score >= min_score][:MAX_FOCUS_CAUSES]
    gentle = level is TriageLevel.SEE_CLINICIAN
    forbidden = rx.forbidden_by(reasons, kb, level=level.value)
    exercises: dict[str, dict[str, Any]] = {}
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
        running = f"as the plan says; {_guard_words(kb)}"
    running = rx.running_text(reasons, kb) or running
    habits = [h for h in habits if rx.allowed(kb.habits[h].loads, forbidden)]
    if stop:
        cues = []  # running cues need running
    warm_up = not gentle and rx.allowed(rx.warm_up_loads(kb), forbidden)
    return {
        "kind": "gentle" if gentle else "full",
        "focus_causes": [c.id for c in focus],
        "advice": rx.advice_in_order(reasons),
        "guidance": [_guidance_entry(kb, g) for g in rx.guidance_for(reasons, kb)],
        "left_out": rx.left_out(forbidden, kb) if reasons else [],
        "exercises": list(exercises.values()),
        "warm_up": _warm_up_entry(kb, forbidden) if warm_up else None,
        "habits": [_habit_entry(kb, h) for h in habits],
        "cues": [_cue_entry(kb, q) for q in cues],
        "running": running,
        "recheck_after_days": RECHECK_AFTER_DAYS,
        "warning_signs": kb.meta.warning_signs_reminder,
    }
