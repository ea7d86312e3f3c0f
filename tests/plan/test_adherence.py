"""Adherence: planned sessions (strength, mobility, runs) done out of those planned so far."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from backstride.assess.engine import Assessment
from backstride.kb import KnowledgeBase
from backstride.plan import PlanPreferences, build_plan
from backstride.plan.adherence import adherence
from tests.plan.conftest import GLUTES, TODAY

Check = Callable[..., Assessment]


def test_adherence_counts_sessions_before_the_cut_off(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(
        check(**GLUTES, hip_flexor_test="thigh_flat"),
        (),
        PlanPreferences(weeks=2),
        kb=kb,
        today=TODAY,
    )
    until = TODAY + timedelta(days=7)
    week = [(d, i.kind) for d, i in plan.items if d < until and i.kind in ("strength", "run")]
    assert sorted(k for _, k in week) == ["run", "run", "run", "strength", "strength"]
    done = {week[0], week[1], (TODAY + timedelta(days=9), "run")}  # the last is after the cut-off
    result = adherence(plan, until=until, done=done)
    assert (result.done, result.planned) == (2, 5)
    assert result.fraction == 0.4
    assert result.to_json()["by_kind"]["mobility"] == {"done": 0, "planned": 0}


def test_no_sessions_planned_yet_has_no_fraction(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(**GLUTES), kb=kb, today=TODAY)
    assert adherence(plan, until=TODAY, done=set()).fraction is None
