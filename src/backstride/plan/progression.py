"""The pain-monitoring rule: progress, hold or regress from the diary (pure).

An exercise or run progresses only when pain during stays within the acceptable band
and the next morning is no worse; it regresses otherwise (Silbernagel et al. 2007, as
set out in kb/data/progress_rules.yaml). The state is replayed from the diary every
time, so the runner never edits a number by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from backstride.analyse.pain import PainProgress, pain_progress
from backstride.kb import KnowledgeBase
from backstride.kb.figures import figure_path
from backstride.kb.schema import Exercise, PainMonitoringRules
from backstride.models import DiaryEntry
from backstride.plan.model import PlannedExercise

Verdict = Literal["progress", "hold", "regress"]


def session_verdict(
    entry: DiaryEntry, usual_morning: int | None, rules: PainMonitoringRules
) -> Verdict:
    """One session's verdict; `hold` when the entry lacks pain during or next morning.

    "No worse" compares the next-morning pain with the usual morning pain before the
    session (the last next-morning value recorded), or with the pain during the
    session when there is none yet.
    """
    if entry.pain_during is not None and entry.pain_during > rules.acceptable_during_max:
        return "regress"
    if entry.pain_during is None or entry.pain_next_morning is None:
        return "hold"
    usual = usual_morning if usual_morning is not None else entry.pain_during
    if rules.next_morning_no_worse and entry.pain_next_morning > usual:
        return "regress"
    return "progress"


@dataclass(frozen=True)
class ProgressionState:
    """Where the diary leaves the plan.

    `strength_step`: -1 = the easier variant, 0 = the starting dose, k > 0 = k steps up.
    `run_verdict`: the verdict of the latest run with a diary entry; `regressed_on` is the
    date of the latest run that called for a reduction; `good_run_dates` the runs that
    allow a step up.
    """

    strength_step: int = 0
    run_verdict: Verdict = "hold"
    regressed_on: date | None = None
    lines: tuple[str, ...] = ()
    good_run_dates: tuple[date, ...] = ()


def _verdicts(
    entries: Sequence[DiaryEntry], kind: str, rules: PainMonitoringRules
) -> list[tuple[DiaryEntry, Verdict]]:
    usual: int | None = None
    out: list[tuple[DiaryEntry, Verdict]] = []
    for e in sorted(entries, key=lambda x: x.entry_date):
        if e.kind == kind:
            out.append((e, session_verdict(e, usual, rules)))
        if e.pain_next_morning is not None:
            usual = e.pain_next_morning
    return out


def replay(
    diary: Sequence[DiaryEntry],
    rules: PainMonitoringRules,
    *,
    since: date,
    allow_progress: bool,
) -> ProgressionState:
    """Replay the diary from `since` (the plan's start) into a progression state."""
    entries = [e for e in diary if e.entry_date >= since]
    step, streak, lines = 0, 0, []
    for e, verdict in _verdicts(entries, "strength", rules):
        if verdict == "progress":
            streak += 1
            if streak >= rules.sessions_to_progress:
                step, streak = step + 1, 0
        elif verdict == "regress":
            step, streak = max(step - 1, -1), 0
            lines.append(f"{e.entry_date}: strength session regressed ({_pain_text(e)})")
    if not allow_progress:
        step = min(step, 0)
    runs = _verdicts(entries, "run", rules)
    run_verdict: Verdict = runs[-1][1] if runs else "hold"
    regressed = [e.entry_date for e, v in runs if v == "regress"]
    for e, v in runs:
        if v == "regress":
            lines.append(f"{e.entry_date}: run called for a reduction ({_pain_text(e)})")
    good = tuple(e.entry_date for e, v in runs if v == "progress")
    return ProgressionState(
        step, run_verdict, regressed[-1] if regressed else None, tuple(lines), good
    )


def _pain_text(e: DiaryEntry) -> str:
    return f"pain during {e.pain_during}/10, next morning {e.pain_next_morning}/10"


def _start_dose(
    ex: Exercise, step: int, name: str | None = None, note: str = ""
) -> PlannedExercise:
    d = ex.dosage
    return PlannedExercise(
        id=ex.id,
        name=name or ex.name,
        sets=d.sets,
        reps=d.reps,
        hold_s=d.hold_s,
        per_side=d.per_side,
        rest_s=d.rest_s,
        regression=f"{ex.regression.name}: {ex.regression.how}",
        progression=f"{ex.progression.name}: {ex.progression.how}",
        step=step,
        note=note,
        evidence=ex.evidence,
        loads=tuple(ex.loads),
        instructions=ex.instructions,
        key_cue=ex.key_cue,
        avoid_if=ex.avoid_if,
        muscles=tuple(ex.muscles),
        steps=tuple(ex.steps),
        figure=figure_path(ex.id) if ex.figure is not None else None,
    )


def dose_at(ex: Exercise, step: int, kb: KnowledgeBase) -> PlannedExercise:
    """The exercise at a progression step: -1 easier variant, 0 start, then more sets, then harder."""
    if step < 0:
        if ex.regresses_to:
            easier = kb.exercises[ex.regresses_to]
            return _start_dose(easier, step, note=f"Easier than {ex.name} until pain settles.")
        return _start_dose(
            ex,
            step,
            name=f"{ex.regression.name} (easier {ex.name.lower()})",
            note=ex.regression.how,
        )
    max_sets = kb.progress_rules.strength_progression.max_sets
    extra_sets = max(max_sets - ex.dosage.sets, 0)
    base = _start_dose(ex, step)
    if step <= extra_sets:
        return replace(base, sets=ex.dosage.sets + step)
    if ex.progresses_to:
        harder = kb.exercises[ex.progresses_to]
        return replace(dose_at(harder, step - extra_sets - 1, kb), step=step)
    return _start_dose(
        ex, step, name=f"{ex.progression.name} ({ex.name.lower()})", note=ex.progression.how
    )


def diary_progress(
    diary: Sequence[DiaryEntry], *, plan_start: date, today: date, kb: KnowledgeBase
) -> PainProgress:
    """The pain trend since the plan began, judged with the KB's MCID and escalation rules."""
    imp, esc = kb.progress_rules.improvement, kb.progress_rules.escalation
    return pain_progress(
        diary,
        plan_start=plan_start,
        today=today,
        mcid_points=imp.mcid_points,
        mcid_fraction=imp.mcid_fraction,
        baseline_days=imp.baseline_days,
        recent_days=imp.recent_days,
        escalate_after_days=esc.after_days,
        min_diary_days=esc.min_diary_days,
    )
