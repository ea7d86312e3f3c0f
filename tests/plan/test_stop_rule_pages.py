"""The plan as the runner sees it: `backstride plan` and the web plan page carry every
triggered reason's advice (stop reasons first), what is left out, and evidence levels.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from backstride.config import Settings
from backstride.kb import load_kb
from backstride.present.cli import cli
from backstride.present.web import create_app
from tests.plan.conftest import HIPS, SAFE
from tests.plan.stop_cases import ALL_CASES


def _save_check(runner: CliRunner, env: dict[str, str], tmp_path: Path, answers: dict) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    result = runner.invoke(cli, ["check", "--answers", str(path), "--json"], env=env)
    assert result.exit_code == 0, result.output


def _flat(text: str) -> str:
    """The words a runner reads: no HTML tags, panel borders or terminal line wrapping."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"[│╭╮╰╯─]", " ", text)
    return " ".join(text.split())


def test_backstride_plan_shows_the_stop_advice_first_and_what_is_left_out(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    answers = {**SAFE, **HIPS, **ALL_CASES["spondylolysis_and_sharp"]}
    _save_check(runner, cli_env, tmp_path, answers)
    out = _flat(runner.invoke(cli, ["plan", "--weeks", "1"], env=cli_env).output)
    stop = "avoid running and back-arching until assessed"
    gentle = "Keep to gentle, pain-free activity until then."
    assert stop in out and gentle in out and out.index(stop) < out.index(gentle)
    assert "Left out until you are seen: back-arching (extension) stretches" in out
    assert "Hip-flexor" not in out and "Run," not in out
    data = json.loads(runner.invoke(cli, ["plan", "--json", "--weeks", "1"], env=cli_env).output)
    assert stop in data["advice"][0] and data["left_out"]
    assert all(
        not {"spinal_extension", "running", "run_habit"} & set(i["loads"])
        for d in data["weeks"][0]["days"]
        for i in d["items"]
    )


def test_backstride_plan_shows_evidence_on_items_and_exercises(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    _save_check(runner, cli_env, tmp_path, {**SAFE, **HIPS})
    out = _flat(runner.invoke(cli, ["plan", "--weeks", "1"], env=cli_env).output)
    kb = load_kb()
    ex = kb.exercises["half_kneeling_hip_flexor_stretch"]
    assert f"{ex.name} ({ex.id}): 3 x 30 s each side (evidence: {ex.evidence})" in out
    assert f"{kb.warm_up.name} (evidence: {kb.warm_up.evidence})" in out


def _page(tmp_path: Path, answers: dict[str, Any]) -> str:
    from backstride.assess import assess
    from backstride.services import selfcheck

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=tmp_path / "d")
    app = create_app(settings, config_path=tmp_path / "config.toml")
    kb = load_kb()
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        with app.state.web.engine.begin() as conn:
            result = assess(answers, kb)
            selfcheck.save_check(conn, kb=kb, answers=answers, result=result, source="test")
        text = client.get("/plan").text
    app.state.web.engine.dispose()
    return _flat(text)


def test_the_plan_page_carries_the_advice_stop_reasons_first(tmp_path: Path) -> None:
    page = _page(tmp_path, {**SAFE, **HIPS, **ALL_CASES["bone_stress_and_sciatica"]})
    stop = "Stop running and book a sports doctor or physio soon."
    other = "go urgently if numbness or weakness appears or spreads"
    assert stop in page and other in page and page.index(stop) < page.index(other)
    assert "Left out of this plan until you are seen" in page
    assert "evidence: " in page


def test_the_plan_page_shows_evidence_on_items_and_exercises(tmp_path: Path) -> None:
    page = _page(tmp_path, {**SAFE, **HIPS})
    kb = load_kb()
    ex = kb.exercises["half_kneeling_hip_flexor_stretch"]
    assert f"Rest {ex.dosage.rest_s} s · evidence: {ex.evidence.replace('_', ' ')}" in page
    assert f"Why · evidence: {kb.warm_up.evidence}" in page
    assert "Advice" not in page  # a self-care plan without diary lines has none
