"""What a stop rule does to the plan (shared/spec/triage.md): every stop/forbid rule and
combination x the plan summary and the weekly plan.

Nothing a triggered reason forbids reaches either plan; every reason's advice does, stop
reasons first; no run habit survives a stop on running.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from backstride.assess.model import Assessment, PlanSummary
from backstride.assess.restrictions import forbidden_by
from backstride.kb import KnowledgeBase
from backstride.models import DiaryEntry
from backstride.plan import Plan, build_plan
from tests.plan.conftest import TODAY, weekly_history
from tests.plan.stop_cases import ALL_CASES, EVERYTHING, RULE_ANSWERS

Check = Callable[..., Assessment]


def _assessment(check: Check, case: str) -> Assessment:
    return check(**{**EVERYTHING, **ALL_CASES[case]})


def _summary_loads(plan: PlanSummary) -> list[tuple[str, set[str]]]:
    """(what, its load tags) for every recommendation of a plan summary."""
    out = [(e.id, set(e.loads)) for e in plan.exercises]
    out += [(h.id, set(h.loads)) for h in plan.habits]
    if plan.warm_up:
        out.append((plan.warm_up.id, set(plan.warm_up.loads)))
    return out


def _plan_loads(plan: Plan) -> list[tuple[str, set[str]]]:
    out: list[tuple[str, set[str]]] = []
    for _, item in plan.items:
        out.append((item.title, set(item.loads)))
        out += [(e.name, set(e.loads)) for e in item.exercises]
    return out


def test_every_rule_of_the_table_has_a_case(kb: KnowledgeBase) -> None:
    assert {r.rule for r in kb.stop_rules.rules} <= set(RULE_ANSWERS)


@pytest.mark.parametrize("case", sorted(RULE_ANSWERS))
def test_each_case_triggers_its_rule(check: Check, case: str) -> None:
    assert case in [r.rule for r in _assessment(check, case).reasons]


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_no_summary_recommendation_loads_a_forbidden_tag(
    kb: KnowledgeBase, check: Check, case: str
) -> None:
    a = _assessment(check, case)
    assert a.plan is not None and a.level.value == "see_clinician"
    forbidden = forbidden_by(a.reasons, kb)
    assert forbidden, "every see-clinician case forbids at least new strength work"
    for what, loads in _summary_loads(a.plan):
        assert not loads & forbidden, f"{case}: {what} loads {loads & forbidden}"


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_no_weekly_plan_item_loads_a_forbidden_tag(
    kb: KnowledgeBase, check: Check, case: str
) -> None:
    a = _assessment(check, case)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    forbidden = forbidden_by(a.reasons, kb)
    assert plan.weeks
    for what, loads in _plan_loads(plan):
        assert not loads & forbidden, f"{case}: {what} loads {loads & forbidden}"


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_every_reason_advice_is_in_the_plan_stop_reasons_first(
    kb: KnowledgeBase, check: Check, case: str
) -> None:
    a = _assessment(check, case)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    for advice in (a.plan.advice, list(plan.advice)):  # type: ignore[union-attr]
        for r in a.reasons:
            assert r.advice in advice
        stops = [r.advice for r in a.reasons if r.running == "stop"]
        others = [r.advice for r in a.reasons if r.running != "stop" and r.advice not in stops]
        if stops:
            assert advice[0] in stops
        if stops and others:
            assert max(advice.index(s) for s in stops) < min(advice.index(o) for o in others)
    data = plan.to_json()
    assert data["advice"] == list(plan.advice) and data["left_out"]


#: Cases whose reasons allow easy running; every other case stops it.
RUNNING_GOES_ON = {
    "severe_only",
    "energy_deficiency_only",
    "child_under_16",
    "pregnancy",
    "pregnancy_and_sciatica",
}


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_a_stop_on_running_leaves_no_run_and_no_run_habit(
    kb: KnowledgeBase, check: Check, case: str
) -> None:
    a = _assessment(check, case)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    kinds = {item.kind for _, item in plan.items}
    summary = a.plan
    assert summary is not None
    if case in RUNNING_GOES_ON:
        assert "run" in kinds and summary.running == "easy and pain-free only"
        return
    assert not kinds & {"run", "warm_up", "fuel"}
    titles = {item.title for _, item in plan.items}
    run_habits = {h.id: h.name for h in kb.habits.values() if "run_habit" in h.loads}
    assert not titles & set(run_habits.values())
    assert summary.running != "easy and pain-free only"
    assert summary.warm_up is None and summary.cues == []
    assert not {h.id for h in summary.habits} & set(run_habits)


def test_spondylolysis_plan_has_no_back_arching_stretch_or_progression(
    kb: KnowledgeBase, check: Check
) -> None:
    a = _assessment(check, "young_runner_extension_pain")
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    names = {e.name for _, i in plan.items for e in i.exercises}
    names |= {e.name for e in a.plan.exercises}  # type: ignore[union-attr]
    for ex in kb.exercises.values():
        if "spinal_extension" in ex.loads:
            assert ex.name not in names
    text = " ".join(f"{e.progression} {e.name}" for _, i in plan.items for e in i.exercises)
    assert "overhead" not in text.lower()
    assert "back-arching" in " ".join(plan.left_out)
    assert a.reasons[0].advice in plan.advice
    assert "avoid running and back-arching" in plan.advice[0]


def test_see_clinician_without_a_stop_still_keeps_easy_runs_and_mobility(
    kb: KnowledgeBase, check: Check
) -> None:
    a = check(
        pain_worst=8, hip_flexor_test="thigh_raised", sitting_worse=True, desk_hours_per_day=10
    )
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    kinds = {item.kind for _, item in plan.items}
    assert {"run", "warm_up", "mobility"} <= kinds and "strength" not in kinds
    assert plan.advice[0] == a.reasons[0].advice


def test_the_message_names_the_stop_reason_first(kb: KnowledgeBase, check: Check) -> None:
    a = _assessment(check, "spondylolysis_and_sharp")
    assert a.reasons[0].rule == "sharp_pain"  # file order puts it first
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    assert "spondylolysis" in plan.message


def test_an_escalated_plan_keeps_the_reasons_first_and_the_escalation_apart(
    kb: KnowledgeBase, check: Check
) -> None:
    a = _assessment(check, "bone_stress_injury")
    start = TODAY - timedelta(days=20)
    diary = [DiaryEntry(start + timedelta(days=d), "day", pain_during=6) for d in range(0, 21)]
    plan = build_plan(a, (), kb=kb, today=TODAY, plan_start=start, diary=diary)
    assert plan.escalation and plan.escalation in plan.advice
    assert plan.advice[0] == a.reasons[0].advice
    assert plan.to_json()["escalation"] == plan.escalation


def test_items_and_exercises_carry_their_evidence(kb: KnowledgeBase, check: Check) -> None:
    plan = build_plan(check(**EVERYTHING), weekly_history(), kb=kb, today=TODAY)
    levels = set(kb.meta.evidence_levels)
    for _, item in plan.items:
        assert item.evidence in levels, item.title
        for e in item.exercises:
            assert e.evidence == kb.exercises[e.id].evidence
    data = plan.to_json()
    item = data["weeks"][0]["days"][0]["items"][0]
    assert item["evidence"] in levels and "loads" in item


# ---------------------------------------------------------------- pregnancy and postpartum

SUPINE_OR_STRAINING = {"supine_long", "lying_prone", "heavy_straining"}


@pytest.mark.parametrize("case", ["pregnancy", "pregnancy_and_sciatica"])
def test_a_pregnancy_plan_has_no_supine_prone_or_straining_item(
    kb: KnowledgeBase, check: Check, case: str
) -> None:
    a = _assessment(check, case)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    for what, loads in _plan_loads(plan) + _summary_loads(a.plan):  # type: ignore[arg-type]
        assert not loads & SUPINE_OR_STRAINING, f"{what}: {loads}"
    names = {e.name for _, i in plan.items for e in i.exercises}
    for ex in kb.exercises.values():
        if set(ex.loads) & SUPINE_OR_STRAINING:
            assert ex.name not in names
    warm_ups = [i for _, i in plan.items if i.kind == "warm_up"]
    assert warm_ups, "easy running goes on in pregnancy, with its warm-up"
    assert all("glute bridges" not in i.detail and "standing hip extensions" in i.detail
               for i in warm_ups)  # fmt: skip
    assert all(i.run.intensity != "hard" for _, i in plan.items if i.run)
    (guide,) = plan.guidance
    assert "flat on your back" in guide.text and "women's health" in guide.text
    assert guide.evidence == "expert_opinion" and "ACOG" in guide.sources[0]
    assert a.plan.guidance[0].text == guide.text  # type: ignore[union-attr]
    assert "lying flat on your back" in " ".join(plan.left_out)


@pytest.mark.parametrize("case", ["postpartum", "postpartum_and_bone_stress"])
def test_a_postpartum_plan_holds_running_and_carries_the_postnatal_guidance(
    kb: KnowledgeBase, check: Check, case: str
) -> None:
    a = _assessment(check, case)
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    kinds = {i.kind for _, i in plan.items}
    assert not kinds & {"run", "warm_up", "fuel"}
    for what, loads in _plan_loads(plan) + _summary_loads(a.plan):  # type: ignore[arg-type]
        assert not loads & {"running", "run_habit", "single_leg_impact", "heavy_straining"}, what
    (guide,) = plan.guidance
    assert "12 weeks" in guide.text and "pelvic-floor check" in guide.text
    assert "women's health" in guide.text
    assert guide.evidence == "expert_opinion"
    assert guide.sources == (kb.sources["goom_2019"].citation,)
    summary = a.plan
    assert summary is not None and "12 weeks" in summary.running
    assert [g.to_json() for g in summary.guidance] == [guide.to_json()]
    advice = [r.advice for r in a.reasons if r.rule == "postpartum"][0]
    assert advice in plan.advice
    data = plan.to_json()
    assert data["guidance"][0]["title"] == "Returning to running after giving birth"


def test_postpartum_and_bone_stress_put_the_stop_first(kb: KnowledgeBase, check: Check) -> None:
    a = _assessment(check, "postpartum_and_bone_stress")
    plan = build_plan(a, weekly_history(), kb=kb, today=TODAY)
    assert plan.advice[0].startswith("Stop running")
