"""The check's plan summary words the longest-run guard from the KB, not from code."""

from __future__ import annotations

from dataclasses import replace

from backstride.assess.plan_summary import summarise_plan
from backstride.assess.triage import TriageLevel
from backstride.kb import KnowledgeBase, load_kb


def _with_guard(kb: KnowledgeBase, ratio: float, days: int) -> KnowledgeBase:
    guard = kb.habits["longest_run_guard"]
    params = {**guard.params, "max_ratio_to_30_day_longest": ratio, "window_days": days}
    return replace(kb, habits={**kb.habits, guard.id: guard.model_copy(update={"params": params})})


def _running(kb: KnowledgeBase) -> str:
    plan = summarise_plan(TriageLevel.SELF_CARE, [], [], kb, min_score=0.1)
    assert plan is not None
    return str(plan.running)


def test_shipped_guard_reads_within_10_percent_of_30_days() -> None:
    assert _running(load_kb()) == (
        "keep each run within 10% of your longest of the last 30 days; "
        "the week plan gives each run its minutes and easy or hard"
    )


def test_guard_wording_follows_the_habit_params() -> None:
    assert _running(_with_guard(load_kb(), 1.15, 28)).startswith(
        "keep each run within 15% of your longest of the last 28 days;"
    )
