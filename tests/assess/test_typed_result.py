"""The self-check's result is typed across the services seam (issue 16, item 3): the
service returns the `Assessment`, its plan summary is a dataclass, and `to_json()` keeps
the `check --json` shape."""

from __future__ import annotations

import json

from backstride.assess import Assessment, PlanSummary
from backstride.kb import KnowledgeBase
from backstride.services import selfcheck
from tests.assess.test_stop_rules import FULL
from tests.plan.conftest import SAFE

PLAN_KEYS = [
    "kind", "focus_causes", "advice", "guidance", "left_out", "exercises", "warm_up",
    "habits", "cues", "running", "recheck_after_days", "warning_signs",
]  # fmt: skip


def test_run_check_returns_the_typed_assessment(
    kb: KnowledgeBase,
) -> None:
    result = selfcheck.run_check({**SAFE, **FULL}, kb, training=None)
    assert isinstance(result, Assessment)
    assert isinstance(result.plan, PlanSummary)
    assert result.plan.exercises and all(e.sources for e in result.plan.exercises)


def test_the_plan_summary_json_keeps_its_keys_and_order(
    kb: KnowledgeBase,
) -> None:
    plan = selfcheck.run_check({**SAFE, **FULL}, kb, training=None).to_json()["plan"]
    assert list(plan) == PLAN_KEYS
    exercise = plan["exercises"][0]
    assert list(exercise)[:4] == ["id", "name", "kind", "sets"]
    assert ("reps" in exercise) or ("hold_s" in exercise)
    assert list(exercise)[-1] == "muscles"
    json.dumps(plan)  # plain JSON values only
