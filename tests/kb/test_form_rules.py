"""form_rules.yaml: the shipped rules load, and each kind of mistake is named by kb check."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.kb import DATA_DIR, check_kb, load_kb


def test_shipped_rules_cover_every_form_fault_of_the_self_check() -> None:
    kb = load_kb()
    faults = {r.fault for r in kb.form_rules if r.fault}
    assert faults == set(kb.questions["form_observed"].values or [])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metric": "trunk_lean"}, "metric 'trunk_lean' is not measured in the side view"),
        ({"fault": "slouching"}, "fault 'slouching' is not a value of form_observed"),
        ({"cue": "no_such_cue"}, "unknown cue `no_such_cue`"),
        ({"cause": "bad_luck"}, "unknown cause `bad_luck`"),
        ({"marked": 5}, "the marked threshold must be beyond the mild one"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_broken_rule_is_reported(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "form_rules.yaml"
    data = yaml.safe_load(path.read_text())
    data["rules"][0].update(change)
    path.write_text(yaml.safe_dump(data))
    _, problems = check_kb(folder)
    assert any(
        p.startswith("form_rules.yaml: trunk_lean_forward: ") and message in p for p in problems
    ), problems
