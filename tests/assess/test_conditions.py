from __future__ import annotations

import re

import pytest

from backstride.assess.conditions import evaluate, questions_in
from backstride.kb.conditions import Leaf, leaves

ANSWERS = {"trauma": True, "age": 52, "pain_character": ["sharp"], "leg_weakness": "stable"}


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ("trauma", True),
        ("fever_or_unwell", False),  # unanswered leaf is false
        ({"q": "age", "gte": 50}, True),
        ({"q": "age", "lt": 50}, False),
        ({"q": "age", "gt": 52}, False),
        ({"q": "age", "lte": 52}, True),
        ({"q": "pain_character", "includes": "sharp"}, True),
        ({"q": "pain_character", "includes": "burning"}, False),
        ({"q": "leg_weakness", "equals": "stable"}, True),
        ({"all": ["trauma", {"q": "age", "gte": 50}]}, True),
        ({"all": ["trauma", "fever_or_unwell"]}, False),
        ({"any": ["fever_or_unwell", "trauma"]}, True),
        ({"not": "trauma"}, False),
        ({"not": "fever_or_unwell"}, True),
        ({"q": "missing_number", "gte": 0}, False),
    ],
)
def test_evaluate(cond: object, expected: bool) -> None:
    assert evaluate(cond, ANSWERS) is expected


def test_numeric_comparison_never_matches_a_bool() -> None:
    assert evaluate({"q": "trauma", "gte": 1}, ANSWERS) is False


def test_leaves_and_questions_in_walk_nested_conditions() -> None:
    cond = {
        "all": ["trauma", {"any": [{"q": "age", "gte": 50}, {"not": "osteoporosis_or_steroids"}]}]
    }
    assert list(leaves(cond)) == [
        Leaf("trauma", "truthy"),
        Leaf("age", "gte", 50),
        Leaf("osteoporosis_or_steroids", "truthy"),
    ]
    assert questions_in(cond) == {"trauma", "age", "osteoporosis_or_steroids"}


@pytest.mark.parametrize(
    ("cond", "message"),
    [
        ({"q": "age", "above": 3}, "when: a leaf needs `q` and exactly one of"),
        ({"some": ["trauma"]}, "when: expected one of all, any, not"),
        ({"all": []}, "when.all: needs a non-empty list"),
        ({"all": ["trauma", 3]}, "when.all[1]: a condition must be a question id or a mapping"),
    ],
)
def test_malformed_conditions_name_their_path(cond: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        list(leaves(cond))
