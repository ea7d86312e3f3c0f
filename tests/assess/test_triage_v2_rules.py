"""Safety screen v2 (issue 14): each rule, combination, "unsure" and boundary of shared/spec/triage.md.

Every case starts from tests/data/answers/baseline.yaml (a self-care answer set) and changes
only what the case names, so a failure points at one rule.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from backstride.assess import assess
from backstride.errors import InvalidAnswer, MissingRequiredAnswers
from backstride.kb import KnowledgeBase

EMERGENCY, URGENT, SEE, SELF = "emergency", "urgent", "see_clinician", "self_care"
TODAY, H24, H48 = "today", "within 24 hours", "within 48 hours"
# The words that state a time in an urgent banner, per how_soon.
TIME_WORDS = {TODAY: "today", H24: "24 hours", H48: "48 hours"}


def _check(kb: KnowledgeBase, baseline: dict[str, Any], **changes: Any) -> Any:
    return assess({**baseline, **changes}, kb)


def _rules(result: Any) -> list[str]:
    return [r.rule for r in result.reasons]


def _noted(result: Any) -> list[str]:
    return [r.rule for r in result.also_noted]


def _words(reason: Any) -> str:
    return f"{reason.text} {reason.advice}".lower().replace("\u2019", "'")


def _reason(result: Any, rule: str) -> Any:
    for r in [*result.reasons, *result.also_noted]:
        if r.rule == rule:
            return r
    raise AssertionError(f"{rule} not among {_rules(result)} / {_noted(result)}")


def _params(cases: list[tuple[Any, ...]]) -> list[Any]:
    """pytest params named by their first element."""
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


def test_baseline_is_self_care_with_a_plan(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    result = assess(baseline, kb)
    assert result.level.value == SELF, _rules(result)
    assert result.plan is not None
    assert result.how_soon is None
    assert result.safety_net


# --------------------------------------------------------------------------- each rule alone

SINGLE_RULES = [
    ("saddle", {"saddle_numbness": True}, EMERGENCY, "cauda_equina_saddle"),
    ("bladder_bowel", {"bladder_bowel_change": True}, EMERGENCY, "cauda_equina_bladder_bowel"),
    ("sexual", {"sexual_function_change": True}, EMERGENCY, "cauda_equina_sexual"),
    ("both_legs", {"both_legs_symptoms": True}, EMERGENCY, "both_legs"),
    ("weakness_worsening", {"leg_weakness": "worsening"}, EMERGENCY, "worsening_leg_weakness"),
    ("trauma", {"trauma": True}, URGENT, "trauma"),
    ("fever", {"fever_or_unwell": True}, URGENT, "fever"),
    ("cancer", {"cancer_history": True}, URGENT, "cancer_history"),
    ("weight_loss", {"unexplained_weight_loss": True}, URGENT, "weight_loss"),
    ("night_pain", {"constant_night_pain": True}, URGENT, "night_rest_pain"),
    ("weakness_stable", {"leg_weakness": "stable"}, URGENT, "stable_leg_weakness"),
    ("sharp", {"pain_character": ["dull_ache", "sharp"]}, SEE, "sharp_pain"),
    ("sudden", {"pain_onset": "sudden"}, SEE, "sudden_onset"),
    ("severe_7", {"pain_worst": 7}, SEE, "severe_pain"),
    ("leg_pain", {"pain_radiates": "leg"}, SEE, "radiating_leg_pain"),
    ("one_leg_numb", {"numbness_tingling": True}, SEE, "one_leg_numbness"),
    ("stops_running", {"stops_running": True}, SEE, "stops_running"),
    ("same_2w", {"weeks_since_onset": 2, "improving": "same"}, SEE, "not_improving"),
    ("worse_3w", {"weeks_since_onset": 3, "improving": "worse"}, SEE, "not_improving"),
    ("bony_tenderness", {"bony_tenderness": True}, SEE, "bone_stress_injury"),
    ("missed_periods", {"missed_periods_or_stress_fractures": True}, SEE, "energy_deficiency"),
    ("osteoporosis", {"osteoporosis_or_steroids": True}, SEE, "osteoporosis_or_steroids"),
    ("immunosuppressed", {"immunosuppressed_or_iv_drugs": True}, SEE, "immunosuppressed"),
    (
        "recent_procedure",
        {"recent_spinal_procedure_or_infection": True},
        SEE,
        "recent_spinal_procedure",
    ),
    ("age_15", {"age": 15}, SEE, "child_under_16"),
    ("arching_age_19", {"age": 19, "pain_arching_back": True}, SEE, "young_runner_extension_pain"),
    ("pregnant", {"pregnancy_status": "pregnant"}, SEE, "pregnancy"),
    ("postpartum", {"pregnancy_status": "postpartum"}, SEE, "postpartum"),
]


@pytest.mark.parametrize(("changes", "level", "rule"), _params(SINGLE_RULES))
def test_each_rule_alone_gives_its_level(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], level: str, rule: str
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == level, _rules(result)
    assert rule in _rules(result)
    assert all(r.level.value == level for r in result.reasons)
    reason = _reason(result, rule)
    assert reason.text.strip() and reason.advice.strip()
    assert reason.unsure == []
    if level == EMERGENCY:
        assert result.how_soon == "now"
    elif level == URGENT:
        assert result.how_soon in TIME_WORDS
    else:
        assert result.how_soon is None
    assert (result.plan is None) == (level in (EMERGENCY, URGENT))


# --------------------------------------------------------------------------- lower edges

NOT_TRIGGERED = [
    ("pain_6", {"pain_worst": 6}),
    ("one_week_same", {"weeks_since_onset": 1, "improving": "same"}),
    ("two_weeks_better", {"weeks_since_onset": 2, "improving": "better"}),
    ("age_16", {"age": 16}),
    ("arching_age_20", {"age": 20, "pain_arching_back": True}),
    ("pregnancy_no", {"pregnancy_status": "no"}),
    ("buttock_pain_only", {"pain_radiates": "buttock"}),
    ("age_50_alone", {"age": 50}),
]


@pytest.mark.parametrize("changes", _params(NOT_TRIGGERED))
def test_just_below_each_threshold_stays_self_care(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any]
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == SELF, _rules(result)
    assert result.plan is not None


# --------------------------------------------------------------------------- combinations

COMBINATIONS = [
    # cancer history with any nerve sign: metastatic spinal cord compression (NG234)
    ("cancer_weakness", {"cancer_history": True, "leg_weakness": "stable"}, EMERGENCY, "cancer_with_nerve_signs"),
    ("cancer_leg_pain", {"cancer_history": True, "pain_radiates": "leg"}, EMERGENCY, "cancer_with_nerve_signs"),
    ("cancer_numbness", {"cancer_history": True, "numbness_tingling": True}, EMERGENCY, "cancer_with_nerve_signs"),
    ("cancer_buttock", {"cancer_history": True, "pain_radiates": "buttock"}, URGENT, "cancer_history"),
    # fever with a leg deficit: epidural abscess, whatever the other risk factors
    ("fever_weakness", {"fever_or_unwell": True, "leg_weakness": "stable"}, EMERGENCY, "fever_with_nerve_deficit"),
    ("fever_weakness_young", {"fever_or_unwell": True, "leg_weakness": "stable", "age": 22}, EMERGENCY, "fever_with_nerve_deficit"),
    # fever with a risk factor
    ("fever_immuno", {"fever_or_unwell": True, "immunosuppressed_or_iv_drugs": True}, URGENT, "infection_risk"),
    ("fever_procedure", {"fever_or_unwell": True, "recent_spinal_procedure_or_infection": True}, URGENT, "infection_risk"),
    ("fever_age_50", {"fever_or_unwell": True, "age": 50}, URGENT, "infection_risk"),
    # age >= 50, sudden, >= 7 and not changed by movement: possible aortic aneurysm
    ("vascular_no_change", {"age": 50, "pain_onset": "sudden", "pain_worst": 7, "movement_effect": "no_change"}, EMERGENCY, "vascular_age50_sudden_severe"),
    ("vascular_constant", {"age": 64, "pain_onset": "sudden", "pain_worst": 8, "pain_timing": "constant"}, EMERGENCY, "vascular_age50_sudden_severe"),
    ("vascular_night", {"age": 72, "pain_onset": "sudden", "pain_worst": 10, "constant_night_pain": True}, EMERGENCY, "vascular_age50_sudden_severe"),
    # trauma with fracture risk
    ("trauma_osteo", {"trauma": True, "osteoporosis_or_steroids": True}, URGENT, "trauma_fragility"),
    ("trauma_age_50", {"trauma": True, "age": 50}, URGENT, "trauma_fragility"),
    # osteoporotic vertebral fracture without a fall
    ("osteo_tender", {"osteoporosis_or_steroids": True, "bony_tenderness": True}, URGENT, "osteoporotic_fracture"),
    ("osteo_sudden_7", {"osteoporosis_or_steroids": True, "pain_onset": "sudden", "pain_worst": 7}, URGENT, "osteoporotic_fracture"),
    # bone stress with low energy availability (RED-S)
    ("bsi_reds", {"bony_tenderness": True, "missed_periods_or_stress_fractures": True}, SEE, "bone_stress_with_energy_deficiency"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "level", "rule"), _params(COMBINATIONS))
def test_each_combination_gives_its_level(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], level: str, rule: str
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == level, _rules(result)
    assert rule in _rules(result)
    assert (result.plan is None) == (level in (EMERGENCY, URGENT))


COMBINATION_EDGES = [
    # (id, changes, level, rule that must NOT be among the reasons)
    ("vascular_age_49", {"age": 49, "pain_onset": "sudden", "pain_worst": 9, "movement_effect": "no_change"}, SEE, "vascular_age50_sudden_severe"),
    ("vascular_pain_6", {"age": 60, "pain_onset": "sudden", "pain_worst": 6, "movement_effect": "no_change"}, SEE, "vascular_age50_sudden_severe"),
    ("vascular_gradual", {"age": 60, "pain_onset": "gradual", "pain_worst": 8, "movement_effect": "no_change"}, SEE, "vascular_age50_sudden_severe"),
    ("vascular_eases", {"age": 60, "pain_onset": "sudden", "pain_worst": 8, "movement_effect": "eases", "pain_timing": "after_run"}, SEE, "vascular_age50_sudden_severe"),
    ("trauma_age_49", {"trauma": True, "age": 49}, URGENT, "trauma_fragility"),
    ("fever_age_49", {"fever_or_unwell": True, "age": 49}, URGENT, "infection_risk"),
    ("osteo_sudden_6", {"osteoporosis_or_steroids": True, "pain_onset": "sudden", "pain_worst": 6}, SEE, "osteoporotic_fracture"),
    ("osteo_gradual_8", {"osteoporosis_or_steroids": True, "pain_onset": "gradual", "pain_worst": 8}, SEE, "osteoporotic_fracture"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "level", "absent"), _params(COMBINATION_EDGES))
def test_combination_edges(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], level: str, absent: str
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == level, _rules(result)
    assert absent not in _rules(result) + _noted(result)


def test_bone_stress_with_energy_deficiency_names_the_energy_concern(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    result = _check(kb, baseline, bony_tenderness=True, missed_periods_or_stress_fractures=True)
    reason = _reason(result, "bone_stress_with_energy_deficiency")
    words = _words(reason)
    assert "period" in words or "energy" in words, reason.text


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        pytest.param({"bony_tenderness": True}, "bone_stress_injury", id="bone_stress"),
        pytest.param(
            {"age": 15, "pain_arching_back": True},
            "young_runner_extension_pain",
            id="spondylolysis",
        ),
    ],
)
def test_stop_rules_say_stop_running(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], rule: str
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == SEE
    assert "stop" in _reason(result, rule).running.lower()


def test_child_under_16_gets_no_strength_programme(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    # triage.md: "a clinician sees them before any strength programme". Weak-glute answers
    # would bring strength work into an adult's plan.
    weak_glutes = {"single_leg_bridge_reps": 5, "single_leg_squat_pelvis_drop": True}
    adult = _check(kb, baseline, **weak_glutes)
    child = _check(kb, baseline, age=15, **weak_glutes)
    assert any(e.kind == "strength" for e in adult.plan.exercises)
    assert child.level.value == SEE
    assert child.plan is not None
    assert not [e.id for e in child.plan.exercises if e.kind in ("strength", "core")]


@pytest.mark.parametrize("status", ["pregnant", "postpartum"])
def test_pregnancy_and_postpartum_name_a_womens_health_physio(
    kb: KnowledgeBase, baseline: dict[str, Any], status: str
) -> None:
    result = _check(kb, baseline, pregnancy_status=status)
    rule = "pregnancy" if status == "pregnant" else "postpartum"
    assert result.level.value == SEE
    assert result.plan is not None
    assert "women's health" in _words(_reason(result, rule))


def test_postpartum_reason_gives_the_return_to_running_guidance(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    words = _words(_reason(_check(kb, baseline, pregnancy_status="postpartum"), "postpartum"))
    assert "12 weeks" in words and "pelvic" in words, words


# --------------------------------------------------------------------------- how soon (urgent)

HOW_SOON_CASES = [
    ("trauma", {"trauma": True}, TODAY),
    ("trauma_osteo", {"trauma": True, "osteoporosis_or_steroids": True}, TODAY),
    ("trauma_age_50", {"trauma": True, "age": 50}, TODAY),
    ("fever_immuno", {"fever_or_unwell": True, "immunosuppressed_or_iv_drugs": True}, TODAY),
    ("fever_procedure", {"fever_or_unwell": True, "recent_spinal_procedure_or_infection": True}, TODAY),
    ("fever_age_50", {"fever_or_unwell": True, "age": 50}, TODAY),
    ("cancer", {"cancer_history": True}, H24),
    ("fever", {"fever_or_unwell": True}, H48),
    ("fever_age_49", {"fever_or_unwell": True, "age": 49}, H48),
    ("weight_loss", {"unexplained_weight_loss": True}, H48),
    ("night_pain", {"constant_night_pain": True}, H48),
    ("weakness_stable", {"leg_weakness": "stable"}, H48),
    ("osteo_tender", {"osteoporosis_or_steroids": True, "bony_tenderness": True}, H48),
    ("osteo_sudden_7", {"osteoporosis_or_steroids": True, "pain_onset": "sudden", "pain_worst": 7}, H48),
    # the most pressing reason sets the time
    ("cancer_fever", {"cancer_history": True, "fever_or_unwell": True}, H24),
    ("cancer_weight_loss", {"cancer_history": True, "unexplained_weight_loss": True}, H24),
    ("cancer_fever_age_50", {"cancer_history": True, "fever_or_unwell": True, "age": 50}, TODAY),
    ("cancer_trauma", {"cancer_history": True, "trauma": True}, TODAY),
    ("night_pain_fever_immuno", {"constant_night_pain": True, "fever_or_unwell": True, "immunosuppressed_or_iv_drugs": True}, TODAY),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "how_soon"), _params(HOW_SOON_CASES))
def test_urgent_how_soon_comes_from_the_most_pressing_reason(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], how_soon: str
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == URGENT, _rules(result)
    assert result.how_soon == how_soon, _rules(result)
    triage = result.to_json()["triage"]
    assert triage["how_soon"] == how_soon
    message = triage["message"].lower()
    assert TIME_WORDS[how_soon] in message, message
    for other, word in TIME_WORDS.items():
        if other != how_soon:
            assert word not in message, message
    # The banner's time is the time its most pressing reason gives.
    assert any(TIME_WORDS[how_soon] in _words(r) for r in result.reasons), _rules(result)
    # Every urgent result carries the emergency safety net.
    assert triage["safety_net"] and "emergency" in triage["safety_net"].lower()
    assert result.plan is None


@pytest.mark.parametrize(
    ("changes", "how_soon"),
    [
        pytest.param({"saddle_numbness": True}, "now", id="emergency"),
        pytest.param({"pain_worst": 8}, None, id="see_clinician"),
        pytest.param({}, None, id="self_care"),
    ],
)
def test_how_soon_outside_urgent(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], how_soon: str | None
) -> None:
    assert _check(kb, baseline, **changes).how_soon == how_soon


def test_emergency_message_says_where_to_go_in_its_first_line(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    message = _check(kb, baseline, both_legs_symptoms=True).message
    assert "emergency" in message.strip().splitlines()[0].lower(), message


# The message says why (triage.md, "What each level allows": emergency "where to go now, why,
# in the first line"; urgent "whom to see and how soon, why"). Any of the words will do.
CAUDA_EQUINA = ["cauda equina", "nerves at the base of the spine"]
MESSAGE_WHY = [
    ("why_saddle", {"saddle_numbness": True}, CAUDA_EQUINA),
    ("why_bladder_bowel", {"bladder_bowel_change": True}, CAUDA_EQUINA),
    ("why_sexual", {"sexual_function_change": True}, CAUDA_EQUINA),
    ("why_both_legs", {"both_legs_symptoms": True}, CAUDA_EQUINA),
    ("why_weakness_worsening", {"leg_weakness": "worsening"}, ["nerve", "spinal cord", "cauda equina"]),
    ("why_cancer_nerve", {"cancer_history": True, "numbness_tingling": True}, ["spinal cord", "cancer", "metasta"]),
    ("why_fever_nerve", {"fever_or_unwell": True, "leg_weakness": "stable"}, ["infection", "abscess"]),
    ("why_vascular", {"age": 60, "pain_onset": "sudden", "pain_worst": 8, "movement_effect": "no_change"}, ["aneurysm", "aorta", "blood vessel", "vascular"]),
    ("why_trauma", {"trauma": True}, ["fracture", "broken"]),
    ("why_trauma_fragility", {"trauma": True, "age": 70}, ["fracture", "broken"]),
    ("why_fever", {"fever_or_unwell": True}, ["infection"]),
    ("why_infection_risk", {"fever_or_unwell": True, "immunosuppressed_or_iv_drugs": True}, ["infection"]),
    ("why_cancer", {"cancer_history": True}, ["cancer"]),
    ("why_weight_loss", {"unexplained_weight_loss": True}, ["cancer", "infection", "serious"]),
    ("why_night_pain", {"constant_night_pain": True}, ["cancer", "infection", "serious"]),
    ("why_weakness_stable", {"leg_weakness": "stable"}, ["nerve"]),
    ("why_osteoporotic", {"osteoporosis_or_steroids": True, "bony_tenderness": True}, ["fracture", "broken"]),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "words"), _params(MESSAGE_WHY))
def test_emergency_and_urgent_messages_say_why(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], words: list[str]
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value in (EMERGENCY, URGENT)
    message = result.message.strip().lower()
    said = message.splitlines()[0] if result.level.value == EMERGENCY else message
    assert any(w in said for w in words), result.message


@pytest.mark.parametrize(
    "changes",
    _params(
        [
            ("cancer_alone", {"cancer_history": True}),
            ("cancer_and_fever", {"cancer_history": True, "fever_or_unwell": True}),
        ]
    ),
)
def test_cancer_history_message_says_to_contact_the_cancer_team(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any]
) -> None:
    # triage.md: "within 24 hours for cancer_history (contact the cancer team, NG234)".
    result = _check(kb, baseline, **changes)
    assert result.how_soon == H24
    message = result.message.lower()
    assert "cancer team" in message or "oncology" in message, result.message


# Answers that would bring run habits (warm-up, fuelling, terrain, load guard) into a plan.
RUN_HABIT_ANSWERS = {
    "longest_run_minutes": 150,
    "fuel_on_long_runs": "never",
    "warm_up": "never",
    "same_route_most_days": True,
    "recent_changes": ["mileage_increase"],
}


@pytest.mark.parametrize(
    "changes",
    _params(
        [
            ("stop_bone_stress", {"bony_tenderness": True}),
            ("stop_spondylolysis", {"age": 15, "pain_arching_back": True}),
            ("stop_reds", {"bony_tenderness": True, "missed_periods_or_stress_fractures": True}),
        ]
    ),
)
def test_no_run_habits_while_running_is_stopped(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any]
) -> None:
    # triage.md: "no run habits (warm-up before runs, long-run fuelling) while running is stopped".
    result = _check(kb, baseline, **RUN_HABIT_ANSWERS, **changes)
    assert result.level.value == SEE
    assert result.plan is not None
    assert "stop" in result.plan.running.lower()
    assert not result.plan.warm_up
    run_habits = [h.id for h in result.plan.habits if kb.habits[h.id].kind == "run"]
    assert run_habits == [], run_habits


# --------------------------------------------------------------------------- "unsure"

SAFETY_UNSURE = [
    ("saddle_numbness", EMERGENCY, "cauda_equina_saddle"),
    ("bladder_bowel_change", EMERGENCY, "cauda_equina_bladder_bowel"),
    ("sexual_function_change", EMERGENCY, "cauda_equina_sexual"),
    ("both_legs_symptoms", EMERGENCY, "both_legs"),
    ("trauma", URGENT, "trauma"),
    ("fever_or_unwell", URGENT, "fever"),
    ("cancer_history", URGENT, "cancer_history"),
    ("unexplained_weight_loss", URGENT, "weight_loss"),
    ("constant_night_pain", URGENT, "night_rest_pain"),
    ("osteoporosis_or_steroids", SEE, "osteoporosis_or_steroids"),
    ("immunosuppressed_or_iv_drugs", SEE, "immunosuppressed"),
    ("recent_spinal_procedure_or_infection", SEE, "recent_spinal_procedure"),
]


@pytest.mark.parametrize(
    ("question", "level", "rule"),
    _params([(f"unsure_{q}", q, lv, r) for q, lv, r in SAFETY_UNSURE]),
)
def test_unsure_counts_as_yes_and_says_so(
    kb: KnowledgeBase, baseline: dict[str, Any], question: str, level: str, rule: str
) -> None:
    unsure = _check(kb, baseline, **{question: "unsure"})
    yes = _check(kb, baseline, **{question: True})
    assert unsure.level.value == level == yes.level.value, _rules(unsure)
    assert unsure.how_soon == yes.how_soon
    reason = _reason(unsure, rule)
    assert question in reason.unsure
    # The reason says how to check, so its wording differs from a plain yes.
    assert _words(reason) != _words(_reason(yes, rule))


UNSURE_COMBINATIONS = [
    ("unsure_cancer_numbness", {"cancer_history": "unsure", "numbness_tingling": True}, EMERGENCY, "cancer_with_nerve_signs", None),
    ("unsure_cancer_leg_pain", {"cancer_history": "unsure", "pain_radiates": "leg"}, EMERGENCY, "cancer_with_nerve_signs", None),
    ("unsure_fever_weakness", {"fever_or_unwell": "unsure", "leg_weakness": "stable"}, EMERGENCY, "fever_with_nerve_deficit", None),
    ("unsure_fever_immuno", {"fever_or_unwell": "unsure", "immunosuppressed_or_iv_drugs": True}, URGENT, "infection_risk", TODAY),
    ("fever_unsure_immuno", {"fever_or_unwell": True, "immunosuppressed_or_iv_drugs": "unsure"}, URGENT, "infection_risk", TODAY),
    ("fever_unsure_procedure", {"fever_or_unwell": True, "recent_spinal_procedure_or_infection": "unsure"}, URGENT, "infection_risk", TODAY),
    ("unsure_trauma_age_50", {"trauma": "unsure", "age": 50}, URGENT, "trauma_fragility", TODAY),
    ("unsure_steroids_tender", {"osteoporosis_or_steroids": "unsure", "bony_tenderness": True}, URGENT, "osteoporotic_fracture", H48),
    ("unsure_night_vascular", {"constant_night_pain": "unsure", "age": 66, "pain_onset": "sudden", "pain_worst": 8}, EMERGENCY, "vascular_age50_sudden_severe", None),
    ("two_unsure", {"saddle_numbness": "unsure", "bladder_bowel_change": "unsure"}, EMERGENCY, "cauda_equina_saddle", None),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "level", "rule", "how_soon"), _params(UNSURE_COMBINATIONS))
def test_unsure_takes_part_in_combinations(
    kb: KnowledgeBase,
    baseline: dict[str, Any],
    changes: dict[str, Any],
    level: str,
    rule: str,
    how_soon: str | None,
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == level, _rules(result)
    assert rule in _rules(result)
    if how_soon is not None:
        assert result.how_soon == how_soon
    unsure_ids = {q for q, v in changes.items() if v == "unsure"}
    listed = {q for r in [*result.reasons, *result.also_noted] for q in r.unsure}
    assert unsure_ids <= listed, (unsure_ids, listed)


# --------------------------------------------------------------------------- NICE NG65

# Back pain for 26 weeks (more than 3 months) in a 28-year-old: began before 35 and before 45,
# so "onset before 35" is one feature already. Improving, so not_improving stays out.
NG65_BASE = {"age": 28, "weeks_since_onset": 26, "improving": "better"}
NG65_NO_ONSET_35 = {"age": 40, "weeks_since_onset": 26, "improving": "better"}  # began at 39.5

NG65_CASES = [
    # (id, changes, triggered)
    ("3_incl_onset", {**NG65_BASE, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True}, False),
    ("3_incl_onset_stiff", {**NG65_BASE, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "morning_stiffness_minutes": 90, "pain_character": ["stiffness"]}, False),
    ("4_incl_onset", {**NG65_BASE, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock"}, True),
    ("4_incl_onset_stiff", {**NG65_BASE, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock", "morning_stiffness_minutes": 90}, True),
    ("4_incl_onset_no_stiffness", {**NG65_BASE, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock", "morning_stiffness_minutes": 0}, True),
    ("3_later_onset", {**NG65_NO_ONSET_35, "wakes_second_half_of_night": True, "nsaid_relief_within_48h": True, "family_history_spondyloarthritis": True}, False),
    ("4_later_onset", {**NG65_NO_ONSET_35, "wakes_second_half_of_night": True, "nsaid_relief_within_48h": True, "family_history_spondyloarthritis": True, "arthritis_enthesitis_or_psoriasis": True}, True),
    ("all_7", {**NG65_BASE, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock", "nsaid_relief_within_48h": True, "family_history_spondyloarthritis": True, "arthritis_enthesitis_or_psoriasis": True}, True),
    # onset before 35: 35 - 0.5 = 34.5 counts, 36 - 0.5 = 35.5 does not
    ("onset_34_5", {"age": 35, "weeks_since_onset": 26, "improving": "better", "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock"}, True),
    ("onset_35_5", {"age": 36, "weeks_since_onset": 26, "improving": "better", "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock"}, False),
    # began before 45: 44.5 qualifies, 45.5 does not
    ("began_44_5", {"age": 45, "weeks_since_onset": 26, "improving": "better", "wakes_second_half_of_night": True, "nsaid_relief_within_48h": True, "family_history_spondyloarthritis": True, "arthritis_enthesitis_or_psoriasis": True}, True),
    ("began_45_5", {"age": 46, "weeks_since_onset": 26, "improving": "better", "wakes_second_half_of_night": True, "nsaid_relief_within_48h": True, "family_history_spondyloarthritis": True, "arthritis_enthesitis_or_psoriasis": True}, False),
    # exactly at the ages: a year of pain at 36 began at 35 (not before 35); at 46, at 45
    ("onset_exactly_35", {"age": 36, "weeks_since_onset": 52, "improving": "better", "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock"}, False),
    ("began_exactly_45", {"age": 46, "weeks_since_onset": 52, "improving": "better", "wakes_second_half_of_night": True, "nsaid_relief_within_48h": True, "family_history_spondyloarthritis": True, "arthritis_enthesitis_or_psoriasis": True}, False),
    # more than 3 months: 12 weeks is not, 14 weeks is
    ("12_weeks", {**NG65_BASE, "weeks_since_onset": 12, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock", "nsaid_relief_within_48h": True}, False),
    ("14_weeks", {**NG65_BASE, "weeks_since_onset": 14, "wakes_second_half_of_night": True, "better_with_exercise_than_rest": True, "pain_radiates": "buttock"}, True),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "triggered"), _params(NG65_CASES))
def test_ng65_counts_features(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], triggered: bool
) -> None:
    result = _check(kb, baseline, **changes)
    if triggered:
        assert result.level.value == SEE, _rules(result)
        assert "inflammatory_back_pain" in _rules(result)
        # NG65: at 3 features a positive HLA-B27 also means referral; the text says so.
        assert "hla-b27" in _words(_reason(result, "inflammatory_back_pain"))
        assert result.plan is not None
    else:
        assert result.level.value == SELF, _rules(result)
        assert "inflammatory_back_pain" not in _rules(result)


# --------------------------------------------------------------------------- answers v2


@pytest.mark.parametrize(
    ("changes", "level", "rule"),
    [
        pytest.param(
            {"leg_weakness": "Worsening"}, EMERGENCY, "worsening_leg_weakness", id="choice"
        ),
        pytest.param({"pregnancy_status": "POSTPARTUM"}, SEE, "postpartum", id="upper"),
        pytest.param({"pain_character": ["Sharp"]}, SEE, "sharp_pain", id="choices"),
    ],
)
def test_choice_values_match_case_insensitively(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any], level: str, rule: str
) -> None:
    result = _check(kb, baseline, **changes)
    assert result.level.value == level
    assert rule in _rules(result)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"saddle_numbness": "maybe"}, id="bool-maybe"),
        pytest.param({"pregnancy_status": "yes"}, id="choice-unknown"),
        pytest.param({"pain_character": ["sharp", "stabbing"]}, id="choices-entry-unknown"),
        pytest.param({"leg_weakness": "unsure"}, id="choice-unsure"),
        pytest.param({"desk_hours_per_day": math.nan}, id="nan"),
        pytest.param({"shoe_km": math.inf}, id="inf"),
        pytest.param({"sleep_hours": -math.inf}, id="minus-inf"),
        pytest.param({"age": math.nan}, id="age-nan"),
        # type confusion must never turn a warning sign into a silent "no"
        pytest.param({"saddle_numbness": 1}, id="bool-as-int"),
        pytest.param({"saddle_numbness": "yes"}, id="bool-as-yes"),
        pytest.param({"saddle_numbness": None}, id="bool-none"),
        pytest.param({"age": True}, id="age-bool"),
        pytest.param({"pain_worst": True}, id="pain-bool"),
        pytest.param({"age": 49.9}, id="age-fraction"),
        pytest.param({"age": "50"}, id="age-string"),
        pytest.param({"pain_worst": 11}, id="pain-above-10"),
    ],
)
def test_invalid_answers_are_errors(
    kb: KnowledgeBase, baseline: dict[str, Any], changes: dict[str, Any]
) -> None:
    with pytest.raises(InvalidAnswer):
        _check(kb, baseline, **changes)


def test_recent_spinal_procedure_or_infection_is_required(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    answers = {k: v for k, v in baseline.items() if k != "recent_spinal_procedure_or_infection"}
    with pytest.raises(MissingRequiredAnswers, match="recent_spinal_procedure_or_infection"):
        assess(answers, kb)


def test_unsure_in_capitals_is_never_read_as_no(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    try:
        result = _check(kb, baseline, saddle_numbness="Unsure")
    except InvalidAnswer:
        return  # refusing it is safe too; reading it as "no" is not
    assert result.level.value == EMERGENCY
