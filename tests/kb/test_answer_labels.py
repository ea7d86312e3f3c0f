"""Every choice answer has a plain label in the KB (the web form and the answers template
show it), and `kb check` says so when one is missing."""

from __future__ import annotations

from dataclasses import replace

from backstride.kb import load_kb
from backstride.kb.validate import collect_problems


def test_every_choice_value_has_a_label() -> None:
    kb = load_kb()
    for q in kb.questions.values():
        if q.type in ("choice", "choices") and q.group != "derived":
            assert set(q.value_labels or {}) == set(q.values or []), q.id


def test_a_missing_label_is_a_kb_problem() -> None:
    kb = load_kb()
    q = kb.questions["improving"]
    broken = q.model_copy(update={"value_labels": {"better": "Getting better"}})
    problems = collect_problems(replace(kb, questions={**kb.questions, "improving": broken}))
    assert any("improving: `value_labels`" in p for p in problems), problems
