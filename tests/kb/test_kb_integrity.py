"""The shipped knowledge base is valid, and each kind of mistake is reported by file and id."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from backstride.kb import DATA_DIR, check_kb, load_kb
from backstride.present.cli import cli
from tests.conftest import sweep


def test_shipped_kb_is_valid() -> None:
    kb, problems = check_kb()
    assert problems == []
    assert kb is not None and len(kb.causes) == 10


def test_every_rule_and_recommendation_carries_evidence_and_sources() -> None:
    kb = load_kb()
    assert all(r.sources and r.evidence for r in kb.red_flags)
    assert all(c.sources and c.link_evidence and c.honesty for c in kb.causes.values())
    assert all(e.sources and e.evidence for e in kb.exercises.values())
    assert all(h.sources and h.evidence for h in kb.habits.values())
    assert all(c.sources and c.evidence for c in kb.cues.values())
    assert all(i.sources and i.evidence for c in kb.causes.values() for i in c.evidence)
    assert kb.warm_up.sources and all(r.sources and r.evidence for r in kb.form_rules)


def test_article_exercises_are_all_present() -> None:
    names = {e.name.lower() for e in load_kb().exercises.values()}
    for wanted in ["glute bridge", "single-leg glute bridge", "step-up", "side-lying leg raise",
                   "single-leg deadlift", "half-kneeling hip-flexor stretch", "standing quad stretch",
                   "gentle lunge to open the hip", "foam rolling the quads", "dead bug", "bird dog",
                   "side plank", "pallof press"]:  # fmt: skip
        assert wanted in names


def test_weak_claims_are_labelled_weak() -> None:
    kb = load_kb()
    assert kb.causes["tight_hip_flexors"].link_evidence == "weak"
    assert kb.warm_up.evidence == "weak"
    assert kb.causes["monotonous_terrain"].link_evidence == "expert_opinion"


def test_levels_rate_the_link_to_back_pain_not_to_performance_or_other_injuries() -> None:
    kb = load_kb()
    # exercise helps back pain, but no study shows a weak core causes it
    core = kb.causes["core_weakness"]
    assert core.link_evidence == "weak"
    assert {item.evidence for item in core.evidence} <= {"weak", "expert_opinion"}
    # cadence lowers knee and hip load; it was never tested for backs
    assert kb.cues["land_under_centre_of_mass"].evidence == "weak"
    # carbohydrate helps performance; protecting the back is untested
    assert kb.habits["fuel_long_runs"].evidence == "expert_opinion"
    # load spikes and shoe rotation were studied for running injuries of any kind
    assert kb.causes["training_load_spike"].link_evidence == "weak"
    assert kb.habits["longest_run_guard"].evidence == "weak"
    assert kb.habits["replace_worn_shoes"].evidence == "expert_opinion"


def test_shoe_rotation_has_one_level_in_every_file() -> None:

    assert load_kb().habits["rotate_shoes"].evidence == "weak"
    assert load_kb().load_rules["shoe_rotation"].evidence == "weak"


def test_no_supplement_or_brand_is_recommended() -> None:
    text = " ".join(p.read_text() for p in DATA_DIR.glob("*.yaml")).lower()
    for banned in ("protein rebel", "accelerate", "run easy", "power up", "collagen powder"):
        assert banned not in text
    protein = load_kb().habits["protein_after_runs"]
    assert "no supplement treats back pain" in protein.text.lower()


def _broken(tmp_path: Path, file: str, mutate: Callable[[Any], None]) -> Path:
    folder = tmp_path / "kb"
    shutil.copytree(DATA_DIR, folder)
    path = folder / f"{file}.yaml"
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def _set(items: str, index: int, key: str, value: Any) -> Callable[[Any], None]:
    def mutate(data: Any) -> None:
        data[items][index][key] = value

    return mutate


def _rule(data: Any, rule_id: str) -> Any:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def _red_flag_index(rule_id: str) -> int:
    rules = yaml.safe_load((DATA_DIR / "red_flags.yaml").read_text())["red_flags"]
    return next(i for i, r in enumerate(rules) if r["id"] == rule_id)


BROKEN = [
    ("red_flags", _set("red_flags", 0, "trigger", True),
     "red_flags.yaml: cauda_equina_saddle: red_flags.0.trigger: Extra inputs are not permitted"),
    ("red_flags", _set("red_flags", 0, "sources", []),
     "red_flags.yaml: cauda_equina_saddle: red_flags.0.sources: List should have at least 1 item after validation, not 0"),
    ("red_flags", _set("red_flags", 0, "when", "saddle_numbnes"),
     "red_flags.yaml: cauda_equina_saddle: unknown question `saddle_numbnes`"),
    ("red_flags", _set("red_flags", 0, "sources", ["nice_ng95"]),
     "red_flags.yaml: cauda_equina_saddle: unknown source `nice_ng95`"),
    ("red_flags", _set("red_flags", 4, "when", {"q": "leg_weakness", "equals": "terrible"}),
     "red_flags.yaml: worsening_leg_weakness: `terrible` is not a value of `leg_weakness` (allowed: none, stable, worsening)"),
    ("causes", _set("causes", 0, "exercises", ["glute_bridges"]),
     "causes.yaml: weak_glutes: unknown exercise `glute_bridges`"),
    ("exercises", _set("exercises", 0, "progresses_to", "hip_thrust"),
     "exercises.yaml: glute_bridge: unknown exercise `hip_thrust`"),
    ("questions", _set("questions", 0, "type", "choice"),
     "questions.yaml: saddle_numbness: must be required and of type bool"),
    ("causes", lambda d: d["causes"].pop(), "causes.yaml: prolonged_sitting: cause of the spec is missing"),
    ("red_flags", lambda d: d["red_flags"].append(dict(d["red_flags"][0])),
     "red_flags.yaml: cauda_equina_saddle: duplicate id"),
    # every recommendation carries an evidence level and at least one known source
    ("exercises", lambda d: d["exercises"][0].pop("evidence"),
     "exercises.yaml: glute_bridge: exercises.0.evidence: Field required"),
    ("exercises", lambda d: d["warm_up"].update(sources=[]),
     "exercises.yaml: runner_warm_up: warm_up.sources: List should have at least 1 item after validation, not 0"),
    ("habits", _set("habits", 0, "sources", []),
     "habits.yaml: strength_twice_weekly: habits.0.sources: List should have at least 1 item after validation, not 0"),
    ("cues", lambda d: d["cues"][0].pop("evidence"),
     "cues.yaml: lean_from_ankles: cues.0.evidence: Field required"),
    ("causes", lambda d: d["causes"][0].pop("link_evidence"),
     "causes.yaml: weak_glutes: causes.0.link_evidence: Field required"),
    ("causes", lambda d: d["causes"][0]["evidence"][0].pop("sources"),
     "causes.yaml: weak_glutes: causes.0.evidence.0.sources: Field required"),
    ("causes", lambda d: d["causes"][0]["evidence"][0].update(sources=["nowhere"]),
     "causes.yaml: weak_glutes: 'Worse running uphill, where the glutes work hardest': unknown source `nowhere`"),
    ("questions", lambda d: next(q for q in d["questions"] if q["id"] == "side_plank_seconds").pop("evidence"),
     "questions.yaml: side_plank_seconds: a self-test needs `evidence` and `sources`"),
    ("form_rules", _set("rules", 0, "sources", []),
     "form_rules.yaml: trunk_lean_forward: rules.0.sources: List should have at least 1 item after validation, not 0"),
    ("progress_rules", lambda d: d["psfs"].update(sources=["nowhere"]),
     "progress_rules.yaml: psfs: unknown source `nowhere`"),
    ("progress_rules", lambda d: d["schedule"].update(strength_causes=["weak_glute"]),
     "progress_rules.yaml: schedule.strength_causes: unknown cause `weak_glute`"),
    ("progress_rules", lambda d: d["escalation"].pop("evidence"),
     "progress_rules.yaml: -: escalation.evidence: Field required"),
    ("load_rules", lambda d: _rule(d, "long_run_share").update(sources=[]),
     "load_rules.yaml: long_run_share: rules.9.sources: List should have at least 1 item after validation, not 0"),
    ("load_rules", lambda d: _rule(d, "acwr").pop("evidence"),
     "load_rules.yaml: acwr: rules.2.evidence: Field required"),
    ("load_rules", lambda d: _rule(d, "acwr").update(sources=["lolli_2018"]),
     "load_rules.yaml: acwr: unknown source `lolli_2018`"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "mutate", "message"), sweep(BROKEN, ids=[b[2][:60] for b in BROKEN])
)
def test_broken_kb_reports_file_id_and_problem(
    tmp_path: Path, file: str, mutate: Callable[[Any], None], message: str
) -> None:
    _, problems = check_kb(_broken(tmp_path, file, mutate))
    assert message in problems


def test_kb_check_cli_prints_every_problem_and_fails(tmp_path: Path) -> None:
    def two_problems(data: Any) -> None:
        data["red_flags"][0]["when"] = "nope"
        data["red_flags"][1]["sources"] = ["nowhere"]

    folder = _broken(tmp_path, "red_flags", two_problems)
    result = CliRunner().invoke(cli, ["kb", "check", "--path", str(folder)])
    assert result.exit_code == 1
    assert "red_flags.yaml: cauda_equina_saddle: unknown question `nope`" in result.output
    assert "red_flags.yaml: cauda_equina_bladder_bowel: unknown source `nowhere`" in result.output
    assert "2 problem(s) in the knowledge base" in result.output


def test_kb_check_cli_on_shipped_kb() -> None:
    result = CliRunner().invoke(cli, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output


def test_kb_check_cli_also_validates_the_load_rules(tmp_path: Path) -> None:
    def unknown_source(data: Any) -> None:
        data["rules"][0]["sources"] = ["nowhere"]

    folder = _broken(tmp_path, "load_rules", unknown_source)
    result = CliRunner().invoke(cli, ["kb", "check", "--path", str(folder)])
    assert result.exit_code == 1
    assert "load_rules.yaml: single_run_spike: unknown source `nowhere`" in result.output


@pytest.mark.parametrize(
    ("file", "mutate", "named"),
    sweep([
        ("exercises", lambda d: d["exercises"][2].pop("evidence"), "exercises.yaml: step_up:"),
        ("causes", lambda d: d["causes"][3]["evidence"][0].pop("sources"), "causes.yaml: core_weakness:"),
        ("load_rules", lambda d: _rule(d, "flatness").update(sources=[]), "load_rules.yaml: flatness:"),
    ], ids=["exercise-without-evidence", "cause-item-without-sources", "load-rule-without-sources"]),
)  # fmt: skip
def test_kb_check_cli_fails_on_a_recommendation_without_evidence_or_source(
    tmp_path: Path, file: str, mutate: Callable[[Any], None], named: str
) -> None:
    folder = _broken(tmp_path, file, mutate)
    result = CliRunner().invoke(cli, ["kb", "check", "--path", str(folder)])
    assert result.exit_code == 1
    assert named in result.output
    assert "problem(s) in the knowledge base" in result.output


def test_citations_name_the_primary_paper_and_say_what_it_is_evidence_for() -> None:

    kb, rules = load_kb(), load_kb().load_rules
    micheli = kb.sources["micheli_1995"].citation
    assert micheli.startswith("Micheli LJ, Wood R. Back pain in young athletes")
    assert "Arch Pediatr Adolesc Med 1995;149(1):15-18" in micheli and "Aspetar" not in micheli
    # a definition of injury is not evidence for a training rule
    assert all("yamato_2015" not in r.sources for r in rules.rules)
    assert "not evidence for any training rule" in (kb.sources["yamato_2015"].note or "")
    # a football warm-up trial says so wherever it is cited
    assert "football, not running" in kb.sources["thorborg_2017"].citation
    for honesty in (kb.warm_up.honesty, kb.habits["warm_up_before_runs"].honesty or ""):
        assert "footballers, not runners" in honesty
    for sid in ("lolli_2019", "hunt_sleep_2014", "de_sousa_2019", "silbernagel_2007"):
        assert any(f"{y};" in kb.sources[sid].citation for y in ("2019", "2014", "2007")), sid


def test_pain_monitoring_states_silbernagels_thresholds_and_cites_thomee() -> None:

    rule = load_kb().load_rules["pain_monitoring"]
    assert rule.thresholds == {"acceptable_max_nprs": 5}  # no unverified "safe" zone
    assert "next morning" in rule.text and "week to week" in rule.text
    assert "to be verified" not in rule.text
    assert load_kb().progress_rules.pain_monitoring.sources == ["silbernagel_2007", "thomee_1997"]
