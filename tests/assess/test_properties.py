"""Safety invariants, over generated answer sets (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.assess import TriageLevel, assess
from backstride.kb import load_kb

#: 100-150 generated answer sets per property: seconds each, so `make test` only.
pytestmark = pytest.mark.slow
KB = load_kb()
EMERGENCY_ANSWERS = [
    ("saddle_numbness", True),
    ("bladder_bowel_change", True),
    ("sexual_function_change", True),
    ("both_legs_symptoms", True),
    ("leg_weakness", "worsening"),
]
SAFETY_BOOLS = [q.id for q in KB.questions_in("safety_screen") if q.type == "bool"]


def _strategy_for(qid: str) -> st.SearchStrategy[Any]:
    q = KB.questions[qid]
    if q.type == "bool":
        return st.booleans()
    if q.type == "choice":
        return st.sampled_from(q.values or [])
    if q.type == "choices":
        return st.lists(st.sampled_from(q.values or []), min_size=1, unique=True)
    lo = int(q.min or 0)
    hi = int(q.max if q.max is not None else 200)
    if q.type == "int":
        return st.integers(lo, hi)
    return st.floats(lo, hi, allow_nan=False)


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Every required answer, plus a random subset of the optional ones."""
    answers = {q.id: draw(_strategy_for(q.id)) for q in KB.questions.values() if q.required}
    optional = [q.id for q in KB.questions.values() if not q.required and q.group != "derived"]
    for qid in draw(st.lists(st.sampled_from(optional), unique=True)):
        answers[qid] = draw(_strategy_for(qid))
    return answers


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(answers=answer_sets(), emergency=st.sampled_from(EMERGENCY_ANSWERS))
def test_any_emergency_answer_gives_emergency(
    answers: dict[str, Any], emergency: tuple[str, Any]
) -> None:
    key, value = emergency
    result = assess({**answers, key: value}, KB)
    assert result.level is TriageLevel.EMERGENCY
    assert result.plan is None


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(answers=answer_sets(), flip=st.sampled_from(SAFETY_BOOLS))
def test_switching_a_safety_answer_to_yes_never_lowers_the_level(
    answers: dict[str, Any], flip: str
) -> None:
    before = assess({**answers, flip: False}, KB).level
    after = assess({**answers, flip: True}, KB).level
    assert after.severity >= before.severity


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(answers=answer_sets())
def test_result_shape_holds_for_any_valid_answers(answers: dict[str, Any]) -> None:
    result = assess(answers, KB).to_json()
    scores = [c["score"] for c in result["causes"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len(result["causes"]) == 10
    if result["triage"]["level"] in ("emergency", "urgent"):
        assert result["plan"] is None
    assert "does not diagnose" in result["disclaimer"]
