"""Diary warning signs: named after the self-check's questions, covering its safety screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backstride.assess.engine import triage
from backstride.assess.triage import TriageLevel
from backstride.kb import load_kb
from backstride.kb.conditions import leaves
from backstride.services.diary import warning_answers, warning_id
from tests.kb.test_kb_integrity import _broken, check_kb

#: Safety-screen questions about the runner's history, not an event a diary day can report.
HISTORY = {"cancer_history", "age", "osteoporosis_or_steroids", "immunosuppressed_or_iv_drugs"}


def _questions(cond: Any) -> set[str]:
    return {leaf.question for leaf in leaves(cond)}


def test_every_emergency_and_urgent_safety_question_can_be_reported_in_the_diary() -> None:
    kb = load_kb()
    severe = {TriageLevel.EMERGENCY.value, TriageLevel.URGENT.value}
    asked = set().union(*(_questions(r.when) for r in kb.red_flags if r.triage in severe))
    asked = {q for q in asked if kb.questions[q].group == "safety_screen"}
    covered = {q for w in kb.progress_rules.diary_warnings.values() for q in w.answers}
    assert asked - HISTORY - covered == set()


@pytest.mark.parametrize(
    ("sign", "level"),
    [
        ("sexual_function_change", "emergency"),
        ("trauma", "urgent"),
        ("unexplained_weight_loss", "urgent"),
        ("bony_tenderness", "see_clinician"),
        ("saddle_numbness", "emergency"),
        ("leg_weakness_worsening", "emergency"),
        ("recent_spinal_procedure_or_infection", "see_clinician"),
    ],
)
def test_a_new_sign_triages_with_the_self_checks_own_rules(sign: str, level: str) -> None:
    kb = load_kb()
    reasons = triage(warning_answers((sign,), kb), kb)
    assert TriageLevel.most_severe([r.level for r in reasons]).value == level


def test_old_sign_names_still_resolve_to_the_question_ids() -> None:
    kb = load_kb()
    assert warning_id("saddle", kb) == "saddle_numbness"
    assert warning_id("weakness_worsening", kb) == "leg_weakness_worsening"
    assert warning_id("headache", kb) is None
    assert warning_answers(("weakness", "weakness_worsening"), kb) == {"leg_weakness": "worsening"}


def test_kb_check_refuses_a_diary_sign_not_named_after_its_answer(tmp_path: Path) -> None:
    def rename(data: Any) -> None:
        data["diary_warnings"]["fall"] = data["diary_warnings"].pop("trauma")

    _, problems = check_kb(_broken(tmp_path, "progress_rules", rename))
    assert (
        "progress_rules.yaml: diary warning `fall`: name it after the answer it stands for (trauma)"
        in problems
    )


def test_a_new_infection_with_fever_in_the_diary_is_urgent() -> None:
    kb = load_kb()
    signs = ("recent_spinal_procedure_or_infection", "fever_or_unwell")
    reasons = triage(warning_answers(signs, kb), kb)
    assert "infection_risk" in {r.rule for r in reasons}
