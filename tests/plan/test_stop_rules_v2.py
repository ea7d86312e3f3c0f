"""What a stop rule does to the plan (shared/spec/triage.md, safety screen v2, issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase
from backstride.plan import build_plan
from tests.plan.conftest import TODAY, weekly_history

# Answers that would bring runs, warm-ups, fuelling and run habits into a full plan.
RUN_ANSWERS: dict[str, Any] = {
    "longest_run_minutes": 150,
    "fuel_on_long_runs": "never",
    "warm_up": "never",
    "same_route_most_days": True,
    "recent_changes": ["mileage_increase"],
}
STOP_RULES = [
    pytest.param({"bony_tenderness": True, "pain_worst": 8}, id="bone_stress"),
    pytest.param({"age": 15, "pain_arching_back": True}, id="spondylolysis"),
    pytest.param(
        {"bony_tenderness": True, "missed_periods_or_stress_fractures": True, "age": 24},
        id="bone_stress_reds",
    ),
]


@pytest.mark.parametrize("changes", STOP_RULES)
def test_no_runs_warm_ups_fuel_or_run_habits_while_running_is_stopped(
    check: Callable[..., Assessment], kb: KnowledgeBase, changes: dict[str, Any]
) -> None:
    assessment = check(**RUN_ANSWERS, **changes)
    assert any(r.running == "stop" for r in assessment.reasons)
    plan = build_plan(assessment, weekly_history(), kb=kb, today=TODAY)
    items = [i for w in plan.weeks for d in w.days for i in d.items]
    assert items
    assert not [i.title for i in items if i.kind in ("run", "warm_up", "fuel")]
    run_habit_names = {h.name for h in kb.habits.values() if h.kind == "run"}
    assert not [i.title for i in items if i.kind == "habit" and i.title in run_habit_names]


@pytest.mark.parametrize("changes", STOP_RULES)
def test_plan_carries_every_reason_advice_stop_reasons_first(
    check: Callable[..., Assessment], kb: KnowledgeBase, changes: dict[str, Any]
) -> None:
    assessment = check(**changes)
    plan = build_plan(assessment, kb=kb, today=TODAY)
    advice = list(plan.advice)
    for reason in assessment.reasons:
        assert reason.advice in advice, reason.rule
    stops = [advice.index(r.advice) for r in assessment.reasons if r.running == "stop"]
    others = [advice.index(r.advice) for r in assessment.reasons if r.running != "stop"]
    assert stops and max(stops) < min(others, default=len(advice))
