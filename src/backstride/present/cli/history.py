"""`backstride history`: saved self-checks, and one re-displayed."""

from __future__ import annotations

import json

import click

from backstride.present.cli import tables
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.cli.output import output_options, print_rows
from backstride.present.report.terminal import render_result
from backstride.services import records
from backstride.services.selfcheck import saved_result


@click.group("history", invoke_without_command=True)
@output_options
@tables.wide_option
@click.pass_context
def history_group(ctx: click.Context, output: str | None, wide: bool) -> None:
    """List saved self-checks, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    app: AppContext = ctx.obj
    with app.engine.connect() as conn:
        saved = records.recent_checks(conn, limit=100)
    rows = [
        {"id": c.id, "created_at": c.created_at.isoformat(), "level": c.triage_level,
         "kb_version": c.kb_version, "note": c.notes[0] if c.notes else None}
        for c in saved
    ]  # fmt: skip
    if print_rows(rows, output):
        return
    cols: list[str | tuple[str, str]] = ["id", "date (local)", "level"]
    table = tables.table(*cols, *(["kb"] if wide else []), ("top cause", "text"))
    for c in saved:
        top = c.top_cause or "-"
        when = c.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        level = c.triage_level.replace("_", " ")
        table.add_row(str(c.id), when, level, *([c.kb_version] if wide else []), top)
    app.console.print(
        tables.fit(table) if saved else "No saved checks yet: run `backstride check`."
    )


@history_group.command("show")
@click.argument("check_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the saved result as JSON.")
@pass_app
def show_cmd(app: AppContext, check_id: int, as_json: bool) -> None:
    """Re-display one saved check exactly as it was assessed."""
    with app.engine.connect() as conn:
        saved = records.saved_check(conn, check_id=check_id)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "id": saved.id,
                    "created_at": saved.created_at.isoformat(),
                    "answers": saved.answers,
                    "result": saved.result,
                },
                indent=2,
            )
        )
        return
    app.console.print(f"Check {saved.id} from {saved.created_at:%Y-%m-%d %H:%M} UTC")
    render_result(app.console, saved_result(saved))
    for note in saved.notes:
        app.console.print(f"[bold yellow]Note:[/] {note}")


def register(cli: click.Group) -> None:
    cli.add_command(history_group)
