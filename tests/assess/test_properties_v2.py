"""Safety screen v2 invariants over generated answer sets (hypothesis), from shared/spec/triage.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.assess import assess
from backstride.kb import load_kb

#: 200 generated answer sets per property: seconds each, so `make test` only.
pytestmark = pytest.mark.slow
KB = load_kb()
BASELINE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "data" / "answers" / "baseline.yaml").read_text()
)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAFETY_BOOLS = [q.id for q in KB.questions_in("safety_screen") if q.type == "bool"]
EMERGENCY_BOOLS = [
    "saddle_numbness",
    "bladder_bowel_change",
    "sexual_function_change",
    "both_legs_symptoms",
]
URGENT_TRIGGERS: list[dict[str, Any]] = [
    {"trauma": True},
    {"fever_or_unwell": True},
    {"cancer_history": True},
    {"unexplained_weight_loss": True},
    {"constant_night_pain": True},
    {"leg_weakness": "stable"},
    {"osteoporosis_or_steroids": True, "bony_tenderness": True},
    {"fever_or_unwell": "unsure"},
    {"trauma": "unsure"},
    {"cancer_history": "unsure"},
]
TIME_WORDS = {"today": "today", "within 24 hours": "24 hours", "within 48 hours": "48 hours"}
SEVERITY = {"self_care": 0, "see_clinician": 1, "urgent": 2, "emergency": 3}

# "Worse" for each warning answer, as an ordered list of values (later = worse).
WORSE_ORDER: dict[str, list[Any]] = {
    **{qid: [False, True] for qid in SAFETY_BOOLS},
    **{
        qid: [False, True]
        for qid in (
            "numbness_tingling",
            "stops_running",
            "bony_tenderness",
            "pain_arching_back",
            "missed_periods_or_stress_fractures",
            "wakes_second_half_of_night",
            "better_with_exercise_than_rest",
            "nsaid_relief_within_48h",
            "family_history_spondyloarthritis",
            "arthritis_enthesitis_or_psoriasis",
        )
        if qid in KB.questions
    },
    "leg_weakness": ["none", "stable", "worsening"],
    "pain_onset": ["gradual", "sudden"],
    "pain_radiates": ["none", "leg"],
    "pain_worst": list(range(11)),
}


def _mostly_false() -> st.SearchStrategy[Any]:
    # Mostly "no", so that answer sets spread over all four levels rather than piling up at emergency.
    return st.sampled_from([False] * 6 + [True])


def _strategy_for(qid: str) -> st.SearchStrategy[Any]:
    q = KB.questions[qid]
    if q.type == "bool":
        if q.group == "safety_screen":
            return st.sampled_from([False] * 14 + [True, "unsure"])
        return _mostly_false()
    if q.type == "choice":
        # The first value (none, gradual, better, no...) is the mild one: favour it.
        values = q.values or []
        return st.one_of(st.sampled_from(values[:1]), st.sampled_from(values))
    if q.type == "choices":
        return st.lists(st.sampled_from(q.values or []), min_size=1, unique=True)
    lo = int(q.min) if q.min is not None else (10 if qid == "age" else 0)
    hi = int(q.max) if q.max is not None else (95 if qid == "age" else 200)
    if q.type == "int":
        return st.integers(lo, hi)
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """The self-care baseline with a random subset of its answers (and of the optional ones) drawn
    at random, so that the sets spread over all four levels rather than piling up at emergency."""
    answers = dict(BASELINE)
    asked = [q.id for q in KB.questions.values() if q.group != "derived"]
    for qid in draw(st.lists(st.sampled_from(asked), unique=True)):
        answers[qid] = draw(_strategy_for(qid))
    return answers


@st.composite
def urgent_leaning_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Answer sets without the single emergency answers, plus one urgent trigger."""
    answers = draw(answer_sets())
    answers.update(dict.fromkeys(EMERGENCY_BOOLS, False))
    if answers["leg_weakness"] == "worsening":
        answers["leg_weakness"] = "none"
    answers.update(draw(st.sampled_from(URGENT_TRIGGERS)))
    return answers


def _level(answers: dict[str, Any]) -> int:
    return SEVERITY[assess(answers, KB).level.value]


def _check_result(answers: dict[str, Any]) -> None:
    """(c) urgent timing and safety net, (d) no plan at emergency/urgent, (e) the disclaimer."""
    result = assess(answers, KB)
    level = result.level.value
    triage = result.to_json()["triage"]
    assert result.disclaimer and "does not diagnose" in result.disclaimer
    assert "does not diagnose" in result.to_json()["disclaimer"]
    assert all(r.level.value == level for r in result.reasons)
    assert all(SEVERITY[r.level.value] < SEVERITY[level] for r in result.also_noted)
    if level != "self_care":
        assert result.reasons
    if level in ("emergency", "urgent"):
        assert result.plan is None
        # triage.md: emergency "stop"; urgent "stop until seen".
        assert all("stop" in r.running.lower() for r in result.reasons)
    if level == "emergency":
        assert result.how_soon == "now"
    elif level == "urgent":
        how_soon = triage["how_soon"]
        assert how_soon in TIME_WORDS
        assert triage["safety_net"] and "emergency" in triage["safety_net"].lower()
        message = triage["message"].lower()
        assert TIME_WORDS[how_soon] in message, message
        for other, word in TIME_WORDS.items():
            if other != how_soon:
                assert word not in message, (how_soon, message)
    else:
        assert result.how_soon is None
        assert triage["safety_net"]


