"""What a check's level allows, as a plan summary (shared/spec/triage.md, 'What each level allows')."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backstride.assess.triage import TriageLevel
from backstride.kb import KnowledgeBase

if TYPE_CHECKING:
    from backstride.assess.engine import CauseScore, TriageReason

#: At most this many causes shape the plan, so it stays short enough to follow.
MAX_FOCUS_CAUSES = 3
RECHECK_AFTER_DAYS = 14


def _exercise_entry(kb: KnowledgeBase, ex_id: str, cause_name: str) -> dict[str, Any]:
    ex = kb.exercises[ex_id]
    d = ex.dosage
    entry: dict[str, Any] = {"id": ex.id, "name": ex.name, "kind": ex.kind, "sets": d.sets}
    entry["reps" if d.reps else "hold_s"] = d.reps or d.hold_s
    if d.reps and d.hold_s:
        entry["hold_s"] = d.hold_s
    entry.update(per_side=d.per_side, why=f"for {cause_name.lower()}", evidence=ex.evidence)
    return entry


def summarise_plan(
    level: TriageLevel,
    reasons: list[TriageReason],
    causes: list[CauseScore],
    kb: KnowledgeBase,
    *,
    min_score: float,
) -> dict[str, Any] | None:
    """None at emergency or urgent; gentle movement only at see_clinician; the full plan otherwise."""
    if not level.allows_exercise_plan:
        return None
    focus = [c for c in causes if c.score >= min_score][:MAX_FOCUS_CAUSES]
    gentle = level is TriageLevel.SEE_CLINICIAN
    exercises: dict[str, dict[str, Any]] = {}
    habits: list[str] = []
    cues: list[str] = []
    for c in focus:
        cause = kb.causes[c.id]
        for ex_id in cause.exercises:
            if gentle and kb.exercises[ex_id].kind != "mobility":
                continue  # no new strength work until a clinician has seen the runner
            exercises.setdefault(ex_id, _exercise_entry(kb, ex_id, cause.name))
        habits += [h for h in cause.habits if h not in habits]
        cues += [kb.cues[q].text for q in cause.cues if kb.cues[q].text not in cues]
    if gentle:
        stop = any(r.running == "stop" for r in reasons)
        habits = [h for h in habits if kb.habits[h].kind not in ("strength", "fuel")]
        if "temporary_load_reduction" not in habits:
            habits.insert(0, "temporary_load_reduction")
        running = "stop until seen" if stop else "easy and pain-free only"
    else:
        running = "as the plan says; keep each run within 10% of your longest of the last 30 days"
    return {
        "kind": "gentle" if gentle else "full",
        "focus_causes": [c.id for c in focus],
        "exercises": list(exercises.values()),
        "warm_up": None if gentle else kb.warm_up.name,
        "habits": [{"id": h, "name": kb.habits[h].name, "text": kb.habits[h].text} for h in habits],
        "cues": cues,
        "running": running,
        "recheck_after_days": RECHECK_AFTER_DAYS,
        "warning_signs": kb.meta.warning_signs_reminder,
    }
