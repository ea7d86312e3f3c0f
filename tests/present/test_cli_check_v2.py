"""Safety screen v2 in the CLI: "unsure", typed choices, and a triage that never waits on training."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from backstride.present.cli import cli
from tests.present.test_cli_check import interview_lines

BASELINE = Path(__file__).resolve().parent.parent / "data" / "answers" / "baseline.yaml"


def test_unsure_at_the_prompt_counts_as_yes_and_says_how_to_check(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    result = runner.invoke(cli, ["check"], env=cli_env, input="unsure\n")
    assert result.exit_code == 0, result.output
    assert "EMERGENCY" in result.output
    assert "How to check" in result.output
    assert "treats" in result.output and "unsure" in result.output


def test_a_typed_choice_is_matched_and_an_unknown_one_is_asked_again(
    runner: CliRunner, cli_env: dict[str, str]
) -> None:
    lines = interview_lines({"pain_character": "Sharp pain\nSharp"})
    result = runner.invoke(cli, ["check", "--no-save"], env=cli_env, input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "'Sharp pain'" in result.output and "is not allowed" in result.output
    assert "SEE A CLINICIAN" in result.output  # "Sharp" counted, not silently dropped


def test_answers_file_accepts_unsure_and_the_new_ids(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = {
        **yaml.safe_load(BASELINE.read_text()),
        "fever_or_unwell": "unsure",
        "recent_spinal_procedure_or_infection": True,
        "pregnancy_status": "no",
        "nsaid_relief_within_48h": False,
    }
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(cli, ["check", "--answers", str(path), "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["triage"]["level"] == "urgent"
    assert out["triage"]["how_soon"] == "today"  # fever (unsure) with a recent procedure
    assert out["triage"]["safety_net"]
    assert out["plan"] is None


def test_the_triage_is_printed_when_training_evidence_cannot_be_read(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr("backstride.services.training.training_evidence_from_store", broken)
    path = tmp_path / "a.yaml"
    path.write_text(
        yaml.safe_dump({**yaml.safe_load(BASELINE.read_text()), "saddle_numbness": True})
    )
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "EMERGENCY" in result.output
    assert "Not used: your training history" in result.output
    assert "OverflowError" in result.output


def test_a_missing_required_id_names_the_new_one(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = yaml.safe_load(BASELINE.read_text())
    del data["recent_spinal_procedure_or_infection"]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(cli, ["check", "--answers", str(path)], env=cli_env)
    assert result.exit_code == 2
    assert "recent_spinal_procedure_or_infection" in result.output
