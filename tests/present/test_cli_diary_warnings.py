"""`backstride diary add --warning` with the signs the diary could not record before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backstride.present.cli import cli
from tests.plan.conftest import GLUTES, SAFE


def _run(runner: CliRunner, env: dict[str, str], *args: str) -> Any:
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def checked(runner: CliRunner, cli_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A store holding one self-care check."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({**SAFE, **GLUTES}))
    assert _run(runner, cli_env, "check", "--answers", str(path)).exit_code == 0
    return cli_env


@pytest.mark.parametrize(
    ("sign", "level", "withdrawn"),
    [
        ("sexual_function_change", "emergency", True),
        ("trauma", "urgent", True),
        ("unexplained_weight_loss", "urgent", True),
        ("bony_tenderness", "see_clinician", False),
    ],
)
def test_new_warning_sign_reruns_the_safety_screen(
    runner: CliRunner, checked: dict[str, str], sign: str, level: str, withdrawn: bool
) -> None:
    result = _run(runner, checked, "diary", "add", "--during", "3", "--warning", sign)
    assert result.exit_code == 0, result.output
    assert ("withdrawn" in result.output) is withdrawn
    history = json.loads(_run(runner, checked, "history", "--json").output)
    assert [h["level"] for h in history][:2] == [level, "self_care"]
    plan = json.loads(_run(runner, checked, "plan", "--json").output)
    assert plan["level"] == level
    runs = [i for w in plan["weeks"] for d in w["days"] for i in d["items"] if i["kind"] == "run"]
    assert runs == []  # no plan at all, or (bone stress) no running
    assert (plan["weeks"] == []) is withdrawn
    listed = json.loads(_run(runner, checked, "diary", "list", "--json").output)
    assert listed[0]["warnings"] == [sign]


def test_old_sign_name_is_saved_under_the_question_id(
    runner: CliRunner, checked: dict[str, str]
) -> None:
    result = _run(runner, checked, "diary", "add", "--during", "3", "--warning", "night_pain")
    assert result.exit_code == 0, result.output
    listed = json.loads(_run(runner, checked, "diary", "list", "--json").output)
    assert listed[0]["warnings"] == ["constant_night_pain"]
    plan = json.loads(_run(runner, checked, "plan", "--json").output)
    assert plan["level"] == "urgent"


def test_warning_help_lists_every_sign_of_the_knowledge_base(runner: CliRunner) -> None:
    from backstride.kb import load_kb

    help_text = " ".join(runner.invoke(cli, ["diary", "add", "--help"]).output.split())
    missing = [w for w in load_kb().progress_rules.diary_warnings if w not in help_text]
    assert missing == []


def test_a_fall_before_any_check_still_triages_urgent(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    result = _run(runner, cli_env, "diary", "add", "--during", "3", "--warning", "trauma")
    assert result.exit_code == 0, result.output
    assert "withdrawn" in result.output and "Saved day entry" in result.output
