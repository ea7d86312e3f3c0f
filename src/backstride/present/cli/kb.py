"""`backstride kb`: validate the knowledge base and browse it."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from backstride.kb import check_kb
from backstride.present.cli.context import AppContext, pass_app


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


@kb_group.command("questions")
@pass_app
def questions_cmd(app: AppContext) -> None:
    """List every question id with its type and allowed values."""
    kb, _ = check_kb()
    assert kb is not None
    table = Table("id", "group", "type", "allowed", "required")
    for q in kb.questions.values():
        if q.group == "derived":
            continue
        allowed = ", ".join(q.values or []) or " ".join(
            x
            for x in (
                f">= {q.min:g}" if q.min is not None else "",
                f"<= {q.max:g}" if q.max is not None else "",
            )
            if x
        )
        table.add_row(q.id, q.group, q.type, allowed, "yes" if q.required else "")
    app.console.print(table)


def register(cli: click.Group) -> None:
    cli.add_command(kb_group)
