from __future__ import annotations

from typing import Any

import pytest

from backstride.assess import assess, validate_answers
from backstride.errors import InvalidAnswer, MissingRequiredAnswers
from backstride.kb import KnowledgeBase


def test_missing_safety_answers_are_an_error_naming_every_id(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    answers = {k: v for k, v in baseline.items() if k not in ("trauma", "saddle_numbness")}
    with pytest.raises(MissingRequiredAnswers) as err:
        assess(answers, kb)
    assert err.value.missing == ["saddle_numbness", "trauma"]
    assert "missing required answers: saddle_numbness, trauma" in str(err.value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (
            "trauma",
            "no",
            "answer `trauma`: 'no' is not allowed; expected true, false or \"unsure\"",
        ),
        ("age", 38.5, "answer `age`: 38.5 is not allowed; expected a whole number (>= 0, <= 120)"),
        ("age", True, "answer `age`: True is not allowed; expected a whole number"),
        (
            "pain_worst",
            11,
            "answer `pain_worst`: 11 is not allowed; expected a whole number (>= 0, <= 10)",
        ),
        ("leg_weakness", "some", "expected one of: none, stable, worsening"),
        ("pain_character", "sharp", "expected a list drawn from: dull_ache, muscular_tightness"),
        ("pain_character", ["sharp", "itchy"], "'itchy'"),
        (
            "sleep_hours",
            -1,
            "answer `sleep_hours`: -1 is not allowed; expected a number (>= 0, <= 24)",
        ),
    ],
)
def test_wrong_type_or_value_names_the_id_and_what_is_allowed(
    kb: KnowledgeBase, baseline: dict[str, Any], key: str, value: Any, expected: str
) -> None:
    with pytest.raises(InvalidAnswer) as err:
        validate_answers({**baseline, key: value}, kb)
    assert expected in str(err.value)


def test_unknown_ids_are_rejected(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer, match="unknown question id\\(s\\): favourite_colour"):
        validate_answers({**baseline, "favourite_colour": "blue"}, kb)


def test_derived_ids_cannot_be_supplied(kb: KnowledgeBase, baseline: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer, match="onset_age_years"):
        validate_answers({**baseline, "onset_age_years": 20}, kb)


def test_whole_float_is_accepted_for_int_and_duplicates_collapse(
    kb: KnowledgeBase, baseline: dict[str, Any]
) -> None:
    got = validate_answers({**baseline, "age": 40.0, "pain_character": ["sharp", "sharp"]}, kb)
    assert got["age"] == 40 and isinstance(got["age"], int)
    assert got["pain_character"] == ["sharp"]
