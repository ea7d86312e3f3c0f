"""`backstride check`: the self-check, interactive or from an answers file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from backstride.assess import assess
from backstride.errors import InvalidAnswer
from backstride.kb import load_kb
from backstride.models import TrainingEvidence
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.cli.interview import run_interview
from backstride.present.report.terminal import render_result
from backstride.store import checks


def read_answers_file(path: Path) -> dict[str, Any]:
    """A JSON or YAML mapping of question id -> value; errors name the file and line."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidAnswer(f"{path}: cannot read the answers file: {exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InvalidAnswer(f"{path}: line {exc.lineno}: malformed JSON: {exc.msg}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise InvalidAnswer(f"{path}: {where}malformed YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidAnswer(
            f"{path}: expected a mapping of question id to answer, got {type(data).__name__}"
        )
    return data


def training_evidence(app: AppContext) -> TrainingEvidence | None:
    """What imported training says, if the runner has any (filled answers are overridable)."""
    try:
        from backstride.services.training import (  # type: ignore[import-not-found,unused-ignore]
            training_evidence_from_store,
        )
    except ImportError:
        return None
    from datetime import date

    with app.engine.connect() as conn:
        found = training_evidence_from_store(conn, today=date.today(), settings=app.settings)
    found = _with_form_evidence(app, found)
    return found if found.answers else None


def _with_form_evidence(app: AppContext, found: TrainingEvidence) -> TrainingEvidence:
    """Add what a saved `backstride form --save` check showed (prefills form_observed)."""
    try:
        from backstride.services.form import form_evidence
    except ImportError:  # pragma: no cover - services.form needs only numpy to import
        return found
    video = form_evidence(app.settings)
    if not video.answers:
        return found
    return TrainingEvidence(
        answers={**found.answers, **video.answers}, lines={**found.lines, **video.lines}
    )


@click.command("check")
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON or YAML file mapping question ids to answers (non-interactive).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--no-save", is_flag=True, help="Do not save the check in the history.")
@pass_app
def check_cmd(app: AppContext, answers_file: Path | None, as_json: bool, no_save: bool) -> None:
    """Run the self-check: warning signs first, then likely causes, then a plan.

    Example: backstride check --answers my-answers.yaml --json
    """
    kb = load_kb()
    if answers_file is None:
        run_interview(app, kb, save=not no_save)
        return
    raw = read_answers_file(answers_file)
    result = assess(raw, kb, training=training_evidence(app)).to_json()
    if not no_save:
        with app.engine.begin() as conn:
            result["check_id"] = checks.add(
                conn,
                answers=raw,
                result=result,
                kb_version=kb.version,
                triage_level=result["triage"]["level"],
            )
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        render_result(app.console, result)


def register(cli: click.Group) -> None:
    cli.add_command(check_cmd)
