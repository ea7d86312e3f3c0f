"""`backstride progress`: pain trend against the MCID, adherence, and the two-week escalation."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from backstride.kb import load_kb
from backstride.present.cli.context import AppContext, pass_app
from backstride.present.report.plan_text import render_advice
from backstride.services.plan import plan_view


@click.command("progress")
@click.option("--json", "as_json", is_flag=True, help="Print progress as one JSON object.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True)
@pass_app
def progress_cmd(app: AppContext, as_json: bool, today: datetime | None) -> None:
    """Show how pain has changed since the plan began and how much of it was done."""
    day = today.date() if today else date.today()
    kb = load_kb()
    with app.engine.begin() as conn:
        view = plan_view(conn, kb=kb, today=day)
    if as_json:
        click.echo(json.dumps(view.progress_json(), indent=2))
        return
    render_advice(app.console, view)
    p = view.progress
    for day, pain in p.points:
        click.echo(f"{day.isoformat()}  {'#' * pain:<10} {pain}/10")
    if p.baseline is not None and p.recent is not None:
        verdict = "improved" if p.improved else "not yet an important improvement"
        rule = kb.progress_rules.improvement  # the knowledge base's MCID, as the report's
        click.echo(
            f"Pain {p.baseline:.1f} -> {p.recent:.1f}: {verdict} (an important change: "
            f"{rule.mcid_points:g} points or {rule.mcid_fraction:.0%} less than at the start)."
        )
    click.echo(f"Sessions done: {view.adherence.done}/{view.adherence.planned}")


def register(cli: click.Group) -> None:
    cli.add_command(progress_cmd)
