"""Each rule of shared/spec/triage.md, from a baseline self-care answer set."""

from __future__ import annotations

from typing import Any

import pytest

from backstride.assess import TriageLevel, assess
from backstride.kb import KnowledgeBase

CASES = [
    ({"saddle_numbness": True}, "emergency", "cauda_equina_saddle"),
    ({"bladder_bowel_change": True}, "emergency", "cauda_equina_bladder_bowel"),
    ({"sexual_function_change": True}, "emergency", "cauda_equina_sexual"),
    ({"both_legs_symptoms": True}, "emergency", "both_legs"),
    ({"leg_weakness": "worsening"}, "emergency", "worsening_leg_weakness"),
    ({"trauma": True}, "urgent", "trauma"),
    ({"trauma": True, "age": 50}, "urgent", "trauma_fragility"),
    ({"trauma": True, "osteoporosis_or_steroids": True}, "urgent", "trauma_fragility"),
    ({"fever_or_unwell": True}, "urgent", "fever"),
    ({"fever_or_unwell": True, "immunosuppressed_or_iv_drugs": True}, "urgent", "infection_risk"),
    ({"cancer_history": True}, "urgent", "cancer_history"),
    ({"unexplained_weight_loss": True}, "urgent", "weight_loss"),
    ({"constant_night_pain": True}, "urgent", "night_rest_pain"),
    ({"leg_weakness": "stable"}, "urgent", "stable_leg_weakness"),
    ({"pain_character": ["dull_ache", "sharp"]}, "see_clinician", "sharp_pain"),
    ({"pain_onset": "sudden"}, "see_clinician", "sudden_onset"),
    ({"pain_worst": 7}, "see_clinician", "severe_pain"),
    ({"pain_radiates": "leg"}, "see_clinician", "radiating_leg_pain"),
    ({"numbness_tingling": True}, "see_clinician", "one_leg_numbness"),
    ({"stops_running": True}, "see_clinician", "stops_running"),
    ({"weeks_since_onset": 2, "improving": "worse"}, "see_clinician", "not_improving"),
    ({"bony_tenderness": True}, "see_clinician", "bone_stress_injury"),
    (
        {"bony_tenderness": True, "missed_periods_or_stress_fractures": True},
        "see_clinician",
        "bone_stress_with_energy_deficiency",
    ),
    ({"pain_arching_back": True, "age": 19}, "see_clinician", "young_runner_extension_pain"),
    ({"osteoporosis_or_steroids": True}, "see_clinician", "osteoporosis_or_steroids"),
    ({"immunosuppressed_or_iv_drugs": True}, "see_clinician", "immunosuppressed"),
    (
        {  # NICE NG65: onset before 35 + three more features; no morning stiffness needed
            "weeks_since_onset": 20,
            "improving": "better",
            "age": 30,
            "better_with_exercise_than_rest": True,
            "wakes_second_half_of_night": True,
            "nsaid_relief_within_48h": True,
        },
        "see_clinician",
        "inflammatory_back_pain",
    ),
]


@pytest.mark.parametrize(
    ("overlay", "level", "rule"), CASES, ids=[c[2] + "-" + c[1] for c in CASES]
)
def test_each_spec_rule_triggers_its_level(
    overlay: dict[str, Any], level: str, rule: str, kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    result = assess({**baseline, **overlay}, kb)
    assert result.level.value == level
    assert rule in [r.rule for r in result.reasons]
    if level in ("emergency", "urgent"):
        assert result.plan is None
    else:
        assert result.plan is not None and result.plan.kind == "gentle"


def test_baseline_is_self_care_with_full_plan(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    result = assess(baseline, kb)
    assert result.level is TriageLevel.SELF_CARE and result.reasons == []
    assert result.plan is not None and result.plan.kind == "full"
    assert result.plan.recheck_after_days == 14


def test_young_runner_rule_needs_age_under_20(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    result = assess({**baseline, "pain_arching_back": True, "age": 20}, kb)
    assert "young_runner_extension_pain" not in [r.rule for r in result.reasons]


def test_inflammatory_pattern_needs_onset_before_45(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    answers = {
        **baseline,
        "weeks_since_onset": 20,
        "age": 46,  # onset at about 45.6
        "morning_stiffness_minutes": 45,
        "better_with_exercise_than_rest": True,
    }
    assert "inflammatory_back_pain" not in [r.rule for r in assess(answers, kb).reasons]


def test_morning_stiffness_supports_but_is_not_required_for_inflammatory_pain(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    four = {
        **baseline,
        "weeks_since_onset": 20,
        "age": 30,
        "better_with_exercise_than_rest": True,
        "wakes_second_half_of_night": True,
        "family_history_spondyloarthritis": True,
    }
    reason = next(r for r in assess(four, kb).reasons if r.rule == "inflammatory_back_pain")
    assert "Morning stiffness" not in reason.text
    stiff = {**four, "morning_stiffness_minutes": 45}
    reason = next(r for r in assess(stiff, kb).reasons if r.rule == "inflammatory_back_pain")
    assert "Morning stiffness of 30 minutes" in reason.text
    three = {**four, "family_history_spondyloarthritis": False, "morning_stiffness_minutes": 90}
    assert "inflammatory_back_pain" not in [r.rule for r in assess(three, kb).reasons]


def test_energy_deficiency_named_in_bone_stress_reason(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    answers = {**baseline, "bony_tenderness": True, "missed_periods_or_stress_fractures": True}
    texts = " ".join(r.text for r in assess(answers, kb).reasons)
    assert "missed periods" in texts


def test_see_clinician_plan_has_no_strength_work(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    answers = {
        **baseline,
        "pain_onset": "sudden",
        "single_leg_bridge_reps": 5,
        "uphill_worse": True,
        "hip_flexor_test": "thigh_raised",
        "desk_hours_per_day": 10,
    }
    plan = assess(answers, kb).plan
    assert plan is not None and plan.exercises
    assert {e.kind for e in plan.exercises} == {"mobility"}
    assert plan.habits[0].id == "temporary_load_reduction"


def test_every_reason_cites_sources(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    answers = {**baseline, "saddle_numbness": True, "trauma": True, "pain_worst": 9}
    result = assess(answers, kb)
    assert [r.level.value for r in result.reasons][0] == "emergency"
    assert all(r.sources and r.evidence for r in result.reasons)
