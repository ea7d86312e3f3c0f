"""Triage v2 behaviour of the engine itself: "unsure", the urgent banner, the safety-net.

The story-level and property tests (test_stories.py, test_properties_v2.py) judge the rules;
these pin the shapes the shells rely on.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from backstride.assess import TriageLevel, assess
from backstride.errors import InvalidAnswer
from backstride.kb import KnowledgeBase


def test_unsure_counts_as_yes_and_says_how_to_check(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    result = assess({**baseline, "saddle_numbness": "unsure"}, kb)
    assert result.level is TriageLevel.EMERGENCY
    reason = result.reasons[0]
    assert reason.rule == "cauda_equina_saddle" and reason.unsure == ["saddle_numbness"]
    assert '"unsure"' in reason.text and "How to check:" in reason.text
    assert kb.questions["saddle_numbness"].how_to_check in reason.text  # type: ignore[operator]
    assert result.answers["saddle_numbness"] == "unsure"  # kept as given, for the record


@pytest.mark.parametrize("spelling", ["unsure", "Unsure", " UNSURE "])
def test_unsure_is_accepted_in_any_case_on_safety_questions_only(
    kb: KnowledgeBase, baseline: dict[str, Any], spelling: str
) -> None:
    assert assess({**baseline, "fever_or_unwell": spelling}, kb).level is TriageLevel.URGENT
    with pytest.raises(InvalidAnswer, match="numbness_tingling"):
        assess({**baseline, "numbness_tingling": spelling}, kb)  # not a safety question


def test_every_yes_no_safety_question_can_be_checked_when_unsure(kb: KnowledgeBase) -> None:
    safety = [q for q in kb.questions.values() if q.accepts_unsure]
    assert len(safety) >= 12
    assert all(q.how_to_check for q in safety)


@pytest.mark.parametrize(
    ("overlay", "when"),
    [
        ({"fever_or_unwell": True}, "within 48 hours"),
        ({"fever_or_unwell": True, "age": 50}, "today"),
        ({"fever_or_unwell": True, "recent_spinal_procedure_or_infection": True}, "today"),
        ({"cancer_history": True}, "within 24 hours"),
        ({"cancer_history": True, "unexplained_weight_loss": True}, "within 24 hours"),
        ({"trauma": True}, "today"),
        ({"constant_night_pain": True}, "within 48 hours"),
    ],
)
def test_the_urgent_banner_states_the_most_pressing_reasons_time(
    kb: KnowledgeBase, baseline: dict[str, Any], overlay: dict[str, Any], when: str
) -> None:
    result = assess({**baseline, **overlay}, kb)
    assert result.level is TriageLevel.URGENT and result.how_soon == when
    assert f" {when}: " in result.message  # whom, when, then why
    assert "24-48" not in result.message
    assert result.safety_net and "emergency department at once" in result.safety_net
    assert result.plan is None


def test_lower_level_reasons_are_kept_apart_under_an_urgent_banner(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    result = assess({**baseline, "trauma": True, "pain_onset": "sudden", "pain_worst": 8}, kb)
    assert result.level is TriageLevel.URGENT
    assert {r.level for r in result.reasons} == {TriageLevel.URGENT}
    assert {"sudden_onset", "severe_pain"} <= {r.rule for r in result.also_noted}
    assert "keep to gentle" not in " ".join(r.advice.lower() for r in result.reasons)
    data = result.to_json()["triage"]
    assert [r["rule"] for r in data["also_noted"]] == [r.rule for r in result.also_noted]


def test_emergency_has_no_safety_net_but_says_now(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    result = assess({**baseline, "both_legs_symptoms": True}, kb)
    assert result.how_soon == "now" and result.safety_net is None and result.plan is None


def test_self_care_carries_the_safety_net(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    result = assess(baseline, kb)
    assert result.level is TriageLevel.SELF_CARE and result.safety_net


@pytest.mark.parametrize(("typed", "stored"), [("Sharp", "sharp"), ("DULL_ACHE", "dull_ache")])
def test_choices_match_case_insensitively(
    kb: KnowledgeBase, baseline: dict[str, Any], typed: str, stored: str
) -> None:
    result = assess({**baseline, "pain_character": [typed]}, kb)
    assert result.answers["pain_character"] == [stored]


def test_a_typed_sharp_raises_the_level_instead_of_vanishing(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    assert assess({**baseline, "pain_character": ["Sharp"]}, kb).level is TriageLevel.SEE_CLINICIAN
    with pytest.raises(InvalidAnswer, match="pain_character"):
        assess({**baseline, "pain_character": ["Sharp pain"]}, kb)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_rejected(
    kb: KnowledgeBase, baseline: dict[str, Any], value: float
) -> None:
    with pytest.raises(InvalidAnswer, match="desk_hours_per_day"):
        assess({**baseline, "desk_hours_per_day": value}, kb)


def test_a_huge_number_is_a_clear_error(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer, match="too large to show"):
        assess({**baseline, "age": 10**5001}, kb)


def test_yaml_no_means_the_word_for_pregnancy_status(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    # `pregnancy_status: no` in a YAML answers file arrives as False (YAML 1.1)
    assert assess({**baseline, "pregnancy_status": False}, kb).answers["pregnancy_status"] == "no"


def test_sudden_severe_pain_at_50_with_movement_unanswered_is_not_assumed_mechanical(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    severe = {**baseline, "age": 60, "pain_onset": "sudden", "pain_worst": 9}
    result = assess(severe, kb)
    assert result.level is TriageLevel.EMERGENCY
    assert result.reasons[0].rule == "vascular_age50_sudden_severe"
    assert "did not say whether moving changes the pain" in result.reasons[0].text
    eases = assess({**severe, "movement_effect": "eases"}, kb)
    assert eases.level is TriageLevel.SEE_CLINICIAN  # movement changes it: mechanical


def test_fever_with_long_term_steroids_is_seen_today(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    result = assess({**baseline, "fever_or_unwell": True, "osteoporosis_or_steroids": True}, kb)
    assert result.how_soon == "today"
    assert "infection_risk" in [r.rule for r in result.reasons]
