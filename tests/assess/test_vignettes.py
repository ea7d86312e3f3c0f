"""The worked cases of shared/vignettes/examples.yaml, one named test each."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from backstride.assess import assess
from backstride.kb import KnowledgeBase
from tests.conftest import SHARED

VIGNETTES = SHARED / "vignettes" / "examples.yaml"


def _cases() -> list[Any]:
    if not VIGNETTES.exists():
        return [
            pytest.param(
                None,
                None,
                marks=pytest.mark.skip(reason=f"{VIGNETTES} absent (only in CI / team machines)"),
                id="no-shared-vignettes",
            )
        ]
    doc = yaml.safe_load(VIGNETTES.read_text())
    return [
        pytest.param({**doc["defaults"], **case["answers"]}, case["expect"], id=case["id"])
        for case in doc["cases"]
    ]


@pytest.mark.parametrize(("answers", "expect"), _cases())
def test_vignettes(answers: dict[str, Any], expect: dict[str, Any], kb: KnowledgeBase) -> None:
    result = assess(answers, kb)
    assert result.level.value == expect["triage"]
    if "causes_top2_any" in expect:
        top2 = [c.id for c in result.causes[:2]]
        assert set(top2) & set(expect["causes_top2_any"]), top2
    if expect.get("plan") == "none":
        assert result.plan is None
    elif expect.get("plan") == "present":
        assert result.plan is not None
        assert result.plan.exercises or result.plan.habits
    assert result.disclaimer and "does not diagnose" in result.disclaimer
