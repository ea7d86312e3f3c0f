"""`backstride check`: the self-check, interactive or from an answers file."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import yaml

from backstride.errors import InvalidAnswer
from backstride.present.cli.context import AppContext, pass_app

if TYPE_CHECKING:
    from backstride.kb import KnowledgeBase
    from backstride.models import TrainingEvidence

#: An answers file larger than this is refused unread [bytes]; a complete one is ~2 KB.
MAX_ANSWERS_BYTES = 1024 * 1024


def _answers_text(path: Path) -> str:
    """The file's text, refused before reading when it is no regular file or too large."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InvalidAnswer(
                f"{path}: not a regular file (a pipe, device or socket): give an answers file"
            )
        if info.st_size > MAX_ANSWERS_BYTES:
            raise InvalidAnswer(
                f"{path}: {info.st_size / 2**20:.1f} MB is too large for an answers file (the "
                f"limit is {MAX_ANSWERS_BYTES // 2**20} MB; a complete one is about 2 KB)"
            )
        with path.open("rb") as fh:
            return fh.read(MAX_ANSWERS_BYTES + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidAnswer(f"{path}: cannot read the answers file: {exc}") from exc


def read_answers_file(path: Path) -> dict[str, Any]:
    """A JSON or YAML mapping of question id -> value; errors name the file and line.

    Hostile files give an InvalidAnswer, never a traceback: oversized or special files are
    refused unread, and nesting too deep or numbers too long to convert are caught.
    """
    text = _answers_text(path)
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InvalidAnswer(f"{path}: line {exc.lineno}: malformed JSON: {exc.msg}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise InvalidAnswer(f"{path}: {where}malformed YAML: {exc}") from exc
    except RecursionError as exc:
        raise InvalidAnswer(
            f"{path}: nested too deeply to be answers (a mapping of question id to answer)"
        ) from exc
    except ValueError as exc:  # e.g. an integer past Python's 4300-digit conversion limit
        raise InvalidAnswer(f"{path}: a value that is not a usable answer: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidAnswer(
            f"{path}: expected a mapping of question id to answer, got {type(data).__name__}"
        )
    return data


def answers_template(kb: KnowledgeBase) -> str:
    """A YAML answers file to fill in: every question, its wording and allowed values as
    comments, the answer left empty. Empty answers are read as not answered."""
    import textwrap

    from backstride.present.cli.kb import allowed_values
    from backstride.services.selfcheck import GROUPS

    lines = [
        "# backstride self-check answers. Fill in the value after each colon, then run",
        "#   backstride check --answers THIS_FILE",
        "# Leave a value empty to skip an optional question; every 'required' one needs",
        "# an answer. Yes/no questions take true or false (warning signs also unsure).",
    ]
    for group, title in GROUPS:
        questions = kb.questions_in(group)
        if not questions:
            continue
        lines += ["", f"# ---- {title} ----"]
        for q in questions:
            lines.append("")
            lines += ["# " + t for t in textwrap.wrap(q.text, 76)]
            labels = q.value_labels or {}
            allowed = allowed_values(q)
            if q.type == "choices":
                lines.append("# a list of any of:")
            for v in allowed:
                label = labels.get(v)
                lines.append(f"#   {v}" + (f"  ({label})" if label else ""))
            lines.append(f"# {'required' if q.required else 'optional'}, type {q.type}")
            lines.append(f"{q.id}:")
    return "\n".join(lines) + "\n"


def training_evidence(
    app: AppContext, kb: KnowledgeBase
) -> tuple[TrainingEvidence | None, list[str]]:
    """What imported training says, if the runner has any, and what could not be read."""
    # deferred: CLI start-up, see tests/present/test_cli_startup.py (the store)
    from backstride.services import selfcheck

    try:
        engine = app.engine
    except Exception as exc:  # noqa: BLE001 - an unreadable store must not cost the triage
        return None, [f"the store could not be opened ({type(exc).__name__}: {exc})"]
    return selfcheck.training_evidence(
        engine, today=date.today(), settings=app.settings, rules=kb.load_rules
    )


@click.command("check")
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON or YAML file mapping question ids to answers (non-interactive).",
)
@click.option(
    "--template",
    "template_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a commented YAML answers file to fill in, then use it with --answers.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--no-save", is_flag=True, help="Do not save the check in the history.")
@pass_app
def check_cmd(
    app: AppContext,
    answers_file: Path | None,
    template_file: Path | None,
    as_json: bool,
    no_save: bool,
) -> None:
    """Run the self-check: warning signs first, then likely causes, then a plan.

    Example: backstride check --template answers.yaml (fill it in), then
    backstride check --answers answers.yaml --json
    """
    # Imported here so `check --help` needs none of them (the knowledge base, the store).
    from backstride.kb import load_kb
    from backstride.present.report.terminal import render_result
    from backstride.services import selfcheck

    kb = load_kb()
    if template_file is not None:
        from backstride.files import write_atomic

        if template_file.exists():
            raise click.BadParameter(
                f"{template_file} exists already: give a new file name", param_hint="--template"
            )
        write_atomic(template_file, answers_template(kb).encode())
        click.echo(
            f"Answers template written to {template_file}: fill it in, then run "
            f"`backstride check --answers {template_file}`."
        )
        return
    if answers_file is None:
        # deferred: the interview's prompts, only without --answers
        from backstride.present.cli.interview import run_interview

        run_interview(app, kb, save=not no_save)
        return
    # an empty value (a template's unanswered question) is not an answer
    raw = {k: v for k, v in read_answers_file(answers_file).items() if v is not None}
    training, problems = training_evidence(app, kb)
    assessment = selfcheck.run_check(raw, kb, training=training, evidence_problems=problems)
    check_id: int | None = None
    not_saved: str | None = None
    if not no_save:
        try:
            with app.engine.begin() as conn:
                check_id = selfcheck.save_check(
                    conn, kb=kb, answers=raw, result=assessment, source="cli"
                )
        except Exception as exc:  # noqa: BLE001 - the triage is printed whatever the store does
            not_saved = f"the check could not be saved ({type(exc).__name__}: {exc})"
    if as_json:
        shown = assessment.to_json()
        if check_id is not None:
            shown["check_id"] = check_id
        if not_saved is not None:
            shown["not_saved"] = not_saved
        click.echo(json.dumps(shown, indent=2))
    else:
        render_result(app.console, assessment)
        if not_saved is not None:
            app.console.print(f"[yellow]Not saved: {not_saved}[/]")


def register(cli: click.Group) -> None:
    cli.add_command(check_cmd)
