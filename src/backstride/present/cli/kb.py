"""`backstride kb`: validate the knowledge base and browse it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from backstride.kb import check_kb
from backstride.kb.schema import Question
from backstride.present.cli import tables
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.cli.output import output_options, print_rows


@click.group("kb")
def kb_group() -> None:
    """The knowledge base: check it, list its questions."""


@kb_group.command("check")
@click.option(
    "--path",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A KB folder to check instead of the shipped one.",
)
def check_cmd(path: Path | None) -> None:
    """Validate every KB file; print file, id and problem for each error (exit 1 if any)."""
    kb, problems = check_kb(path)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the knowledge base")
    assert kb is not None
    click.echo(
        f"knowledge base {kb.version} is valid: {len(kb.questions)} questions, "
        f"{len(kb.red_flags)} triage rules, {len(kb.causes)} causes, "
        f"{len(kb.exercises)} exercises, {len(kb.load_rules.rules)} load rules, "
        f"{len(kb.sources)} sources"
    )


def allowed_values(q: Question) -> list[str]:
    """What an answers file may hold for a question, in its own vocabulary."""
    if q.values:
        return list(q.values)
    if q.type == "bool":
        return ["true", "false", *(["unsure"] if q.accepts_unsure else [])]
    bounds = [
        f">= {q.min:g}" if q.min is not None else "",
        f"<= {q.max:g}" if q.max is not None else "",
    ]
    return [" ".join(b for b in bounds if b)] if any(bounds) else []


def question_json(q: Question) -> dict[str, Any]:
    """One question for `kb questions --json`: id, wording, type and allowed values."""
    return {
        "id": q.id,
        "text": q.text,
        "type": q.type,
        "group": q.group,
        "required": q.required,
        "values": q.values,
        "labels": q.value_labels,
        "min": q.min,
        "max": q.max,
        "allowed": allowed_values(q),
    }


@kb_group.command("questions")
@output_options
@tables.wide_option
@pass_app
def questions_cmd(app: AppContext, output: str | None, wide: bool) -> None:
    """List every question id with its type and allowed values (`--json`: with wording)."""
    kb, _ = check_kb()
    assert kb is not None
    asked = [q for q in kb.questions.values() if q.group != "derived"]
    if print_rows([question_json(q) for q in asked], output):
        return
    cols: list[str | tuple[str, str]] = ["id", "type"]
    if wide:
        cols += ["group", "required"]
    table = tables.table(*cols, ("allowed", "text"))
    for q in asked:
        extra = [q.group, "yes" if q.required else ""] if wide else []
        table.add_row(q.id, q.type, *extra, ", ".join(allowed_values(q)))
    app.console.print(tables.fit(table))


def register(cli: click.Group) -> None:
    cli.add_command(kb_group)
