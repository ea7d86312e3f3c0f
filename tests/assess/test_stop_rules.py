"""The forbid table (kb/data/stop_rules.yaml), `forbidden_by`, and the evidence levels the
plan summary carries for every recommendation, as the CLI and web check results show them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

from backstride.assess import Assessment, assess
from backstride.assess.engine import TriageReason
from backstride.assess.restrictions import advice_in_order, forbidden_by, warm_up_steps
from backstride.assess.triage import TriageLevel
from backstride.kb import DATA_DIR, KnowledgeBase, check_kb
from backstride.present.report.terminal import render_result
from tests.plan.conftest import SAFE

#: Focuses running form, hip flexors and core: exercises, habits, cues and the warm-up.
FULL = {
    "form_observed": ["overstride", "lean_from_waist"],
    "hip_flexor_test": "thigh_raised",
    "warm_up": "never",
    "strength_sessions_per_week": 0,
}


def _reason(rule: str, running: str = "easy_pain_free", level: str = "see_clinician") -> Any:
    return TriageReason(rule, TriageLevel(level), "why", f"advice {rule}", running, "weak", [])


# ---------------------------------------------------------------- the table


def test_every_load_tag_used_is_declared_and_every_rule_exists(kb: KnowledgeBase) -> None:
    tags = {t.id for t in kb.stop_rules.tags}
    used = {t for e in kb.exercises.values() for t in e.loads}
    used |= {t for h in kb.habits.values() for t in h.loads}
    used |= {t for q in kb.questions.values() for t in q.loads}
    used |= {t for r in kb.stop_rules.rules for t in r.forbids}
    assert used <= tags
    assert {r.rule for r in kb.stop_rules.rules} <= {r.id for r in kb.red_flags}


def test_the_spec_examples_are_tagged(kb: KnowledgeBase) -> None:
    """triage.md: back-arching stretches, run habits and loading self-tests are tagged."""
    assert "spinal_extension" in kb.exercises["half_kneeling_hip_flexor_stretch"].loads
    assert "run_habit" in kb.habits["warm_up_before_runs"].loads
    assert "run_habit" in kb.habits["fuel_long_runs"].loads
    assert "run_habit" in kb.warm_up.loads
    for qid in ("single_leg_bridge_reps", "single_leg_squat_pelvis_drop"):
        assert "loading_self_test" in kb.questions[qid].loads
    supine = [e.id for e in kb.exercises.values() if "supine_long" in e.loads]
    assert {"glute_bridge", "single_leg_glute_bridge", "dead_bug"} <= set(supine)


def _broken(tmp_path: Path, file: str, mutate: Callable[[Any], None]) -> Path:
    folder = tmp_path / "kb"
    shutil.copytree(DATA_DIR, folder)
    path = folder / f"{file}.yaml"
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return folder


def _first(items: str, key: str, value: Any) -> Callable[[Any], None]:
    def mutate(data: Any) -> None:
        data[items][0][key] = value

    return mutate


def _add_rule(entry: dict[str, Any]) -> Callable[[Any], None]:
    def mutate(data: Any) -> None:
        data["rules"].append(entry)

    return mutate


def _question(qid: str, key: str, value: Any) -> Callable[[Any], None]:
    def mutate(data: Any) -> None:
        next(q for q in data["questions"] if q["id"] == qid)[key] = value

    return mutate


BROKEN = [
    ("stop_rules", _add_rule({"rule": "no_such_rule", "forbids": ["running"]}),
     "stop_rules.yaml: no_such_rule: unknown red_flags.yaml rule `no_such_rule`"),
    ("stop_rules", _add_rule({"rule": "stops_running", "forbids": ["no_such_tag"]}),
     "stop_rules.yaml: stops_running: unknown tag `no_such_tag`"),
    ("stop_rules", _add_rule({"rule": "stops_running", "forbids": [], "guidance": {
        "title": "t", "text": "x", "evidence": "weak", "sources": ["nowhere_2099"]}}),
     "stop_rules.yaml: stops_running: unknown source `nowhere_2099`"),
    ("exercises", _first("exercises", "loads", ["supine_long"]),
     "exercises.yaml: glute_bridge: a strength exercise must load `strength_progression`"),
    ("exercises", _first("exercises", "loads", ["strength_progression", "upside_down"]),
     "exercises.yaml: glute_bridge: unknown load tag `upside_down`"),
    ("habits", _first("habits", "loads", ["flying"]),
     "habits.yaml: strength_twice_weekly: unknown load tag `flying`"),
    ("questions", _question("trauma", "loads", ["running"]),
     "questions.yaml: trauma: only self-tests carry `loads`"),
]  # fmt: skip


@pytest.mark.parametrize("file, mutate, expected", BROKEN)
def test_a_broken_table_or_tag_is_reported(
    tmp_path: Path, file: str, mutate: Callable[[Any], None], expected: str
) -> None:
    _, problems = check_kb(_broken(tmp_path, file, mutate))
    assert any(p.startswith(expected) for p in problems), problems


# ---------------------------------------------------------------- forbidden_by


def test_nothing_is_forbidden_without_reasons(kb: KnowledgeBase) -> None:
    assert forbidden_by([], kb) == set()
    assert forbidden_by([], kb, level="self_care") == set()


def test_a_stop_on_running_forbids_running_and_run_habits(kb: KnowledgeBase) -> None:
    got = forbidden_by([_reason("stops_running", "stop")], kb)
    assert {"running", "run_habit", "strength_progression"} <= got
    assert "spinal_extension" not in got and "loading_self_test" not in got


def test_suspected_spondylolysis_forbids_extension_impact_and_loading_tests(
    kb: KnowledgeBase,
) -> None:
    got = forbidden_by([_reason("young_runner_extension_pain", "stop")], kb)
    assert {"spinal_extension", "single_leg_impact", "loading_self_test", "run_habit"} <= got


def test_the_level_alone_forbids_new_strength_work(kb: KnowledgeBase) -> None:
    assert forbidden_by([_reason("sharp_pain")], kb) == {"strength_progression"}
    assert forbidden_by([], kb, level="see_clinician") == {"strength_progression"}
    assert "loading_self_test" in forbidden_by([_reason("trauma", "stop", "urgent")], kb)


def test_advice_puts_stop_reasons_first_once_each() -> None:
    reasons = [_reason("sharp_pain"), _reason("severe_pain"), _reason("bone_stress_injury", "stop")]
    reasons[1] = TriageReason(
        "severe_pain", TriageLevel.SEE_CLINICIAN, "w", "advice sharp_pain", "easy", "weak", []
    )
    assert advice_in_order(reasons) == ["advice bone_stress_injury", "advice sharp_pain"]


def test_a_forbidden_warm_up_step_is_swapped_for_its_alternative(kb: KnowledgeBase) -> None:
    plain = warm_up_steps(set(), kb)
    swapped = warm_up_steps({"supine_long"}, kb)
    assert "10 glute bridges" in plain and "10 glute bridges" not in swapped
    assert len(plain) == len(swapped) and any("standing hip extensions" in s for s in swapped)


# ---------------------------------------------------------------- the plan summary


def test_the_summary_carries_evidence_and_sources_for_every_recommendation(
    kb: KnowledgeBase,
) -> None:
    plan = assess({**SAFE, **FULL}, kb).plan
    assert plan is not None and plan.kind == "full"
    assert plan.exercises and plan.habits and plan.cues and plan.warm_up
    levels = set(kb.meta.evidence_levels)
    entries = [*plan.exercises, *plan.habits, *plan.cues, plan.warm_up]
    for entry in entries:
        assert entry.evidence in levels, entry
        assert entry.sources and all(isinstance(s, str) for s in entry.sources)
    assert plan.warm_up.evidence == kb.warm_up.evidence
    assert plan.advice == [] and plan.left_out == [] and plan.guidance == []


def test_a_gentle_summary_names_what_is_left_out(kb: KnowledgeBase) -> None:
    plan = assess({**SAFE, **FULL, "bony_tenderness": True}, kb).plan
    assert plan is not None and plan.kind == "gentle"
    assert any("running" in line for line in plan.left_out)
    assert not any("self-tests" in line for line in plan.left_out)  # never in a plan
    assert plan.advice[0].startswith("Stop running")


# ---------------------------------------------------------------- the shells show evidence


def _terminal(result: dict[str, Any]) -> str:
    """The terminal rendering of a result saved as this JSON (read back as a saved check is)."""
    console = Console(width=200, record=True, color_system=None)
    render_result(console, Assessment.from_json(result))
    return " ".join(console.export_text().split())


def test_the_cli_result_shows_evidence_on_habits_cues_and_the_warm_up(kb: KnowledgeBase) -> None:
    result = assess({**SAFE, **FULL}, kb).to_json()
    out = _terminal(result)
    plan = result["plan"]
    warm = plan["warm_up"]
    assert f"{warm['name']} (evidence: {warm['evidence'].replace('_', ' ')})" in out
    for h in plan["habits"]:
        assert f"{h['text']} (evidence: {h['evidence'].replace('_', ' ')})" in out
    for c in plan["cues"]:
        assert f"{c['text']} (evidence: {c['evidence'].replace('_', ' ')})" in out


def test_a_check_saved_before_the_evidence_fields_still_renders(kb: KnowledgeBase) -> None:
    result = assess({**SAFE, **FULL}, kb).to_json()
    plan = result["plan"]
    plan["warm_up"] = plan["warm_up"]["name"]
    plan["cues"] = [c["text"] for c in plan["cues"]]
    for key in ("advice", "guidance", "left_out"):
        del plan[key]
    out = _terminal(result)
    assert "Five-to-ten-minute warm-up" in out and "Your plan" in out


@pytest.mark.slow
def test_the_web_result_shows_evidence_everywhere(
    runner: CliRunner, tmp_path: Path, kb: KnowledgeBase
) -> None:
    from fastapi.testclient import TestClient

    from backstride.config import Settings
    from backstride.present.web import create_app
    from backstride.services import selfcheck

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=tmp_path / "d")
    app = create_app(settings, config_path=tmp_path / "config.toml")
    answers = {**SAFE, **FULL}
    assessment = assess(answers, kb)
    result = assessment.to_json()
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        with app.state.web.engine.begin() as conn:
            check_id = selfcheck.save_check(
                conn, kb=kb, answers=answers, result=assessment, source="test"
            )
        page = " ".join(client.get(f"/check/result/{check_id}").text.split())
    app.state.web.engine.dispose()
    plan = result["plan"]
    for entry in [*plan["exercises"], *plan["habits"], *plan["cues"], plan["warm_up"]]:
        assert f"evidence: {entry['evidence'].replace('_', ' ')})" in page
    assert plan["warm_up"]["name"] in page
    assert (
        page.count("evidence: ")
        >= len(plan["exercises"]) + len(plan["habits"]) + len(plan["cues"]) + 1
    )
