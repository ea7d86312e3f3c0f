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
    with app.engine.begin() as conn:
        view = plan_view(conn, kb=load_kb(), today=day)
    data = view.progress_json()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    render_advice(app.console, view)
    for point in data["points"]:
        click.echo(f"{point['date']}  {'#' * point['pain']:<10} {point['pain']}/10")
    if data["baseline"] is not None and data["recent"] is not None:
        verdict = "improved" if data["improved"] else "not yet an important improvement"
        click.echo(
            f"Pain {data['baseline']:.1f} -> {data['recent']:.1f}: {verdict} (MCID: 2 points or 30%)."
        )
    a = data["adherence"]
    click.echo(f"Sessions done: {a['done']}/{a['planned']}")


def register(cli: click.Group) -> None:
    cli.add_command(progress_cmd)
