"""The KB keeps every id, type and value of the public answers contract (shared/spec/answers.yaml)."""

from __future__ import annotations

import yaml

from backstride.kb import load_kb
from tests.conftest import shared_path


def _spec_values(values: list[object] | None) -> list[str] | None:
    """The spec's values as strings: YAML 1.1 reads a bare `no` as False, meaning the word."""
    if values is None:
        return None
    return [{False: "no", True: "yes"}.get(v, v) if isinstance(v, bool) else str(v) for v in values]


def test_every_spec_question_exists_with_its_type_values_and_required_flag() -> None:
    spec = yaml.safe_load(shared_path("spec", "answers.yaml").read_text())
    kb = load_kb()
    for group, questions in spec.items():
        for qid, q in questions.items():
            mine = kb.questions[qid]
            assert mine.group == group, qid
            assert mine.type == q["type"], qid
            assert (mine.values or None) == _spec_values(q.get("values")), qid
            assert mine.required == q.get("required", False), qid
            if "min" in q:
                assert mine.min == q["min"], qid
            if "max" in q:
                assert mine.max == q["max"], qid


def test_triage_levels_match_the_spec_order() -> None:
    assert load_kb().meta.triage_levels == ["emergency", "urgent", "see_clinician", "self_care"]
