"""`check --template FILE` writes a commented answers file that `check --answers` accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from backstride.kb import load_kb
from backstride.present.cli import cli
from tests.present.web.conftest import BASELINE


def _fill(template: str, answers: dict[str, Any]) -> str:
    out = []
    for line in template.splitlines():
        key = line[:-1] if line.endswith(":") and not line.startswith("#") else None
        if key is not None and key in answers:
            line = f"{key}: {json.dumps(answers[key])}"
        out.append(line)
    return "\n".join(out) + "\n"


def test_template_lists_every_question_with_its_values_and_is_accepted_filled_in(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "answers.yaml"
    result = runner.invoke(cli, ["check", "--template", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    text = path.read_text()
    kb = load_kb()
    blank = yaml.safe_load(text)
    asked = {q.id for q in kb.questions.values() if q.group != "derived"}
    assert set(blank) == asked and all(v is None for v in blank.values())
    assert "#   worsening  (Weak and getting worse)" in text
    assert "#   unsure" in text
    path.write_text(_fill(text, BASELINE))
    done = runner.invoke(cli, ["check", "--answers", str(path), "--json"], env=cli_env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["triage"]["level"] == "self_care"


def test_template_never_overwrites_a_file(
    runner: CliRunner, cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("mine")
    result = runner.invoke(cli, ["check", "--template", str(path)], env=cli_env)
    assert result.exit_code == 2 and "exists already" in result.output
    assert path.read_text() == "mine"
