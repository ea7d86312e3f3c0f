"""The self-check's result is typed across the services seam (issue 16, item 3): the
service returns the `Assessment`, its plan summary is a dataclass, and `to_json()` keeps
the `check --json` shape."""

from __future__ import annotations

import json

from backstride.assess import Assessment, PlanSummary
from backstride.kb import KnowledgeBase
from backstride.services import selfcheck
from tests.assess.test_stop_rules import FULL
from tests.plan.conftest import SAFE

PLAN_KEYS = [
    "kind", "focus_causes", "advice", "guidance", "left_out", "exercises", "warm_up",
    "habits", "cues", "running", "recheck_after_days", "warning_signs",
]  # fmt: skip


def test_run_check_returns_the_typed_assessment(
    kb: KnowledgeBase,
) -> None:
    result = selfcheck.run_check({**SAFE, **FULL}, kb, training=None)
    assert isinstance(result, Assessment)
    assert isinstance(result.plan, PlanSummary)
    assert result.plan.exercises and all(e.sources for e in result.plan.exercises)


def test_the_plan_summary_json_keeps_its_keys_and_order(
    kb: KnowledgeBase,
) -> None:
    plan = selfcheck.run_check({**SAFE, **FULL}, kb, training=None).to_json()["plan"]
    assert list(plan) == PLAN_KEYS
    exercise = plan["exercises"][0]
    assert list(exercise)[:4] == ["id", "name", "kind", "sets"]
    assert ("reps" in exercise) or ("hold_s" in exercise)
    assert list(exercise)[-1] == "muscles"
    json.dumps(plan)  # plain JSON values only


# ---------------------------------------------------------------- read back from the store


def _results(kb: KnowledgeBase) -> list[Assessment]:
    """A full plan, an urgent result (also-noted, no plan) and an emergency interruption."""
    urgent = selfcheck.run_check(
        {**SAFE, "fever_or_unwell": True, "numbness_tingling": True}, kb, training=None
    )
    assert urgent.level.value == "urgent" and urgent.also_noted and urgent.plan is None
    stop = selfcheck.emergency_result(kb, {"saddle_numbness": True})
    assert stop is not None
    return [selfcheck.run_check({**SAFE, **FULL}, kb, training=None), urgent, stop]


def test_from_json_reads_back_what_to_json_wrote(kb: KnowledgeBase) -> None:
    for result in _results(kb):
        back = Assessment.from_json(json.loads(json.dumps(result.to_json())), answers={"a": 1})
        assert back.to_json() == result.to_json()
        assert back.answers == {"a": 1}
    full = _results(kb)[0]
    assert Assessment.from_json(full.to_json(), answers=full.answers) == full


def test_the_emergency_interruption_keeps_its_saved_shape(kb: KnowledgeBase) -> None:
    """What an interrupted check has always been saved as: no evidence keys, `interrupted`."""
    stop = selfcheck.emergency_result(kb, {"saddle_numbness": True})
    assert stop is not None and stop.interrupted and stop.plan is None and not stop.causes
    data = stop.to_json()
    assert list(data) == ["triage", "causes", "plan", "disclaimer", "kb_version", "interrupted"]
    assert data["triage"]["level"] == "emergency" and data["triage"]["how_soon"] == "now"
    assert data["triage"]["also_noted"] == [] and data["triage"]["safety_net"] is None
    assert data["interrupted"] is True
    assert selfcheck.emergency_result(kb, dict(SAFE)) is None


def test_from_json_reads_older_and_partial_shapes(kb: KnowledgeBase) -> None:
    """Checks saved by older versions: plain-string warm-up and cues, no advice, guidance,
    left_out, also-noted, safety net or evidence keys; shell-added keys are ignored."""
    data = selfcheck.run_check({**SAFE, **FULL}, kb, training=None).to_json()
    plan = data["plan"]
    plan["warm_up"] = plan["warm_up"]["name"]
    plan["cues"] = [c["text"] for c in plan["cues"]]
    for key in ("advice", "guidance", "left_out"):
        del plan[key]
    for key in ("also_noted", "safety_net", "how_soon"):
        del data["triage"][key]
    del data["filled_from_training"], data["evidence_problems"]
    data |= {"check_id": 3, "from_diary_warning": ["saddle_numbness"], "not_saved": "x"}
    back = Assessment.from_json(data)
    assert back.plan is not None and back.plan.warm_up is not None
    assert back.plan.warm_up.name == plan["warm_up"] and back.plan.warm_up.evidence == ""
    assert [c.text for c in back.plan.cues] == plan["cues"]
    assert back.plan.advice == back.plan.guidance == back.plan.left_out == []
    assert back.also_noted == [] and back.safety_net is None and back.evidence_problems == []
    assert not back.interrupted and back.answers == {}
    empty = Assessment.from_json({})  # a bare record (tests and backups store `{}`)
    assert empty.plan is None and empty.causes == [] and empty.reasons == []
