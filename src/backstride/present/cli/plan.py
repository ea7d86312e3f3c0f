"""`backstride plan`: the weekly plan from the latest check, as text, JSON or iCalendar."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click

from backstride.files import write_atomic
from backstride.kb import load_kb
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.report.plan_text import render_plan
from backstride.services import records
from backstride.services.experiment import experiment_reminders
from backstride.services.plan import plan_view, preferences_from_store
from backstride.services.today import plan_span

KINDS = ("strength", "mobility", "run")


@click.group("plan", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object.")
@click.option("--weeks", type=click.IntRange(1, 26), help="How many weeks to plan (default 4).")
@click.option(
    "--ics",
    "ics_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write an iCalendar file.",
)
@click.option("--full", is_flag=True, help="Print each exercise's how-to under it as well.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True)
@click.pass_context
def plan_group(
    ctx: click.Context,
    as_json: bool,
    weeks: int | None,
    ics_file: Path | None,
    full: bool,
    today: datetime | None,
) -> None:
    """Plan the coming weeks from the latest saved check, training history and diary.

    Example: backstride plan --weeks 6 --ics plan.ics
    """
    if ctx.invoked_subcommand is not None:
        return
    app: AppContext = ctx.obj
    day = today.date() if today else date.today()
    with app.engine.begin() as conn:
        prefs = preferences_from_store(conn, settings=app.settings, weeks=weeks)
        view = plan_view(conn, kb=load_kb(), today=day, preferences=prefs)
        reminders = experiment_reminders(conn, *plan_span(view)) if ics_file else {}
    if ics_file is not None:
        # deferred: icalendar, only when a calendar file is asked for
        from backstride.present.report.ics import plan_to_ics

        write_atomic(ics_file, plan_to_ics(view.plan, reminders=reminders))
    if as_json:
        click.echo(json.dumps(view.to_json(), indent=2))
    else:
        render_plan(app.console, view, full=full)


@plan_group.command("done")
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Day of the session (default today)."
)
@pass_app
def done_cmd(app: AppContext, kind: str, on: datetime | None) -> None:
    """Mark a planned session done (runs and strength logged in the diary count already)."""
    day = on.date() if on else date.today()
    with app.engine.begin() as conn:
        new = records.tick(conn, item_date=day, kind=kind)
    click.echo(f"{kind} on {day} marked done." if new else f"{kind} on {day} was already done.")


def register(cli: click.Group) -> None:
    cli.add_command(plan_group)