@SETTINGS
@given(
    answers=answer_sets(),
    field=st.sampled_from(sorted(WORSE_ORDER)),
    data=st.data(),
)
def test_a_worse_warning_answer_never_lowers_the_level(
    answers: dict[str, Any], field: str, data: st.DataObject
) -> None:
    order = WORSE_ORDER[field]
    lo = data.draw(st.integers(0, len(order) - 2), label="better index")
    hi = data.draw(st.integers(lo + 1, len(order) - 1), label="worse index")
    before = _level({**answers, field: order[lo]})
    after = _level({**answers, field: order[hi]})
    assert after >= before


@SETTINGS
@given(answers=answer_sets(), question=st.sampled_from(SAFETY_BOOLS))
def test_unsure_never_lowers_the_level_and_is_at_least_yes(
    answers: dict[str, Any], question: str
) -> None:
    before = _level(answers)
    yes = _level({**answers, question: True})
    unsure_result = assess({**answers, question: "unsure"}, KB)
    unsure = SEVERITY[unsure_result.level.value]
    assert unsure >= before
    assert unsure >= yes
    listed = {q for r in [*unsure_result.reasons, *unsure_result.also_noted] for q in r.unsure}
    assert question in listed


@SETTINGS
@given(answers=answer_sets())
def test_every_result_keeps_the_level_contract(answers: dict[str, Any]) -> None:
    _check_result(answers)


@SETTINGS
@given(answers=urgent_leaning_sets())
def test_every_urgent_result_says_how_soon_and_carries_the_safety_net(
    answers: dict[str, Any],
) -> None:
    _check_result(answers)


def _yes(value: Any) -> bool:
    return value is True or value == "unsure"


def _ci(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# triage.md: "every triggered rule is reported". For each single-answer rule, the rule ids that
# report it (a combination that contains it may report it instead of, or as well as, itself).
REPORTED: list[tuple[str, Any, set[str]]] = [
    ("saddle", lambda a: _yes(a["saddle_numbness"]), {"cauda_equina_saddle"}),
    ("bladder", lambda a: _yes(a["bladder_bowel_change"]), {"cauda_equina_bladder_bowel"}),
    ("sexual", lambda a: _yes(a["sexual_function_change"]), {"cauda_equina_sexual"}),
    ("both_legs", lambda a: _yes(a["both_legs_symptoms"]), {"both_legs"}),
    ("worsening", lambda a: _ci(a["leg_weakness"]) == "worsening", {"worsening_leg_weakness"}),
    ("stable", lambda a: _ci(a["leg_weakness"]) == "stable", {"stable_leg_weakness", "fever_with_nerve_deficit", "cancer_with_nerve_signs"}),
    ("trauma", lambda a: _yes(a["trauma"]), {"trauma", "trauma_fragility"}),
    ("fever", lambda a: _yes(a["fever_or_unwell"]), {"fever", "infection_risk", "fever_with_nerve_deficit"}),
    ("cancer", lambda a: _yes(a["cancer_history"]), {"cancer_history", "cancer_with_nerve_signs"}),
    ("weight", lambda a: _yes(a["unexplained_weight_loss"]), {"weight_loss"}),
    ("night", lambda a: _yes(a["constant_night_pain"]), {"night_rest_pain", "vascular_age50_sudden_severe"}),
    ("osteo", lambda a: _yes(a["osteoporosis_or_steroids"]), {"osteoporosis_or_steroids", "osteoporotic_fracture", "trauma_fragility"}),
    ("immuno", lambda a: _yes(a["immunosuppressed_or_iv_drugs"]), {"immunosuppressed", "infection_risk"}),
    ("procedure", lambda a: _yes(a["recent_spinal_procedure_or_infection"]), {"recent_spinal_procedure", "infection_risk"}),
    ("sharp", lambda a: "sharp" in [_ci(v) for v in a["pain_character"]], {"sharp_pain"}),
    ("sudden", lambda a: _ci(a["pain_onset"]) == "sudden", {"sudden_onset", "vascular_age50_sudden_severe", "osteoporotic_fracture"}),
    ("severe", lambda a: a["pain_worst"] >= 7, {"severe_pain", "vascular_age50_sudden_severe", "osteoporotic_fracture"}),
    ("leg_pain", lambda a: _ci(a["pain_radiates"]) == "leg", {"radiating_leg_pain", "cancer_with_nerve_signs"}),
    ("numb", lambda a: a["numbness_tingling"] is True, {"one_leg_numbness", "cancer_with_nerve_signs"}),
    ("stops", lambda a: a["stops_running"] is True, {"stops_running"}),
    ("not_improving", lambda a: a["weeks_since_onset"] >= 2 and _ci(a["improving"]) in ("same", "worse"), {"not_improving"}),
    ("bony", lambda a: a["bony_tenderness"] is True, {"bone_stress_injury", "bone_stress_with_energy_deficiency", "osteoporotic_fracture"}),
    ("periods", lambda a: a.get("missed_periods_or_stress_fractures") is True, {"energy_deficiency", "bone_stress_with_energy_deficiency"}),
    ("spondylolysis", lambda a: a["pain_arching_back"] is True and a["age"] < 20, {"young_runner_extension_pain"}),
    ("child", lambda a: a["age"] < 16, {"child_under_16"}),
    ("pregnant", lambda a: _ci(a.get("pregnancy_status")) == "pregnant", {"pregnancy"}),
    ("postpartum", lambda a: _ci(a.get("pregnancy_status")) == "postpartum", {"postpartum"}),
]  # fmt: skip


@SETTINGS
@given(answers=answer_sets())
def test_every_triggered_rule_is_reported(answers: dict[str, Any]) -> None:
    result = assess(answers, KB)
    reported = {r.rule for r in [*result.reasons, *result.also_noted]}
    for name, applies, rules in REPORTED:
        if applies(answers):
            assert reported & rules, (name, sorted(reported))
